#!/usr/bin/env bash
# Run here, before a lent GPU machine is used: gathers what tools/gpu/measure.sh needs there into the
# git-ignored folder .gpu/ (the device tool carries it with `carry: [".gpu", "data/brown"]`):
#   .gpu/debs/      Debian packages the GPU machine lacks (SentencePiece, nlohmann-json, Qt 6 Core + Test
#                   for the engine's Qt Test executables), unpacked there with dpkg -x, not installed
#   .gpu/nanogpt/   nanoGPT's train.py, model.py and configurator.py, the reference measured beside ours
# Usage: tools/gpu/prepare.sh NANOGPT_CHECKOUT   (a clone or snapshot of github.com/karpathy/nanoGPT)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
nanogpt=${1:?usage: tools/gpu/prepare.sh NANOGPT_CHECKOUT}
mkdir -p "$root/.gpu/debs" "$root/.gpu/nanogpt"
(cd "$root/.gpu/debs" && apt-get download -q \
  libsentencepiece0 libsentencepiece-dev nlohmann-json3-dev libtomlplusplus-dev libxxhash-dev \
  qt6-base-dev qt6-base-dev-tools qmake6 qmake6-bin libqt6core6 libqt6test6 libqt6dbus6 \
  libicu72 libdouble-conversion3 libb2-1 libpcre2-16-0 libglib2.0-0 2>&1 | { grep -v '^W: Download is performed unsandboxed' || true; })
for f in train.py model.py configurator.py; do
  if [[ -f "$nanogpt/$f" ]]; then cp "$nanogpt/$f" "$root/.gpu/nanogpt/$f"
  else git -C "$nanogpt" show "HEAD:$f" > "$root/.gpu/nanogpt/$f"; fi  # a bare snapshot
done
[[ -f "$root/data/brown/.complete" ]] || node "$root/packaging/fetch-sample-corpus.mjs" "$root/data/brown"
du -sh "$root/.gpu" "$root/data/brown"
