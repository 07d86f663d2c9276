"""Step 1: gather every source, split whole documents into train / held-out, and write
training/.cache/data/{train,valid,tokenizer}.jsonl plus tests/fixtures/factual-prompts.json.

The first family's four sources keep their readers and split seeds, so their held-out documents
are the same as before; tokenizer.jsonl is exactly the first family's training text, so the BPE
learned from it is the same too."""
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import facts as factmod  # noqa: E402
import sources  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(sources.CACHE, 'data')
HELDOUT_FRACTION = 0.05
# Paragraphs per subject (country, state, element): the facts' share of the training text.
FACT_PARAGRAPHS = 40
# Words in a row that a training document may not share with any held-out one.
OVERLAP_WORDS = 13
# Order matters: a source's split seed is its place in this list, so new sources go at the end.
READERS = [('brown', sources.brown_documents), ('kjv', sources.kjv_documents),
           ('fortunes', sources.fortune_documents), ('wordnet', sources.wordnet_documents),
           ('sotu', sources.sotu_documents), ('moby', sources.moby_documents),
           ('devil', sources.devil_documents), ('wordnet-more', sources.wordnet_more_documents)]


def split(docs, seed):
    """Hold out whole documents, chosen by a seeded shuffle so the split is reproducible."""
    rng = random.Random(seed)
    order = list(range(len(docs)))
    rng.shuffle(order)
    n_valid = max(1, int(round(len(docs) * HELDOUT_FRACTION)))
    valid_idx = set(order[:n_valid])
    return ([d for i, d in enumerate(docs) if i not in valid_idx], [d for i, d in enumerate(docs) if i in valid_idx])


def word_ngrams(text, n=OVERLAP_WORDS):
    words = text.split()
    return {' '.join(words[i:i + n]) for i in range(len(words) - n + 1)}


def without_heldout_overlap(train, valid):
    """Training documents minus any that share a run of OVERLAP_WORDS words with a held-out
    document, the decontamination rule of GPT-3 (Brown et al. 2020) with its 13 words. Held-out
    texts do recur elsewhere: the fortune files print some fortunes twice or quote Moby-Dick, so
    the first family trained on a few held-out fortunes. Held-out documents shorter than that are
    compared whole."""
    grams, whole = set(), set()
    for d in valid:
        g = word_ngrams(d['text'])
        if g:
            grams |= g
        else:
            whole.add(' '.join(d['text'].split()))
    kept, dropped = [], []
    for d in train:
        text = ' '.join(d['text'].split())
        if text in whole or any(h in text for h in whole if len(h) > 40) or not grams.isdisjoint(word_ngrams(text)):
            dropped.append(d)
        else:
            kept.append(d)
    return kept, dropped


def build_documents(log=print):
    """Every source's training and held-out documents, the facts and their paragraphs, the first
    family's training text (for the tokenizer) and per-source statistics: everything main() writes."""
    splits, valid, first_family_train = {}, [], []
    for seed, (name, reader) in enumerate(READERS):
        splits[name] = split(reader(), seed)
        valid += splits[name][1]
        # The tokenizer keeps the first family's training text exactly, overlaps included.
        first_family_train += splits[name][0] if name in sources.FIRST_FAMILY_SOURCES else []
    train, stats = [], {}
    for name, (tr, va) in splits.items():
        tr, dropped = without_heldout_overlap(tr, valid)
        train += tr
        stats[name] = {'train_docs': len(tr), 'valid_docs': len(va), 'dropped_overlapping_heldout': len(dropped),
                       'train_chars': sum(len(d['text']) for d in tr), 'valid_chars': sum(len(d['text']) for d in va)}
        log(f'[data] {name}: {len(tr)} train docs, {len(va)} held-out docs, {stats[name]["train_chars"]:,} train chars'
            f'{f", {len(dropped)} dropped for sharing {OVERLAP_WORDS} words in a row with a held-out document" if dropped else ""}')
    facts = factmod.load_facts()
    fact_docs = factmod.training_documents(facts, paragraphs_per_subject=FACT_PARAGRAPHS)
    train += fact_docs
    stats['facts'] = {'facts': len(facts), 'train_docs': len(fact_docs), 'valid_docs': 0,
                      'train_chars': sum(len(d['text']) for d in fact_docs), 'valid_chars': 0}
    log(f'[data] facts: {len(facts)} facts, {len(fact_docs)} training paragraphs')
    return train, valid, facts, first_family_train, stats


def main():
    os.makedirs(OUT, exist_ok=True)
    train, valid, facts, first_family_train, stats = build_documents(lambda m: print(m, flush=True))
    random.Random(1234).shuffle(train)
    first = first_family_train + factmod.first_family_documents(facts)
    random.Random(1234).shuffle(first)  # the first family's order, which the BPE's tie-breaks follow
    for name, docs in (('train', train), ('valid', valid), ('tokenizer', first)):
        with open(os.path.join(OUT, f'{name}.jsonl'), 'w', encoding='utf-8') as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + '\n')
    json.dump({'sources': {k: {'description': v[0], 'license': v[1]} for k, v in sources.SOURCES.items()},
               'first_family_sources': list(sources.FIRST_FAMILY_SOURCES),
               'split': stats, 'heldout_fraction': HELDOUT_FRACTION, 'fact_paragraphs_per_subject': FACT_PARAGRAPHS,
               'fact_templates': {'train': factmod.TRAIN_TEMPLATES, 'heldout': factmod.HELDOUT_TEMPLATES,
                                  'composed': {rel: len(factmod.composed_templates(rel)) for rel in factmod.CUES},
                                  'composed_share': factmod.COMPOSED_SHARE}},
              open(os.path.join(OUT, 'stats.json'), 'w'), indent=1)
    prompts = factmod.heldout_prompts(facts)
    fixtures = os.path.join(REPO, 'tests', 'fixtures')
    os.makedirs(fixtures, exist_ok=True)
    json.dump({'description': 'Held-out factual prompts: templates never seen in training (see training/data/facts.py). '
                              'A completion is correct when the greedy continuation starts with `answer` followed by neither a letter nor a digit. '
                              f'The relations {", ".join(factmod.ORIGINAL_RELATIONS)} are the original set '
                              '(the first family was evaluated on them); the others were added with the second family.',
               'source': sources.SOURCES['facts'][0], 'license': sources.SOURCES['facts'][1],
               'original_relations': list(factmod.ORIGINAL_RELATIONS),
               'templates': factmod.HELDOUT_TEMPLATES, 'prompts': prompts},
              open(os.path.join(fixtures, 'factual-prompts.json'), 'w', encoding='utf-8'), indent=1, ensure_ascii=False)
    print(f'[data] wrote {len(train)} train / {len(valid)} held-out documents and {len(prompts)} factual prompts', flush=True)


if __name__ == '__main__':
    main()
