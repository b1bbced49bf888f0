#!/bin/sh
# The samples in examples/ check clean, and every plan in examples/broken/
# produces exactly the diagnostics of its .expected file.
set -eu
kvpt=$1
for plan in examples/*.yaml examples/*/plan.yaml examples/thai-binh-2023/huyen-kien-xuong.yaml; do
	# Warnings are allowed only where a sample plants one on purpose (a
	# role nobody plays yet, for the readiness board) and says so.
	out=$("$kvpt" check "$plan" | grep -v 'warning: .*\[role-no-person\]$' || true)
	if [ -n "$out" ] || ! "$kvpt" check "$plan" >/dev/null; then
		echo "$plan does not check clean:"
		echo "$out"
		exit 1
	fi
done
cd examples/broken
n=0
for plan in *.yaml; do
	rc=0
	out=$("$kvpt" check "$plan") || rc=$?
	if [ "$rc" != 1 ]; then
		echo "$plan: exit status $rc, expected 1"
		exit 1
	fi
	if [ "$out" != "$(cat "${plan%.yaml}.expected")" ]; then
		echo "$plan: diagnostics differ"
		printf '%s\n' "$out" | diff -u "${plan%.yaml}.expected" - || true
		exit 1
	fi
	n=$((n + 1))
done
echo "ok: samples clean, $n broken plans diagnosed as expected"
