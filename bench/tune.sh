#!/usr/bin/env bash
# Figures for the tuning guide of docs/DATABASE.md: creates/s and p99 at 64 connections for a few
# settings of the writer, each on a fresh database, 3 s warm-up then DURATION s (default 8) of wrk.
#   bench/tune.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${TUNE_DURATION:-8}
PORT=${TUNE_PORT:-18090}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -f target/agent-store.jar ] && [ -z "$(find pom.xml src/main -newer target/agent-store.jar -print -quit)" ] \
  || mvn -q -B -ntp -DskipTests package
export BENCH_LUA=$PWD/bench/lua
run() { # run NAME KEY=VALUE...
  local name=$1; shift
  local dir; dir=$(mktemp -d /tmp/agentstore-tune.XXXXXX)
  env "$@" AGENTSTORE_HTTP_PORT=$PORT AGENTSTORE_DATABASE_WORKFLOW_PATH="$dir/w.db" \
    java -Xmx256m -jar target/agent-store.jar > "$dir/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/health/live" 2>/dev/null && break; sleep 0.1; done
  wrk -t2 -c64 -d3s -s bench/lua/create.lua "http://127.0.0.1:$PORT" > /dev/null
  local out; out=$(wrk -t2 -c64 -d${DURATION}s --latency -s bench/lua/create.lua "http://127.0.0.1:$PORT" | grep RESULT)
  local batch; batch=$(curl -fsS "http://127.0.0.1:$PORT/api/health/db" | python3 -c 'import json,sys; w=json.load(sys.stdin)["databases"]["workflow"]["pool_stats"]["writer"]; print("%.1f" % (w["requests_committed"] / max(1, w["transactions"])))')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  echo "$out" | awk -v n="$name" -v d="$DURATION" -v b="$batch" '{
    split($2,r,"="); split($5,p,"="); split($7,e,"=");
    printf "| %-40s | %8.0f | %6.2f | %5s | %s |\n", n, r[2]/d, p[2]/1000, b, e[2] }'
}
echo "| setting (64 connections, create) | creates/s | p99 ms | requests per transaction | non-2xx |"
echo "|---|---:|---:|---:|---:|"
run "defaults (FULL, writer_batch_max 256)"
run "synchronous NORMAL" AGENTSTORE_DATABASE_WORKFLOW_SYNCHRONOUS=NORMAL
run "writer_batch_max 16" AGENTSTORE_DATABASE_WORKFLOW_WRITER_BATCH_MAX=16
run "writer_batch_max 1 (no group commit)" AGENTSTORE_DATABASE_WORKFLOW_WRITER_BATCH_MAX=1
run "writer_batch_max 1, NORMAL" AGENTSTORE_DATABASE_WORKFLOW_WRITER_BATCH_MAX=1 AGENTSTORE_DATABASE_WORKFLOW_SYNCHRONOUS=NORMAL
