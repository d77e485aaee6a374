#!/usr/bin/env bash
# Installs the Debian package into a clean Debian 12 (debootstrap minbase, in a chroot) with apt, the way a
# user would, then runs it there: what apt pulls in is exactly what the package declares. Needs root and
# the Debian registry; takes a few minutes (it downloads a base system and LibTorch's and Qt's packages).
# Usage: packaging/try-clean-install.sh path/to/pretrain-studio_VERSION_amd64.deb
set -euo pipefail
deb=$(realpath "$1")
root=$(mktemp -d /tmp/clean-bookworm.XXXXXX)
command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
echo "== debootstrap bookworm (minbase) into $root"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian > "$root.log" 2>&1
echo "deb http://deb.debian.org/debian-security bookworm-security main" >> "$root/etc/apt/sources.list"
echo "deb http://deb.debian.org/debian bookworm-updates main" >> "$root/etc/apt/sources.list"
cp "$deb" "$root/tmp/package.deb"
mount --bind /proc "$root/proc"
trap 'umount "$root/proc"; rm -rf "$root" "$root.log"' EXIT
chroot "$root" bash -euc '
  apt-get update -q > /dev/null
  before=$(dpkg-query -W | wc -l)
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/package.deb > /tmp/apt.log
  echo "== installed: $before packages before, $(dpkg-query -W | wc -l) after"
  cd /tmp
  pretrain --version
  QT_QPA_PLATFORM=offscreen pretrain-studio --version 2>/dev/null
  for i in $(seq 300); do echo "the quick brown fox jumps over the lazy dog number $i."; done > corpus.txt
  pretrain train --corpus corpus.txt --out run --layers 1 --heads 2 --dim 16 --context 16 --batch 4 \
    --steps 4 --vocab-size 300 --warmup 1 --eval-every 2 --save-every 2 | tail -1
  pretrain fill --run run --text "the quick [MASK] fox" --top-k 2
  pretrain export --run run --out run-hf
'
echo "== the package installs and runs on a clean Debian 12"
