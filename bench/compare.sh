#!/usr/bin/env bash
# The speed of this checkout against an earlier commit, measured in the same run.
#
#   bench/compare.sh REV [PAIRS]        e.g. bench/compare.sh e43cd32 8
#
# Builds REV (from a temporary git worktree) into .build-before and this checkout into
# .build, both in release; then runs `gru4rec bench --repeats 3 --steps 100 --no-scaling
# --json` with the two binaries in turn, before then after, PAIRS times (default 5), so
# that a slower spell of the machine falls on both. Prints each figure's median over the
# runs of each side, the ratio after/before of the medians, and the range of the ratios
# pair by pair. For events/s a ratio above 1 is faster; for the live click's latency,
# below 1 is faster. The live click's time against a read of the same weights in the same
# run (the figure that follows the code rather than the host's memory traffic) is compared
# when both binaries print it. The runs' JSON stays in .build-before/compare/.
#
# Needs: git, swift, jq. A run takes about 20-40 s per binary on the demo data.
set -euo pipefail
rev=${1:?usage: bench/compare.sh REV [PAIRS]}
pairs=${2:-5}
case $pairs in ''|*[!0-9]*) echo "bench/compare.sh: PAIRS must be a number, got '$pairs'" >&2; exit 64;; esac
command -v jq >/dev/null || { echo "bench/compare.sh: needs jq (apt-get install jq)" >&2; exit 69; }
cd "$(dirname "$0")/.."
commit=$(git rev-parse --verify --quiet "$rev^{commit}") || { echo "bench/compare.sh: no commit '$rev' in this repository" >&2; exit 64; }

tree=$(mktemp -d /tmp/gru4rec-before.XXXXXX)
cleanup() { git worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"; }
trap cleanup EXIT
git worktree add --detach "$tree" "$commit" >/dev/null
# The same dependency versions and sources as this checkout (no network needed when .build has them).
[ -f Package.resolved ] && cp Package.resolved "$tree/"
mkdir -p .build-before
for d in checkouts repositories artifacts; do
    [ -d ".build/$d" ] && [ ! -e ".build-before/$d" ] && cp -r ".build/$d" ".build-before/$d"
done
echo "building $rev ($commit) into .build-before ..."
swift build -c release --product gru4rec --package-path "$tree" --scratch-path "$PWD/.build-before" 2>&1 | tail -1
echo "building this checkout into .build ..."
swift build -c release --product gru4rec 2>&1 | tail -1
before=.build-before/release/gru4rec after=.build/release/gru4rec
# The builds leave hundreds of MB of dirty pages whose writeback would slow the first runs.
sync && sleep 5

out=.build-before/compare
rm -rf "$out" && mkdir -p "$out"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$pairs"); do
    for side in before after; do
        bin=$before; [ $side = after ] && bin=$after
        "$bin" bench --repeats 3 --steps 100 --no-scaling --json > "$out/$side-$i.json"
    done
    echo "pair $i of $pairs done ($(date +%T), load $(cut -d' ' -f1 /proc/loadavg))"
done

# One figure per run: the training rows, evaluation, and the live click's p50 at 100,000 items.
figures() {
    jq -r '(.training[] | "\(.setting)\t\(.events_per_s.median)"),
           "evaluation events/s\t\(.evaluation.events_per_s.median)",
           "live click, 100,000 items, p50 ms\t\(.live_step_ms.items_100000.p50)",
           "live click / read of Wy, 100,000 items\t\(.live_step_ms.items_100000.click_per_read // "n/a")"' "$1"
}
for i in $(seq 1 "$pairs"); do
    paste <(figures "$out/before-$i.json") <(figures "$out/after-$i.json" | cut -f2)
done | awk -F'\t' '
    $2 == "n/a" || $3 == "n/a" { next }
    { name[$1] = 1; n[$1]++; b[$1, n[$1]] = $2; a[$1, n[$1]] = $3; r[$1, n[$1]] = $3 / $2; if (!($1 in order)) order[$1] = ++rows; }
    function median(arr, key, count,    i, j, t, v) {
        for (i = 1; i <= count; i++) v[i] = arr[key, i]
        for (i = 2; i <= count; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
    }
    END {
        printf "%-42s %12s %12s %9s   %s\n", "figure (median of the runs)", "before", "after", "after/before", "pairs: min-max"
        for (k = 1; k <= rows; k++) for (f in order) if (order[f] == k) {
            lo = 1e30; hi = -1e30
            for (i = 1; i <= n[f]; i++) { if (r[f, i] < lo) lo = r[f, i]; if (r[f, i] > hi) hi = r[f, i] }
            mb = median(b, f, n[f]); ma = median(a, f, n[f])
            printf "%-42s %12.3f %12.3f %9.3f      %.3f-%.3f\n", f, mb, ma, ma / mb, lo, hi
        }
    }'
