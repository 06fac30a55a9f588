#!/usr/bin/env bash
# Trains the shipped demo model on demo-data/train.tsv.gz with the settings chosen by
# search.sh (demo-data/model-params.txt), then evaluates it and both baselines on the
# test sessions and writes demo-data/metrics.json.
# With --check, compares the new metrics with the shipped ones (tolerance 0.01).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${GRU4REC:-$root/.build/release/gru4rec}"
check="${1:-}"
params="$(grep -v '^#' "$here/model-params.txt" | tr -d '\n')"
epochs="$(grep '^# epochs' "$here/model-params.txt" | awk '{print $3}')"
shipped="$(mktemp)"
trap 'rm -f "$shipped"' EXIT
[ -f "$here/metrics.json" ] && cp "$here/metrics.json" "$shipped"
rm -f "$here/model.log.jsonl"
"$bin" train "$here/train.tsv.gz" --output "$here/model.safetensors" --params "$params" --epochs "$epochs" --seed 42 --threads 1
eval_json() { "$bin" eval "$@" --test "$here/test.tsv.gz" --cutoffs 5,10,20 --json; }
model="$(eval_json "$here/model.safetensors")"
pop="$(eval_json --baseline pop --train "$here/train.tsv.gz")"
knn="$(eval_json --baseline item-knn --train "$here/train.tsv.gz")"
python3 - "$here/metrics.json" "$model" "$pop" "$knn" <<'PY'
import json, sys
keys = ["recall@5", "mrr@5", "recall@10", "mrr@10", "recall@20", "mrr@20", "ndcg@20", "coverage@20", "events"]
out = {name: {k: json.loads(text)[k] for k in keys} for name, text in zip(["gru4rec", "pop", "item-knn"], sys.argv[2:])}
json.dump(out, open(sys.argv[1], "w"), indent=2, sort_keys=True)
for name, m in out.items():
    print(f"{name:9s} recall@20 {m['recall@20']:.4f}  mrr@20 {m['mrr@20']:.4f}  (events {m['events']})")
PY
if [ "$check" = "--check" ] && [ -s "$shipped" ]; then
  python3 - "$shipped" "$here/metrics.json" <<'PY'
import json, sys
old, new = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
worst = max(abs(old["gru4rec"][k] - new["gru4rec"][k]) for k in ["recall@20", "mrr@20", "recall@10", "mrr@10"])
print(f"largest difference from the shipped metrics: {worst:.4f} (tolerance 0.01)")
sys.exit(0 if worst <= 0.01 else 1)
PY
fi
