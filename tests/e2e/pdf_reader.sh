#!/bin/sh
# End-to-end test of the PDF reports (src/report/pdf.c): the sample
# after-action report of tests/unit/test_pdf.c (every kind of block, three
# charts, a 300-row table), written by the unit test's program when
# KVPT_PDF_SAMPLE names a file, is read back with poppler's tools:
#   - pdfinfo: A4 pages, the title, the fonts embedded (pdffonts);
#   - pdftotext: the administrative header and the Vietnamese words with
#     their diacritics exactly, sections, lessons, captions, the signature,
#     "Trang i/N" on every page i, each of the 300 table rows exactly once
#     and the table's header row on every page it spans;
#   - pdftotext -bbox: every word inside the page's margins (nothing cut
#     off), the footer and the classification mark excepted;
#   - pdftoppm -r 60 -png: one image per page, none of them blank.
# Fails, never skips, without poppler-utils (scripts/install-deps).
# usage: pdf_reader.sh KVPT   (run from the repository root; the test
# program is the build's tests/test_pdf, next to KVPT)
set -eu

kvpt=$1
driver=$(dirname "$kvpt")/tests/test_pdf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

for tool in pdfinfo pdffonts pdftotext pdftoppm python3; do
	command -v $tool >/dev/null 2>&1 ||
		fail "$tool not found (scripts/install-deps installs poppler-utils)"
done
[ -x "$driver" ] || fail "$driver not built (it needs cmocka)"

pdf=$tmp/bao-cao.pdf
KVPT_PDF_SAMPLE=$pdf "$driver" || fail "the sample report did not render"
[ "$(head -c 5 "$pdf")" = "%PDF-" ] || fail "not a PDF"

pdfinfo "$pdf" >"$tmp/info"
pages=$(sed -n 's/^Pages: *//p' "$tmp/info")
[ -n "$pages" ] && [ "$pages" -ge 12 ] || fail "only '$pages' pages"
grep -q "^Page size: *595.276 x 841.89 pts (A4)" "$tmp/info" ||
	fail "not A4: $(grep '^Page size' "$tmp/info")"
grep -q "^Title: *BÁO CÁO - Tổng kết diễn tập khu vực phòng thủ tỉnh Thái Bình năm 2023$" \
	"$tmp/info" || fail "title: $(grep '^Title' "$tmp/info")"
pdffonts "$pdf" | tail -n +3 >"$tmp/fonts"
[ -s "$tmp/fonts" ] || fail "no fonts"
# columns: name type encoding emb sub uni object ID
awk '$(NF-4) != "yes" { bad = 1; print "not embedded: " $0 } END { exit bad }' \
	"$tmp/fonts" >&2 || fail "a font is not embedded"

pdftotext -enc UTF-8 "$pdf" "$tmp/text.txt"
pdftotext -enc UTF-8 -bbox "$pdf" "$tmp/bbox.html"
pdftoppm -r 60 -png "$pdf" "$tmp/page"

python3 - "$tmp" "$pages" <<'EOF'
import glob, html, os, re, struct, sys, zlib

tmp, pages = sys.argv[1], int(sys.argv[2])
errors = []

def check(ok, what):
    if not ok:
        errors.append(what)

text = open(os.path.join(tmp, "text.txt"), encoding="utf-8").read()
page_texts = text.split("\f")
if page_texts and not page_texts[-1].strip():
    page_texts.pop()
check(len(page_texts) == pages, "%d pages of text for %d pages" %
      (len(page_texts), pages))

# The administrative header (Nghị định 30/2020), in Vietnamese, exactly.
first = page_texts[0] if page_texts else ""
for want in ["BAN CHỈ ĐẠO DIỄN TẬP KVPT TỈNH", "BAN TỔ CHỨC",
             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "Độc lập - Tự do - Hạnh phúc", "Số: 12/BC-BTC",
             "Thái Bình, ngày 12 tháng 10 năm 2023", "BÁO CÁO",
             "Tổng kết diễn tập khu vực phòng thủ tỉnh Thái Bình năm 2023",
             "MẬT", "I. ĐẶC ĐIỂM TÌNH HÌNH"]:
    check(want in first, "page 1 lacks %r" % want)

# The body: sections, subsections, lessons, captions, stacked marks.
flat = re.sub(r"\s+", " ", text)
for want in ["II. KẾT QUẢ DIỄN TẬP", "III. ĐÁNH GIÁ CHUNG",
             "IV. BÀI HỌC KINH NGHIỆM", "V. ĐỀ XUẤT, KIẾN NGHỊ",
             "1. Thành phần tham gia", "2. Xử trí tình huống",
             "3. Chuyển trạng thái sẵn sàng chiến đấu",
             "Bài học 1:", "Bài học 2:", "Bài học 3:", "Bài học 4:",
             "Hình 1.", "Tiến trình diễn tập theo kế hoạch và thực tế",
             "Hình 2.", "Hình 3.", "Bảng 1.", "Bảng 2.",
             "- Phương tiện: 46 xe ô tô, 18 tàu thuyền",
             "Kế hoạch", "Thực tế", "Đúng hạn", "Thời gian cho phép",
             "Thường xuyên", "Tăng cường", "Toàn bộ", "N 12:00", "N+1 00:00",
             "TM. BAN TỔ CHỨC", "TRƯỞNG BAN", "(Đã ký)",
             "Đại tá Nguyễn Văn Hùng", "Nơi nhận:", "- Lưu: VT, BTC.",
             "nghiệm", "những", "tổ chức", "phối hợp", "khẩn cấp",
             "Ủy ban nhân dân", "dự bị động viên", "chỉ đạo, điều hành",
             "kỹ thuật", "Diêm Điền", "Thụy Trường", "quá hạn"]:
    check(want in flat, "the text lacks %r" % want)

# "Trang i/N" on every page.
for i, t in enumerate(page_texts, 1):
    check("Trang %d/%d" % (i, pages) in t, "page %d lacks 'Trang %d/%d'" %
          (i, i, pages))
    check("MẬT" in t, "page %d lacks the classification" % i)

# Every row of the 300-row table once, none lost at a page break; its
# header on each page it spans.
for n in range(1, 301):
    c = len(re.findall(r"\bTH-%03d\b" % n, text))
    check(c == 1, "row TH-%03d appears %d times" % (n, c))
spans = [i for i, t in enumerate(page_texts) if re.search(r"\bTH-\d{3}\b", t)]
check(len(spans) >= 8, "the table spans only %d pages" % len(spans))
for i in spans:
    check("Cơ quan xử lý" in page_texts[i],
          "page %d: the table's header is not repeated" % (i + 1))

# Nothing outside the margins (A4; left 30 mm, right 15 mm, top and
# bottom 20 mm), but for the footer and the classification box above
# the header.
mm = 72 / 25.4
box = open(os.path.join(tmp, "bbox.html"), encoding="utf-8").read()
for pno, page in enumerate(re.findall(r"<page (.*?)</page>", box, re.S), 1):
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                         r'xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                         page):
        x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
        word = html.unescape(m.group(5))
        footer = y0 > 841.89 - 20 * mm
        mark = word == "MẬT" and y1 < 20 * mm
        check(x0 >= 30 * mm - 1 and x1 <= 595.276 - 15 * mm + 1,
              "page %d: %r sticks out across (%.1f to %.1f)" %
              (pno, word, x0, x1))
        check(footer or mark or
              (y0 >= 20 * mm - 1 and y1 <= 841.89 - 20 * mm + 1),
              "page %d: %r sticks out down (%.1f to %.1f)" %
              (pno, word, y0, y1))
        check(y1 <= 841.89 - 5 * mm, "page %d: %r below the footer" %
              (pno, word))

# Page images: one per page, none blank.
def ink(path):
    """Pixels that are not white in a PNG (8-bit RGB or grey)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (0, 2), (depth, ctype)
            bpp = 3 if ctype == 2 else 1
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    count = 0
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        count += stride - line.count(255)
        prev = line
    return count

images = sorted(glob.glob(os.path.join(tmp, "page-*.png")))
check(len(images) == pages, "%d page images for %d pages" %
      (len(images), pages))
for path in images:
    check(ink(path) > 2000, "%s is blank" % os.path.basename(path))

if errors:
    print("\n".join("FAIL: " + e for e in errors[:40]), file=sys.stderr)
    sys.exit(1)
print("%d pages checked" % pages)
EOF

echo "ok pdf_reader"
