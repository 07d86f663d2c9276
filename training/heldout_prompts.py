"""Writes tests/fixtures/heldout-text-prompts.json: openings of held-out documents (never seen in
training) for the open-ended generation evaluation (npm run eval): repetition, diversity and the
expert's perplexity of each method's continuation. Deterministic: the first documents of each
source in the held-out file, cut at a word boundary."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
VALID = os.path.join(HERE, '.cache', 'data', 'valid.jsonl')
OUT = os.path.join(REPO, 'tests', 'fixtures', 'heldout-text-prompts.json')

# source -> (how many prompts, the least characters a document needs to give one)
QUOTA = {'brown': (20, 300), 'kjv': (20, 300), 'wordnet': (10, 300), 'fortunes': (10, 160)}
WORDS = 24


def opening(text, words=WORDS):
    return ' '.join(text.split()[:words])


def main():
    taken = {source: [] for source in QUOTA}
    with open(VALID, encoding='utf-8') as f:
        for line in f:
            doc = json.loads(line)
            source = doc['source']
            count, least = QUOTA.get(source, (0, 0))
            if len(taken.get(source, [])) < count and len(doc['text']) >= least:
                taken[source].append({'source': source, 'doc_id': doc['doc_id'], 'prompt': opening(doc['text'])})
    prompts = [p for source in QUOTA for p in taken[source]]
    out = {
        'description': f'Openings ({WORDS} words) of held-out documents, never seen in training; for the open-ended generation evaluation.',
        'licenses': 'See public/models/expert/MODEL_CARD.md (Data): Brown corpus, KJV (public domain), BSD fortunes, WordNet 3.0.',
        'prompts': prompts,
    }
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write('\n')
    print(f'[heldout-prompts] wrote {len(prompts)} prompts to {os.path.relpath(OUT, REPO)}')


if __name__ == '__main__':
    main()
