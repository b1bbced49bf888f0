#!/bin/sh
# `kvpt evaluate` end to end: a dry run of the sample district exercise
# writes its event log, which is measured as text, JSON and XLSX.  The JSON
# counts must equal the events counted in the log itself (python3), the
# same log must give the same bytes, --until must cut the log where asked,
# the text must carry its Vietnamese headings, the workbook must be a zip
# holding the report's sheets, and a damaged log must be refused with its
# line number.
# usage: evaluate.sh KVPT   (run from the repository root)
set -eu
kvpt=$1
plan=examples/hoang-hoa-2024/plan.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null 2>&1 || fail "python3 not found"

"$kvpt" simulate "$plan" --seed 7 --log "$tmp/run.log" > /dev/null ||
	fail "simulate"
[ -s "$tmp/run.log" ] || fail "simulate wrote no log"

# Text: the Vietnamese report.
"$kvpt" evaluate "$plan" "$tmp/run.log" > "$tmp/m.txt" || fail "evaluate text"
for h in "KẾT QUẢ ĐO LƯỜNG DIỄN TẬP" "I. TỔNG HỢP" "II. THEO CƠ QUAN" \
	"III. CHUYỂN TRẠNG THÁI BỊ TỪ CHỐI" "IV. HOẠT ĐỘNG: KẾ HOẠCH VÀ THỰC TẾ" \
	"Đề xuất xếp loại" "Phản ứng tình huống" "Lý do: Đạt" \
	"Ủy ban nhân dân huyện Hoằng Hóa"; do
	grep -qF "$h" "$tmp/m.txt" || fail "text lacks '$h'"
done

# JSON: deterministic, and its counts are the log's.
"$kvpt" evaluate "$plan" "$tmp/run.log" --format json > "$tmp/m1.json" ||
	fail "evaluate json"
"$kvpt" evaluate "$plan" "$tmp/run.log" --format=json -o "$tmp/m2.json" ||
	fail "evaluate json -o"
cmp -s "$tmp/m1.json" "$tmp/m2.json" || fail "same log, different JSON"

python3 - "$tmp/run.log" "$tmp/m1.json" <<'EOF' || fail "JSON counts differ from the log"
import collections, json, sys

events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
m = json.load(open(sys.argv[2], encoding="utf-8"))
n = collections.Counter(e["type"] for e in events)
ov = m["overall"]
c = ov["counts"]

def check(what, got, want):
    if got != want:
        sys.exit(f"{what}: measures say {got}, the log {want}")

check("events", m["events"], len(events))
check("ended", m["ended"], n["exercise.ended"] == 1)
check("t", m["t"], events[-1]["t"])
check("met", c["met"], n["expectation.met"])
check("late", c["late"], n["expectation.late"])
# A missed expectation answered after all is late, not missed.
check("missed", c["missed"], n["expectation.missed"] - n["expectation.late"])
check("refusals", ov["refusals"], n["transition.refused"])
check("refused rows", len(m["refused"]), n["transition.refused"])
check("violations", ov["violations"],
      sum(1 for e in events if e["type"] == "transition.refused"
          and e["rule"] != "transition-no-change"))
check("released", sum(1 for i in m["injects"] if i["released"] is not None),
      n["inject.released"])
check("activities ended", ov["activities"]["ended"], n["activity.ended"])
check("activities started", ov["activities"]["started"],
      n["activity.started"])
# Each state the log reached, the first time, is a STATE row.
first = {}
for e in events:
    if e["type"] == "state.changed":
        first.setdefault((e["body"], e["machine"], e["to"]), e["t"])
rows = {(b["id"], s["machine"], s["state"]): s
        for b in m["bodies"] for s in b["states"]}
for k, t in first.items():
    if k not in rows or rows[k]["reached"] != t or rows[k]["skipped"]:
        sys.exit(f"state {k}: reached at {t} in the log, not in the measures")
# Each expectation is in its inject, once, and with its owner's body.
xs = [x for i in m["injects"] for x in i["expectations"]]
check("expectations", len(xs), c["total"])
for b in m["bodies"]:
    for x in b["expectations"]:
        if x["owner"]["body"] != b["id"]:
            sys.exit(f"{x['id']} listed under {b['id']}")
answered = sorted(x["response_ms"] for x in xs if x["response_ms"] is not None)
check("answered", ov["response"]["answered"], len(answered))
check("max", ov["response"]["max_ms"], answered[-1])
due = c["met"] + c["late"] + c["missed"] + c["open"]
check("due", c["due"], due)
verdict = ov["verdict"]
if verdict["label"] != m["scale"][verdict["index"]]:
    sys.exit("verdict label is not the scale's word")
if f"Đạt {c['met']}/{due} yêu cầu đúng hạn" not in verdict["reason"]:
    sys.exit("verdict reason: " + verdict["reason"])
EOF

# --until cuts the log at N+1 08:00 (115200000 ms).
"$kvpt" evaluate "$plan" "$tmp/run.log" --format json --until "N+1 08:00" \
	> "$tmp/cut.json" || fail "evaluate --until"
python3 - "$tmp/run.log" "$tmp/cut.json" <<'EOF' || fail "--until"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
m = json.load(open(sys.argv[2], encoding="utf-8"))
kept = [e for e in events if e["t"] <= 115200000]
assert m["until"] == 115200000, m["until"]
assert m["events"] == len(kept), (m["events"], len(kept))
assert not m["ended"]
met = sum(1 for e in kept if e["type"] == "expectation.met")
assert m["overall"]["counts"]["met"] == met, (m["overall"]["counts"], met)
EOF

# XLSX: a zip with the report's sheets; '-o -' writes to a pipe.
"$kvpt" evaluate "$plan" "$tmp/run.log" --format xlsx -o "$tmp/aar.xlsx" ||
	fail "evaluate xlsx"
"$kvpt" evaluate "$plan" "$tmp/run.log" --format xlsx -o - > "$tmp/piped.xlsx" ||
	fail "evaluate xlsx -o -"
[ "$(head -c 2 "$tmp/piped.xlsx")" = PK ] || fail "'-o -' wrote no zip"
python3 - "$tmp/aar.xlsx" <<'EOF' || fail "the workbook"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
wb = z.read("xl/workbook.xml").decode("utf-8")
for name in ["Tổng hợp", "Đo lường theo cơ quan", "Phản ứng tình huống",
             "Trạng thái", "Quan sát", "Bài học", "Khắc phục"]:
    assert f'name="{name}"' in wb, name
strings = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                  if n.startswith("xl/worksheets/"))
assert "Ủy ban nhân dân huyện Hoằng Hóa" in strings
assert "Toàn cuộc diễn tập" in strings
EOF

# Errors.
rc=0
"$kvpt" evaluate "$plan" "$tmp/run.log" --format xlsx > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "xlsx without -o: exit $rc, expected 2"
rc=0
"$kvpt" evaluate "$plan" "$tmp/run.log" --until "hôm qua" 2> "$tmp/err" \
	> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "bad --until: exit $rc, expected 2"
grep -q -- "--until" "$tmp/err" || fail "bad --until: no reason given"
rc=0
"$kvpt" evaluate "$plan" "$tmp/run.log" --format pdf 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "unknown format: exit $rc, expected 2"
rc=0
"$kvpt" evaluate "$plan" "$tmp/missing.log" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "missing log: exit $rc, expected 2"
sed '5s/"t":/"t":"x",/' "$tmp/run.log" > "$tmp/bad.log"
rc=0
"$kvpt" evaluate "$plan" "$tmp/bad.log" 2> "$tmp/err" > /dev/null || rc=$?
[ "$rc" = 1 ] || fail "damaged log: exit $rc, expected 1"
grep -q "log:5:" "$tmp/err" || fail "damaged log: line not named"
"$kvpt" help evaluate | grep -q -- "--until" || fail "help evaluate"
echo "ok"
