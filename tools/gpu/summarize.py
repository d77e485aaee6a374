"""The table tools/gpu/measure.sh prints: tokens/s and model FLOPs utilisation of `pretrain bench train`
and of nanoGPT's train.py (eager and torch.compile) per shape, and the two profiles side by side.

MFU is against the GPU's published dense bf16 peak (H100 and H200 SXM: 989 TFLOP/s), with one count of
model FLOPs per token for both programs (6 x parameters + 12 x layers x context x width, as the engine
counts; the same shape is the same work).

Usage: python3 tools/gpu/summarize.py WORK_DIR
"""
import glob
import json
import os
import re
import statistics
import sys

PEAK_TFLOPS = {"H100": 989.4, "H200": 989.4}  # dense bf16, SXM, from NVIDIA's datasheets
SHAPES = ["tiny", "small", "base", "gpt2"]
FIRST_TIMED_ITER = 10  # nanoGPT: after compilation and warm-up


def read_json(path):
    try:
        with open(path) as f:
            return json.loads(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return None


def nanogpt_ms(path):
    """Median milliseconds per iteration of a train.py log, iterations 10 and on."""
    try:
        text = open(path).read()
    except OSError:
        return None
    times = [float(ms) for it, ms in re.findall(r"iter (\d+): loss [\d.na]+, time ([\d.]+)ms", text)
             if int(it) >= FIRST_TIMED_ITER]
    return statistics.median(times) if times else None


def main():
    work = sys.argv[1]
    gpu = open(os.path.join(work, "gpu.txt")).read().strip() if os.path.exists(os.path.join(work, "gpu.txt")) else "?"
    peak = next((v for k, v in PEAK_TFLOPS.items() if k in gpu), None)
    print(f"GPU: {gpu}; MFU against {peak} TFLOP/s dense bf16\n")
    print("| shape | batch x context | params | ours tokens/s | MFU | nanoGPT eager | MFU | nanoGPT compile | MFU |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for shape in SHAPES:
        ours = read_json(os.path.join(work, f"ours-{shape}.json"))
        if not ours:
            continue
        row = ours["rows"][0]
        tokens_per_step = row["batch"] * row["context"]

        def cells(tps):
            if not tps:
                return "-", "-"
            return f"{tps:,.0f}", f"{100 * tps * row['flops_per_token'] / (peak * 1e12):.1f}%" if peak else "?"

        eager = nanogpt_ms(os.path.join(work, f"nanogpt-eager-{shape}.log"))
        comp = nanogpt_ms(os.path.join(work, f"nanogpt-compile-{shape}.log"))
        cols = [*cells(row["tokens_per_s"]), *cells(eager and tokens_per_step / eager * 1e3),
                *cells(comp and tokens_per_step / comp * 1e3)]
        print(f"| {shape} | {row['batch']} x {row['context']} | {row['parameters'] / 1e6:.1f}M | " + " | ".join(cols) + " |")
    for label, path in [("ours", "ours-gpt2--profile.json"), ("nanoGPT compiled", "nanogpt-profile.json")]:
        data = read_json(os.path.join(work, path))
        prof = data and (data["rows"][0].get("profile") if data.get("rows") and "wall_ms" not in data else data)
        if not prof or not prof.get("rows"):
            continue
        print(f"\nProfile, {label}, gpt2 shape, {prof['steps']} steps: {prof['wall_ms']:.1f} ms wall, GPU kernels "
              f"{prof['device_busy_ms']:.1f} ms ({100 * prof['device_busy_ms'] / prof['wall_ms']:.0f}% busy)"
              + (f", {prof['kernel_launches']} kernel launches" if "kernel_launches" in prof else ""))
        for r in prof["rows"]:
            print(f"  {r['ms']:8.2f} ms {r['calls']:6d} x  {r['name'][:110]}")
    tests = os.path.join(work, "tests.log")
    if not os.path.exists(tests):
        print("\nengine tests: not run")
    else:
        summary = [line.strip() for line in open(tests) if "tests passed" in line]
        print("\nengine tests: " + (summary[-1] if summary else "did not finish (see tests.log)"))


if __name__ == "__main__":
    main()
