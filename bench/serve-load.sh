#!/usr/bin/env bash
# Load test of gru4rec-serve on 127.0.0.1 with wrk (bounded in time and count; stops by itself).
#
#   bench/serve-load.sh            # demo model and a synthetic 100,000-item model
#   DURATION=5 bench/serve-load.sh # shorter runs
#
# 1. Builds gru4rec and gru4rec-serve in release mode; installs wrk (apt-get) if missing.
# 2. Makes a 100,000-item model: python3 writes synthetic sessions (every item occurs;
#    seeded), `gru4rec train` trains one epoch on them (layers 100, n_sample 256).
# 3. For the demo model and the 100,000-item model: requests/s, p50 and p99 latency of the
#    stateful endpoint (POST /v1/sessions/{sid}/events, k 10, random items over 10,000
#    sessions) at 1, 8 and 64 connections, DURATION seconds each; errors must be 0.
# 4. Memory under 1,000,000 distinct session ids (demo model, --max-sessions 100000):
#    the server's RSS after warm-up, after 200,000 sessions and after 1,000,000 (each phase
#    stops at its count, or after 900 s at most).
# The server and wrk share this machine's cores: figures are for both on one host.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
DURATION="${DURATION:-10}"
SERVE_THREADS="${SERVE_THREADS:-2}"

if ! command -v wrk >/dev/null; then
  echo "==> installing wrk"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk
fi
swift build -c release --product gru4rec >/dev/null
swift build -c release --product gru4rec-serve >/dev/null
bin="$root/.build/release"

work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# --- the 100,000-item model -----------------------------------------------------------
big="$work/items100k.safetensors"
python3 - "$work/synthetic.tsv" "$work/items100k.txt" <<'PY'
import random, sys
random.seed(7)
n_items, n_sessions = 100_000, 60_000
order = list(range(n_items)); random.shuffle(order)
with open(sys.argv[1], "w") as f, open(sys.argv[2], "w") as ids:
    f.write("SessionId\tItemId\tTime\n")
    t = 0
    for s in range(n_sessions):
        length = random.randint(2, 6)
        start = random.randrange(n_items)
        for e in range(length):
            # Sessions walk through neighbouring items of a shuffled order (some structure),
            # and the first 100,000 events cover every item once.
            i = order[(start + e) % n_items] if t >= n_items else order[t]
            f.write(f"{s}\ti{i}\t{t}\n"); t += 1
    for i in range(n_items): ids.write(f"i{i}\n")
PY
echo "==> training a 100,000-item model (one epoch on synthetic sessions)"
"$bin/gru4rec" train "$work/synthetic.tsv" --output "$big" --layers 100 --n-sample 256 --batch-size 64 --epochs 1 --seed 1 >/dev/null
tail -n +2 demo-data/items.tsv | cut -f1 > "$work/demo-items.txt"

start_server() {  # model, extra options...
  local model="$1"; shift
  "$bin/gru4rec-serve" --model "$model" --port 0 --threads "$SERVE_THREADS" --log-level warning "$@" > "$work/server.out" 2> "$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 300); do
    port="$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.out")"
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "server did not start: $(cat "$work/server.err")" >&2; exit 1
}
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }

metrics() { curl -s "http://127.0.0.1:$port/metrics" > "$1"; }
events_served() { awk -F'} ' '/^gru4rec_http_requests_total\{route="\/v1\/sessions\/\{sid\}\/events"/ {n += $2} END {print n + 0}' "$1"; }

# wrk once; prints "req/s p50 p99 errors requests server-p50 server-p99" (ms; the server's own
# latency, from its histogram, as the upper bound of the bucket that holds the quantile).
# With LIMIT (responses per wrk thread) the run also stops once the server has answered
# LIMIT x threads requests: wrk itself would wait out its whole -d.
load() {  # connections duration items [env...]
  local c="$1" d="$2" items="$3"; shift 3
  local t=$(( c < 2 ? 1 : 2 )) limit=0
  for kv in "$@"; do case "$kv" in LIMIT=*) limit="${kv#LIMIT=}";; esac; done
  metrics "$work/before.txt"
  env ITEMS="$items" "$@" wrk -t "$t" -c "$c" -d "${d}s" --timeout 10s --latency -s "$root/bench/serve-events.lua" \
    "http://127.0.0.1:$port" > "$work/wrk.txt" &
  local wrk_pid=$!
  if [ "$limit" -gt 0 ]; then
    local target=$(( $(events_served "$work/before.txt") + limit * t ))
    while kill -0 "$wrk_pid" 2>/dev/null; do
      sleep 1
      metrics "$work/now.txt"
      [ "$(events_served "$work/now.txt")" -ge "$target" ] && kill -INT "$wrk_pid" 2>/dev/null
    done
  fi
  wait "$wrk_pid" || true
  metrics "$work/after.txt"
  python3 - "$work/wrk.txt" "$work/before.txt" "$work/after.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s*" + label + r"%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors += int(non2xx.group(1)) if non2xx else 0
requests = int(re.search(r"(\d+) requests in", text).group(1))
def buckets(path):
    out = {}
    for line in open(path):
        m = re.match(r'gru4rec_http_request_duration_seconds_bucket\{route="/v1/sessions/\{sid\}/events",method="POST",le="([^"]+)"\} (\S+)', line)
        if m: out[float(m.group(1))] = float(m.group(2))
    return out
b0, b1 = buckets(sys.argv[2]), buckets(sys.argv[3])
delta = sorted((le, b1[le] - b0.get(le, 0)) for le in b1)
total = delta[-1][1] if delta else 0
def q(p):
    for le, n in delta:
        if total and n >= p * total: return le * 1000
    return float("nan")
print(f"{rps:.0f} {ms('50'):.3f} {ms('99'):.3f} {errors} {requests} {q(0.5):g} {q(0.99):g}")
PY
}

echo
echo "| model | connections | requests/s | p50 ms | p99 ms | errors | requests | server p50 <= ms | server p99 <= ms |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for spec in "demo:demo-data/model.safetensors:$work/demo-items.txt" "synthetic 100k:$big:$work/items100k.txt"; do
  IFS=: read -r name model items <<< "$spec"
  start_server "$model"
  load 8 2 "$items" >/dev/null   # warm-up
  for c in 1 8 64; do
    read -r rps p50 p99 errors requests sp50 sp99 <<< "$(load "$c" "$DURATION" "$items")"
    echo "| $name | $c | $rps | $p50 | $p99 | $errors | $requests | $sp50 | $sp99 |"
  done
  stop_server
done

echo
echo "Memory under 1,000,000 distinct sessions (demo model, --max-sessions 100000):"
start_server demo-data/model.safetensors --max-sessions 100000
load 8 2 "$work/demo-items.txt" >/dev/null
echo "  RSS after warm-up:          $(rss_kib) KiB"
# Each wrk thread (2) stops after LIMIT responses; PREFIX keeps the ids of the two phases apart.
read -r rps _ _ errors requests _ _ <<< "$(load 8 900 "$work/demo-items.txt" DISTINCT=1 LIMIT=100000 PREFIX=a)"
echo "  RSS after $requests sessions:   $(rss_kib) KiB  ($rps requests/s, $errors errors)"
read -r rps _ _ errors requests2 _ _ <<< "$(load 8 900 "$work/demo-items.txt" DISTINCT=1 LIMIT=400000 PREFIX=b)"
echo "  RSS after $((requests + requests2)) sessions: $(rss_kib) KiB  ($rps requests/s, $errors errors)"
echo "  sessions held: $(curl -s "http://127.0.0.1:$port/metrics" | awk '/^gru4rec_sessions_active/ {print $2}')"
stop_server
