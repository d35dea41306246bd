#!/usr/bin/python3
"""Tiny random GPT-2, OPT and Llama checkpoints in Hugging Face's exact layout, with reference logits.

Each architecture is written here in plain PyTorch after transformers' modeling_gpt2.py, modeling_opt.py and
modeling_llama.py (transformers itself is not needed): GPT-2 with Conv1D weights (C_in, C_out), fused c_attn,
tanh GELU and a tied head; OPT with learned positions offset by 2, ReLU, pre-norm and a tied head; Llama with
RMSNorm, rotary embeddings (rotate-half), SwiGLU, grouped-query attention and an untied head. The safetensors
files are written by hand (8-byte little-endian header length, JSON header, raw little-endian data): gpt2 in F32,
opt in F16, llama in BF16 split into two shards with model.safetensors.index.json. Weights are rounded to the
stored dtype before the reference forward, so the logits are those of the stored model computed in float32.

Usage: /usr/bin/python3 make_fixtures.py            writes gpt2/, opt/, llama/ beside this script
       /usr/bin/python3 make_fixtures.py check DIR [REF]  reads a (possibly exported) folder and prints the max
           relative difference of its logits from those in REF/reference.safetensors (REF defaults to DIR)
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2)}
TORCH_TO_NAME = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}
TEXT = ("In the beginning God created the heaven and the earth. And the earth was without form, and void; "
        "and darkness was upon the face of the deep. And the Spirit of God moved upon the face of the waters. "
        "And God said, Let there be light: and there was light. And God saw the light, that it was good.")


# ---------- safetensors by hand ----------

def save_safetensors(path, tensors, dtype_name):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.to(DTYPES[dtype_name][0]).contiguous()
        raw = data.view(torch.int16).numpy().tobytes() if dtype_name == "BF16" else data.numpy().tobytes()
        header[name] = {"dtype": dtype_name, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        dt, _ = DTYPES[e["dtype"]]
        raw = bytearray(data[b:end])
        if e["dtype"] == "BF16":
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(raw, dtype=dt)
        out[name] = t.reshape(e["shape"]).float()
    return out


def load_folder(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        shards = sorted(set(json.load(open(index))["weight_map"].values()))
        sd = {}
        for s in shards:
            sd.update(load_safetensors(os.path.join(folder, s)))
        return sd
    return load_safetensors(os.path.join(folder, "model.safetensors"))


# ---------- reference forwards, after transformers' modeling files ----------

def layer_norm(x, sd, name, eps):
    return F.layer_norm(x, (x.shape[-1],), sd[name + ".weight"], sd[name + ".bias"], eps)


def rms_norm(x, sd, name, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return sd[name + ".weight"] * (x * torch.rsqrt(variance + eps))


def attention(q, k, v, nh, nkv):
    # q (B,T,NH*D), k/v (B,T,NKV*D) -> (B,T,NH*D), causal
    b, t, c = q.shape
    d = c // nh
    q = q.view(b, t, nh, d).transpose(1, 2)
    k = k.view(b, t, nkv, d).transpose(1, 2).repeat_interleave(nh // nkv, dim=1)
    v = v.view(b, t, nkv, d).transpose(1, 2).repeat_interleave(nh // nkv, dim=1)
    att = (q @ k.transpose(-1, -2)) / math.sqrt(d)
    mask = torch.ones(t, t, dtype=torch.bool).tril()
    att = att.masked_fill(~mask, float("-inf")).softmax(-1)
    return (att @ v).transpose(1, 2).reshape(b, t, c)


def gpt2_forward(sd, cfg, idx):
    p = "transformer."
    t = idx.shape[1]
    x = sd[p + "wte.weight"][idx] + sd[p + "wpe.weight"][torch.arange(t)]
    eps, c = cfg["layer_norm_epsilon"], cfg["n_embd"]
    for l in range(cfg["n_layer"]):
        h = f"{p}h.{l}."
        a = layer_norm(x, sd, h + "ln_1", eps)
        qkv = a @ sd[h + "attn.c_attn.weight"] + sd[h + "attn.c_attn.bias"]  # Conv1D: x @ W + b, W is (C_in, C_out)
        q, k, v = qkv.split(c, dim=2)
        y = attention(q, k, v, cfg["n_head"], cfg["n_head"])
        x = x + y @ sd[h + "attn.c_proj.weight"] + sd[h + "attn.c_proj.bias"]
        m = layer_norm(x, sd, h + "ln_2", eps)
        m = F.gelu(m @ sd[h + "mlp.c_fc.weight"] + sd[h + "mlp.c_fc.bias"], approximate="tanh")
        x = x + m @ sd[h + "mlp.c_proj.weight"] + sd[h + "mlp.c_proj.bias"]
    x = layer_norm(x, sd, p + "ln_f", eps)
    return x @ sd[p + "wte.weight"].T


def opt_forward(sd, cfg, idx):
    p = "model.decoder."
    t = idx.shape[1]
    # OPTLearnedPositionalEmbedding: positions = cumsum(mask) * mask - 1, then + offset 2
    x = sd[p + "embed_tokens.weight"][idx] + sd[p + "embed_positions.weight"][torch.arange(t) + 2]
    lin = lambda z, n: F.linear(z, sd[n + ".weight"], sd[n + ".bias"])
    for l in range(cfg["num_hidden_layers"]):
        h = f"{p}layers.{l}."
        a = layer_norm(x, sd, h + "self_attn_layer_norm", 1e-5)
        q, k, v = lin(a, h + "self_attn.q_proj"), lin(a, h + "self_attn.k_proj"), lin(a, h + "self_attn.v_proj")
        y = attention(q, k, v, cfg["num_attention_heads"], cfg["num_attention_heads"])
        x = x + lin(y, h + "self_attn.out_proj")
        m = layer_norm(x, sd, h + "final_layer_norm", 1e-5)
        x = x + lin(F.relu(lin(m, h + "fc1")), h + "fc2")
    x = layer_norm(x, sd, p + "final_layer_norm", 1e-5)
    return x @ sd[p + "embed_tokens.weight"].T


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rotary(x, heads, theta):
    b, t, c = x.shape
    d = c // heads
    inv_freq = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    freqs = torch.arange(t).float()[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    xh = x.view(b, t, heads, d)
    cos, sin = emb.cos()[None, :, None, :], emb.sin()[None, :, None, :]
    return (xh * cos + rotate_half(xh) * sin).reshape(b, t, c)


def llama_forward(sd, cfg, idx):
    x = sd["model.embed_tokens.weight"][idx]
    eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    lin = lambda z, n: F.linear(z, sd[n + ".weight"])
    for l in range(cfg["num_hidden_layers"]):
        h = f"model.layers.{l}."
        a = rms_norm(x, sd, h + "input_layernorm", eps)
        q = rotary(lin(a, h + "self_attn.q_proj"), nh, theta)
        k = rotary(lin(a, h + "self_attn.k_proj"), nkv, theta)
        v = lin(a, h + "self_attn.v_proj")
        x = x + lin(attention(q, k, v, nh, nkv), h + "self_attn.o_proj")
        m = rms_norm(x, sd, h + "post_attention_layernorm", eps)
        x = x + lin(F.silu(lin(m, h + "mlp.gate_proj")) * lin(m, h + "mlp.up_proj"), h + "mlp.down_proj")
    x = rms_norm(x, sd, "model.norm", eps)
    return F.linear(x, sd["lm_head.weight"])


FORWARD = {"gpt2": gpt2_forward, "opt": opt_forward, "llama": llama_forward}


# ---------- a small byte-level BPE (GPT-2's algorithm) for the tokenizer files ----------

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def train_bpe(text, merges_wanted):
    import re
    b2u = bytes_to_unicode()
    words = {}
    for w in re.findall(r" ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+", text):
        key = tuple(b2u[b] for b in w.encode())
        words[key] = words.get(key, 0) + 1
    merges = []
    for _ in range(merges_wanted):
        pairs = {}
        for w, n in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + n
        if not pairs:
            break
        best = max(sorted(pairs), key=lambda p: pairs[p])
        merges.append(best)
        new = {}
        for w, n in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new[tuple(out)] = new.get(tuple(out), 0) + n
        words = new
    vocab = [b2u[b] for b in range(256)] + [a + b for a, b in merges] + ["<|endoftext|>"]
    return vocab, merges


def write_gpt2_tokenizer(folder, vocab, merges):
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({t: i for i, t in enumerate(vocab)}, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))


# GPT-2's pre-token pattern in Python's re (no \p{L}): letters [^\W\d_], digits \d, the rest; the test text
# avoids the characters where the two differ (numeric non-digits such as ², combining marks)
PY_GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+"
GPT2_PATTERN = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
TOKENIZER_TEXT = ("Hello world! Ça va? Привет, мир. Γειά σου κόσμε. 你好，世界。こんにちは 🙂👍🏽❤️ <s>it's 2024</s>"
                  "  tabs\tand\nnew lines<pad><|endoftext|>The end.")


def write_tokenizer_json(folder, vocab, merges, added, split):
    """tokenizer.json as the tokenizers library saves a byte-level BPE (merges as "a b" strings)."""
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": not split}
    pre = byte_level if not split else {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": GPT2_PATTERN}, "behavior": "Isolated", "invert": False}, byte_level]}
    doc = {"version": "1.0", "truncation": None, "padding": None,
           "added_tokens": [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
                             "normalized": False, "special": True} for c, i in added],
           "normalizer": None, "pre_tokenizer": pre, "post_processor": None, "decoder": {"type": "ByteLevel"},
           "model": {"type": "BPE", "dropout": None, "unk_token": None, "fuse_unk": False, "byte_fallback": False,
                     "vocab": {t: i for i, t in enumerate(vocab) if t not in dict(added)},
                     "merges": [f"{a} {b}" for a, b in merges]}}
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)


def bpe_word(word, ranks):
    """GPT-2's encoder.bpe: merge the lowest-ranked adjacent pair, every occurrence, until none is ranked."""
    parts = list(word)
    while len(parts) > 1:
        pairs = [(ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
        rank, _ = min(pairs)
        if rank == 1 << 30:
            break
        a, b = next((parts[i], parts[i + 1]) for r, i in pairs if r == rank)
        out, i = [], 0
        while i < len(parts):
            if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
                out.append(a + b)
                i += 2
            else:
                out.append(parts[i])
                i += 1
        parts = out
    return parts


def encode(text, vocab, merges, added):
    import re
    b2u = bytes_to_unicode()
    ids = {t: i for i, t in enumerate(vocab)}
    ids.update(dict(added))
    ranks = {m: r for r, m in enumerate(merges)}
    special = re.compile("|".join(re.escape(c) for c, _ in sorted(added, key=lambda a: -len(a[0]))))
    out, at = [], 0

    def ordinary(piece):
        for w in re.findall(PY_GPT2, piece):
            out.extend(ids[t] for t in bpe_word("".join(b2u[b] for b in w.encode()), ranks))

    for m in special.finditer(text):
        ordinary(text[at:m.start()])
        out.append(ids[m.group()])
        at = m.end()
    ordinary(text[at:])
    return out


def write_tokenizer_reference(folder, vocab, merges, added):
    with open(os.path.join(folder, "tokenizer_reference.json"), "w", encoding="utf-8") as f:
        json.dump({"text": TOKENIZER_TEXT, "ids": encode(TOKENIZER_TEXT, vocab, merges, added)}, f, ensure_ascii=False)


# ---------- the fixtures ----------

def random_state(shapes, gen, dtype):
    sd = {}
    for name, shape in shapes.items():
        if name.endswith("norm.weight") or name.endswith("layernorm.weight") or ".ln_" in name and name.endswith(".weight") \
                or name.endswith("layer_norm.weight"):
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        else:
            t = 0.2 * torch.randn(shape, generator=gen)
        sd[name] = t.to(dtype).float()  # the stored values, computed in float32
    return sd


def gpt2_shapes(cfg):
    c, v, t, f = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], 4 * cfg["n_embd"]
    s = {"transformer.wte.weight": (v, c), "transformer.wpe.weight": (t, c)}
    for l in range(cfg["n_layer"]):
        h = f"transformer.h.{l}."
        s.update({h + "ln_1.weight": (c,), h + "ln_1.bias": (c,), h + "attn.c_attn.weight": (c, 3 * c), h + "attn.c_attn.bias": (3 * c,),
                  h + "attn.c_proj.weight": (c, c), h + "attn.c_proj.bias": (c,), h + "ln_2.weight": (c,), h + "ln_2.bias": (c,),
                  h + "mlp.c_fc.weight": (c, f), h + "mlp.c_fc.bias": (f,), h + "mlp.c_proj.weight": (f, c), h + "mlp.c_proj.bias": (c,)})
    s.update({"transformer.ln_f.weight": (c,), "transformer.ln_f.bias": (c,)})
    return s


def opt_shapes(cfg):
    c, v, f = cfg["hidden_size"], cfg["vocab_size"], cfg["ffn_dim"]
    p = "model.decoder."
    s = {p + "embed_tokens.weight": (v, c), p + "embed_positions.weight": (cfg["max_position_embeddings"] + 2, c)}
    for l in range(cfg["num_hidden_layers"]):
        h = f"{p}layers.{l}."
        for n in ["q_proj", "k_proj", "v_proj", "out_proj"]:
            s.update({h + f"self_attn.{n}.weight": (c, c), h + f"self_attn.{n}.bias": (c,)})
        s.update({h + "self_attn_layer_norm.weight": (c,), h + "self_attn_layer_norm.bias": (c,), h + "fc1.weight": (f, c), h + "fc1.bias": (f,),
                  h + "fc2.weight": (c, f), h + "fc2.bias": (c,), h + "final_layer_norm.weight": (c,), h + "final_layer_norm.bias": (c,)})
    s.update({p + "final_layer_norm.weight": (c,), p + "final_layer_norm.bias": (c,)})
    return s


def llama_shapes(cfg):
    c, v, f = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
    kv = cfg["num_key_value_heads"] * c // cfg["num_attention_heads"]
    s = {"model.embed_tokens.weight": (v, c)}
    for l in range(cfg["num_hidden_layers"]):
        h = f"model.layers.{l}."
        s.update({h + "input_layernorm.weight": (c,), h + "self_attn.q_proj.weight": (c, c), h + "self_attn.k_proj.weight": (kv, c),
                  h + "self_attn.v_proj.weight": (kv, c), h + "self_attn.o_proj.weight": (c, c), h + "post_attention_layernorm.weight": (c,),
                  h + "mlp.gate_proj.weight": (f, c), h + "mlp.up_proj.weight": (f, c), h + "mlp.down_proj.weight": (c, f)})
    s.update({"model.norm.weight": (c,), "lm_head.weight": (v, c)})
    return s


def prompts(gen, vocab, count=3, length=7):
    return [torch.randint(0, vocab, (length,), generator=gen).tolist() for _ in range(count)]


def write_reference(folder, cfg, sd, gen, tokens):
    """reference.safetensors: prompt.i (T) token ids as F32 and logits.i (T,V), for a few random prompts; and
    train.idx/train.targets (B,T) with train.losses, the losses of 10 AdamW steps (lr 1e-2, betas 0.9/0.999,
    eps 1e-8, no weight decay, no clipping) on that one batch from the stored weights."""
    ref = {}
    for i, p in enumerate(prompts(gen, tokens)):
        ref[f"prompt.{i}"] = torch.tensor(p, dtype=torch.float32)
        ref[f"logits.{i}"] = FORWARD[cfg["model_type"]](sd, cfg, torch.tensor([p]))[0]
    idx = torch.randint(0, tokens, (2, 8), generator=gen)
    targets = torch.randint(0, tokens, (2, 8), generator=gen)
    params = {k: v.clone().requires_grad_(True) for k, v in sd.items()}
    opt = torch.optim.AdamW(params.values(), lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    losses = []
    for _ in range(10):
        opt.zero_grad()
        logits = FORWARD[cfg["model_type"]](params, cfg, idx)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    ref["train.idx"], ref["train.targets"] = idx.float(), targets.float()
    ref["train.losses"] = torch.tensor(losses)
    save_safetensors(os.path.join(folder, "reference.safetensors"), ref, "F32")


def make(name, cfg, shapes, dtype_name, shards, vocab, merges, seed, added=None, split=False):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    gen = torch.Generator().manual_seed(seed)
    sd = random_state(shapes(cfg), gen, DTYPES[dtype_name][0])
    cfg = dict(cfg, torch_dtype={"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[dtype_name])
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    if shards == 1:
        save_safetensors(os.path.join(folder, "model.safetensors"), sd, dtype_name)
    else:
        names = list(sd)
        half = len(names) // 2
        parts = [names[:half], names[half:]]
        weight_map = {}
        for i, part in enumerate(parts):
            file = f"model-{i + 1:05d}-of-{len(parts):05d}.safetensors"
            save_safetensors(os.path.join(folder, file), {n: sd[n] for n in part}, dtype_name)
            weight_map.update({n: file for n in part})
        with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)
    if added is None:
        write_gpt2_tokenizer(folder, vocab, merges)
    else:
        write_tokenizer_json(folder, vocab, merges, added, split)
        write_tokenizer_reference(folder, vocab, merges, added)
    write_reference(folder, cfg, sd, gen, len(vocab))


def check(folder, reference):
    ref = load_safetensors(os.path.join(reference, "reference.safetensors"))
    cfg = json.load(open(os.path.join(folder, "config.json")))
    sd = load_folder(folder)
    worst = 0.0
    for i in range(sum(1 for k in ref if k.startswith("prompt."))):
        got = FORWARD[cfg["model_type"]](sd, cfg, ref[f"prompt.{i}"].long()[None])[0]
        e = ref[f"logits.{i}"]
        worst = max(worst, ((got - e).abs().max() / e.abs().max()).item())
    print(json.dumps({"folder": folder, "max_relative_difference": worst}))
    return worst


def main():
    if len(sys.argv) in (3, 4) and sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2], sys.argv[-1]) <= 1e-4 else 1)
    vocab, merges = train_bpe(TEXT, 43)  # 256 bytes + 43 merges + <|endoftext|> = 300 tokens
    eot = len(vocab) - 1
    make("gpt2", {"model_type": "gpt2", "vocab_size": 300, "n_embd": 16, "n_layer": 2, "n_head": 4, "n_positions": 32,
                  "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "bos_token_id": eot, "eos_token_id": eot},
         gpt2_shapes, "F32", 1, vocab, merges, seed=1)
    make("opt", {"model_type": "opt", "vocab_size": 304, "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "ffn_dim": 64, "max_position_embeddings": 32, "do_layer_norm_before": True, "word_embed_proj_dim": 16,
                 "activation_function": "relu", "enable_bias": True, "bos_token_id": 300, "eos_token_id": 302, "pad_token_id": 301},
         opt_shapes, "F16", 1, vocab, merges, seed=2,
         added=[("<|endoftext|>", eot), ("<s>", 300), ("<pad>", 301), ("</s>", 302), ("<unk>", 303)])
    make("llama", {"model_type": "llama", "vocab_size": 300, "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 4,
                   "num_key_value_heads": 2, "intermediate_size": 48, "max_position_embeddings": 32, "rms_norm_eps": 1e-5,
                   "rope_theta": 500000.0, "rope_scaling": None, "hidden_act": "silu", "tie_word_embeddings": False,
                   "bos_token_id": eot, "eos_token_id": eot},
         llama_shapes, "BF16", 2, vocab, merges, seed=3, added=[("<|endoftext|>", eot)], split=True)


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
