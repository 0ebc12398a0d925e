#!/bin/sh
# CLI start-up, two builds alternating in the same minutes: wall and CPU (user + system) medians
# of fresh `bin/jlive` processes.
#   jlive-bench/scripts/cli-before-after.sh BEFORE_DIR AFTER_DIR [RUNS] [BUSY_THREADS] [attach-only]
# Each DIR is a checkout's layout (DIR/bin/jlive, DIR/jlive-cli/target/jlive.jar and .jsa; a CDS
# archive is used only from the jar path it was made for). Times `--version`, `ps`,
# `probe add --help`, then against BusyTarget (BUSY_THREADS threads calling quote() without pause,
# default 2): `attach PID` and `changes PID` (the agent attached; detached after each run).
# `attach-only` skips the first three commands.
# Run from the project root after `mvn -B -q package -DskipTests`.
before=$1
after=$2
runs=${3:-10}
busy=${4:-2}
only=${5:-all}
tmp=$(mktemp -d)
export JLIVE_RUNTIME_DIR="$tmp/runtime"
mkdir -m 700 "$JLIVE_RUNTIME_DIR"

timed() { # BUILD NAME COMMAND...: one timed run, appended to the NAME's file
  build=$1 name=$2
  shift 2
  /usr/bin/time -o "$tmp/t" -f "%e %U %S" "$@" >"$tmp/output" 2>&1 || {
    echo "failed: $*" >&2
    cat "$tmp/output" >&2
  }
  echo "$build $(tail -1 "$tmp/t")" >>"$tmp/$name"
}

dir() { if [ "$1" = before ]; then echo "$before"; else echo "$after"; fi; }

report() { # NAME LABEL
  for build in before after; do
    grep "^$build " "$tmp/$1" | awk -v cmd="$2" -v build="$build" '
      { wall[NR] = $2; cpu[NR] = $3 + $4 }
      function median(a, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      END { printf "%-18s %-6s n=%d  wall %.2f s  cpu %.2f s\n", cmd, build, NR, median(wall, NR), median(cpu, NR) }'
  done
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$only" = attach-only ] || for cmd in "--version" "ps" "probe add --help"; do
  name=$(echo "$cmd" | tr ' ' _)
  for i in $(seq 1 "$runs"); do
    for build in before after; do
      # shellcheck disable=SC2086 # the command's words are separate arguments
      timed $build "$name" "$(dir $build)/bin/jlive" $cmd
    done
  done
  report "$name" "$cmd"
done

# One busy target per build: a JVM keeps the launcher of the first jlive jar loaded into it.
for build in before after; do
  java -cp "$after/jlive-bench/target/jlive-bench.jar" dev.jlive.bench.BusyTarget "$busy" \
    >"$tmp/target-$build" 2>&1 &
  echo $! >"$tmp/pid-$build"
  until grep -q "busy-target ready" "$tmp/target-$build"; do sleep 0.1; done
done
echo "busy targets ($busy threads each) ready, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
  for build in before after; do
    target=$(cat "$tmp/pid-$build")
    timed $build attach "$(dir $build)/bin/jlive" attach "$target"
    timed $build changes "$(dir $build)/bin/jlive" changes "$target"
    "$(dir $build)/bin/jlive" detach "$target" >/dev/null
  done
done
kill "$(cat "$tmp/pid-before")" "$(cat "$tmp/pid-after")"
report attach "attach PID"
report changes "changes PID"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$tmp"
