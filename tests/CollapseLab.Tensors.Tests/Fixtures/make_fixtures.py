#!/usr/bin/python3
"""Reference values from PyTorch for CollapseLab.Tensors tests.

Writes, next to this script:
  ops.safetensors          per op: inputs (<op>.in0, …), upstream gradient <op>.g, output <op>.out and input
                           gradients <op>.grad0, … of loss = sum(out * g); integer ids are stored as F32.
  mlp_train.safetensors    a 8-16-4 ReLU MLP classifier: initial weights, data, and the losses of 10 Adam steps.
  conv_ops.safetensors     the same layout for the convolution-network ops (conv2d, nearest upsampling, group norm,
                           SiLU), plus timestep_embedding.t and timestep_embedding.out (no gradient: t is an input).
  gpt_train.safetensors    a 2-layer, 2-head, 16-wide GPT (nanoGPT layout, tied head): initial weights, 10 batches,
                           and the losses of 10 AdamW steps with grad-norm clipping.
Run with Debian's python3-torch: /usr/bin/python3 make_fixtures.py
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
torch.set_num_threads(1)


def save(path, tensors):
    """Minimal safetensors writer (F32 only), so the test reader is checked against an independent writer."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def attention(qkv, nh):
    """Causal self-attention on qkv (B,T,3C), written out as in the GPT-2 paper."""
    B, T, C3 = qkv.shape
    C = C3 // 3
    q, k, v = qkv.split(C, dim=2)
    q = q.view(B, T, nh, C // nh).transpose(1, 2)
    k = k.view(B, T, nh, C // nh).transpose(1, 2)
    v = v.view(B, T, nh, C // nh).transpose(1, 2)
    att = (q @ k.transpose(-2, -1)) / math.sqrt(C // nh)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    att = att.masked_fill(~mask, float("-inf")).softmax(-1)
    return (att @ v).transpose(1, 2).reshape(B, T, C)


def ops_fixtures():
    r = torch.randn
    ids = torch.tensor([[0, 3, 6], [3, 3, 1]])
    targets = torch.tensor([0, 4, 2, 2, 1, 3])
    cases = {
        "matmul": ([r(3, 5), r(5, 4)], lambda a, b: a @ b),
        "matmul_tb": ([r(3, 5), r(4, 5)], lambda a, b: a @ b.T),
        "matmul_ta": ([r(5, 3), r(5, 4)], lambda a, b: a.T @ b),
        "bmm": ([r(2, 3, 5), r(2, 5, 4)], lambda a, b: a @ b),
        "linear": ([r(2, 3, 5), r(4, 5), r(4)], lambda x, w, b: F.linear(x, w, b)),
        "add": ([r(2, 3, 4), r(3, 1)], lambda a, b: a + b),
        "sub": ([r(3, 1), r(1, 4)], lambda a, b: a - b),
        "mul": ([r(2, 3, 4), r(4)], lambda a, b: a * b),
        "div": ([r(2, 3), r(2, 1).abs() + 0.5], lambda a, b: a / b),
        "sum_axis": ([r(2, 3, 4)], lambda x: x.sum(1)),
        "mean_axis": ([r(2, 3, 4)], lambda x: x.mean(-1)),
        "max_axis": ([r(3, 4)], lambda x: x.max(0).values),
        "exp": ([r(3, 7)], torch.exp),
        "log": ([r(3, 7).abs() + 0.1], torch.log),
        "tanh": ([r(3, 7)], torch.tanh),
        "sigmoid": ([r(3, 7)], torch.sigmoid),
        "relu": ([r(3, 7)], torch.relu),
        "gelu_erf": ([r(3, 7) * 2], lambda x: F.gelu(x)),
        "gelu_tanh": ([r(3, 7) * 2], lambda x: F.gelu(x, approximate="tanh")),
        "softmax": ([r(3, 7)], lambda x: x.softmax(-1)),
        "log_softmax": ([r(3, 7)], lambda x: x.log_softmax(-1)),
        "cross_entropy": ([r(6, 5)], lambda x: F.cross_entropy(x, targets)),
        "bce_logits": ([r(3, 4) * 3, torch.rand(3, 4)], lambda x, z: F.binary_cross_entropy_with_logits(x, z)),
        "layer_norm": ([r(2, 3, 8), 1 + 0.1 * r(8), 0.1 * r(8)], lambda x, w, b: F.layer_norm(x, (8,), w, b)),
        "embedding": ([r(7, 4)], lambda w: F.embedding(ids, w)),
        "attention": ([r(2, 5, 12)], lambda qkv: attention(qkv, 2)),
        "concat": ([r(2, 3), r(2, 2)], lambda a, b: torch.cat([a, b], 1)),
        "slice": ([r(3, 5)], lambda x: x[:, 1:4]),
        "transpose": ([r(2, 3, 4)], lambda x: x.transpose(1, 2).contiguous()),
    }
    out = {"cross_entropy.targets": targets.float(), "embedding.ids": ids.float()}
    for name, (inputs, fn) in cases.items():
        inputs = [t.clone().requires_grad_(True) for t in inputs]
        y = fn(*inputs)
        g = r(*y.shape) if y.dim() > 0 else torch.tensor(1.7)
        (y * g).sum().backward()
        out[f"{name}.out"] = y
        out[f"{name}.g"] = g
        for i, t in enumerate(inputs):
            out[f"{name}.in{i}"] = t
            out[f"{name}.grad{i}"] = t.grad
    save("ops.safetensors", out)


def timestep_embedding(t, dim, max_period=10000.0):
    """DDPM's sinusoidal embedding, [cos, sin] halves as in guided-diffusion's timestep_embedding."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float64) / half)
    args = t.double()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1).float()


def conv_fixtures():
    torch.manual_seed(3)
    r = torch.randn
    cases = {
        "conv2d": ([r(2, 3, 7, 6), r(4, 3, 3, 3), r(4)], lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1)),
        "conv2d_same": ([r(2, 2, 5, 5), r(3, 2, 3, 3), r(3)], lambda x, w, b: F.conv2d(x, w, b, padding=1)),
        "conv2d_1x1": ([r(1, 4, 3, 3), r(2, 4, 1, 1)], lambda x, w: F.conv2d(x, w)),
        "upsample": ([r(2, 3, 3, 4)], lambda x: F.interpolate(x, scale_factor=2, mode="nearest")),
        "group_norm": ([r(2, 6, 4, 3), 1 + 0.1 * r(6), 0.1 * r(6)], lambda x, w, b: F.group_norm(x, 3, w, b)),
        "silu": ([r(3, 7) * 2], F.silu),
    }
    t = torch.tensor([0.0, 1.0, 17.0, 999.0])
    out = {"timestep_embedding.t": t, "timestep_embedding.out": timestep_embedding(t, 8)}
    for name, (inputs, fn) in cases.items():
        inputs = [x.clone().requires_grad_(True) for x in inputs]
        y = fn(*inputs)
        g = r(*y.shape)
        (y * g).sum().backward()
        out[f"{name}.out"] = y
        out[f"{name}.g"] = g
        for i, x in enumerate(inputs):
            out[f"{name}.in{i}"] = x
            out[f"{name}.grad{i}"] = x.grad
    save("conv_ops.safetensors", out)


def mlp_fixture():
    torch.manual_seed(1)
    w = {"fc1.weight": torch.randn(16, 8) * 0.3, "fc1.bias": torch.randn(16) * 0.1,
         "fc2.weight": torch.randn(4, 16) * 0.3, "fc2.bias": torch.randn(4) * 0.1}
    x, y = torch.randn(32, 8), torch.randint(0, 4, (32,))
    params = {k: v.clone().requires_grad_(True) for k, v in w.items()}
    opt = torch.optim.Adam(params.values(), lr=1e-2)
    losses = []
    for _ in range(10):
        opt.zero_grad()
        h = torch.relu(F.linear(x, params["fc1.weight"], params["fc1.bias"]))
        loss = F.cross_entropy(F.linear(h, params["fc2.weight"], params["fc2.bias"]), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    save("mlp_train.safetensors", {**w, "x": x, "y": y.float(), "losses": torch.tensor(losses)})


def gpt_forward(p, idx, L, nh):
    B, T = idx.shape
    x = F.embedding(idx, p["wte.weight"]) + p["wpe.weight"][:T]
    for l in range(L):
        h = f"h.{l}."
        a = F.layer_norm(x, x.shape[-1:], p[h + "ln_1.weight"], p[h + "ln_1.bias"])
        a = attention(F.linear(a, p[h + "attn.c_attn.weight"], p[h + "attn.c_attn.bias"]), nh)
        x = x + F.linear(a, p[h + "attn.c_proj.weight"], p[h + "attn.c_proj.bias"])
        m = F.layer_norm(x, x.shape[-1:], p[h + "ln_2.weight"], p[h + "ln_2.bias"])
        m = F.gelu(F.linear(m, p[h + "mlp.c_fc.weight"], p[h + "mlp.c_fc.bias"]))
        x = x + F.linear(m, p[h + "mlp.c_proj.weight"], p[h + "mlp.c_proj.bias"])
    x = F.layer_norm(x, x.shape[-1:], p["ln_f.weight"], p["ln_f.bias"])
    return F.linear(x, p["wte.weight"])


def gpt_fixture():
    torch.manual_seed(2)
    V, L, nh, C, T, B = 11, 2, 2, 16, 8, 4
    w = {"wte.weight": torch.randn(V, C) * 0.02 * 10, "wpe.weight": torch.randn(T, C) * 0.02 * 10}
    for l in range(L):
        h = f"h.{l}."
        w[h + "ln_1.weight"] = 1 + 0.1 * torch.randn(C)
        w[h + "ln_1.bias"] = 0.1 * torch.randn(C)
        w[h + "attn.c_attn.weight"] = 0.2 * torch.randn(3 * C, C)
        w[h + "attn.c_attn.bias"] = 0.02 * torch.randn(3 * C)
        w[h + "attn.c_proj.weight"] = 0.1 * torch.randn(C, C)
        w[h + "attn.c_proj.bias"] = 0.02 * torch.randn(C)
        w[h + "ln_2.weight"] = 1 + 0.1 * torch.randn(C)
        w[h + "ln_2.bias"] = 0.1 * torch.randn(C)
        w[h + "mlp.c_fc.weight"] = 0.2 * torch.randn(4 * C, C)
        w[h + "mlp.c_fc.bias"] = 0.02 * torch.randn(4 * C)
        w[h + "mlp.c_proj.weight"] = 0.1 * torch.randn(C, 4 * C)
        w[h + "mlp.c_proj.bias"] = 0.02 * torch.randn(C)
    w["ln_f.weight"] = 1 + 0.1 * torch.randn(C)
    w["ln_f.bias"] = 0.1 * torch.randn(C)
    idx = torch.randint(0, V, (10, B, T + 1))
    p = {k: v.clone().requires_grad_(True) for k, v in w.items()}
    decay = [v for v in p.values() if v.dim() >= 2]
    nodecay = [v for v in p.values() if v.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": nodecay, "weight_decay": 0.0}],
                            lr=3e-3, betas=(0.9, 0.99))
    losses = []
    for s in range(10):
        x, y = idx[s, :, :T], idx[s, :, 1:]
        opt.zero_grad()
        loss = F.cross_entropy(gpt_forward(p, x, L, nh).view(-1, V), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(p.values(), 1.0)
        opt.step()
        losses.append(loss.item())
    save("gpt_train.safetensors", {**w, "tokens": idx.float(), "losses": torch.tensor(losses)})


if __name__ == "__main__":
    ops_fixtures()
    conv_fixtures()
    mlp_fixture()
    gpt_fixture()
    for f in sorted(os.listdir(HERE)):
        if f.endswith(".safetensors"):
            print(f, os.path.getsize(os.path.join(HERE, f)), "bytes")
