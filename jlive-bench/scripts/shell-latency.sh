#!/bin/sh
# Shell command latency: one command typed in `jlive shell` against the same command as a fresh
# bin/jlive process, on the demo service with the agent attached. A command's time in the shell is
# (a session of 21 commands - a session of 1) / 20, so the shell's own start-up cancels out.
# Prints one line per run: what|command|seconds; medians are left to the reader (sort -n).
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
java -jar jlive-demo/target/jlive-demo.jar --port 0 >"$tmp/demo.log" 2>&1 &
demo=$!
trap 'kill $demo; rm -rf "$tmp"' EXIT
until grep -q . "$tmp/demo.log"; do sleep 0.2; done
bin/jlive attach $demo >/dev/null
for cmd in "probe list" "info" "metrics"; do
  : >"$tmp/one"
  : >"$tmp/many"
  echo "$cmd" >"$tmp/one"
  for i in $(seq 1 21); do echo "$cmd" >>"$tmp/many"; done
  for i in $(seq 1 7); do
    s=$(date +%s.%N); bin/jlive $(echo "$cmd" | cut -d' ' -f1) $demo $(echo "$cmd" | cut -s -d' ' -f2-) >/dev/null 2>&1; e=$(date +%s.%N)
    echo "process|$cmd|$(echo "$e - $s" | bc)"
    s=$(date +%s.%N); bin/jlive shell $demo --history "$tmp/h" <"$tmp/one" >/dev/null 2>&1; m=$(date +%s.%N)
    bin/jlive shell $demo --history "$tmp/h" <"$tmp/many" >/dev/null 2>&1; e=$(date +%s.%N)
    echo "shell|$cmd|$(echo "(($e - $m) - ($m - $s)) / 20" | bc -l | cut -c1-6)"
  done
done
uptime
