#!/usr/bin/env bash
# pair.sh: two servers side by side (A = defaults, B = metrics and access log off), driven in alternation
# in short bursts, so that the host's drifting speed hits both alike. Prints each pair and the ratio A/B.
# Knobs: PAIRS (15), BURST (2 s), WARM (s of load each server gets per operation before the pairs: 20, so that
# the JIT has compiled the hot paths of both; see docs/PERFORMANCE.md on warm-up), OPS ("get create"), A_ENV (A's settings, e.g. AGENTSTORE_LOG_ACCESS=off to
# measure the meters alone; A_ENV="AGENTSTORE_METRICS_ENABLED=false AGENTSTORE_LOG_ACCESS=off" is A/A).
set -u
cd "$(dirname "$0")/.."  # needs target/agent-store.jar and target/bench-classes: bench/run.sh makes both
CP=target/agent-store.jar:target/bench-classes
export BENCH_LUA=$PWD/bench/lua
PAIRS=${PAIRS:-15}; BURST=${BURST:-2}; WARM=${WARM:-20}
start() { # name port env...
  local name=$1 port=$2; shift 2
  local W=${TMPDIR:-/tmp}/pair-$name; rm -rf $W; mkdir -p $W
  env "$@" AGENTSTORE_HTTP_PORT=$port AGENTSTORE_DATABASE_WORKFLOW_PATH=$W/w.db java -Xmx256m -jar target/agent-store.jar > $W/server.log 2>&1 &
  echo $! > $W/pid
  for _ in $(seq 1 100); do curl -fs -o /dev/null http://127.0.0.1:$port/api/health/live && break; sleep 0.2; done
  BENCH_DATA=$W java -cp "$CP" dev.agentstore.bench.Setup http://127.0.0.1:$port "$W" 1000 1000 4 >/dev/null 2>&1
}
cpu() { # name: the server's CPU time so far, in clock ticks (user + system)
  cut -d' ' -f14,15 /proc/$(cat ${TMPDIR:-/tmp}/pair-$1/pid)/stat | awk '{print $1 + $2}'
}
drive() { # name port op secs: prints the requests answered and the server's CPU ticks meanwhile
  local before; before=$(cpu $1)
  local n; n=$(BENCH_DATA=${TMPDIR:-/tmp}/pair-$1 wrk -t2 -c64 -d${4}s -s bench/lua/$3.lua http://127.0.0.1:$2 2>&1 | grep '^RESULT' | grep -o 'requests=[0-9]*' | cut -d= -f2)
  echo "$n $(( $(cpu $1) - before ))"
}
start A 18091 ${A_ENV:-X=1}  # A_ENV: what A runs with (default: the defaults)
start B 18092 AGENTSTORE_METRICS_ENABLED=false AGENTSTORE_LOG_ACCESS=off
for op in ${OPS:-get create}; do
  drive A 18091 $op $WARM >/dev/null; drive B 18092 $op $WARM >/dev/null
  : > ${TMPDIR:-/tmp}/pair-$op.txt
  for i in $(seq 1 $PAIRS); do
    if [ $((i % 2)) = 1 ]; then a=$(drive A 18091 $op $BURST); b=$(drive B 18092 $op $BURST)
    else b=$(drive B 18092 $op $BURST); a=$(drive A 18091 $op $BURST); fi
    echo "$a $b" >> ${TMPDIR:-/tmp}/pair-$op.txt
  done
  python3 - "$op" "${TMPDIR:-/tmp}" <<'PY'
import sys, statistics
op = sys.argv[1]
rows = [tuple(map(int, l.split())) for l in open(f"{sys.argv[2]}/pair-{op}.txt") if l.strip()]
r = [a / b for a, _, b, _ in rows]
sa = sum(x[0] for x in rows); sb = sum(x[2] for x in rows)
print(f"{op}: pairs {len(rows)}, A/B median {statistics.median(r):.3f}, mean {statistics.mean(r):.3f}, "
      f"total {sa/sb:.3f} (A {sa} B {sb}), ratios min {min(r):.3f} max {max(r):.3f}")
# server CPU per request (clock ticks are 10 ms): steadier than throughput on a noisy host
tick = 10_000.0
ca = [ta * tick / a for a, ta, _, _ in rows]; cb = [tb * tick / b for _, _, b, tb in rows]
ta = sum(x[1] for x in rows) * tick / sa; tb = sum(x[3] for x in rows) * tick / sb
print(f"{op}: server CPU per request, A {ta:.1f} us, B {tb:.1f} us, B/A {tb/ta:.3f} "
      f"(median of pairs {statistics.median(y / x for x, y in zip(ca, cb)):.3f})")
PY
done
kill $(cat ${TMPDIR:-/tmp}/pair-A/pid) $(cat ${TMPDIR:-/tmp}/pair-B/pid); wait 2>/dev/null
