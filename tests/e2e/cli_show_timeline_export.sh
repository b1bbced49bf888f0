#!/bin/sh
# End-to-end test of `kvpt show`, `kvpt timeline` and `kvpt export`: runs
# the real binary on the checker's clean plan (and an inline plan without a
# date for day N) and checks output, files written and exit statuses.
# usage: cli_show_timeline_export.sh KVPT   (run from the repository root)
set -eu

kvpt=$1
plan=tests/check/clean.yaml
bad=tests/check/duplicate-id.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_rc WANT CMD...: run CMD, keep stdout/stderr in $tmp, check status.
expect_rc() {
	want=$1
	shift
	set +e
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	set -e
	if [ "$rc" != "$want" ]; then
		echo "stdout:" >&2
		cat "$tmp/out" >&2
		echo "stderr:" >&2
		cat "$tmp/err" >&2
		fail "'$*' exited $rc, expected $want"
	fi
}

# has FILE TEXT: FILE contains the fixed string TEXT.
has() {
	grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "no '$2' in $1"; }
}

for cmd in show timeline export; do
	expect_rc 0 "$kvpt" "$cmd" --help
	has "$tmp/out" "usage: kvpt $cmd"
	# Missing file: an I/O error.
	expect_rc 2 "$kvpt" "$cmd" "$tmp/no-such-plan.yaml"
	has "$tmp/err" "no-such-plan.yaml"
	# Bad option and no plan: usage errors that say what to try.
	expect_rc 2 "$kvpt" "$cmd" --no-such-option "$plan"
	has "$tmp/err" "unknown option '--no-such-option'"
	has "$tmp/err" "kvpt $cmd --help"
	expect_rc 2 "$kvpt" "$cmd"
	has "$tmp/err" "no plan given"
	# A plan with errors is refused, its diagnostics shown.
	expect_rc 1 "$kvpt" "$cmd" "$bad"
	has "$tmp/err" "error:"
	has "$tmp/err" "kvpt check"
done

# show
expect_rc 0 "$kvpt" show "$plan"
has "$tmp/out" "Diễn tập kiểm thử [T-1]"
has "$tmp/out" "│  Ngày N       2025-09-10 (Asia/Ho_Chi_Minh, UTC+07:00)"
has "$tmp/out" "└─ Giai đoạn 1  N 07:00–12:00  Chuyển trạng thái  [gd1]"
has "$tmp/out" "├─ N 07:30–08:30  hội nghị    Hội nghị Đảng ủy xã  [hn-du]"
has "$tmp/out" "│  chủ trì: Bí thư Đảng ủy (Nguyễn Văn An)"
has "$tmp/out" "└─ N 10:30        tình huống  Tình huống 1  [th1]"
has "$tmp/out" "└─ báo cáo  Trưởng Công an xã  trong 30m, hạn N 11:00  [th1-bc]"
expect_rc 0 "$kvpt" show --lang en "$plan"
has "$tmp/out" "└─ Phase 1  N 07:00–12:00"
has "$tmp/out" "situation   Tình huống 1  [th1]"
has "$tmp/out" "within 30m, due N 11:00"
expect_rc 2 "$kvpt" show --lang fr "$plan"
has "$tmp/err" "unknown language 'fr'"

# timeline: sorted, with local times; a window; the calendar file
expect_rc 0 "$kvpt" timeline "$plan"
has "$tmp/out" "N 07:30    2025-09-10T07:30  1h       hội nghị    hn-du    Hội nghị Đảng ủy xã · chủ trì Bí thư Đảng ủy"
has "$tmp/out" "N 10:30    2025-09-10T10:30  —        tình huống  th1      Tình huống 1 · Chỉ huy trưởng Ban CHQS → Trưởng Công an xã"
[ "$(grep -c '^N ' "$tmp/out")" = 4 ] || fail "timeline: 4 activities expected"
first=$(grep -n 'hn-du ' "$tmp/out" | cut -d: -f1)
last=$(grep -n 'th1 ' "$tmp/out" | cut -d: -f1)
[ "$first" -lt "$last" ] || fail "timeline not sorted by time"
expect_rc 0 "$kvpt" timeline --from "N 09:30" --to "N 10:00" "$plan"
grep -q 'hn-du' "$tmp/out" && fail "--from N 09:30 still lists hn-du"
has "$tmp/out" "hn-hdnd"
grep -q ' th1 ' "$tmp/out" && fail "--to N 10:00 still lists th1"
expect_rc 2 "$kvpt" timeline --from "tomorrow" "$plan"
has "$tmp/err" "bad --from 'tomorrow'"
expect_rc 2 "$kvpt" timeline --from "N 12:00" --to "N 08:00" "$plan"

expect_rc 0 env SOURCE_DATE_EPOCH=1700000000 "$kvpt" timeline --ics "$tmp/a.ics" "$plan"
has "$tmp/err" "wrote 4 event(s)"
has "$tmp/out" "hn-du"
has "$tmp/a.ics" "BEGIN:VCALENDAR"
has "$tmp/a.ics" "PRODID:-//kvpt//"
has "$tmp/a.ics" "UID:hn-du@T-1.kvpt"
has "$tmp/a.ics" "DTSTART:20250910T003000Z"
has "$tmp/a.ics" "DTEND:20250910T013000Z"
has "$tmp/a.ics" "DTSTAMP:20231114T221320Z"
has "$tmp/a.ics" "CATEGORIES:hội nghị"
[ "$(grep -c '^BEGIN:VEVENT' "$tmp/a.ics")" = 4 ] || fail "4 VEVENTs expected"
# RFC 5545 lines end in CRLF.
[ "$(grep -c "$(printf '\r')\$" "$tmp/a.ics")" = "$(wc -l <"$tmp/a.ics")" ] ||
	fail "calendar lines must end in CRLF"
# Same plan and stamp, same calendar; '-' writes it to stdout.
expect_rc 0 env SOURCE_DATE_EPOCH=1700000000 "$kvpt" timeline --ics - "$plan"
cmp -s "$tmp/out" "$tmp/a.ics" || fail "--ics - differs from --ics FILE"
expect_rc 2 "$kvpt" timeline --ics "$tmp/no/such/dir/a.ics" "$plan"
has "$tmp/err" "cannot write"

# A plan whose day N is no date: timeline works, the calendar is refused.
sed -e 's/^  start: 2025-09-10T07:00:00+07:00$/  start: N 07:00/' \
	"$plan" >"$tmp/relative.yaml"
has "$tmp/relative.yaml" "start: N 07:00"
expect_rc 0 "$kvpt" timeline "$tmp/relative.yaml"
has "$tmp/out" "Ngày N: chưa xác định"
grep -q '2025-09-10T' "$tmp/out" && fail "no local times without day N"
expect_rc 1 "$kvpt" timeline --ics "$tmp/r.ics" "$tmp/relative.yaml"
has "$tmp/err" "does not fix day N to a date"
has "$tmp/err" "start: 2024-05-20T07:30:00+07:00"
[ ! -e "$tmp/r.ics" ] || fail "a calendar was written without day N"

# export
expect_rc 0 "$kvpt" export "$plan" --format json
cp "$tmp/out" "$tmp/a.json"
has "$tmp/a.json" '"schema_version": 1'
has "$tmp/a.json" '"code": "T-1"'
has "$tmp/a.json" '"iso": "2025-09-10T07:30:00+07:00"'
has "$tmp/a.json" '"id": "th1-bc"'
expect_rc 0 "$kvpt" export -o "$tmp/b.json" "$plan"
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "export is not deterministic"
[ ! -s "$tmp/out" ] || fail "-o FILE still printed to stdout"
expect_rc 0 "$kvpt" export --compact "$plan"
[ "$(wc -l <"$tmp/out")" = 1 ] || fail "--compact gives one line"
expect_rc 2 "$kvpt" export --format xml "$plan"
has "$tmp/err" "unknown format 'xml'"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
		"$tmp/a.json" || fail "export is not valid JSON"
fi

# Every example plan that checks clean can be shown, timed and exported.
for ex in examples/*.yaml examples/*/plan.yaml; do
	[ -f "$ex" ] || continue
	"$kvpt" check -q "$ex" >/dev/null 2>&1 || continue
	expect_rc 0 "$kvpt" show "$ex"
	expect_rc 0 "$kvpt" timeline "$ex"
	expect_rc 0 "$kvpt" export --compact "$ex"
done

echo "ok cli_show_timeline_export"
