#!/usr/bin/env bash
# Lists the test functions that skipped, from the Qt Test logs each test writes (tests/CMakeLists.txt):
# CTest counts a test executable whose functions skipped as passed, so without this nobody sees them.
#   tests/report_skips.sh LOG_DIR
# Prints one line per skipped function (data rows folded, with the reason), then a closing line that counts
# them by name. Always exits 0: a skip that must not happen fails its test instead (tests/common/test_skip.h).
set -euo pipefail
dir=${1:?usage: tests/report_skips.sh LOG_DIR}
shopt -s nullglob
logs=("$dir"/*.tap)
# TAP, as Qt Test writes it: "ok 4 - fusedAttentionEqualsMatmul(causal) # SKIP LibTorch 1.13.1 has no ..."
# (a row name may hold spaces and parentheses; the function ends at the first "(", the reason after "# SKIP").
for log in "${logs[@]}"; do
  class=$(awk '/^# [A-Za-z_][A-Za-z0-9_]*$/ { print $2; exit }' "$log")  # Qt writes "# TstModels" first
  { grep '^ok .* # SKIP' "$log" || true; } | sed "s/^ok [0-9]* - /$class::/"
done | awk '
  {
    at = index($0, " # SKIP")
    head = substr($0, 1, at - 1); reason = substr($0, at + 8)
    fn = index(head, "(") ? substr(head, 1, index(head, "(") - 1) : head
    if (!(fn in rows)) { order[++n] = fn; why[fn] = reason; first[fn] = head }
    rows[fn]++
  }
  END {
    if (n == 0) { print "skipped test functions: 0"; exit }
    print "== Skipped test functions (CTest counts them as passed):"
    names = ""
    for (i = 1; i <= n; ++i) {
      fn = order[i]
      # One skip: as Qt names it, with its data row; several: the function, and how many rows.
      printf "   %s: %s\n", (rows[fn] > 1 ? fn " (" rows[fn] " rows)" : first[fn]), why[fn]
      names = names (i > 1 ? ", " : "") fn
    }
    print "skipped test functions: " n " (" names ")"
  }'
