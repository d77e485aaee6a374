#!/usr/bin/env python3
"""Issue 13's check (b): a causal and a masked run, exported by `pretrain export`, loaded by Hugging Face
transformers itself (AutoTokenizer, AutoModelForCausalLM, AutoModelForMaskedLM, pipeline("fill-mask")), and
compared with what `pretrain` says of the same runs (on the CPU, in fp32): token ids, next-token
probabilities from the same ids (within 1e-4), the fill-mask answer.

Runs where transformers is installed (the lent GPU machine; Debian 12 has no package for it), from
tools/gpu/measure.sh's hf-check phase. Prints one line per check and exits 1 if any differs.

Usage: hf_check.py PRETRAIN CAUSAL_RUN MASKED_RUN WORK_DIR   (WORK_DIR gets the exported folders)
"""
import json
import subprocess
import sys

TEXTS = [
    "I love to eat pizza with cheese.",
    "The quick brown fox jumps over the lazy dog.",
    "In 1961, 42 percent of the votes went to Mr. Smith.",
    "naïve café: ünïcödé, Ελληνικά, 中文, кириллица 🙂",
    "two  spaces,\tand a tab",
]
PROMPTS = ["The man said that", "It was the first time", "I love to eat pizza with"]
MASKED_SENTENCE = "The quick [MASK] fox jumps over the lazy dog."
TOLERANCE = 1e-4  # on probabilities, which differ by less than the logits do


def pretrain(binary, *args):
    out = subprocess.run([binary, *args, "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"pretrain {args[0]} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    binary, causal_run, masked_run, work = sys.argv[1:]
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoModelForMaskedLM, AutoTokenizer, pipeline

    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    failures = 0

    def report(ok, what):
        nonlocal failures
        failures += 0 if ok else 1
        print(("ok    " if ok else "FAIL  ") + what)

    for run, kind in ((causal_run, "causal"), (masked_run, "masked")):
        folder = f"{work}/{kind}-hf"
        subprocess.run([binary, "export", "--run", run, "--out", folder], check=True, capture_output=True)
        tokenizer = AutoTokenizer.from_pretrained(folder)
        for text in TEXTS:
            ours = pretrain(binary, "encode", "--tokenizer", f"{run}/data", "--text", text)["ids"]
            theirs = tokenizer(text, add_special_tokens=False)["input_ids"]
            report(ours == theirs, f"{kind} tokenizer ids of {text!r}" + ("" if ours == theirs else
                                                                              f": {ours} vs {theirs}"))

    # Next-token probabilities, from the same ids: the engine reads a causal prompt after </s> (the end of
    # the previous document) and has a masked model predict a [MASK] appended to the prompt.
    runs = ((causal_run, "causal", AutoModelForCausalLM), (masked_run, "masked", AutoModelForMaskedLM))
    for run, kind, auto in runs:
        tokenizer = AutoTokenizer.from_pretrained(f"{work}/{kind}-hf")
        model = auto.from_pretrained(f"{work}/{kind}-hf").eval()
        for prompt in PROMPTS:
            ours = pretrain(binary, "next", "--run", run, "--prompt", prompt, "--top-k", "10")["candidates"]
            ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            ids = [tokenizer.eos_token_id] + ids if kind == "causal" else ids + [tokenizer.mask_token_id]
            with torch.no_grad():
                probs = torch.softmax(model(torch.tensor([ids])).logits[0, -1].double(), -1)
            worst = max(abs(c["prob"] - probs[c["id"]].item()) for c in ours)
            same_first = ours[0]["id"] == int(probs.argmax())
            report(worst < TOLERANCE and same_first,
                   f"{kind} next-token probabilities after {prompt!r}: largest difference {worst:.2g}"
                   f", first choice {'the same' if same_first else 'differs'}")

    # The masked run's answer on the mission sentence, by transformers' own fill-mask pipeline. Only the
    # answer is compared: the engine's fill keeps the pieces that start a word and renormalises over them.
    fill = pipeline("fill-mask", model=AutoModelForMaskedLM.from_pretrained(f"{work}/masked-hf"),
                    tokenizer=AutoTokenizer.from_pretrained(f"{work}/masked-hf"))
    theirs = fill(MASKED_SENTENCE, top_k=5)[0]["token_str"].strip()
    ours = pretrain(binary, "fill", "--run", masked_run, "--text", MASKED_SENTENCE, "--top-k", "5")
    ours = ours["masks"][0]["candidates"][0]["text"]
    report(ours == theirs, f"fill-mask on {MASKED_SENTENCE!r}: ours {ours!r}, transformers' {theirs!r}")
    print(f"{failures} of the checks differ" if failures else "all checks agree")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
