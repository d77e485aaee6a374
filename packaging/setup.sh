#!/usr/bin/env bash
# Sets Pretrain Studio up on a Debian 12 machine and runs it.
#   packaging/setup.sh        install what is missing, fetch the sample corpus, build, then start the app
#                             (or, with no display, a headless demo)
#   packaging/setup.sh test   install what is missing, build, run the whole test suite (what CI runs)
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mode=${1:-demo}
case "$mode" in demo|test) ;; *) echo "usage: packaging/setup.sh [demo|test]" >&2; exit 2;; esac

packaging/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release

if [[ "$mode" == test ]]; then
  # Hugging Face's tokenizers (Rust, through its npm binding), which the export test checks tokenizer.json
  # against; the version is pinned so that a figure in the README names what it was measured with.
  [[ -d build/release/npm/node_modules/tokenizers ]] ||
    npm install --silent --no-audit --no-fund --prefix build/release/npm tokenizers@0.23.2
  # Run as root, the set-up above provided everything the tests need (strace, torchrun, Gloo, a tmpfs to
  # fill): a test that finds one missing then fails instead of skipping (tests/common/test_skip.h).
  if [[ $(id -u) == 0 ]]; then export PRETRAIN_TESTS_SET_UP=1; fi
  rm -f build/release/test-logs/*.tap
  # One test at a time: each training test uses every core, and OpenMP threads of two tests spinning on
  # the same cores made the suite 5x slower than running them in turn.
  status=0
  ctest --preset release || status=$?
  tests/report_skips.sh build/release/test-logs  # CTest counts a skip as a pass: name each one.
  exit "$status"
fi

node packaging/fetch-sample-corpus.mjs data/brown
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  echo "== Starting Pretrain Studio on the sample corpus (Brown Corpus)."
  exec build/release/bin/pretrain-studio data/brown
fi
echo
echo "== No display here, so this is the headless demo on the sample corpus (Brown Corpus)."
exec build/release/bin/pretrain demo --corpus data/brown --out data/runs/demo
