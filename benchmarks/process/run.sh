#!/usr/bin/env bash
# Whole-process figures for issue 11 item 4: JVM start to "ready" printed, SQLite, a fresh process each time,
# Minoro vs the same program with Flyway + sqlite-jdbc vs the floor (JVM + sqlite-jdbc + the ledger SELECT),
# plus Minoro with an AppCDS archive; class counts; the Netty / reactor-netty / r2dbc-postgresql classes a
# SQLite-only program loads; and the time from the last line of main to the process's exit.
#
# Usage (from anywhere): benchmarks/process/run.sh [--rounds N] [--warmup N] [--jvm-options NAME=OPTIONS]...
#   [--minoro-jar NAME=PATH]... [--profile RUNS [--async-profiler LIB]] (see benchmarks/README.md)
#   Needs dev.minoro:minoro in the local Maven repository (mvn install at the root, see benchmarks/README.md)
#   and builds benchmarks/target/benchmarks.jar when it is missing. Writes benchmarks/target/process/, with
#   process-result.json for `java -cp target/benchmarks.jar dev.minoro.benchmarks.Report --process …`.
#   Default: 15 timed rounds after 2 warm-up rounds, about 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f target/benchmarks.jar ]; then
  mvn -B -q package
fi
versions=target/classes/dev/minoro/benchmarks/versions.env
# shellcheck source=/dev/null
source <(grep -v '^#' "$versions")

mkdir -p target/process
for program in minoro flyway floor; do
  mvn -B -q -f process/classpath.xml -P "$program" \
    -Dminoro.version="$MINORO_VERSION" -Dflyway.version="$FLYWAY_VERSION" \
    -Dsqlite-jdbc.version="$SQLITE_JDBC_VERSION" -Ddependency-plugin.version="$DEPENDENCY_PLUGIN_VERSION" \
    dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$PWD/target/process/$program.classpath"
done

echo "machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
uptime
programs_jar=$(ls target/minoro-benchmarks-*-programs.jar)
java -cp target/benchmarks.jar dev.minoro.benchmarks.ProcessBenchmark \
  --dir target/process --programs-jar "$programs_jar" "$@"
uptime
