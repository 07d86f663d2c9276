"""Does the expert know a fact, or only a phrasing of it?

  /usr/bin/python3 training/phrasing_probe.py

The factual evaluation asks in held-out phrasings the model never saw. This asks the same
capitals and continents in one of the training phrasings (the first words of a training template,
up to the answer) and scores both exactly as evaluate.py does, so the two failures can be told
apart."""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import greedy_text, is_match  # noqa: E402
from export_onnx import load_checkpoint  # noqa: E402
from tokenize_data import load_tokenizer  # noqa: E402

TRAINING_PHRASINGS = {'capital': 'The capital of {c} is', 'continent': '{c} is located on the continent of'}


def answered(model, tok, prompt, answer):
    continuation = greedy_text(model, tok, tok.encode(prompt), len(tok.encode(answer)) + 2)
    return is_match(continuation, answer)


def main():
    torch.set_num_threads(2)
    tok = load_tokenizer()
    model = load_checkpoint(os.path.join(HERE, 'checkpoints', 'expert', 'best.pt'))[0].eval()
    prompts = json.load(open(os.path.join(HERE, '..', 'tests', 'fixtures', 'factual-prompts.json')))['prompts']
    for relation, phrasing in TRAINING_PHRASINGS.items():
        cases = [p for p in prompts if p['relation'] == relation]
        held_out = sum(answered(model, tok, p['prompt'], p['answer']) for p in cases)
        seen = sum(answered(model, tok, phrasing.format(c=p['country']), p['answer']) for p in cases)
        print(f'{relation:<10} held-out phrasing {held_out}/{len(cases)}   training phrasing "{phrasing}" {seen}/{len(cases)}')


if __name__ == '__main__':
    main()
