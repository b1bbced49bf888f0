#!/bin/sh
# End-to-end test of `kvpt export --format xlsx`: the sample commune plan
# is written as a workbook, which LibreOffice (headless, with a profile of
# its own) turns into one CSV file per sheet; the CSV files must hold the
# seven sheets, the plan's Vietnamese text intact, its date-times shown as
# dates, and as many rows as the plan has bodies, roles, committee members,
# documents, activities and injects (counted in `kvpt export --format json`).
# Fails, never skips, without soffice (scripts/install-deps installs it).
# usage: xlsx_reader.sh KVPT   (run from the repository root)
set -eu

kvpt=$1
plan=examples/xa-2026-ptkv.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

command -v soffice >/dev/null 2>&1 ||
	fail "soffice not found: LibreOffice is needed to read the workbook back" \
		"(scripts/install-deps installs libreoffice-calc-nogui)"
command -v python3 >/dev/null 2>&1 || fail "python3 not found"

# The options: xlsx needs -o, and '-o -' writes the workbook to a pipe.
rc=0
"$kvpt" export "$plan" --format xlsx >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "--format xlsx without -o exited $rc, expected 2"
grep -q -- "--format xlsx needs -o FILE" "$tmp/err" || fail "no reason given"
[ ! -s "$tmp/out" ] || fail "--format xlsx without -o wrote something"
"$kvpt" export "$plan" --format xlsx -o - >"$tmp/piped.xlsx" ||
	fail "'-o -' into a pipe failed"
[ "$(head -c 2 "$tmp/piped.xlsx")" = PK ] || fail "'-o -' wrote no zip"
rc=0
"$kvpt" export "$plan" --format xlsx -o "$tmp/no/such/dir/a.xlsx" \
	2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "writing into a missing directory exited $rc"
grep -q "cannot write" "$tmp/err" || fail "no reason for the failed write"

"$kvpt" export "$plan" --format xlsx -o "$tmp/plan.xlsx" ||
	fail "kvpt export --format xlsx failed"
[ "$(head -c 2 "$tmp/plan.xlsx")" = PK ] || fail "plan.xlsx is not a zip"
"$kvpt" export "$plan" --format json -o "$tmp/plan.json" ||
	fail "kvpt export --format json failed"

# One CSV per sheet (LibreOffice 7.2 and later: the last filter token, -1,
# asks for every sheet, written as plan-<sheet>.csv).  Tokens: comma,
# double quote, UTF-8, from line 1, no cell formats, default language,
# text not all quoted, detect numbers, save cells as shown (so a date-time
# reads as its format shows it), no formulas, no trimming, all sheets.
mkdir "$tmp/csv"
start=$(date +%s)
timeout 300 soffice --headless --norestore \
	"-env:UserInstallation=file://$tmp/lo" \
	--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1' \
	--outdir "$tmp/csv" "$tmp/plan.xlsx" >"$tmp/soffice.log" 2>&1 || {
	cat "$tmp/soffice.log" >&2
	fail "LibreOffice could not convert the workbook"
}
echo "LibreOffice converted the workbook in $(($(date +%s) - start)) s"

python3 - "$tmp/plan.json" "$tmp/csv" "$tmp/plan.xlsx" <<'EOF'
import csv, datetime, json, os, re, sys, zipfile

plan = json.load(open(sys.argv[1], encoding="utf-8"))
csvdir, xlsx = sys.argv[2], sys.argv[3]
sheets = ["Thông tin chung", "Khung tập", "Vai tập", "Các ban", "Văn kiện",
          "Tiến trình", "Tình huống"]
errors = []

def check(ok, what):
    if not ok:
        errors.append(what)

files = sorted(os.listdir(csvdir))
check(files == sorted("plan-%s.csv" % s for s in sheets),
      "sheets: %s" % files)

def table(sheet, first_header):
    """The header and data rows of a sheet (after its title lines)."""
    with open(os.path.join(csvdir, "plan-%s.csv" % sheet),
              encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    for i, r in enumerate(rows):
        if r and r[0] == first_header:
            return r, [x for x in rows[i + 1:] if any(x)]
    errors.append("%s: no header row starting '%s'" % (sheet, first_header))
    return [], []

def bodies(units):
    return sum(1 + bodies(b["units"]) for b in units)

activities = [a for ph in plan["phases"] for pr in ph["problems"]
              for c in pr["contents"] for a in c["activities"]]
injects = [a for a in activities if a["kind"] == "situation"]
want = {
    "Khung tập": ("Mã", bodies(plan["bodies"])),
    "Vai tập": ("Mã", len(plan["roles"])),
    "Các ban": ("Ban", sum(max(1, len(c["members"]))
                           for c in plan["committees"])),
    "Văn kiện": ("Mã", len(plan["documents"])),
    "Tiến trình": ("Giai đoạn", len(activities)),
    "Tình huống": ("Mã", len(injects)),
}
for sheet, (first, n) in want.items():
    header, rows = table(sheet, first)
    check(len(rows) == n, "%s: %d rows, the plan has %d" %
          (sheet, len(rows), n))

# Vietnamese text intact: every role and person name as in the plan.
header, rows = table("Vai tập", "Mã")
people = {p["id"]: p["name"] for p in plan["people"]}
shown = {r[0]: r for r in rows}
for role in plan["roles"]:
    r = shown.get(role["id"])
    check(r is not None and r[1] == role["name"],
          "role %s: %r, expected %r" % (role["id"], r, role["name"]))
    if r is not None and role["person"]:
        check(r[3] == people[role["person"]],
              "role %s: person %r" % (role["id"], r[3]))
check(any(r[1] == "Bí thư Đảng ủy xã" for r in rows),
      "no 'Bí thư Đảng ủy xã' among the roles")

# Date-times shown as dates, in the plan's local time.
def shown_time(t):
    return datetime.datetime.fromisoformat(t["iso"]).strftime("%d/%m/%Y %H:%M")

header, rows = table("Tiến trình", "Giai đoạn")
col = {h: i for i, h in enumerate(header)}
by_id = {r[col["Mã"]]: r for r in rows}
dated = 0
for a in activities:
    r = by_id.get(a["id"])
    if r is None or not a["start"] or r[col["Bắt đầu"]] != a["start"]["n"]:
        continue
    check(r[col["Ngày giờ bắt đầu"]] == shown_time(a["start"]),
          "%s: start %r, expected %r" % (a["id"], r[col["Ngày giờ bắt đầu"]],
                                         shown_time(a["start"])))
    dated += 1
check(dated > 10, "only %d activities with a date-time" % dated)
check(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d",
                   by_id["th-01"][col["Ngày giờ bắt đầu"]] or "") is not None,
      "th-01 start is no date: %r" % by_id["th-01"])
header, rows = table("Tình huống", "Mã")
col = {h: i for i, h in enumerate(header)}
th01 = [r for r in rows if r[0] == "th-01"][0]
check(th01[col["Ngày giờ"]] == "16/04/2026 07:00", "th-01: %r" % th01)
for a in injects:
    r = [x for x in rows if x[0] == a["id"]]
    check(r and r[0][col["Nội dung"]] == (a["text"] or ""),
          "%s: text %r" % (a["id"], r and r[0][col["Nội dung"]]))

# …and stored as numbers, not text: the cell under "Ngày giờ" in the
# injects sheet (sheet 7, column C) has a value and no string type.
sheet7 = zipfile.ZipFile(xlsx).read("xl/worksheets/sheet7.xml").decode()
cell = re.search(r'<c r="C5"[^>]*>(.*?)</c>', sheet7)
check(cell is not None and 't="' not in cell.group(0) and
      re.fullmatch(r"<v>\d+(\.\d+)?</v>", cell.group(1)) is not None,
      "injects C5 is not a number: %s" % (cell and cell.group(0)))

if errors:
    print("\n".join("FAIL: " + e for e in errors), file=sys.stderr)
    sys.exit(1)
EOF

echo "ok xlsx_reader"
