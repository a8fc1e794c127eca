#!/usr/bin/env bash
# The benchmarks (bench/README.md) against the RunCloud emulator over TLS with injected latency.
#
#   make bench            full run (about 9 minutes on 2 cores), writes bench/RESULTS.md
#   QUICK=1 make bench    smoke run (about 1 minute), writes bench/out/quick/RESULTS-quick.md
#   bench/run.sh          the same without make (it loads a copy of the built extension itself)
#
# Optional: BENCH_ONLY=1,burst,2,3,3b,4 (scenarios), BENCH_RERUN=1 (replace only those in the
# last results), BENCH_REPS=N, BENCH_LATENCY_MS (20), BENCH_CONNECT_LATENCY_MS (40),
# BENCH_BULK_LATENCY_MS (5), BENCH_OUT (raw results directory), BENCH_RESULTS (output file),
# BENCH_NOTES (a markdown file included as "Notes on this run").
# Raw numbers: bench/out/results.json. Benchmarks only report; they never fail on a time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

PHP="${PHP:-php}"
export WU_RUNCLOUD_EXTENSION="${WU_RUNCLOUD_EXTENSION:-$root/target/release/libwu_runcloud.so}"
export WU_RUNCLOUD_EMULATOR_BIN="${WU_RUNCLOUD_EMULATOR_BIN:-$root/target/release/runcloud-emulator}"

for f in "$WU_RUNCLOUD_EXTENSION" "$WU_RUNCLOUD_EMULATOR_BIN"; do
  if [ ! -f "$f" ]; then
    echo "bench: $f is missing; build it with: cargo build --release -p wu_runcloud -p runcloud-emulator (or make bench)" >&2
    exit 1
  fi
done

# A smoke run keeps its files apart, so that it never replaces the full run's results.json.
if [ "${QUICK:-0}" = 1 ]; then
  out="${BENCH_OUT:-$here/out/quick}"
else
  out="${BENCH_OUT:-$here/out}"
fi
mkdir -p "$out"
export BENCH_OUT="$out"

# Other builds may replace target/release/* while the benchmarks run: measure a copy taken
# now, and load it through an ini directory of our own (in place of the one `make bench` set).
snapshot="$out/bin"
mkdir -p "$snapshot"
cp "$WU_RUNCLOUD_EXTENSION" "$snapshot/libwu_runcloud.so"
cp "$WU_RUNCLOUD_EMULATOR_BIN" "$snapshot/runcloud-emulator"
export WU_RUNCLOUD_EXTENSION_SOURCE="$WU_RUNCLOUD_EXTENSION"
export WU_RUNCLOUD_EXTENSION="$snapshot/libwu_runcloud.so"
export WU_RUNCLOUD_EMULATOR_BIN="$snapshot/runcloud-emulator"
printf 'extension=%s\n' "$WU_RUNCLOUD_EXTENSION" > "$snapshot/wu_runcloud.ini"
export PHP_INI_SCAN_DIR=":$snapshot"
if [ "$("$PHP" -r 'echo extension_loaded("wu_runcloud") ? 1 : 0;')" != 1 ]; then
  echo "bench: php does not load $WU_RUNCLOUD_EXTENSION" >&2
  exit 1
fi
if [ "$("$PHP" -r 'echo extension_loaded("curl") ? 1 : 0;')" != 1 ]; then
  echo "bench: the PHP cURL extension is needed for the comparison: apt-get install php8.2-curl" >&2
  exit 1
fi

if [ "${QUICK:-0}" = 1 ]; then
  results="${BENCH_RESULTS:-$out/RESULTS-quick.md}"
  limit=300
  command="QUICK=1 make bench"
  suffix="-quick"
else
  results="${BENCH_RESULTS:-$here/RESULTS.md}"
  limit=1500
  command="make bench"
  suffix=""
fi

echo "bench: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $("$PHP" -r 'echo PHP_VERSION;'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
if ! command -v hyperfine >/dev/null; then
  echo "bench: hyperfine not found (apt-get install hyperfine): load time is measured by bench.php alone" >&2
fi

# A safety net, not a measurement: a hung flow must not hold the machine forever.
timeout --kill-after=10 "$limit" "$PHP" "$here/bench.php"

"$PHP" "$here/report.php" "$out/results.json" "${BENCH_NOTES:-}" "$command" > "$results.tmp"
mv "$results.tmp" "$results"
cp "$out/results.json" "$out/results-$(date -u +%Y%m%dT%H%M%SZ)$suffix.json"
echo "bench: wrote $results"
