#!/usr/bin/env bash
# Builds the demo data set from UCI Online Retail (CC BY 4.0; Chen, Sain, Guo 2012):
# one invoice = one session, products only, the last 14 days as test, and the 14 days
# before them as validation.
#
#   demo-data/build-data.sh                 # from any directory; needs the release binary
#   GRU4REC=path/to/gru4rec demo-data/build-data.sh
#   DEMO_DATA_DIR=/tmp/check demo-data/build-data.sh   # writes there instead (the tests compare)
#
# Writes, next to this script (or into DEMO_DATA_DIR): train.tsv.gz, test.tsv.gz, train_tr.tsv.gz, valid.tsv.gz
# (gzip -n -9: the same input gives the same bytes) and items.tsv (ItemId, Name, Support).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${DEMO_DATA_DIR:-$here}"
root="$(cd "$here/.." && pwd)"
gru4rec="${GRU4REC:-.build/release/gru4rec}"
case "$gru4rec" in
  /*) ;;
  */*) gru4rec="$root/$gru4rec" ;;  # relative paths are relative to the package root
esac
if [ ! -x "$gru4rec" ] && ! command -v "$gru4rec" >/dev/null 2>&1; then
  echo "error: $gru4rec not found; build it with: swift build -c release --product gru4rec" >&2
  echo "  (or set GRU4REC to a gru4rec binary)" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/gru4rec-demo-data.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# InvoiceNo C...: cancellations. StockCodes that do not start with a digit are not
# products (POST, DOT, M, D, BANK CHARGES, AMAZONFEE, ...). Quantity < 1: returns and
# stock corrections.
"$gru4rec" prepare "$here/online_retail_raw.csv.gz" --output-dir "$work" \
  --sep , --session-col InvoiceNo --item-col StockCode --time-col InvoiceDate --name-col Description \
  --time-format '%Y-%m-%d %H:%M' \
  --drop-sessions-matching '^C' --keep-items-matching '^[0-9]' --min Quantity=1 \
  --dedupe-consecutive --min-session-length 2 --min-item-support 5 \
  --test-days 14 --valid-days 14

for name in train test train_tr valid; do
  gzip -n -9 -c "$work/$name.tsv" > "$work/$name.tsv.gz"
done
# Move into place only once everything succeeded.
for file in train.tsv.gz test.tsv.gz train_tr.tsv.gz valid.tsv.gz items.tsv; do
  mv -f "$work/$file" "$dest/$file"
done
ls -l "$dest"/train.tsv.gz "$dest"/test.tsv.gz "$dest"/train_tr.tsv.gz "$dest"/valid.tsv.gz "$dest"/items.tsv >&2
