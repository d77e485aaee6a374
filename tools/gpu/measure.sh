#!/usr/bin/env bash
# Run on a lent GPU machine (Ubuntu with PyTorch 2.x + CUDA, no Qt, no Debian registry), from the repository
# root, after tools/gpu/prepare.sh here: builds the engine and its tests against that PyTorch's
# LibTorch, runs the engine tests, and measures training throughput of the presets and a GPT-2-small
# shape with `pretrain bench train` and with nanoGPT's train.py (eager and torch.compile), same shapes,
# data and batch. Prints a table; logs and results go to $OUT (default /tmp/gpu-out).
#   tools/gpu/measure.sh [PHASES]   comma-separated, in this order by default:
#     build, nccl, hf-check, ours, nanogpt-eager, tests, nanogpt-compile, profile (they run in that order;
#     nccl (issue 11: a group of one over NCCL) and hf-check (issue 13: the export loaded by transformers
#     itself) run only when named)
# Phases can be run in separate calls on one warm machine: the build and data stay in build/gpu and /tmp.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
out=${OUT:-/tmp/gpu-out}
work=/tmp/pretrain-gpu  # every run's log and result; packed into $OUT/logs.tgz at the end
deps=/tmp/pretrain-deps
phases=${1:-build,tests,ours,nanogpt-eager,nanogpt-compile,profile}
steps=30  # timed iterations per run (nanoGPT: iterations 10 and on, after compilation and warm-up)
# name:layers:heads:width:context:batch. Batches sized for a GPU (the CPU figures use 16).
shapes="tiny:4:4:256:128:64 small:6:6:384:256:32 base:8:8:512:256:32 gpt2:12:12:768:1024:16"
mkdir -p "$out" "$work"

mkdir -p "$deps"; for f in .gpu/debs/*.deb; do dpkg -x "$f" "$deps"; done  # unpacked, not installed
export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
# PyTorch's LibTorch exports std::filesystem functions of its own (pytorch/pytorch#133437). The build puts
# libstdc++ ahead of it (core/CMakeLists.txt); preloading it too is what the figures of 2026-11-27 ran with.
export LD_PRELOAD=$(g++ -print-file-name=libstdc++.so.6)
pretrain=build/gpu/bin/pretrain
has() { [[ ",$phases," == *",$1,"* ]]; }
say() { echo "== $(date +%T) $*"; }
# What is known so far goes to $OUT after each phase: a call that runs out of time still returns it.
publish() {
  python3 tools/gpu/summarize.py "$work" > "$out/summary.md" 2>&1
  tar -czf "$out/logs.tgz" -C "$work" .
}

if has build; then
  rm -f "$work"/tests.log "$work"/ours-* "$work"/nanogpt-* "$work"/*profile*  # nothing from an earlier build
  say "build against $(python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda)')"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$work/gpu.txt"
  cmake -S . -B build/gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DPRETRAIN_BUILD_GUI=OFF -DPRETRAIN_BUILD_TESTS=ON \
    "-DCMAKE_PREFIX_PATH=$torch_prefix;$deps/usr" > "$work/configure.log" 2>&1 || { tail -40 "$work/configure.log"; publish; exit 1; }
  grep -h "NCCL process groups" "$work/configure.log"
  if ! cmake --build build/gpu -j "$(nproc)" > "$work/build.log" 2>&1; then
    grep -E "error|Error" "$work/build.log" | head -30
    # The NCCL group is the one part never compiled before on this LibTorch: without it, the rest still runs.
    grep -q "process_group.cpp" "$work/build.log" && cmake -B build/gpu -DPRETRAIN_NCCL=OFF >> "$work/configure.log" 2>&1 &&
      cmake --build build/gpu -j "$(nproc)" > "$work/build-without-nccl.log" 2>&1 && say "built without NCCL" ||
      { publish; exit 1; }
  fi
  say "built"
  # Preflight: one small file tokenized. A crash here is shown with its backtrace and ends the run, before
  # device time goes on figures that cannot come.
  if ! "$pretrain" tokenize --corpus data/brown/ca01.txt --out /tmp/preflight --vocab-size 350 > "$work/preflight.log" 2>&1; then
    tail -3 "$work/preflight.log"
    cuda-gdb -batch -ex run -ex bt --args "$pretrain" tokenize --corpus data/brown/ca01.txt --out /tmp/preflight-gdb \
      --vocab-size 350 > "$work/backtrace.log" 2>&1
    grep -E "^#|signal" "$work/backtrace.log" | head -30
    publish
    exit 1
  fi
  publish
fi


if has nccl; then  # issue 11: one GPU as torchrun's group of one, over NCCL, against the same run alone
  say "nccl: the engine's data-parallel test, then a run continued alone and as a group of one"
  timeout 120 build/gpu/bin/tst_data_parallel > "$work/nccl-test.log" 2>&1
  grep -E "^(PASS|FAIL|SKIP)|Totals" "$work/nccl-test.log"
  # One run to step 20, copied; both copies continued to step 40 by the same command, one of them under
  # torchrun: the group's steps 21-40 against the lone process's (one tokenizer, one token store).
  mkdir -p /tmp/nccl-corpus && cp data/brown/c[a-e]*.txt /tmp/nccl-corpus/
  train=(train --corpus /tmp/nccl-corpus --preset tiny --vocab-size 2000 --eval-every 10 --save-every 20 --device cuda)
  rm -rf "$work/nccl-alone" "$work/nccl-group"
  timeout 120 $pretrain "${train[@]}" --out "$work/nccl-alone" --steps 20 > "$work/nccl-start.log" 2>&1 || tail -5 "$work/nccl-start.log"
  cp -r "$work/nccl-alone" "$work/nccl-group"
  timeout 120 $pretrain "${train[@]}" --out "$work/nccl-alone" --steps 40 --json > "$work/nccl-alone.log" 2>&1 || tail -5 "$work/nccl-alone.log"
  timeout 120 python3 -m torch.distributed.run --standalone --nproc-per-node 1 --no-python $pretrain "${train[@]}" \
    --out "$work/nccl-group" --steps 40 --json > "$work/nccl-group.log" 2>&1 || tail -15 "$work/nccl-group.log"
  python3 - "$work" <<'PY' 2>&1 | tee "$work/nccl.txt"
import json, sys
def losses(run):
    rows = [json.loads(l) for l in open(f"{sys.argv[1]}/{run}/metrics.jsonl")]
    return {r["step"]: r["train_loss"] for r in rows if "train_loss" in r and r["step"] > 20}
a, g = losses("nccl-alone"), losses("nccl-group")
worst = max(abs(a[s] - g[s]) for s in a) if a and a.keys() == g.keys() else float("nan")
print(f"steps 21-40: {len(g)} steps as a group of one, {len(a)} alone; largest loss difference {worst:.2e}")
for line in open(f"{sys.argv[1]}/nccl-group.log"):
    if line.startswith("{"): print("group of one:", line.strip())
PY
  publish
fi

if has hf-check; then  # issue 13 (b): exported runs loaded by transformers itself (tools/gpu/hf_check.py)
  say "hf-check: a causal and a masked tiny run, exported and loaded by transformers"
  for o in clm mlm; do
    rm -rf "$work/hf-$o"
    $pretrain train --corpus data/brown --out "$work/hf-$o" --preset tiny --objective $o --steps 300 \
      > "$work/hf-$o-train.log" 2>&1 || tail -5 "$work/hf-$o-train.log"
  done
  python3 tools/gpu/hf_check.py "$pretrain" "$work/hf-clm" "$work/hf-mlm" "$work" 2>&1 | tee "$work/hf-check.txt"
  publish
fi

ours() {  # name batch [extra args]
  timeout 240 "$pretrain" bench train --device cuda --corpus data/brown --presets "$1" --batch "$2" --precisions bf16 \
    --steps $steps --json "${@:3}" > "$work/ours-$1${3:-}.json" 2> "$work/ours-$1${3:-}.log" || tail -5 "$work/ours-$1${3:-}.log"
}
if has ours; then
  for s in $shapes; do IFS=: read -r name l h c t b <<< "$s"; say "ours $name"; ours "$name" "$b"; done
  publish
fi

run_tests() {  # once, before compiling (which takes long): correctness before speed
  has tests && [[ ! -f $work/tests.log ]] || return 0
  (cd build/gpu && timeout 200 ctest -j 8 --timeout 150 --output-on-failure) > "$work/tests.log" 2>&1
  grep -E "tests passed|Failed|\*\*\*|SKIP" "$work/tests.log" | head -30
  publish
}
nanogpt_data() {  # the same tokenizer and token store as ours, in nanoGPT's layout
  local d=.gpu/nanogpt/data/brown
  [[ -f $d/train.bin ]] && return
  mkdir -p "$d"
  "$pretrain" tokenize --corpus data/brown --out /tmp/brown-bpe8k > "$work/tokenize.log" 2>&1 || { tail -3 "$work/tokenize.log"; return 1; }
  cp /tmp/brown-bpe8k/tokens/train.bin "$d/train.bin"
  cp /tmp/brown-bpe8k/tokens/validation.bin "$d/val.bin"
  python3 -c "import pickle; pickle.dump({'vocab_size': 8000}, open('$d/meta.pkl', 'wb'))"
}
nanogpt() {  # mode(eager|compile) name layers heads width context batch
  (cd .gpu/nanogpt && timeout 300 python3 train.py --dataset=brown --out_dir=/tmp/nanogpt-out --eval_interval=1000000 \
    --eval_iters=1 --log_interval=1 --always_save_checkpoint=False --wandb_log=False --gradient_accumulation_steps=1 \
    --batch_size="$7" --block_size="$6" --n_layer="$3" --n_head="$4" --n_embd="$5" --dropout=0.0 --bias=True \
    --learning_rate=1e-3 --min_lr=1e-4 --warmup_iters=10 --max_iters=$steps --lr_decay_iters=$steps \
    --dtype=bfloat16 --compile="$([[ $1 == compile ]] && echo True || echo False)" --device=cuda) \
    > "$work/nanogpt-$1-$2.log" 2>&1 || tail -5 "$work/nanogpt-$1-$2.log"
}
for mode in eager compile; do
  [[ $mode == compile ]] && run_tests
  has "nanogpt-$mode" || continue
  nanogpt_data
  order=$shapes
  [[ $mode == compile ]] && order="${shapes##* } ${shapes% *}"  # GPT-2 small first: compiling takes a while
  for s in $order; do IFS=: read -r name l h c t b <<< "$s"; say "nanoGPT $mode $name"; nanogpt "$mode" "$name" "$l" "$h" "$c" "$t" "$b"; publish; done
done
run_tests


if has profile; then  # where the time goes, GPT-2-small shape: ours, and nanoGPT compiled
  say "profile ours gpt2"; ours gpt2 16 --profile
  say "profile nanoGPT gpt2"; nanogpt_data
  timeout 300 python3 tools/gpu/nanogpt_profile.py .gpu/nanogpt 12 12 768 1024 16 > "$work/nanogpt-profile.json" 2> "$work/nanogpt-profile.log" \
    || tail -5 "$work/nanogpt-profile.log"
fi


publish
cat "$out/summary.md"
