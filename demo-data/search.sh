#!/usr/bin/env bash
# The small hyperparameter search behind the demo model: every setting is trained on
# train_tr and scored on valid (never on test) after each epoch; the best
# (setting, epoch) by MRR@20 is used to train the shipped model on the full train set.
# Writes demo-data/search-results.tsv. Takes about 7 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${GRU4REC:-$root/.build/release/gru4rec}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
epochs=5
settings=(
  "xe-rsc15|loss=cross-entropy,layers=100,batch_size=32,dropout_p_embed=0,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,sample_alpha=0.5,logq=1"
  "xe-lowdrop|loss=cross-entropy,layers=100,batch_size=32,dropout_p_embed=0,dropout_p_hidden=0.2,learning_rate=0.1,momentum=0.3,sample_alpha=0.5,logq=1"
  "xe-embdrop|loss=cross-entropy,layers=100,batch_size=64,dropout_p_embed=0.25,dropout_p_hidden=0.25,learning_rate=0.15,momentum=0.2,sample_alpha=0.3,logq=1"
  "xe-batch128|loss=cross-entropy,layers=100,batch_size=128,dropout_p_embed=0,dropout_p_hidden=0.3,learning_rate=0.3,momentum=0.1,sample_alpha=0.5,logq=1"
  "bprmax-rr|loss=bpr-max,layers=100,batch_size=80,dropout_p_embed=0.5,dropout_p_hidden=0.05,learning_rate=0.05,momentum=0.4,sample_alpha=0.4,bpreg=1.95,elu_param=0.5"
  "bprmax-lowreg|loss=bpr-max,layers=100,batch_size=64,dropout_p_embed=0.3,dropout_p_hidden=0.1,learning_rate=0.08,momentum=0.3,sample_alpha=0.3,bpreg=1.0,elu_param=1"
)
out="$here/search-results.tsv"
printf 'setting\tepoch\trecall@20\tmrr@20\tparams\n' > "$tmp/results.tsv"
for entry in "${settings[@]}"; do
  name="${entry%%|*}"; params="${entry#*|}"
  "$bin" train "$here/train_tr.tsv.gz" --output "$tmp/$name.safetensors" --valid "$here/valid.tsv.gz" \
    --params "$params" --n-sample 2048 --epochs "$epochs" --seed 42 2> "$tmp/$name.err" || { cat "$tmp/$name.err"; exit 1; }
  python3 - "$tmp/$name.log.jsonl" "$name" "$params" >> "$tmp/results.tsv" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "epoch":
        v = r.get("valid", {})
        print(f"{sys.argv[2]}\t{r['epoch']}\t{v.get('recall@20', 0):.4f}\t{v.get('mrr@20', 0):.4f}\t{sys.argv[3]}")
PY
  echo "done: $name" >&2
done
mv "$tmp/results.tsv" "$out"
echo "best by MRR@20:" >&2
sort -t$'\t' -k4,4 -g -r "$out" | head -3 >&2
