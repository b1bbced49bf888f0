#!/bin/sh
# Bad input a user or attacker can hand the checker gets a clear error, an
# exit status that says what happened, and bounded memory: a 100 MB file, a
# 70 MB stream, a directory, a missing file, binary noise, bad options.
set -eu
kvpt=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Run with a 300 MB address-space limit unless the binary is sanitized
# (ASan reserves terabytes of address space).
limited() {
	if ldd "$kvpt" 2>/dev/null | grep -q 'libasan'; then
		"$@"
	else
		(ulimit -v 300000; "$@")
	fi
}

truncate -s 100M "$tmp/huge.yaml"
rc=0
limited "$kvpt" check "$tmp/huge.yaml" > "$tmp/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "100 MB file: exit $rc, expected 2"
grep -q "larger than the 64 MiB limit" "$tmp/out" || fail "100 MB file: message"

rc=0
head -c 70000000 /dev/zero | limited "$kvpt" check /dev/stdin > "$tmp/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "70 MB stream: exit $rc, expected 2"
grep -q "too-big" "$tmp/out" || fail "70 MB stream: message"

rc=0
"$kvpt" check --max-size 1 tests/check/clean.yaml > /dev/null 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "--max-size 1 on a small file: exit $rc"
rc=0
"$kvpt" check --max-size 0 tests/check/clean.yaml > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--max-size 0: exit $rc, expected 2"

rc=0
"$kvpt" check "$tmp" > "$tmp/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "directory: exit $rc, expected 2"
grep -q "directory" "$tmp/out" || fail "directory: message"

rc=0
"$kvpt" check "$tmp/missing.yaml" > "$tmp/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "missing file: exit $rc, expected 2"
grep -q "No such file" "$tmp/out" || fail "missing file: message"

head -c 20000 /dev/urandom > "$tmp/noise.yaml"
rc=0
limited "$kvpt" check "$tmp/noise.yaml" > "$tmp/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "binary noise: exit $rc, expected 1"
grep -q "error:" "$tmp/out" || fail "binary noise: no diagnostic"

# 100 000 nested lists: refused at depth 64, not a stack overflow.
python3 -c 'print("exercise: " + "[" * 100000 + "]" * 100000)' > "$tmp/deep.yaml"
rc=0
limited "$kvpt" check "$tmp/deep.yaml" > "$tmp/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "deep nesting: exit $rc, expected 1"
grep -q "too-deep" "$tmp/out" || fail "deep nesting: message"

# A million diagnostics are capped, the count of dropped ones printed.
python3 -c '
print("version: 1")
print("exercise: {code: X, name: X, kind: xã, start: N 07:00}")
print("roles:")
for i in range(20000):
    print("  - {id: r%d, name: R, body: nowhere%d}" % (i, i))
' > "$tmp/many.yaml"
rc=0
limited "$kvpt" check "$tmp/many.yaml" > "$tmp/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "many errors: exit $rc, expected 1"
grep -q "more diagnostics not shown" "$tmp/out" || fail "many errors: no cap"

rc=0
"$kvpt" check --format xml tests/check/clean.yaml > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "bad format: exit $rc, expected 2"
rc=0
"$kvpt" frobnicate > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "unknown command: exit $rc, expected 2"
"$kvpt" --version | grep -q "^kvpt " || fail "--version"
"$kvpt" help check | grep -q "usage: kvpt check" || fail "help check"
"$kvpt" check --format json tests/check/unknown-role.yaml > "$tmp/j" || true
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["errors"]==1 and d["diagnostics"][0]["rule"]=="unknown-role"' "$tmp/j" || fail "json output"
echo ok
