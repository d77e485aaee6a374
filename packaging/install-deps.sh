#!/usr/bin/env bash
# Installs the Debian 12 packages Pretrain Studio builds and runs with. Idempotent: when everything is
# present it only checks (no apt-get update), so running it on every set-up costs about a second.
# Usage: packaging/install-deps.sh [--no-gui]   (--no-gui: engine + `pretrain` only, no Qt)
set -euo pipefail

engine=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev            # LibTorch 1.13 (CPU)
  libopenblas0-openmp     # takes over libblas.so.3: ~15x faster training than the reference BLAS
  libsentencepiece-dev sentencepiece
  libgloo-dev             # the headers LibTorch's c10d Gloo process group needs (data-parallel training)
  python3-torch           # torchrun, the launcher of data-parallel runs (PyTorch 1.13, as the LibTorch)
  nlohmann-json3-dev      # JSON for manifests, configs and --json output (header-only)
  libtomlplusplus-dev     # TOML for `pretrain train --config` files (used header-only)
  libxxhash-dev           # XXH3, the hash of corpora, token files and checkpoints (used header-only)
  strace                  # the torture tests' fault injection (failing writes, flushes, renames)
)
gui=(
  qt6-base-dev qt6-base-dev-tools qt6-qpa-plugins
  qt6-charts-dev libqt6opengl6-dev   # Charts' CMake package needs the OpenGL dev package
  libqcustomplot-dev libqcustomplot2.1-qt6
  xvfb xauth              # offscreen / virtual display for GUI tests and screenshots
  help2man dpkg-dev       # the Debian package: man pages from --help, dependencies from the links
  lintian appstream desktop-file-utils   # and the package's checks (tests/packaging)
)

want=("${engine[@]}")
[[ "${1:-}" == "--no-gui" ]] || want+=("${gui[@]}")

missing=()
# npm fetches the sample corpus; a Node.js from elsewhere often bundles its own npm, which Debian's npm
# package conflicts with, so only ask for Debian's when no npm is on PATH.
command -v npm >/dev/null || want+=(nodejs npm)
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
