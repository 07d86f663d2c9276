import sys, json
sys.path.insert(0, __import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)), '..'))
import torch
from evaluate import factual_accuracy
from export_onnx import load_checkpoint
from tokenize_data import load_tokenizer
torch.set_num_threads(2)
m = load_checkpoint(sys.argv[1])[0].eval()
with torch.no_grad():
    r = factual_accuracy(m, load_tokenizer())
print(sys.argv[1], f"all {r['correct']}/{r['total']} = {100*r['accuracy']:.1f}%  original {100*r['original']['accuracy']:.1f}%")
print({k: round(100*v['accuracy'], 1) for k, v in r['by_relation'].items()})
