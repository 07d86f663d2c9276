"""Tiny Llama- and Qwen2-architecture decoders with random weights, for the layer-lens tests.

The published web exports of SmolLM2 (Llama) and Qwen2.5 are far too large for tests, and no
transformers package is installed here, so this file writes the two architectures out as
Hugging Face's modeling code defines them (read, not copied), small enough to commit:
  RMSNorm (no mean, no bias), rotary embeddings in the rotate-half layout, grouped-query
  attention (fewer key/value heads than query heads), a SiLU-gated MLP, pre-norm residual
  blocks, a final norm, and lm_head tied to the embedding or not.
Qwen2 differs from Llama only in the biases of the q, k and v projections.

forward() also returns h_0..h_N, the residual stream after the embedding and after each
block, so the tests' reference early exits come from PyTorch, not from any ONNX graph.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class TinyConfig:
    arch: str = 'llama'            # 'llama' or 'qwen2' (q/k/v biases)
    vocab_size: int = 128
    hidden_size: int = 64
    intermediate_size: int = 96
    num_layers: int = 3
    num_heads: int = 4
    num_kv_heads: int = 2
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-6
    tie_word_embeddings: bool = True
    max_positions: int = 64

    @property
    def head_dim(self):
        return self.hidden_size // self.num_heads


class RMSNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(variance + self.eps))


def rotary_cos_sin(cfg, position_ids):
    """cos, sin of shape (B, T, head_dim): each frequency appears twice, halves side by side."""
    inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.float32) / cfg.head_dim))
    angles = position_ids.to(torch.float32).unsqueeze(-1) * inv_freq          # (B, T, head_dim/2)
    both = torch.cat([angles, angles], dim=-1)                                  # (B, T, head_dim)
    return both.cos(), both.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def repeat_kv(x, cfg):
    """(B, KV, S, D) -> (B, H, S, D), each key/value head serving H/KV query heads in a row.
    Written with expand and reshape: torch 1.13 exports repeat_interleave with its traced sizes frozen."""
    B, KV, S, D = x.shape
    groups = cfg.num_heads // cfg.num_kv_heads
    return x[:, :, None, :, :].expand(B, KV, groups, S, D).reshape(B, KV * groups, S, D)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        bias = cfg.arch == 'qwen2'
        self.q_proj = nn.Linear(cfg.hidden_size, cfg.num_heads * cfg.head_dim, bias=bias)
        self.k_proj = nn.Linear(cfg.hidden_size, cfg.num_kv_heads * cfg.head_dim, bias=bias)
        self.v_proj = nn.Linear(cfg.hidden_size, cfg.num_kv_heads * cfg.head_dim, bias=bias)
        self.o_proj = nn.Linear(cfg.num_heads * cfg.head_dim, cfg.hidden_size, bias=False)

    def forward(self, x, cos, sin, bias, past_k, past_v):
        cfg = self.cfg
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, cfg.num_heads, cfg.head_dim).transpose(1, 2)      # (B, H, T, D)
        k = self.k_proj(x).view(B, T, cfg.num_kv_heads, cfg.head_dim).transpose(1, 2)   # (B, KV, T, D)
        v = self.v_proj(x).view(B, T, cfg.num_kv_heads, cfg.head_dim).transpose(1, 2)
        cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)                                    # (B, 1, T, D)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_k, k], dim=2)                                                # (B, KV, P+T, D)
        v = torch.cat([past_v, v], dim=2)
        keys, values = repeat_kv(k, cfg), repeat_kv(v, cfg)                              # (B, H, P+T, D)
        scores = q @ keys.transpose(-1, -2) / math.sqrt(cfg.head_dim) + bias
        out = torch.softmax(scores, dim=-1) @ values                                     # (B, H, T, D)
        return self.o_proj(out.transpose(1, 2).reshape(B, T, -1)), k, v


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.up_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.intermediate_size, cfg.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.mlp = MLP(cfg)

    def forward(self, h, cos, sin, bias, past_k, past_v):
        a, k, v = self.self_attn(self.input_layernorm(h), cos, sin, bias, past_k, past_v)
        h = h + a
        return h + self.mlp(self.post_attention_layernorm(h)), k, v


class TinyDecoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList(Block(cfg) for _ in range(cfg.num_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)
        if cfg.tie_word_embeddings:
            self.lm_head.weight = self.embed_tokens.weight

    def forward(self, input_ids, attention_mask, position_ids, past):
        """input_ids, position_ids: (B, T); attention_mask: (B, P+T); past: [(k, v)] each (B, KV, P, D).
        Returns logits (B, T, V), presents, and hidden = [h_0 .. h_N], each (B, T, C)."""
        T = input_ids.shape[1]
        P = past[0][0].shape[2]
        h = self.embed_tokens(input_ids)
        q_idx = torch.arange(T).unsqueeze(1) + P
        k_idx = torch.arange(P + T).unsqueeze(0)
        allowed = (k_idx <= q_idx).unsqueeze(0) & (attention_mask.unsqueeze(1) > 0)     # (B, T, P+T)
        bias = torch.where(allowed, torch.zeros(()), torch.full((), -1e9)).unsqueeze(1)
        cos, sin = rotary_cos_sin(self.cfg, position_ids)
        hidden, presents = [h], []
        for layer, (past_k, past_v) in zip(self.layers, past):
            h, k, v = layer(h, cos, sin, bias, past_k, past_v)
            hidden.append(h)
            presents.append((k, v))
        return self.lm_head(self.norm(h)), presents, hidden


def random_decoder(cfg, seed):
    """Random weights large enough that every layer's early exit differs visibly (std 0.02, the
    usual initialisation, leaves random logits nearly flat)."""
    torch.manual_seed(seed)
    model = TinyDecoder(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('norm.weight') or 'layernorm' in name:
                p.copy_(1.0 + 0.2 * torch.randn_like(p))
            else:
                p.normal_(0.0, 0.25)
    return model.eval()


def early_exits(model, hidden, logits):
    """DoLa's layer_logits as the site's exports define them: lm_head(h_j) at the last position
    for j < N (no final norm), logits at the last position for j = N. Shape (N+1, B, V)."""
    rows = [model.lm_head(h[:, -1, :]) for h in hidden[:-1]] + [logits[:, -1, :]]
    return torch.stack(rows, dim=0)
