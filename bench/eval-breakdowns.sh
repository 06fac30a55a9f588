#!/usr/bin/env bash
# Cost of `eval --by length,position,popularity,repeat` against plain `eval`, and of the
# paired bootstrap, on yoochoose1-64's test set (issue 11's speed check).
#
#   bench/eval-breakdowns.sh [REPEATS]      (release build first: swift build -c release)
#
# Trains a model with the reference's XE settings for one epoch when none exists
# (bench/out/yoochoose1-64-xe1.safetensors, about a minute), then runs plain eval and
# eval --by alternately REPEATS times (default 5) and prints each run's wall time, the
# medians and the median of the per-pair ratios (by / plain); then one comparison
# (the model against the popularity baseline) whose JSON gives the bootstrap's own time
# (1,000 resamples over the test sessions). Same process, same machine, same period: the
# ratio is the figure to quote, not the absolute times.
set -euo pipefail
cd "$(dirname "$0")/.."
B=.build/release/gru4rec
DATA=${DATA:-../shared/datasets/yoochoose1-64}
TRAIN=$DATA/yoochoose1_64_train.tsv
TEST=$DATA/yoochoose1_64_test.tsv
MODEL=bench/out/yoochoose1-64-xe1.safetensors
REPEATS=${1:-5}
mkdir -p bench/out
[ -x "$B" ] || { echo "build the release binary first: swift build -c release" >&2; exit 1; }
if [ ! -f "$MODEL" ]; then
  echo "training $MODEL (XE settings, 1 epoch) ..." >&2
  $B train "$TRAIN" --output "$MODEL" --loss cross-entropy --layers 100 --batch-size 32 \
    --dropout-p-hidden 0.4 --learning-rate 0.2 --momentum 0.2 --n-sample 2048 --sample-alpha 0.5 \
    --logq 1 --epochs 1 --seed 1 >&2
fi
now() { date +%s.%N; }
plain=(); by=(); ratios=()
for r in $(seq "$REPEATS"); do
  t0=$(now); $B eval "$MODEL" --test "$TEST" --cutoffs 20 >/dev/null 2>&1; t1=$(now)
  $B eval "$MODEL" --test "$TEST" --cutoffs 20 --by length,position,popularity,repeat >/dev/null 2>&1; t2=$(now)
  p=$(echo "$t1 - $t0" | bc -l); b=$(echo "$t2 - $t1" | bc -l)
  plain+=("$p"); by+=("$b"); ratios+=("$(echo "$b / $p" | bc -l)")
  printf 'run %d: plain %.2fs, --by %.2fs, ratio %.3f\n' "$r" "$p" "$b" "$(echo "$b / $p" | bc -l)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf 'median: plain %.2fs, --by %.2fs; median ratio (--by / plain) %.3f over %d pairs\n' \
  "$(median "${plain[@]}")" "$(median "${by[@]}")" "$(median "${ratios[@]}")" "$REPEATS"
$B eval "$MODEL" --baseline pop --train "$TRAIN" --test "$TEST" --cutoffs 20 --json 2>/dev/null |
  python3 -c 'import json,sys; o=json.load(sys.stdin); b=o["bootstrap"]; print("bootstrap: %d resamples over %d sessions (%d events): %.3fs" % (b["resamples"], o["sessions"], o["events"], b["seconds"]))'
