#!/usr/bin/env python3
"""Reference logits of a tiny GPT-2 with fixed weights, for tst_models' gpt2ReferenceLogits.

Written from the GPT-2 paper and its public reference code's equations, in plain Python (no LibTorch,
no NumPy), so it shares nothing with the engine but the parameter layout: Linear weights are (out, in),
stored row-major, as LibTorch keeps them. Each parameter's values are 0.3 * sin(0.37 * (j + 1) + s)
for its flattened index j, where s = 0.01 * (sum of the bytes of its name).

Run: python3 tests/reference/gpt2_reference.py [--exact-gelu] [--lens]   (prints the logits, which the test runs it for;
--exact-gelu: the MLP's GELU exact, as new models have, instead of GPT-2's tanh approximation; --lens: the
first layer's logit lens, its output read through the final LayerNorm and the output layer)
"""
import math
import sys

V, C, H, L, T_CTX, M = 11, 8, 2, 2, 6, 16  # vocabulary, width, heads, layers, context, MLP width
IDS = [3, 7, 1, 10, 0]


def values(name, count):
    s = 0.01 * sum(name.encode())
    return [0.3 * math.sin(0.37 * (j + 1) + s) for j in range(count)]


def matrix(name, rows, cols):
    v = values(name, rows * cols)
    return [v[r * cols:(r + 1) * cols] for r in range(rows)]


def linear(x, w, b):  # x: (T, in), w: (out, in)
    return [[sum(xi * wi for xi, wi in zip(row, wr)) + bo for wr, bo in zip(w, b)] for row in x]


def layer_norm(x, w, b, eps=1e-5):
    out = []
    for row in x:
        mean = sum(row) / len(row)
        var = sum((v - mean) ** 2 for v in row) / len(row)
        out.append([(v - mean) / math.sqrt(var + eps) * wi + bi for v, wi, bi in zip(row, w, b)])
    return out


def gelu(x):
    if "--exact-gelu" in sys.argv:
        return 0.5 * x * (1 + math.erf(x / math.sqrt(2)))
    return 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def attention(x, p):
    T, d = len(x), C // H
    qkv = linear(x, matrix(p + "attn.c_attn.weight", 3 * C, C), values(p + "attn.c_attn.bias", 3 * C))
    out = [[0.0] * C for _ in range(T)]
    for h in range(H):
        q = [row[h * d:(h + 1) * d] for row in qkv]
        k = [row[C + h * d:C + (h + 1) * d] for row in qkv]
        v = [row[2 * C + h * d:2 * C + (h + 1) * d] for row in qkv]
        for t in range(T):
            scores = [sum(a * b for a, b in zip(q[t], k[s])) / math.sqrt(d) for s in range(t + 1)]  # causal
            top = max(scores)
            e = [math.exp(sc - top) for sc in scores]
            for s in range(t + 1):
                for i in range(d):
                    out[t][h * d + i] += e[s] / sum(e) * v[s][i]
    return linear(out, matrix(p + "attn.c_proj.weight", C, C), values(p + "attn.c_proj.bias", C))


def block(x, i):
    p = "h.%d." % i
    a = attention(layer_norm(x, values(p + "ln_1.weight", C), values(p + "ln_1.bias", C)), p)
    x = [[u + w for u, w in zip(r1, r2)] for r1, r2 in zip(x, a)]
    h = layer_norm(x, values(p + "ln_2.weight", C), values(p + "ln_2.bias", C))
    h = [[gelu(v) for v in row] for row in linear(h, matrix(p + "mlp.c_fc.weight", M, C), values(p + "mlp.c_fc.bias", M))]
    h = linear(h, matrix(p + "mlp.c_proj.weight", C, M), values(p + "mlp.c_proj.bias", C))
    return [[u + w for u, w in zip(r1, r2)] for r1, r2 in zip(x, h)]


wte, wpe = matrix("wte.weight", V, C), matrix("wpe.weight", T_CTX, C)
x = [[a + b for a, b in zip(wte[tok], wpe[t])] for t, tok in enumerate(IDS)]
# --lens: the logit lens of the first layer (its output read through ln_f and wte) instead of the logits.
for i in range(1 if "--lens" in sys.argv else L):
    x = block(x, i)
x = layer_norm(x, values("ln_f.weight", C), values("ln_f.bias", C))
logits = linear(x, wte, [0.0] * V)  # output projection tied to the token embedding
print("\n".join(" ".join("%.17g" % v for v in row) for row in logits))  # one position a line, exact
