"""Quick proxy for eval's CD li2022 diversity: greedy CD (alpha, tau=1) with the amateur reading the
last prompt token plus the continuation; token diversity = prod_{n=2..4}(1 - rep-n)."""
import argparse, json, os, sys
import torch
sys.path.insert(0, __import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)), '..'))
from export_onnx import load_checkpoint
from tokenize_data import load_tokenizer

def logp(model, ids):
    out = model(ids)
    return torch.log_softmax((out[0] if isinstance(out, tuple) else out).float()[0, -1], -1)

def diversity(ids):
    d = 1.0
    for n in (2, 3, 4):
        grams = [tuple(ids[i:i + n]) for i in range(len(ids) - n + 1)]
        d *= len(set(grams)) / len(grams)
    return d

@torch.no_grad()
def main():
    p = argparse.ArgumentParser()
    p.add_argument('--expert', required=True); p.add_argument('--amateur', required=True)
    p.add_argument('--prompts', type=int, default=12); p.add_argument('--tokens', type=int, default=128)
    p.add_argument('--alpha', type=float, default=0.1); p.add_argument('--greedy', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(2)
    tok = load_tokenizer()
    E = load_checkpoint(a.expert)[0].eval(); A = load_checkpoint(a.amateur)[0].eval()
    fixture = json.load(open(__import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)), '..', '..', 'tests', 'fixtures', 'heldout-text-prompts.json')))
    divs = []
    for entry in fixture['prompts'][:a.prompts]:
        prompt = tok.encode(entry['prompt'])
        ids = list(prompt)
        for _ in range(a.tokens):
            le = logp(E, torch.tensor([ids[-255:]]))
            if a.greedy:
                nxt = int(le.argmax())
            else:
                la = logp(A, torch.tensor([ids[len(prompt) - 1:][-255:]]))
                ok = le >= le.max() + torch.log(torch.tensor(a.alpha))
                nxt = int(torch.where(ok, le - la, torch.tensor(-float('inf'))).argmax())
            ids.append(nxt)
        cont = ids[len(prompt):]
        divs.append(diversity(cont))
    print(f'diversity {sum(divs)/len(divs):.3f}  ({a.prompts} openings, {a.tokens} tokens, alpha {a.alpha}, greedy={a.greedy})')
    print(repr(tok.decode(cont)[:300]))

main()
