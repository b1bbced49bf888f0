#!/bin/sh
# End-to-end test of `kvpt import-msel`: on a copy of the commune exercise
# (examples/xa-2026-ptkv.yaml) a dry run previews the rows and writes
# nothing, a schedule with bad rows is refused with row-numbered errors and
# leaves the plan's files as they were, and a good schedule is imported so
# that `kvpt check` passes and `kvpt show` lists the new injects.
# usage: import_msel.sh KVPT   (run from the repository root)
set -eu

kvpt=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plan=$tmp/plan.yaml
cp examples/xa-2026-ptkv.yaml "$plan"

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

sums() {
	(cd "$tmp" && ls -- *.yaml && cat -- *.yaml) | cksum
}

# A schedule as Excel writes it in a Vietnamese locale: BOM, ';', CRLF,
# a quoted text spanning two lines.
printf '\357\273\277Mã;Thời điểm;Tiêu đề;Nội dung;Nơi nhận;Người phát;Độ mật;Cách phát;Yêu cầu;Người thực hiện;Thời hạn\r\n' >"$tmp/lich.csv"
printf ';N 08:30;Cháy kho xăng dầu hợp tác xã;"Khoảng 08 giờ 30, kho xăng dầu bốc cháy.\r\nNghi có phá hoại.";Chủ tịch UBND xã, Trưởng Công an xã;tro-ly-bdd;;;báo cáo;truong-ca-xa;20m\r\n' >>"$tmp/lich.csv"
printf 'th-msel-uav;N 14:20;UAV địch trinh sát lần hai;;cht-qs-xa;bdd;Mật;thủ công;mệnh lệnh;;15m\r\n' >>"$tmp/lich.csv"
printf ';16/04/2026 11:00;Dân quân tại chỗ báo cáo quân số;;cht-qs-xa;;;;tiếp nhận;;5m\r\n' >>"$tmp/lich.csv"

expect_rc 0 "$kvpt" import-msel --help
has "$tmp/out" "usage: kvpt import-msel"
expect_rc 2 "$kvpt" import-msel "$plan"
has "$tmp/err" "no schedule"
expect_rc 2 "$kvpt" import-msel "$plan" "$tmp/no-such.csv"
has "$tmp/err" "no-such.csv"

before=$(sums)

# dry run: a preview, nothing written
expect_rc 0 "$kvpt" import-msel --dry-run "$plan" "$tmp/lich.csv"
has "$tmp/out" "ROW"
has "$tmp/out" "msel-2"
has "$tmp/out" "N 08:30"
has "$tmp/out" "th-msel-uav"
has "$tmp/out" "N 11:00"
has "$tmp/out" "ct-ubnd-xa, truong-ca-xa"
has "$tmp/out" "dry run: 3 inject(s) would be added in $tmp/msel-1.yaml"
[ "$(sums)" = "$before" ] || fail "a dry run changed the plan's files"

expect_rc 0 "$kvpt" import-msel --dry-run --format json "$plan" "$tmp/lich.csv"
python3 - "$tmp/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == 0 and d["injects"] == 3, d
assert d["delimiter"] == ";" and "files" not in d and d["written"] == []
rows = {r["row"]: r for r in d["rows"]}
assert rows[2]["text"] == "Khoảng 08 giờ 30, kho xăng dầu bốc cháy.\nNghi có phá hoại."
assert rows[2]["expect"] == {"kind": "báo cáo", "by": "truong-ca-xa", "within": "20m"}
assert rows[3]["release"] == "manual" and rows[3]["phase"] == "gd-3"
EOF
[ "$(sums)" = "$before" ] || fail "a JSON dry run changed the plan's files"

# bad rows: every error with its row and column, nothing written
cat >"$tmp/sai.csv" <<'EOF'
Thời điểm,Tiêu đề,Nơi nhận,Yêu cầu,Thời hạn
N 08:00,Đúng,cht-qs-xa,,
N 08:10,Người nhận lạ,ca-huyen,,
N 25:00,Giờ sai,cht-qs-xa,,
N+2 08:00,Ngoài giai đoạn,cht-qs-xa,,
N 09:00,Thời hạn sai,cht-qs-xa,báo cáo,mười phút
EOF
expect_rc 1 "$kvpt" import-msel "$plan" "$tmp/sai.csv"
has "$tmp/err" "$tmp/sai.csv:3: error: Nơi nhận: unknown role 'ca-huyen'"
has "$tmp/err" "$tmp/sai.csv:4: error: Thời điểm: 'N 25:00' is not an exercise time"
has "$tmp/err" "$tmp/sai.csv:5: error: Thời điểm: N+2 08:00 is outside every phase"
has "$tmp/err" "$tmp/sai.csv:6: error: Thời hạn: 'mười phút' is not a duration"
has "$tmp/err" "4 error(s); nothing was written"
if grep -q "sai.csv:2:" "$tmp/err"; then fail "a good row was reported"; fi
[ "$(sums)" = "$before" ] || fail "a refused import changed the plan's files"

# a file that cannot be read at all, and a mapping to a missing column
printf 'Thời điểm,Tiêu đề,Nơi nhận\nN 08:00,Ch\341y,cht-qs-xa\n' >"$tmp/latin.csv"
expect_rc 1 "$kvpt" import-msel "$plan" "$tmp/latin.csv"
has "$tmp/err" "row 2, column 2"
has "$tmp/err" "not UTF-8"
expect_rc 1 "$kvpt" import-msel --map "at=Giờ" "$plan" "$tmp/lich.csv"
has "$tmp/err" "no such column"
expect_rc 2 "$kvpt" import-msel --map "at" "$plan" "$tmp/lich.csv"
[ "$(sums)" = "$before" ] || fail "a refused import changed the plan's files"

# the import
expect_rc 0 "$kvpt" import-msel "$plan" "$tmp/lich.csv"
has "$tmp/out" "imported 3 inject(s) into $tmp/msel-1.yaml"
[ -f "$tmp/msel-1.yaml" ] || fail "no msel-1.yaml"
has "$tmp/msel-1.yaml" "# Lịch phát tình huống nhập từ lich.csv"
has "$plan" "  - msel-1.yaml"
ls "$tmp" | grep -q 'tmp-' && fail "a temporary file was left behind"
expect_rc 0 "$kvpt" check "$plan"
expect_rc 0 "$kvpt" show "$plan"
has "$tmp/out" "Cháy kho xăng dầu hợp tác xã  [msel-2]"
has "$tmp/out" "UAV địch trinh sát lần hai  [th-msel-uav]"
has "$tmp/out" "Dân quân tại chỗ báo cáo quân số  [msel-4]"
has "$tmp/out" "N 08:30"

# a second schedule goes to msel-2.yaml, listed after the first; an id
# already in the plan is refused
printf 'Mã,Time,Title,To\nth-msel-uav,N 15:10,Lần ba,cht-qs-xa\n' >"$tmp/lan2.csv"
expect_rc 1 "$kvpt" import-msel "$plan" "$tmp/lan2.csv"
has "$tmp/err" "lan2.csv:2: error: Mã: id 'th-msel-uav' is already an activity of the plan"
printf 'Mã,Time,Title,To\n,N 15:10,Lần ba,cht-qs-xa\n' >"$tmp/lan2.csv"
expect_rc 0 "$kvpt" import-msel "$plan" "$tmp/lan2.csv"
[ -f "$tmp/msel-2.yaml" ] || fail "no msel-2.yaml"
has "$plan" "  - msel-2.yaml"
expect_rc 0 "$kvpt" check "$plan"
expect_rc 0 "$kvpt" show "$plan"
has "$tmp/out" "Lần ba  [msel-2-2]"
echo "import-msel: ok"
