"""Step 1: gather every source, split whole documents into train / held-out, and write
training/.cache/data/{train,valid}.jsonl plus tests/fixtures/factual-prompts.json."""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))
import facts as factmod  # noqa: E402
import sources  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(sources.CACHE, 'data')
HELDOUT_FRACTION = 0.05


def split(docs, seed):
    """Hold out whole documents, chosen by a seeded shuffle so the split is reproducible."""
    rng = random.Random(seed)
    order = list(range(len(docs)))
    rng.shuffle(order)
    n_valid = max(1, int(round(len(docs) * HELDOUT_FRACTION)))
    valid_idx = set(order[:n_valid])
    return ([d for i, d in enumerate(docs) if i not in valid_idx], [d for i, d in enumerate(docs) if i in valid_idx])


def main():
    os.makedirs(OUT, exist_ok=True)
    train, valid, stats = [], [], {}
    readers = [('brown', sources.brown_documents), ('kjv', sources.kjv_documents),
               ('fortunes', sources.fortune_documents), ('wordnet', sources.wordnet_documents)]
    for seed, (name, reader) in enumerate(readers):
        docs = reader()
        tr, va = split(docs, seed)
        train += tr
        valid += va
        stats[name] = {'train_docs': len(tr), 'valid_docs': len(va),
                       'train_chars': sum(len(d['text']) for d in tr), 'valid_chars': sum(len(d['text']) for d in va)}
        print(f'[data] {name}: {len(tr)} train docs, {len(va)} held-out docs, {stats[name]["train_chars"]:,} train chars', flush=True)
    facts = factmod.load_facts()
    fact_docs = factmod.training_documents(facts)
    train += fact_docs
    stats['facts'] = {'facts': len(facts), 'train_docs': len(fact_docs), 'valid_docs': 0,
                      'train_chars': sum(len(d['text']) for d in fact_docs), 'valid_chars': 0}
    print(f'[data] facts: {len(facts)} facts, {len(fact_docs)} training paragraphs', flush=True)
    random.Random(1234).shuffle(train)
    for name, docs in (('train', train), ('valid', valid)):
        with open(os.path.join(OUT, f'{name}.jsonl'), 'w', encoding='utf-8') as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + '\n')
    json.dump({'sources': {k: {'description': v[0], 'license': v[1]} for k, v in sources.SOURCES.items()},
               'split': stats, 'heldout_fraction': HELDOUT_FRACTION,
               'fact_templates': {'train': factmod.TRAIN_TEMPLATES, 'heldout': factmod.HELDOUT_TEMPLATES}},
              open(os.path.join(OUT, 'stats.json'), 'w'), indent=1)
    prompts = factmod.heldout_prompts(facts)
    fixtures = os.path.join(REPO, 'tests', 'fixtures')
    os.makedirs(fixtures, exist_ok=True)
    json.dump({'description': 'Held-out factual prompts: templates never seen in training (see training/data/facts.py). '
                              'A completion is correct when the greedy continuation starts with `answer` followed by a non-letter.',
               'source': sources.SOURCES['facts'][0], 'license': sources.SOURCES['facts'][1],
               'templates': factmod.HELDOUT_TEMPLATES, 'prompts': prompts},
              open(os.path.join(fixtures, 'factual-prompts.json'), 'w', encoding='utf-8'), indent=1, ensure_ascii=False)
    print(f'[data] wrote {len(train)} train / {len(valid)} held-out documents and {len(prompts)} factual prompts', flush=True)


if __name__ == '__main__':
    main()
