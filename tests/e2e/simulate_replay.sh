#!/bin/sh
# Dry runs and replay from the command line: a seed reproduces a run byte
# for byte, a study gives the same figures on one or two threads, a log
# replays, and a damaged log is refused with its line number.
set -eu
kvpt=$1
plan=examples/hoang-hoa-2024/plan.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$kvpt" simulate "$plan" --seed 11 --log "$tmp/a.log" > "$tmp/a.txt"
"$kvpt" simulate "$plan" --seed 11 --log "$tmp/b.log" > "$tmp/b.txt"
cmp -s "$tmp/a.log" "$tmp/b.log" || fail "same seed, different logs"
cmp -s "$tmp/a.txt" "$tmp/b.txt" || fail "same seed, different summaries"
grep -q "gd-1" "$tmp/a.txt" || fail "summary lacks the phases"
grep -q "thời chiến" "$tmp/a.txt" || fail "summary lacks the states reached"
"$kvpt" simulate "$plan" --seed 12 --log "$tmp/c.log" > /dev/null
cmp -s "$tmp/a.log" "$tmp/c.log" && fail "different seeds, same log"

"$kvpt" simulate "$plan" --seed 11 --json > "$tmp/one.json"
grep -q '"phases":\[{"id":"gd-1"' "$tmp/one.json" || fail "--json output"

"$kvpt" replay "$plan" "$tmp/a.log" > "$tmp/r.txt" || fail "replay"
grep -q "ended" "$tmp/r.txt" || fail "replay does not reach the end"
"$kvpt" replay "$plan" "$tmp/a.log" --json > "$tmp/r1.json"
"$kvpt" replay "$plan" "$tmp/a.log" --json > "$tmp/r2.json"
cmp -s "$tmp/r1.json" "$tmp/r2.json" || fail "replay is not deterministic"

sed '5s/"t":/"t":"x",/' "$tmp/a.log" > "$tmp/bad.log"
rc=0
"$kvpt" replay "$plan" "$tmp/bad.log" 2> "$tmp/err" > /dev/null || rc=$?
[ "$rc" = 1 ] || fail "damaged log: exit $rc, expected 1"
grep -q "log:5:" "$tmp/err" || fail "damaged log: line not named"
rc=0
"$kvpt" replay "$plan" "$tmp/nonexistent.log" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "missing log: exit $rc, expected 2"

"$kvpt" simulate "$plan" --runs 40 --jobs 1 --json --seed 5 > "$tmp/s1.json"
"$kvpt" simulate "$plan" --runs 40 --jobs 2 --json --seed 5 > "$tmp/s2.json"
cmp -s "$tmp/s1.json" "$tmp/s2.json" || fail "study differs with the number of jobs"
grep -q '"p90":' "$tmp/s1.json" || fail "study lacks percentiles"
"$kvpt" simulate "$plan" --runs 40 --seed 5 > "$tmp/s.txt"
grep -q "p90" "$tmp/s.txt" || fail "study text"

rc=0
"$kvpt" simulate "$plan" --runs 0 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "--runs 0: exit $rc, expected 2"
rc=0
"$kvpt" simulate tests/check/unknown-role.yaml 2> /dev/null || rc=$?
[ "$rc" = 1 ] || fail "plan with errors: exit $rc, expected 1"
echo "ok"
