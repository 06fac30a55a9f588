#!/usr/bin/env bash
# Rebuilds the demo sessions from the raw UCI Online Retail file (one invoice = one session).
# Usage: demo-data/build-data.sh   (from anywhere; GRU4REC=path/to/gru4rec to use another binary)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${GRU4REC:-$root/.build/release/gru4rec}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" prepare "$here/online_retail_raw.csv.gz" --output-dir "$tmp" --sep , \
  --session-col InvoiceNo --item-col StockCode --time-col InvoiceDate --name-col Description \
  --time-format '%Y-%m-%d %H:%M' --drop-sessions-matching '^C' --keep-items-matching '^[0-9]' \
  --min Quantity=1 --dedupe-consecutive --min-item-support 5 --test-days 14 --valid-days 14
for f in train test train_tr valid; do gzip -n -9 -c "$tmp/$f.tsv" > "$here/$f.tsv.gz"; done
cp "$tmp/items.tsv" "$here/items.tsv"
echo "demo data written to $here"
