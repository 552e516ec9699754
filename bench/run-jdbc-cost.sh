#!/usr/bin/env bash
# The cost of one point read through each JDBC path (docs/DATABASE.md, "Which JDBC path, measured").
#   bench/run-jdbc-cost.sh [queries]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/agent-store.jar ] || mvn -q -B -ntp -DskipTests package
mkdir -p target/bench-classes
javac -nowarn -d target/bench-classes -cp target/agent-store.jar bench/src/dev/agentstore/bench/JdbcPathCost.java
dir=$(mktemp -d /tmp/agentstore-jdbc-cost.XXXXXX)
trap 'rm -rf "$dir"' EXIT
java -Xmx256m -cp target/agent-store.jar:target/bench-classes dev.agentstore.bench.JdbcPathCost "$dir" "${1:-50000}" 2>/dev/null
