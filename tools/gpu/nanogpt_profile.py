"""Where a nanoGPT training step spends its time on the GPU, for tools/gpu/measure.sh.

nanoGPT's own model and optimizer (model.py's GPT and configure_optimizers), compiled with torch.compile,
stepped as its train.py steps them (bf16 autocast, clipping at 1, fused AdamW); a few steps under
torch.profiler, summed by kernel, printed as JSON in the shape `pretrain bench train --profile` uses.

Usage: python3 tools/gpu/nanogpt_profile.py NANOGPT_DIR LAYERS HEADS WIDTH CONTEXT BATCH
"""
import json
import os
import sys
import time

import numpy as np
import torch

WARMUP_STEPS = 10  # compilation and the allocator settle first
PROFILED_STEPS = 5  # as `pretrain bench train --profile`
ROWS = 15


def main():
    nanogpt, layers, heads, width, context, batch = sys.argv[1], *map(int, sys.argv[2:7])
    sys.path.insert(0, nanogpt)
    from model import GPT, GPTConfig  # nanoGPT's

    torch.manual_seed(1337)
    config = GPTConfig(block_size=context, vocab_size=8000, n_layer=layers, n_head=heads, n_embd=width,
                       dropout=0.0, bias=True)
    model = GPT(config).cuda()
    optimizer = model.configure_optimizers(0.1, 1e-3, (0.9, 0.95), "cuda")
    model = torch.compile(model)
    data = np.memmap(os.path.join(nanogpt, "data", "brown", "train.bin"), dtype=np.uint16, mode="r")

    def batch_of_windows():
        ix = torch.randint(len(data) - context, (batch,))
        x = torch.stack([torch.from_numpy(data[i:i + context].astype(np.int64)) for i in ix])
        y = torch.stack([torch.from_numpy(data[i + 1:i + 1 + context].astype(np.int64)) for i in ix])
        return x.pin_memory().cuda(non_blocking=True), y.pin_memory().cuda(non_blocking=True)

    def step():
        x, y = batch_of_windows()
        with torch.autocast("cuda", dtype=torch.bfloat16):
            _, loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()  # the step's one synchronisation, as train.py's log line

    for _ in range(WARMUP_STEPS):
        step()
    activities = [torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]
    with torch.profiler.profile(activities=activities) as prof:
        start = time.perf_counter()
        for _ in range(PROFILED_STEPS):
            step()
        torch.cuda.synchronize()
        wall_ms = (time.perf_counter() - start) * 1e3
    kernels = {}
    for e in prof.events():
        if e.device_type == torch.autograd.DeviceType.CUDA:
            row = kernels.setdefault(e.name, {"name": e.name, "calls": 0, "ms": 0.0})
            row["calls"] += 1
            row["ms"] += e.device_time_total / 1e3 if hasattr(e, "device_time_total") else e.cuda_time_total / 1e3
    rows = sorted(kernels.values(), key=lambda r: -r["ms"])
    busy = sum(r["ms"] for r in rows)
    print(json.dumps({"steps": PROFILED_STEPS, "wall_ms": wall_ms, "device_busy_ms": busy, "rows": rows[:ROWS],
                      "kernel_launches": sum(r["calls"] for r in rows)}))


if __name__ == "__main__":
    main()
