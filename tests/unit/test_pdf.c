/*
 * test_pdf: after-action reports rendered to PDF from their JSON
 * description.  A sample report with every kind of block, three charts
 * and a 300-row table renders to a PDF whose page tree counts its pages,
 * appended after what out held; a page break, a long paragraph and a
 * cell taller than a page add pages instead of losing text; a 2,000-row
 * table renders; wrong descriptions are refused with the place and the
 * reason and leave out and the file untouched; past the page limit the
 * render stops with KVPT_ETOOBIG; renders on several threads at once give
 * the same bytes as one alone.
 *
 * With KVPT_PDF_SAMPLE=FILE in the environment, the program only writes
 * the sample report to FILE and exits (tests/e2e/pdf_reader.sh reads it
 * back with poppler's tools).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "model/model.h"
#include "report/pdf.h"

#define H(h, m) ((json_int_t)(h) * 3600000 + (json_int_t)(m) * 60000)

/*
 * LeakSanitizer, for this program: fontconfig 2.14 (Debian 12) leaks 288
 * bytes while it parses its configuration, once per process (pango's first
 * font map loads it); kvpt frees everything it owns.  The same as a
 * "leak:libfontconfig.so" line in tests/lsan.supp.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j)
		print_error("bad test JSON: %s at %d:%d\n", e.text, e.line,
			    e.column);
	assert_non_null(j);
	return j;
}

/* A deterministic sequence for the sample's numbers. */
static unsigned next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16 & 0x7fff;
}

static json_t *paragraph(const char *text)
{
	return json_pack("{s:s,s:s}", "type", "paragraph", "text", text);
}

static json_t *titled(const char *type, const char *title)
{
	return json_pack("{s:s,s:s}", "type", type, "title", title);
}

static const char *const injects[] = {
	"Địch tập kích hỏa lực vào khu vực cảng Diêm Điền",
	"Bạo loạn, gây rối tại xã Thụy Trường",
	"Cháy kho xăng dầu tại khu công nghiệp Tiền Hải",
	"Bão số 3 đổ bộ vào huyện Thái Thụy, nước biển dâng",
	"Tàu lạ xâm nhập vùng biển huyện Tiền Hải",
	"Vỡ đê sông Hồng đoạn qua huyện Vũ Thư",
	"Phần tử xấu phá hoại trạm biến áp 220 kV Thái Bình",
	"Sơ tán nhân dân khỏi vùng ven biển",
	"Động viên quân nhân dự bị bổ sung lực lượng",
	"Thông tin xấu, độc trên mạng xã hội về diễn tập",
	"Ùn tắc giao thông trên Quốc lộ 10 khi cơ động lực lượng",
	"Dịch bệnh bùng phát tại khu sơ tán xã Nam Thịnh",
};
#define NINJECTS (sizeof(injects) / sizeof(injects[0]))

static const char *const bodies[] = {
	"Bộ CHQS tỉnh", "Công an tỉnh", "BCH Bộ đội Biên phòng tỉnh",
	"Sở Y tế", "Sở Giao thông vận tải", "UBND huyện Tiền Hải",
	"UBND huyện Thái Thụy", "Ban CHQS huyện Vũ Thư", "Sở Công Thương",
	"Đài Phát thanh và Truyền hình tỉnh",
};
#define NBODIES (sizeof(bodies) / sizeof(bodies[0]))

static json_t *timeline_chart(void)
{
	static const char *const acts[] = {
		"Giao nhiệm vụ diễn tập", "Chuyển trạng thái SSCĐ tăng cường",
		"Họp Thường vụ Tỉnh ủy", "Ra nghị quyết lãnh đạo",
		"Triển khai Sở chỉ huy cơ bản", "Tình huống 1: tàu lạ xâm nhập",
		"Tình huống 2: bạo loạn Thụy Trường",
		"Chuyển trạng thái SSCĐ cao", "HĐND tỉnh họp phiên bất thường",
		"Ban bố tình trạng khẩn cấp về quốc phòng",
		"Động viên cục bộ", "Sơ tán nhân dân vùng ven biển",
		"Tình huống 3: vỡ đê sông Hồng", "Thực binh bảo vệ cảng Diêm Điền",
		"Chuyển trạng thái SSCĐ toàn bộ", "Chuyển địa phương vào thời chiến",
		"Thực binh tiến công tiêu diệt địch đổ bộ",
		"Khắc phục hậu quả, ổn định đời sống nhân dân",
		"Kết thúc diễn tập, rút kinh nghiệm nóng",
	};
	json_t *items = json_array();
	unsigned seed = 7;
	size_t i;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		json_int_t ps = H(7, 30) + (json_int_t)i * H(1, 25);
		json_int_t pe = ps + H(1, 0) + (json_int_t)(i % 4) * H(0, 30);
		json_int_t d = (json_int_t)(next_rand(&seed) % 60) * 60000 -
			       H(0, 20);
		json_t *it;

		if (i == 5 || i == 6 || i == 12)	/* injects: points */
			it = json_pack("{s:s,s:I,s:I}", "label", acts[i],
				       "planned_start", ps, "actual_start",
				       ps + d);
		else if (i == 17)			/* not held */
			it = json_pack("{s:s,s:I,s:I}", "label", acts[i],
				       "planned_start", ps, "planned_end", pe);
		else
			it = json_pack("{s:s,s:I,s:I,s:I,s:I}", "label",
				       acts[i], "planned_start", ps,
				       "planned_end", pe, "actual_start",
				       ps + d, "actual_end", pe + d +
				       (i % 3 == 0 ? H(0, 40) : 0));
		json_array_append_new(items, it);
	}
	return json_pack("{s:s,s:s,s:s,s:o}", "type", "chart", "kind",
			 "timeline", "caption", "Tiến trình diễn tập theo kế "
			 "hoạch và thực tế", "items", items);
}

static json_t *response_chart(void)
{
	static const char *const status[] = { "met", "met", "met", "late",
		"met", "missed", "met", "open", "met", "late" };
	json_t *items = json_array();
	unsigned seed = 3;
	size_t i;

	for (i = 0; i < 24; i++) {
		json_int_t allowed = (json_int_t)(30 + (i % 4) * 15) * 60000;
		const char *st = status[i % 10];
		json_int_t resp = allowed * (json_int_t)(40 + next_rand(&seed) %
						       55) / 100;
		char label[160];
		json_t *it;

		if (!strcmp(st, "late"))
			resp = allowed + (json_int_t)(5 + i) * 60000;
		if (i == 13)	/* an outlier far past its limit */
			resp = allowed * 6;
		snprintf(label, sizeof(label), "%s: %s", bodies[i % NBODIES],
			 injects[i % NINJECTS]);
		if (!strcmp(st, "missed") || !strcmp(st, "open"))
			it = json_pack("{s:s,s:I,s:s}", "label", label,
				       "allowed_ms", allowed, "status", st);
		else
			it = json_pack("{s:s,s:I,s:I,s:s}", "label", label,
				       "allowed_ms", allowed, "response_ms",
				       resp, "status", i == 13 ? "late" : st);
		json_array_append_new(items, it);
	}
	return json_pack("{s:s,s:s,s:s,s:o}", "type", "chart", "kind",
			 "response", "caption", "Thời gian xử trí tình huống "
			 "so với thời gian cho phép", "items", items);
}

static json_t *ladder_chart(void)
{
	json_t *series = json_array();
	size_t i;

	for (i = 0; i < 6; i++) {
		json_int_t shift = (json_int_t)i * H(0, 20);
		json_t *pts, *plan;

		plan = json_pack("[{s:I,s:s},{s:I,s:s},{s:I,s:s},{s:I,s:s}]",
				 "t", H(7, 0), "state", "Thường xuyên",
				 "t", H(9, 0), "state", "Tăng cường",
				 "t", H(14, 0), "state", "Cao",
				 "t", H(24 + 8, 0), "state", "Toàn bộ");
		if (i == 2)	/* skips tăng cường, late to full */
			pts = json_pack("[{s:I,s:s},{s:I,s:s},{s:I,s:s}]",
					"t", H(7, 0), "state", "Thường xuyên",
					"t", H(14, 30), "state", "Cao",
					"t", H(24 + 10, 0), "state", "Toàn bộ");
		else
			pts = json_pack("[{s:I,s:s},{s:I,s:s},{s:I,s:s},"
					"{s:I,s:s}]",
					"t", H(7, 0), "state", "Thường xuyên",
					"t", H(9, 0) + shift, "state",
					"Tăng cường",
					"t", H(14, 0) + shift, "state", "Cao",
					"t", H(24 + 8, 0) + shift, "state",
					"Toàn bộ");
		json_array_append_new(series, json_pack("{s:s,s:o,s:o}",
			"label", bodies[i], "points", pts, "planned", plan));
	}
	return json_pack("{s:s,s:s,s:s,s:[ssss],s:o,s:I,s:I}", "type", "chart",
			 "kind", "ladder", "caption", "Chuyển trạng thái sẵn "
			 "sàng chiến đấu của các cơ quan, đơn vị", "states",
			 "Thường xuyên", "Tăng cường", "Cao", "Toàn bộ",
			 "series", series, "t_from", H(6, 0), "t_to",
			 H(24 + 14, 0));
}

/* The 300 injects handled, one row each. */
static json_t *big_table(size_t n)
{
	static const char *const verdicts[] = { "Tốt", "Tốt", "Khá", "Tốt",
		"Đạt", "Chưa đạt", "Khá", "Tốt" };
	json_t *rows = json_array(), *styles = json_array();
	unsigned seed = 11;
	size_t i;

	for (i = 0; i < n; i++) {
		int allowed = 30 + (int)(i % 4) * 15;
		int took = allowed * (int)(50 + next_rand(&seed) % 70) / 100;
		const char *verdict = verdicts[i % 8];
		char id[32], deadline[32], spent[32];

		if (took > allowed)
			verdict = "Muộn";
		snprintf(id, sizeof(id), "TH-%03zu", i + 1);
		snprintf(deadline, sizeof(deadline), "%d phút", allowed);
		snprintf(spent, sizeof(spent), "%d phút", took);
		json_array_append_new(rows, json_pack("[I,s,s,s,s,s,s]",
			(json_int_t)(i + 1), id, injects[i % NINJECTS],
			bodies[(i * 7) % NBODIES], deadline, spent, verdict));
		json_array_append_new(styles, took > allowed ?
			json_string("bad") : !strcmp(verdict, "Chưa đạt") ?
			json_string("warn") : json_null());
	}
	return json_pack("{s:s,s:s,s:[{s:s,s:f,s:s},{s:s,s:f},{s:s,s:f},"
			 "{s:s,s:f},{s:s,s:f,s:s},{s:s,s:f,s:s},{s:s,s:f,s:s}]"
			 ",s:o,s:o}",
			 "type", "table", "caption", "Kết quả xử trí các tình "
			 "huống của các cơ quan, đơn vị", "columns",
			 "title", "TT", "width", 0.06, "align", "right",
			 "title", "Mã", "width", 0.1,
			 "title", "Tình huống", "width", 0.32,
			 "title", "Cơ quan xử lý", "width", 0.2,
			 "title", "Thời hạn", "width", 0.1, "align", "center",
			 "title", "Thời gian xử lý", "width", 0.11, "align",
			 "center",
			 "title", "Đánh giá", "width", 0.11, "align", "center",
			 "rows", rows, "styles", styles);
}

static json_t *lesson(int n, const char *text)
{
	return json_pack("{s:s,s:i,s:s}", "type", "lesson", "n", n, "text",
			 text);
}

/* The sample after-action report; table_rows rows in its big table. */
static json_t *sample(size_t table_rows)
{
	json_t *blocks = json_array();

	json_array_append_new(blocks, titled("section", "Đặc điểm tình hình"));
	json_array_append_new(blocks, paragraph(
		"Thực hiện Chỉ thị số 05/CT-UBND ngày 15 tháng 3 năm 2023 của "
		"Ủy ban nhân dân tỉnh về diễn tập khu vực phòng thủ năm 2023 và "
		"Kế hoạch số 118/KH-BCĐ của Ban Chỉ đạo diễn tập, từ ngày 09 "
		"đến ngày 11 tháng 10 năm 2023, tỉnh Thái Bình đã tổ chức diễn "
		"tập khu vực phòng thủ với sự tham gia của các cơ quan, ban, "
		"ngành, đoàn thể của tỉnh và các huyện Tiền Hải, Thái Thụy, Vũ "
		"Thư. Cuộc diễn tập được chuẩn bị chu đáo, nghiêm túc, đúng "
		"quy định, bảo đảm an toàn tuyệt đối về người, vũ khí, trang bị "
		"và phương tiện."));
	json_array_append_new(blocks, paragraph(
		"Tình hình thời tiết trong những ngày diễn tập có mưa rào và "
		"dông rải rác, gió đông bắc cấp 3 đến cấp 4; một số tuyến "
		"đường cơ động ven biển bị ngập cục bộ, ảnh hưởng đến việc "
		"triển khai lực lượng thực binh."));
	json_array_append_new(blocks, titled("subsection", "Thành phần tham "
					     "gia"));
	json_array_append_new(blocks, json_pack("{s:s,s:[sssss]}", "type",
		"bullets", "items",
		"Ban Thường vụ Tỉnh ủy, Thường trực HĐND, UBND tỉnh; Hội đồng "
		"cung cấp tỉnh; các sở, ban, ngành, đoàn thể của tỉnh;",
		"Bộ Chỉ huy Quân sự tỉnh, Công an tỉnh, Bộ Chỉ huy Bộ đội Biên "
		"phòng tỉnh và các đơn vị phối thuộc;",
		"Huyện ủy, HĐND, UBND các huyện Tiền Hải, Thái Thụy, Vũ Thư và "
		"12 xã, thị trấn trọng điểm;",
		"Lực lượng thực binh: 1.250 đồng chí, trong đó dân quân tự vệ "
		"640, dự bị động viên 380, lực lượng khác 230;",
		"Phương tiện: 46 xe ô tô, 18 tàu thuyền, 2 khí cầu tín hiệu."));
	json_array_append_new(blocks, titled("section", "Kết quả diễn tập"));
	json_array_append_new(blocks, titled("subsection", "Tiến trình các nội "
					     "dung"));
	json_array_append_new(blocks, paragraph(
		"Các nội dung diễn tập được thực hiện theo đúng ý định, sát "
		"thực tế chiến đấu. Hình 1 so sánh thời gian thực hiện từng "
		"nội dung với kế hoạch; phần lớn các nội dung bắt đầu đúng "
		"giờ, một số nội dung thực binh kéo dài hơn dự kiến do thời "
		"tiết và do phải chờ lực lượng phối hợp."));
	json_array_append_new(blocks, timeline_chart());
	json_array_append_new(blocks, titled("subsection", "Xử trí tình "
					     "huống"));
	json_array_append_new(blocks, paragraph(
		"Ban Tổ chức đã phát 24 tình huống cho các cơ quan, đơn vị. "
		"Các cơ quan xử trí cơ bản kịp thời, đúng quy trình; vẫn còn "
		"tình huống xử lý muộn hoặc chưa xử lý, chủ yếu ở khâu hiệp "
		"đồng giữa các lực lượng và báo cáo kết quả lên cấp trên."));
	json_array_append_new(blocks, response_chart());
	json_array_append_new(blocks, paragraph(
		"Chi tiết kết quả xử trí từng tình huống, gồm cả các tình "
		"huống phát sinh trong quá trình luyện tập, được thống kê tại "
		"Bảng 1."));
	json_array_append_new(blocks, json_pack("{s:s}", "type",
						"page_break"));
	json_array_append_new(blocks, big_table(table_rows));
	json_array_append_new(blocks, titled("subsection", "Chuyển trạng "
					     "thái sẵn sàng chiến đấu"));
	json_array_append_new(blocks, paragraph(
		"Việc chuyển trạng thái sẵn sàng chiến đấu của các cơ quan, "
		"đơn vị cơ bản đúng thời điểm theo kế hoạch; Ban CHQS huyện "
		"chuyển thẳng lên trạng thái cao, bỏ qua trạng thái tăng "
		"cường, và chậm hai giờ khi chuyển lên trạng thái toàn bộ."));
	json_array_append_new(blocks, ladder_chart());
	json_array_append_new(blocks, titled("section", "Đánh giá chung"));
	json_array_append_new(blocks, json_pack("{s:s,s:s,s:[{s:s,s:f},"
		"{s:s,s:f,s:s}],s:[[s,s],[s,s],[s,s],[s,I]]}", "type", "table",
		"caption", "Kết quả đánh giá theo tiêu chí", "columns",
		"title", "Tiêu chí", "width", 0.7,
		"title", "Kết quả", "width", 0.3, "align", "center",
		"rows", "Lãnh đạo, chỉ đạo", "Tốt",
		"Hiệp đồng giữa các lực lượng", "Khá",
		"Bảo đảm an toàn tuyệt đối", "Tốt",
		"Số tình huống xử trí muộn", (json_int_t)3));
	json_array_append_new(blocks, paragraph(
		"Cuộc diễn tập đạt mục đích, yêu cầu đề ra, hoàn thành tốt "
		"nhiệm vụ, đạt loại giỏi. Qua diễn tập, năng lực lãnh đạo, "
		"chỉ đạo, điều hành của cấp ủy, chính quyền và trình độ tham "
		"mưu của các cơ quan được nâng lên; cơ chế Đảng lãnh đạo, "
		"chính quyền điều hành, cơ quan quân sự, công an làm tham mưu "
		"được vận hành nhịp nhàng, thống nhất."));
	json_array_append_new(blocks, titled("section", "Bài học kinh "
					     "nghiệm"));
	json_array_append_new(blocks, lesson(1,
		"Phải quán triệt sâu sắc nhiệm vụ, tạo sự thống nhất nhận "
		"thức và hành động trong toàn Đảng bộ, chính quyền và nhân "
		"dân về xây dựng khu vực phòng thủ vững chắc."));
	json_array_append_new(blocks, lesson(2,
		"Công tác chuẩn bị phải chu đáo, tỉ mỉ từ văn kiện đến lực "
		"lượng thực binh; tổ chức luyện tập đồng bộ, sát thực tế; "
		"những nội dung mới, khó cần được tập dượt nhiều lần."));
	json_array_append_new(blocks, lesson(3,
		"Phát huy vai trò tham mưu của cơ quan quân sự, công an; giữ "
		"vững hiệp đồng giữa các lực lượng, nhất là ở những tình "
		"huống vượt quá khả năng xử trí của một cơ quan."));
	json_array_append_new(blocks, json_pack("{s:s,s:s}", "type", "lesson",
		"text", "Bảo đảm tốt công tác hậu cần, kỹ thuật, thông tin "
		"liên lạc; giữ nghiêm kỷ luật, an toàn tuyệt đối trong suốt "
		"quá trình diễn tập."));
	json_array_append_new(blocks, titled("section", "Đề xuất, kiến nghị"));
	json_array_append_new(blocks, json_pack("{s:s,s:[ss]}", "type",
		"bullets", "items",
		"Đề nghị Bộ Tư lệnh Quân khu 3 tiếp tục hướng dẫn, bổ sung "
		"văn kiện mẫu cho diễn tập khu vực phòng thủ cấp tỉnh;",
		"Đề nghị Ủy ban nhân dân tỉnh bảo đảm kinh phí cho công tác "
		"khắc phục những hạn chế qua diễn tập năm 2023."));
	return json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s},s:s,s:s,s:s,s:o,"
			 "s:{s:s,s:s,s:[sss]}}",
			 "header", "superior", "BAN CHỈ ĐẠO DIỄN TẬP KVPT TỈNH",
			 "issuer", "Ban Tổ chức", "number", "12/BC-BTC",
			 "place", "Thái Bình", "date_text", "ngày 12 tháng 10 "
			 "năm 2023", "classification", "Mật",
			 "title", "Báo cáo",
			 "subtitle", "Tổng kết diễn tập khu vực phòng thủ tỉnh "
			 "Thái Bình năm 2023",
			 "created", "2023-10-12T16:00:00+07:00",
			 "blocks", blocks,
			 "signature", "title", "TM. Ban Tổ chức\nTrưởng ban",
			 "name", "Đại tá Nguyễn Văn Hùng", "recipients",
			 "- BCĐ diễn tập tỉnh (để b/c);",
			 "- Các thành viên BTC;", "- Lưu: VT, BTC.");
}

/* The page count in the PDF's page tree (cairo writes it unpacked). */
static int page_count(const struct kvpt_buf *pdf, size_t from)
{
	const char *p = pdf->s + from, *end = pdf->s + pdf->len;
	const char *pages = NULL;

	for (; p + 12 < end; p++)
		if (!memcmp(p, "/Type /Pages", 12)) {
			pages = p;
			break;
		}
	if (!pages)
		return -1;
	for (p = pages; p + 7 < end; p++)
		if (!memcmp(p, "/Count ", 7))
			return atoi(p + 7);
	return -1;
}

static int contains(const struct kvpt_buf *b, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= b->len; i++)
		if (!memcmp(b->s + i, s, n))
			return 1;
	return 0;
}

static void assert_pdf(const struct kvpt_buf *out, size_t from)
{
	assert_true(out->len > from + 1000);
	assert_memory_equal(out->s + from, "%PDF-1.", 7);
	assert_non_null(strstr(out->s + out->len - 8, "%%EOF"));
}

static int render_pages(json_t *doc, struct kvpt_buf *out)
{
	struct kvpt_buf err = KVPT_BUF_INIT;
	int rc = kvpt_pdf_render(doc, out, &err), n;

	if (rc)
		print_error("render failed: %s\n", err.s);
	assert_int_equal(rc, 0);
	assert_int_equal(err.len, 0);
	assert_pdf(out, 0);
	n = page_count(out, 0);
	kvpt_buf_release(&err);
	return n;
}

static void test_sample(void **state)
{
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	json_t *doc = sample(300);
	int pages;

	kvpt_buf_adds(&out, "before:");
	assert_int_equal(kvpt_pdf_render(doc, &out, &err), 0);
	assert_memory_equal(out.s, "before:%PDF-1.", 14);
	pages = page_count(&out, 7);
	/* 300 rows of a table are ten pages and more on their own. */
	assert_true(pages >= 12);
	assert_true(pages <= 30);
	/* The creation date given (cairo 1.16 leaves out the "D:"). */
	assert_true(contains(&out, "20231012160000+07'00"));
	json_decref(doc);
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
}

static json_t *small_doc(json_t *blocks)
{
	return json_pack("{s:{s:s},s:s,s:o}", "header", "issuer", "BAN TỔ CHỨC",
			 "title", "BÁO CÁO", "blocks", blocks);
}

static void test_pages(void **state)
{
	struct kvpt_buf out = KVPT_BUF_INIT;
	struct kvpt_buf text = KVPT_BUF_INIT;
	json_t *doc;
	int i;

	/* One short page. */
	doc = small_doc(json_pack("[{s:s,s:s}]", "type", "paragraph", "text",
				  "Ngắn gọn."));
	assert_int_equal(render_pages(doc, &out), 1);
	json_decref(doc);

	/* Page breaks: three pages, and none for a break at a page's
	 * top. */
	kvpt_buf_reset(&out);
	doc = small_doc(json_pack("[{s:s},{s:s},{s:s,s:s},{s:s},{s:s,s:s}]",
		"type", "page_break", "type", "page_break", "type",
		"paragraph", "text", "Trang hai.", "type", "page_break",
		"type", "paragraph", "text", "Trang ba."));
	assert_int_equal(render_pages(doc, &out), 3);
	json_decref(doc);

	/* A paragraph of 600 sentences flows over several pages. */
	for (i = 0; i < 600; i++)
		kvpt_buf_adds(&text, "Các lực lượng phối hợp chặt chẽ, xử trí "
			      "kịp thời những tình huống phức tạp. ");
	kvpt_buf_reset(&out);
	doc = small_doc(json_pack("[{s:s,s:s}]", "type", "paragraph", "text",
				  text.s));
	assert_true(render_pages(doc, &out) >= 8);
	json_decref(doc);

	/* A cell taller than a page is split over pages, not cut. */
	kvpt_buf_reset(&out);
	doc = small_doc(json_pack("[{s:s,s:[{s:s},{s:s}],s:[[s,s],[s,s]]}]",
		"type", "table", "columns", "title", "Nội dung", "title",
		"Ghi chú", "rows", text.s, "ngắn", "ngắn", "ngắn"));
	assert_true(render_pages(doc, &out) >= 8);
	json_decref(doc);

	/* A chart with many rows goes on over pages, each with its axis. */
	kvpt_buf_reset(&out);
	{
		json_t *items = json_array();

		for (i = 0; i < 400; i++)
			json_array_append_new(items, json_pack("{s:s,s:i,s:i,"
				"s:s}", "label", "Tình huống", "allowed_ms",
				1800000, "response_ms", 60000 * (i % 50),
				"status", i % 50 > 30 ? "late" : "met"));
		doc = small_doc(json_pack("[{s:s,s:s,s:o}]", "type", "chart",
					  "kind", "response", "items", items));
		assert_true(render_pages(doc, &out) >= 7);
		json_decref(doc);
	}
	kvpt_buf_release(&out);
	kvpt_buf_release(&text);
}

/* Every block empty or at its smallest still renders. */
static void test_edges(void **state)
{
	struct kvpt_buf out = KVPT_BUF_INIT;
	json_t *doc = parse(
		"{\"header\": {\"issuer\": \"BTC\", \"superior\": \"\","
		" \"classification\": \"\"},"
		" \"title\": \"\", \"subtitle\": \"\", \"blocks\": ["
		"{\"type\": \"section\", \"title\": \"\"},"
		"{\"type\": \"bullets\", \"items\": []},"
		"{\"type\": \"paragraph\", \"text\": \"\"},"
		"{\"type\": \"table\", \"columns\": [{\"title\": \"A\"}],"
		" \"rows\": []},"
		"{\"type\": \"table\", \"columns\": [{\"title\": \"A\","
		" \"width\": 1}, {\"title\": \"B\"}], \"rows\": [[], [null, 1.5],"
		" [\"x\"]]},"
		"{\"type\": \"chart\", \"kind\": \"timeline\", \"items\": []},"
		"{\"type\": \"chart\", \"kind\": \"timeline\", \"items\": ["
		" {\"label\": \"\", \"planned_start\": 0}]},"
		"{\"type\": \"chart\", \"kind\": \"response\", \"items\": ["
		" {\"label\": \"a\", \"allowed_ms\": 0, \"status\": \"waiting\"},"
		" {\"label\": \"b\", \"allowed_ms\": 0, \"response_ms\": 0,"
		"  \"status\": \"met\"}]},"
		"{\"type\": \"chart\", \"kind\": \"ladder\", \"states\": [\"A\"],"
		" \"series\": [], \"t_from\": 3600000},"
		"{\"type\": \"chart\", \"kind\": \"ladder\", \"states\": [\"A\","
		" \"B\"], \"series\": [{\"label\": \"x\", \"points\": []},"
		" {\"label\": \"y\", \"points\": [{\"t\": -86400000,"
		" \"state\": \"B\"}]}]},"
		"{\"type\": \"subsection\", \"title\": \"cuối\"}],"
		" \"signature\": {\"title\": \"\", \"name\": \"\"}}");

	assert_true(render_pages(doc, &out) >= 1);
	json_decref(doc);

	/* 24 narrow columns with long titles: the header row keeps to a
	 * few lines, the rows go on below it. */
	{
		json_t *cols = json_array(), *rows = json_array(), *row;
		int c, i;

		for (c = 0; c < KVPT_PDF_MAX_COLUMNS; c++)
			json_array_append_new(cols, json_pack("{s:s}", "title",
				"Tiêu đề cột rất dài, dài hơn nhiều so với "
				"chiều rộng của cột trong bảng"));
		for (i = 0; i < 40; i++) {
			row = json_array();
			for (c = 0; c < KVPT_PDF_MAX_COLUMNS; c++)
				json_array_append_new(row, json_integer(c));
			json_array_append_new(rows, row);
		}
		kvpt_buf_reset(&out);
		doc = small_doc(json_pack("[{s:s,s:o,s:o}]", "type", "table",
					  "columns", cols, "rows", rows));
		assert_true(render_pages(doc, &out) <= 2);
		json_decref(doc);
	}
	kvpt_buf_release(&out);
}

static void expect_refused(json_t *doc, int code, const char *reason)
{
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;

	kvpt_buf_adds(&out, "kept");
	assert_int_equal(kvpt_pdf_render(doc, &out, &err), code);
	if (!err.s || !strstr(err.s, reason))
		print_error("expected '%s', got '%s'\n", reason,
			    err.s ? err.s : "");
	assert_non_null(err.s);
	assert_non_null(strstr(err.s, reason));
	assert_int_equal(out.len, 4);
	assert_string_equal(out.s, "kept");
	json_decref(doc);
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
}

#define DOC(blocks) \
	"{\"header\": {\"issuer\": \"BTC\"}, \"title\": \"BÁO CÁO\", " \
	"\"blocks\": [" blocks "]}"

static void test_bad_descriptions(void **state)
{
	expect_refused(parse("[]"), KVPT_EINVAL,
		       "report: expected an object, got an array");
	expect_refused(parse("{\"title\": \"x\", \"blocks\": []}"),
		       KVPT_EINVAL, "header: required");
	expect_refused(parse("{\"header\": {\"issuer\": \"BTC\"}, "
			     "\"blocks\": []}"), KVPT_EINVAL,
		       "title: required, a string");
	expect_refused(parse("{\"header\": {}, \"title\": \"x\", "
			     "\"blocks\": []}"), KVPT_EINVAL,
		       "header.issuer: required");
	expect_refused(parse("{\"header\": {\"issuer\": \"BTC\", \"numbr\": "
			     "\"1\"}, \"title\": \"x\", \"blocks\": []}"),
		       KVPT_EINVAL, "header: unknown key 'numbr'");
	expect_refused(parse("{\"header\": {\"issuer\": 5}, \"title\": \"x\", "
			     "\"blocks\": []}"), KVPT_EINVAL,
		       "header.issuer: expected a string, got an integer");
	expect_refused(parse("{\"header\": {\"issuer\": \"BTC\"}, \"title\": "
			     "\"x\", \"blocks\": {}}"), KVPT_EINVAL,
		       "blocks: expected an array, got an object");
	expect_refused(parse("{\"header\": {\"issuer\": \"BTC\"}, \"title\": "
			     "\"x\", \"blocks\": [], \"created\": \"hôm qua\"}"),
		       KVPT_EINVAL, "created: 'hôm qua' is not an ISO 8601");
	expect_refused(parse("{\"header\": {\"issuer\": \"BTC\"}, \"title\": "
			     "\"x\", \"blocks\": [], \"signature\": "
			     "{\"title\": \"GIÁM ĐỐC\"}}"), KVPT_EINVAL,
		       "signature.name: required");
	expect_refused(parse("{\"header\": {\"issuer\": \"BTC\"}, \"title\": "
			     "\"x\", \"blocks\": [], \"signature\": {\"title\":"
			     " \"a\", \"name\": \"b\", \"recipients\": [1]}}"),
		       KVPT_EINVAL, "signature.recipients[0]: expected a "
		       "string");
	expect_refused(parse("{\"header\": {\"issuer\": \"BTC\"}, \"title\": "
			     "\"x\", \"blocks\": [], \"signature\": {\"title\":"
			     " \"a\", \"name\": \"b\", \"recipients\": [\""
			     "- Ủy ban nhân dân tỉnh, Bộ Chỉ huy Quân sự tỉnh, "
			     "Công an tỉnh và các sở, ngành liên quan;\"]}}"),
		       KVPT_ETOOBIG, "signature.recipients[0]: 113 bytes, at "
		       "most 100");
	expect_refused(parse(DOC("5")), KVPT_EINVAL,
		       "blocks[0]: expected an object, got an integer");
	expect_refused(parse(DOC("{\"type\": \"heading\"}")), KVPT_EINVAL,
		       "blocks[0].type: unknown block type 'heading'");
	expect_refused(parse(DOC("{\"title\": \"x\"}")), KVPT_EINVAL,
		       "blocks[0].type: required");
	expect_refused(parse(DOC("{\"type\": \"paragraph\"},"
				 "{\"type\": \"paragraph\", \"txt\": \"a\"}")),
		       KVPT_EINVAL, "blocks[0].text: required");
	expect_refused(parse(DOC("{\"type\": \"paragraph\", \"text\": \"a\"},"
				 "{\"type\": \"paragraph\", \"txt\": \"a\"}")),
		       KVPT_EINVAL, "blocks[1]: unknown key 'txt'");
	expect_refused(parse(DOC("{\"type\": \"bullets\", \"items\": "
				 "[\"a\", null]}")), KVPT_EINVAL,
		       "blocks[0].items[1]: expected a string, got null");
	expect_refused(parse(DOC("{\"type\": \"lesson\", \"n\": \"1\", "
				 "\"text\": \"a\"}")), KVPT_EINVAL,
		       "blocks[0].n: expected the lesson's number");
	expect_refused(parse(DOC("{\"type\": \"table\", \"columns\": [], "
				 "\"rows\": []}")), KVPT_EINVAL,
		       "blocks[0].columns: a table needs at least one column");
	expect_refused(parse(DOC("{\"type\": \"table\", \"columns\": "
				 "[{\"title\": \"A\", \"width\": 1.5}], "
				 "\"rows\": []}")), KVPT_EINVAL,
		       "blocks[0].columns[0].width: expected a fraction");
	expect_refused(parse(DOC("{\"type\": \"table\", \"columns\": "
				 "[{\"title\": \"A\", \"align\": \"giữa\"}], "
				 "\"rows\": []}")), KVPT_EINVAL,
		       "blocks[0].columns[0].align: expected left, center or "
		       "right, got 'giữa'");
	expect_refused(parse(DOC("{\"type\": \"table\", \"columns\": "
				 "[{\"title\": \"A\"}], \"rows\": [[\"a\", "
				 "\"b\"]]}")), KVPT_EINVAL,
		       "blocks[0].rows[0]: 2 cells for 1 columns");
	expect_refused(parse(DOC("{\"type\": \"table\", \"columns\": "
				 "[{\"title\": \"A\"}], \"rows\": [[true]]}")),
		       KVPT_EINVAL, "blocks[0].rows[0][0]: expected a string, "
		       "a number or null, got a boolean");
	expect_refused(parse(DOC("{\"type\": \"table\", \"columns\": "
				 "[{\"title\": \"A\"}], \"rows\": [[\"a\"]], "
				 "\"styles\": [\"red\"]}")), KVPT_EINVAL,
		       "blocks[0].styles[0]: expected null, \"bad\"");
	expect_refused(parse(DOC("{\"type\": \"table\", \"columns\": "
				 "[{\"title\": \"A\"}], \"rows\": [[\"a\"]], "
				 "\"styles\": []}")), KVPT_EINVAL,
		       "blocks[0].styles: 0 styles for 1 rows");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": \"pie\"}")),
		       KVPT_EINVAL, "blocks[0].kind: expected timeline, "
		       "response or ladder, got 'pie'");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": "
				 "\"timeline\", \"items\": [{\"label\": \"a\", "
				 "\"planned_start\": \"N 07:30\"}]}")),
		       KVPT_EINVAL, "blocks[0].items[0].planned_start: "
		       "expected an exercise time (integer ms since 00:00 of "
		       "day N), got a string");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": "
				 "\"timeline\", \"items\": [{\"label\": \"a\", "
				 "\"planned_start\": 100, \"planned_end\": "
				 "50}]}")), KVPT_EINVAL,
		       "blocks[0].items[0].planned_end: before planned_start");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": "
				 "\"timeline\", \"items\": [{\"label\": \"a\", "
				 "\"planned_start\": 0, \"actual_end\": 5}]}")),
		       KVPT_EINVAL, "blocks[0].items[0].actual_end: given "
		       "without actual_start");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": "
				 "\"timeline\", \"items\": [{\"label\": \"a\", "
				 "\"planned_start\": 999999999999999}]}")),
		       KVPT_EINVAL, "ms is more than 3660 days from day N");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": "
				 "\"timeline\", \"states\": []}")),
		       KVPT_EINVAL, "blocks[0]: unknown key 'states'");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": "
				 "\"response\", \"items\": [{\"label\": \"a\", "
				 "\"allowed_ms\": 60000, \"status\": "
				 "\"met\"}]}")), KVPT_EINVAL,
		       "blocks[0].items[0].response_ms: required when the "
		       "status is met");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": "
				 "\"response\", \"items\": [{\"label\": \"a\", "
				 "\"allowed_ms\": -1, \"status\": "
				 "\"met\"}]}")), KVPT_EINVAL,
		       "blocks[0].items[0].allowed_ms: expected a duration");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": "
				 "\"response\", \"items\": [{\"label\": \"a\", "
				 "\"allowed_ms\": 1, \"status\": \"ok\"}]}")),
		       KVPT_EINVAL, "blocks[0].items[0].status: expected met, "
		       "late, missed, open, waiting or cancelled, got 'ok'");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": \"ladder\", "
				 "\"states\": [], \"series\": []}")),
		       KVPT_EINVAL, "blocks[0].states: a ladder needs at least "
		       "one state");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": \"ladder\", "
				 "\"states\": [\"a\", \"a\"], \"series\": "
				 "[]}")), KVPT_EINVAL,
		       "blocks[0].states[1]: 'a' is there twice");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": \"ladder\", "
				 "\"states\": [\"cao\"], \"series\": "
				 "[{\"label\": \"x\", \"points\": [{\"t\": 0, "
				 "\"state\": \"thấp\"}]}]}")), KVPT_EINVAL,
		       "blocks[0].series[0].points[0].state: 'thấp' is not one "
		       "of the chart's states");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": \"ladder\", "
				 "\"states\": [\"cao\"], \"series\": "
				 "[{\"label\": \"x\", \"points\": [], "
				 "\"planned\": [{\"t\": 5, \"state\": \"cao\"},"
				 " {\"t\": 1, \"state\": \"cao\"}]}]}")),
		       KVPT_EINVAL, "blocks[0].series[0].planned[1].t: before "
		       "the point ahead of it");
	expect_refused(parse(DOC("{\"type\": \"chart\", \"kind\": \"ladder\", "
				 "\"states\": [\"cao\"], \"series\": [], "
				 "\"t_from\": 10, \"t_to\": 10}")), KVPT_EINVAL,
		       "blocks[0].t_to: not after t_from");
}

static void test_limits(void **state)
{
	struct kvpt_buf big = KVPT_BUF_INIT;
	json_t *blocks = json_array(), *doc;
	int i;

	/* One page per block pair: past KVPT_PDF_MAX_PAGES. */
	for (i = 0; i <= KVPT_PDF_MAX_PAGES; i++) {
		json_array_append_new(blocks, json_pack("{s:s,s:s}", "type",
			"paragraph", "text", "Một trang."));
		json_array_append_new(blocks, json_pack("{s:s}", "type",
							"page_break"));
	}
	expect_refused(small_doc(blocks), KVPT_ETOOBIG,
		       "more than 3000 pages");

	/* A string past KVPT_PDF_MAX_TEXT. */
	for (i = 0; i <= KVPT_PDF_MAX_TEXT; i++)
		kvpt_buf_addc(&big, 'a');
	doc = small_doc(json_pack("[{s:s,s:s}]", "type", "paragraph", "text",
				  big.s));
	expect_refused(doc, KVPT_ETOOBIG, "blocks[0].text: 100001 bytes, at "
		       "most 100000");
	kvpt_buf_release(&big);
}

static void test_write(void **state)
{
	char dir[] = "/tmp/kvpt-test-pdf-XXXXXX", path[128], bad[160];
	struct kvpt_buf err = KVPT_BUF_INIT;
	json_t *doc = small_doc(json_pack("[{s:s,s:s}]", "type", "paragraph",
					  "text", "Nội dung."));
	json_t *wrong = parse(DOC("{\"type\": \"paragraph\"}"));
	struct stat st;
	FILE *f;
	char head[8];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bc.pdf", dir);
	assert_int_equal(kvpt_pdf_write(doc, path, &err), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, 7, f), 7);
	fclose(f);
	assert_memory_equal(head, "%PDF-1.", 7);

	/* A refused description leaves no file. */
	snprintf(bad, sizeof(bad), "%s/sai.pdf", dir);
	assert_int_equal(kvpt_pdf_write(wrong, bad, &err), KVPT_EINVAL);
	assert_int_not_equal(stat(bad, &st), 0);

	/* An unwritable path: the path and the reason. */
	kvpt_buf_reset(&err);
	snprintf(bad, sizeof(bad), "%s/khong/co/bc.pdf", dir);
	assert_int_equal(kvpt_pdf_write(doc, bad, &err), KVPT_EIO);
	assert_non_null(strstr(err.s, bad));
	assert_non_null(strstr(err.s, "No such file"));

	unlink(path);
	rmdir(dir);
	json_decref(doc);
	json_decref(wrong);
	kvpt_buf_release(&err);
}

/* A 2,000-row table of an exercise's events: about 50 pages. */
static void test_large(void **state)
{
	struct kvpt_buf out = KVPT_BUF_INIT;
	json_t *rows = json_array(), *doc;
	char t[32];
	int i, pages;

	for (i = 0; i < 2000; i++) {
		snprintf(t, sizeof(t), "N %02d:%02d", 7 + i / 120,
			 i / 2 % 60);
		json_array_append_new(rows, json_pack("[i,s,s,s,s]", i + 1, t,
			bodies[i % NBODIES], injects[i % NINJECTS],
			i % 3 ? "Đã xử lý" : "Đã báo cáo cấp trên"));
	}
	doc = small_doc(json_pack("[{s:s,s:s,s:[{s:s,s:f},{s:s,s:f},{s:s},"
		"{s:s,s:f},{s:s}],s:o}]", "type", "table", "caption",
		"Nhật ký diễn tập", "columns", "title", "TT", "width", 0.07,
		"title", "Thời điểm", "width", 0.12, "title", "Cơ quan",
		"title", "Sự kiện", "width", 0.4, "title", "Kết quả",
		"rows", rows));
	pages = render_pages(doc, &out);
	assert_true(pages >= 45);
	json_decref(doc);
	kvpt_buf_release(&out);
}

struct job {
	const json_t *doc;
	const struct kvpt_buf *want;
	int failures;
};

static void *render_many(void *arg)
{
	struct job *j = arg;
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	int i;

	for (i = 0; i < 2; i++) {
		kvpt_buf_reset(&out);
		if (kvpt_pdf_render(j->doc, &out, &err) ||
		    out.len != j->want->len ||
		    memcmp(out.s, j->want->s, out.len))
			j->failures++;
	}
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
	return NULL;
}

static void test_threads(void **state)
{
	struct kvpt_buf want = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	json_t *doc = sample(120);
	struct job jobs[4];
	pthread_t t[4];
	int i;

	assert_int_equal(kvpt_pdf_render(doc, &want, &err), 0);
	for (i = 0; i < 4; i++) {
		jobs[i].doc = doc;
		jobs[i].want = &want;
		jobs[i].failures = 0;
		assert_int_equal(pthread_create(&t[i], NULL, render_many,
						&jobs[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(jobs[i].failures, 0);
	}
	json_decref(doc);
	kvpt_buf_release(&want);
	kvpt_buf_release(&err);
}

/* KVPT_PDF_SAMPLE=FILE: write the sample report and stop. */
static int write_sample(const char *path)
{
	struct kvpt_buf err = KVPT_BUF_INIT;
	json_t *doc = sample(300);
	int rc = kvpt_pdf_write(doc, path, &err);

	if (rc)
		fprintf(stderr, "test_pdf: %s\n", err.s);
	json_decref(doc);
	kvpt_buf_release(&err);
	return rc ? 1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_bad_descriptions),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_threads),
	};
	const char *sample_path = getenv("KVPT_PDF_SAMPLE");

	if (sample_path && *sample_path)
		return write_sample(sample_path);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
