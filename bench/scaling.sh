#!/usr/bin/env bash
# The catalog-size table: each size in its own process (so peak memory is that size's).
# Usage: bench/scaling.sh [sizes...]   (default: 10000 100000 1000000)
# Needs the release build: make release (or swift build -c release --product gru4rec).
set -euo pipefail
cd "$(dirname "$0")/.."
B=.build/release/gru4rec
[ -x "$B" ] || { echo "build first: make release" >&2; exit 1; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
lscpu 2>/dev/null | grep -E "Model name|^CPU\(s\)|Flags" | sed 's/Flags:.*\(avx512f\).*/AVX-512: yes/; s/Flags:.*/AVX-512: no/' || true
for n in "${sizes[@]}"; do
  echo "== $n items"
  "$B" bench --synthetic-items "$n" --repeats 3 --steps 300
done
