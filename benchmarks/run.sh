#!/usr/bin/env bash
# Builds the benchmark jar and runs the suite in one JMH run, then prints the ratio table.
#
#   benchmarks/run.sh [quick|full] [JMH include regex ...]
#
# full (default): every benchmark, ~15-25 minutes on two cores; quick: ~8 minutes, spot checks
# (the same warm-up as full, so the figures compare; shorter measurements, wider errors).
# Writes benchmarks/target/results/<mode>-<UTC time>.json (JMH) and .md (the report), and
# copies both to benchmarks/target/results/latest.{json,md}.
# MVN_FLAGS adds Maven flags to the build (e.g. MVN_FLAGS=-o to build offline).
set -euo pipefail

mode="${1:-full}"
case "$mode" in
  quick|full) ;;
  *) echo "usage: $0 [quick|full] [JMH include regex ...]; got mode '$mode'" >&2; exit 2 ;;
esac
shift $(( $# > 0 ? 1 : 0 ))

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} -pl benchmarks -am -Pjmh-jar -DskipTests package

results="benchmarks/target/results"
mkdir -p "$results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
json="$results/$mode-$stamp.json"
report="$results/$mode-$stamp.md"

# glibc's malloc otherwise hands the memory of each training step's large arrays back to the
# kernel when they are freed (trimming, and deleting the heaps of a thread's arena), so the next
# step faults every page in again; how often depends on the allocator's history, and so did the
# native backends' training figures (see benchmarks/README.md). These settings keep freed memory
# for reuse, the same for every implementation. A value already set wins, an empty one included:
# the serving benchmarks are run with glibc's defaults, as a server runs (GLIBC_TUNABLES= run.sh
# full 'Predict.*'), for one arena makes every serving thread's native allocations take one lock.
export GLIBC_TUNABLES="${GLIBC_TUNABLES-glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824}"

# Forks inherit these JVM arguments and this environment: the vector module for the pure
# backend, passive OpenMP threads so that ND4J's and PyTorch's pools do not spin between ops,
# and quieter logging.
OMP_WAIT_POLICY=PASSIVE java \
  --add-modules jdk.incubator.vector \
  -Xmx3g \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp benchmarks/target/benchmarks.jar \
  cthulhu.benchmarks.Suite "$mode" "$json" "$report" "$@"

cp "$json" "$results/latest.json"
cp "$report" "$results/latest.md"
echo "JMH results: $json; report: $report"
