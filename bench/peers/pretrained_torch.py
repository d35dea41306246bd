#!/usr/bin/python3
"""PyTorch CPU peer of CollapseLab's pretrained transformer (src/CollapseLab.Tensors/Models/Pretrained), same shapes.

A GPT-2-shaped 124M-parameter model (V 50257, C 768, 12 layers, 12 heads, 1024 positions, tanh GELU, tied head;
random N(0, 0.02^2) weights) written with nn.Linear/nn.LayerNorm/scaled_dot_product-free attention as
transformers' GPT2LMHeadModel computes it. Fine-tuning: steps of 8 x 64-token blocks, AdamW (lr 1e-4), gradient
clipping at 1; sampling: greedy decoding of 64 new tokens after a 64-token prompt at batch 1 WITHOUT a key/value
cache (every new token reruns the whole prefix, as generate(use_cache=False)), and with one (past keys and values
kept per layer). Reports median seconds, tokens/s and the peak resident memory (VmHWM).
torch.set_num_threads(--threads, default 2). Usage: /usr/bin/python3 pretrained_torch.py [--seconds 20] [--threads 2]
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c, nh):
        super().__init__()
        self.nh = nh
        self.ln_1, self.ln_2 = nn.LayerNorm(c), nn.LayerNorm(c)
        self.c_attn, self.c_proj = nn.Linear(c, 3 * c), nn.Linear(c, c)
        self.c_fc, self.mlp_proj = nn.Linear(c, 4 * c), nn.Linear(4 * c, c)

    def forward(self, x, past=None):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.nh, c // self.nh).transpose(1, 2) for z in (q, k, v))
        if past is not None:
            k, v = torch.cat([past[0], k], 2), torch.cat([past[1], v], 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(c // self.nh)
        total = k.shape[2]
        mask = torch.ones(t, total, dtype=torch.bool).tril(total - t)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.c_proj(y)
        x = x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))
        return x, (k, v)


class Gpt2(nn.Module):
    def __init__(self, v=50257, c=768, layers=12, nh=12, positions=1024):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(v, c), nn.Embedding(positions, c)
        self.h = nn.ModuleList([Block(c, nh) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(c)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx, past=None, start=0):
        x = self.wte(idx) + self.wpe(torch.arange(start, start + idx.shape[1]))
        presents = []
        for i, block in enumerate(self.h):
            x, kv = block(x, None if past is None else past[i])
            presents.append(kv)
        return self.ln_f(x) @ self.wte.weight.T, presents


def median(seconds, work):
    work()
    times, start = [], time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Gpt2()
    params = sum(p.numel() for p in model.parameters())
    b, t = 8, 64
    idx = torch.tensor([i * 7919 % 50257 for i in range(b * t)]).view(b, t)
    targets = (idx + 1) % 50257
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)

    def step():
        opt.zero_grad(set_to_none=True)
        logits, _ = model(idx)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    train = median(args.seconds, step)
    prompt = idx[:1]

    @torch.no_grad()
    def cacheless():
        seq = prompt
        for _ in range(64):
            logits, _ = model(seq)
            seq = torch.cat([seq, logits[:, -1].argmax(-1, keepdim=True)], 1)

    @torch.no_grad()
    def cached():
        logits, past = model(prompt)
        pos = prompt.shape[1]
        for _ in range(64):
            nxt = logits[:, -1].argmax(-1, keepdim=True)
            logits, past = model(nxt, past, pos)
            pos += 1

    nocache = median(args.seconds, cacheless)
    withcache = median(args.seconds, cached)
    peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split(":")[1].strip()
    print(json.dumps({
        "peer": "pretrained_torch", "torch": torch.__version__, "threads": args.threads, "parameters": params,
        "train_step_s": train, "train_tokens_per_s": b * t / train,
        "sample_cacheless_s": nocache, "sample_cacheless_tokens_per_s": 64 / nocache,
        "sample_cached_s": withcache, "sample_cached_tokens_per_s": 64 / withcache, "peak_rss": peak,
    }))


if __name__ == "__main__":
    main()
