"""A GPT-2 architecture language model, top to bottom (nanoGPT style).

Shapes: B = batch, T = new tokens, P = cached (past) tokens, C = n_embd, H = n_head,
D = C // H, V = vocab. The same forward serves training (no cache) and the ONNX export
(KV cache, attention mask, explicit position ids, early-exit logits for DoLa)."""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GPTConfig:
    vocab_size: int = 4096
    n_positions: int = 256
    n_layer: int = 8
    n_head: int = 6
    n_embd: int = 192
    tie_word_embeddings: bool = True
    layer_norm_epsilon: float = 1e-5
    # 'gelu' (exact, erf) or 'gelu_new' (GPT-2's tanh approximation, the first family's). The exact
    # form trains faster on CPU: torch 1.13's tanh GELU is not vectorised in bf16 (measured 11.8 ms
    # against 1.4 ms forward+backward for an (8, 256, 768) activation on 2 cores).
    activation_function: str = 'gelu_new'


def next_token_loss(logits, targets):
    """Mean cross-entropy of (B, T, V) logits against (B, T) targets, in the logits' own dtype.

    Autocast would compute it in fp32, and torch 1.13's fp32 log-softmax on CPU is not vectorised:
    for 2048 x 4096 logits on 2 cores it took 49 ms against 3.6 ms in bf16, more than the whole
    model's matmuls. bf16 log-softmax accumulates in fp32 internally; only its output is rounded.
    On a GPU (or in fp32 training) the logits are fp32 anyway or the kernel is fast, so it is upcast."""
    if logits.dtype != torch.float32 and logits.device.type != 'cpu':
        logits = logits.float()
    with torch.autocast(logits.device.type, enabled=False):
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_head = cfg.n_head
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)  # q, k, v in one matmul, like GPT-2
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd)

    def forward(self, x, bias, past_k=None, past_v=None):
        B, T, C = x.shape
        H, D = self.n_head, C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)                      # 3 x (B, T, C)
        q = q.view(B, T, H, D).transpose(1, 2)                         # (B, H, T, D)
        k = k.view(B, T, H, D).transpose(1, 2)
        v = v.view(B, T, H, D).transpose(1, 2)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)                          # (B, H, P+T, D)
            v = torch.cat([past_v, v], dim=2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D))         # (B, H, T, P+T)
        att = att + bias                                               # 0 where allowed, -inf-ish where masked
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)                 # (B, T, C)
        return self.c_proj(y), k, v


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.c_fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd)
        self.c_proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd)
        self.approximate = {'gelu': 'none', 'gelu_new': 'tanh'}[cfg.activation_function]

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate=self.approximate))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.attn = CausalSelfAttention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.mlp = MLP(cfg)

    def forward(self, x, bias, past_k=None, past_v=None):
        a, k, v = self.attn(self.ln_1(x), bias, past_k, past_v)       # pre-norm residual blocks
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, k, v


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.n_positions, cfg.n_embd)
        self.h = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        if cfg.tie_word_embeddings:
            self.lm_head.weight = self.wte.weight                      # one (V, C) matrix for both
        self.apply(self._init)
        for name, p in self.named_parameters():                        # GPT-2: scale residual projections by depth
            if name.endswith('c_proj.weight'):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def num_parameters(self):
        return sum(p.numel() for p in self.parameters())              # tied matrix counted once

    def forward(self, input_ids, targets=None):
        """Training path: (B, T) ids -> (B, T, V) logits, plus mean cross-entropy if targets given."""
        B, T = input_ids.shape
        pos = torch.arange(T, device=input_ids.device)
        x = self.wte(input_ids) + self.wpe(pos)                        # (B, T, C)
        causal = torch.full((T, T), float('-inf'), device=input_ids.device).triu(1)  # (T, T)
        for block in self.h:
            x, _, _ = block(x, causal)
        logits = self.lm_head(self.ln_f(x))                            # (B, T, V)
        loss = None
        if targets is not None:
            loss = next_token_loss(logits, targets)
        return logits, loss

    def forward_cached(self, input_ids, attention_mask, position_ids, past):
        """Inference path used for the export.

        input_ids, position_ids: (B, T); attention_mask: (B, P+T), 1 = real token, 0 = padding;
        past: list of n_layer (k, v), each (B, H, P, D).
        Returns logits (B, T, V), presents [(k, v)] each (B, H, P+T, D) and
        layer_logits (n_layer+1, B, V) = lm_head(h_j) at the last position, with NO final layer
        norm for j < n_layer (DoLa's premature layers) and the true logits for j = n_layer."""
        B, T = input_ids.shape
        P = past[0][0].shape[2]
        x = self.wte(input_ids) + self.wpe(position_ids)               # (B, T, C)
        # Query t sits at absolute index P+t and may see keys 0..P+t that are not padding.
        q_idx = torch.arange(T, device=x.device).unsqueeze(1) + P      # (T, 1)
        k_idx = torch.arange(P + T, device=x.device).unsqueeze(0)      # (1, P+T)
        allowed = (k_idx <= q_idx).unsqueeze(0) & (attention_mask.unsqueeze(1) > 0)  # (B, T, P+T)
        # A large finite negative keeps fully padded rows finite (no NaN) while masking exactly.
        bias = torch.where(allowed, torch.zeros((), dtype=x.dtype), torch.full((), -1e9, dtype=x.dtype))
        bias = bias.unsqueeze(1)                                       # (B, 1, T, P+T)
        last = [self.lm_head(x[:, -1, :])]                             # j = 0: embedding output
        presents = []
        for j, block in enumerate(self.h):
            x, k, v = block(x, bias, past[j][0], past[j][1])
            presents.append((k, v))
            if j < len(self.h) - 1:
                last.append(self.lm_head(x[:, -1, :]))                 # premature layer j+1, no ln_f
        logits = self.lm_head(self.ln_f(x))                            # (B, T, V)
        last.append(logits[:, -1, :])                                  # j = N: the mature logits
        layer_logits = torch.stack(last, dim=0)                        # (N+1, B, V)
        return logits, presents, layer_logits
