#!/usr/bin/env python3
"""Logits of an exported model, computed the way Hugging Face transformers defines its architecture.

Reads DIR/config.json and DIR/model.safetensors with nothing but the Python standard library (no LibTorch,
no NumPy, none of the engine's code) and runs GPT2LMHeadModel or BertForMaskedLM as their modeling code
does: GPT-2's Conv1D weights are (in, out), BERT's Linear weights (out, in), BERT adds token type 0's
embedding, both tie the output layer to the word embeddings. The equations are the architectures' own, as
written in the GPT-2 and BERT papers and transformers' modeling_gpt2.py / modeling_bert.py.

Usage: hf_forward.py DIR < ids.json   (ids.json: a list of lists of token ids)
Prints: a JSON list, per input, of its logits (a list of T rows of vocabulary-size values).
"""
import json
import math
import struct
import sys

SIZES = {"F32": 4}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        if entry["dtype"] != "F32":
            raise SystemExit(f"{name}: dtype {entry['dtype']}, expected F32")
        count = (end - begin) // 4
        values = list(struct.unpack(f"<{count}f", data[base + begin:base + end]))
        shape = entry["shape"]
        if math.prod(shape) != count:
            raise SystemExit(f"{name}: shape {shape} does not match its {count} values")
        tensors[name] = (shape, values)
    return tensors


def matrix(t):
    shape, v = t
    rows, cols = shape
    return [v[r * cols:(r + 1) * cols] for r in range(rows)]


def vector(t):
    return t[1]


def transpose(m):
    return [list(c) for c in zip(*m)]


def matmul(x, w):  # x: (T, in), w: (in, out)
    wt = transpose(w)
    return [[sum(a * b for a, b in zip(row, col)) for col in wt] for row in x]


def add_bias(x, b):
    return [[v + bv for v, bv in zip(row, b)] for row in x]


def add(x, y):
    return [[a + b for a, b in zip(r, s)] for r, s in zip(x, y)]


def layer_norm(x, w, b, eps):
    out = []
    for row in x:
        mean = sum(row) / len(row)
        var = sum((v - mean) ** 2 for v in row) / len(row)
        inv = 1.0 / math.sqrt(var + eps)
        out.append([(v - mean) * inv * wi + bi for v, wi, bi in zip(row, w, b)])
    return out


def activation(name):
    if name == "gelu":
        return lambda v: 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0)))
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        return lambda v: 0.5 * v * (1.0 + math.tanh(math.sqrt(2.0 / math.pi) * (v + 0.044715 * v ** 3)))
    raise SystemExit(f"unknown activation {name}")


def attention(q, k, v, heads, causal):
    T, C = len(q), len(q[0])
    hd = C // heads
    out = [[0.0] * C for _ in range(T)]
    for h in range(heads):
        s = slice(h * hd, (h + 1) * hd)
        for i in range(T):
            keys = range(i + 1) if causal else range(T)
            scores = [sum(a * b for a, b in zip(q[i][s], k[j][s])) / math.sqrt(hd) for j in keys]
            top = max(scores)
            e = [math.exp(x - top) for x in scores]
            z = sum(e)
            for j, ej in zip(keys, e):
                for d in range(hd):
                    out[i][h * hd + d] += ej / z * v[j][h * hd + d]
    return out


def gpt2(cfg, t, ids):
    C, H, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    act = activation(cfg["activation_function"])
    wte, wpe = matrix(t["transformer.wte.weight"]), matrix(t["transformer.wpe.weight"])
    x = [[a + b for a, b in zip(wte[i], wpe[p])] for p, i in enumerate(ids)]
    for layer in range(cfg["n_layer"]):
        p = f"transformer.h.{layer}."
        h = layer_norm(x, vector(t[p + "ln_1.weight"]), vector(t[p + "ln_1.bias"]), eps)
        qkv = add_bias(matmul(h, matrix(t[p + "attn.c_attn.weight"])), vector(t[p + "attn.c_attn.bias"]))
        q, k, v = ([row[i * C:(i + 1) * C] for row in qkv] for i in range(3))
        a = attention(q, k, v, H, causal=True)
        x = add(x, add_bias(matmul(a, matrix(t[p + "attn.c_proj.weight"])), vector(t[p + "attn.c_proj.bias"])))
        h = layer_norm(x, vector(t[p + "ln_2.weight"]), vector(t[p + "ln_2.bias"]), eps)
        m = add_bias(matmul(h, matrix(t[p + "mlp.c_fc.weight"])), vector(t[p + "mlp.c_fc.bias"]))
        m = [[act(v) for v in row] for row in m]
        x = add(x, add_bias(matmul(m, matrix(t[p + "mlp.c_proj.weight"])), vector(t[p + "mlp.c_proj.bias"])))
    x = layer_norm(x, vector(t["transformer.ln_f.weight"]), vector(t["transformer.ln_f.bias"]), eps)
    return matmul(x, transpose(wte))


def linear(x, t, p):  # torch.nn.Linear: weight (out, in)
    return add_bias(matmul(x, transpose(matrix(t[p + ".weight"]))), vector(t[p + ".bias"]))


def bert(cfg, t, ids):
    H, eps = cfg["num_attention_heads"], cfg["layer_norm_eps"]
    act = activation(cfg["hidden_act"])
    e = "bert.embeddings."
    word, pos = matrix(t[e + "word_embeddings.weight"]), matrix(t[e + "position_embeddings.weight"])
    kind = matrix(t[e + "token_type_embeddings.weight"])[0]
    x = [[a + b + c for a, b, c in zip(word[i], pos[p], kind)] for p, i in enumerate(ids)]
    x = layer_norm(x, vector(t[e + "LayerNorm.weight"]), vector(t[e + "LayerNorm.bias"]), eps)
    for layer in range(cfg["num_hidden_layers"]):
        p = f"bert.encoder.layer.{layer}."
        q, k, v = (linear(x, t, p + "attention.self." + n) for n in ("query", "key", "value"))
        a = linear(attention(q, k, v, H, causal=False), t, p + "attention.output.dense")
        x = layer_norm(add(x, a), vector(t[p + "attention.output.LayerNorm.weight"]),
                       vector(t[p + "attention.output.LayerNorm.bias"]), eps)
        i = [[act(v) for v in row] for row in linear(x, t, p + "intermediate.dense")]
        o = linear(i, t, p + "output.dense")
        x = layer_norm(add(x, o), vector(t[p + "output.LayerNorm.weight"]), vector(t[p + "output.LayerNorm.bias"]),
                       eps)
    h = [[act(v) for v in row] for row in linear(x, t, "cls.predictions.transform.dense")]
    h = layer_norm(h, vector(t["cls.predictions.transform.LayerNorm.weight"]),
                   vector(t["cls.predictions.transform.LayerNorm.bias"]), eps)
    return add_bias(matmul(h, transpose(word)), vector(t["cls.predictions.bias"]))


def main():
    folder = sys.argv[1]
    with open(folder + "/config.json") as f:
        cfg = json.load(f)
    tensors = load_safetensors(folder + "/model.safetensors")
    run = {"GPT2LMHeadModel": gpt2, "BertForMaskedLM": bert}[cfg["architectures"][0]]
    print(json.dumps([run(cfg, tensors, ids) for ids in json.load(sys.stdin)]))


main()
