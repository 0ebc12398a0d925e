#!/bin/sh
# CLI start-up: plain `java -jar jlive.jar` against bin/jlive (CDS archive, C1 only, serial GC).
cd "$(dirname "$0")/../.."
J=jlive-cli/target/jlive.jar
tmp=$(mktemp -d)
for cmd in "--version" "ps" "probe add --help"; do
  for i in $(seq 1 12); do
    /usr/bin/time -o "$tmp/a" -f "%e %U %S" java -jar $J $cmd >/dev/null 2>&1
    /usr/bin/time -o "$tmp/b" -f "%e %U %S" bin/jlive $cmd >/dev/null 2>&1
    echo "$cmd|plain|$(tail -1 "$tmp/a")"
    echo "$cmd|bin|$(tail -1 "$tmp/b")"
  done
done
uptime
