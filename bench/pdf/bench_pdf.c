/*
 * bench_pdf: rendering the after-action report of a large exercise with
 * report/pdf.  The description is made up the way the server would
 * compose it for an exercise of EVENTS logged events: about a third of
 * them expectations answered (a response chart and a table of one row
 * each), 60 activities planned against actual (a timeline and a table),
 * state ladders for 10 bodies, a table per body, numbered lessons, and
 * the event log itself as an appendix table.  Prints the pages and bytes
 * of the PDF, the wall time of each render (the target is 2 s for 2,000
 * events) and the process's peak resident memory; never fails on a
 * timing.
 *
 * usage: bench_pdf [-o FILE] [EVENTS [RUNS]]   (default 2000 3; -o keeps
 *        the last PDF)
 */
#include "base/buf.h"
#include "model/extime.h"
#include "model/model.h"
#include "report/pdf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MIN_MS 60000
#define NBODIES 10
#define NACTIVITIES 60

static const char *const bodies[NBODIES] = {
	"Bộ CHQS tỉnh", "Công an tỉnh", "BCH Bộ đội Biên phòng tỉnh",
	"Sở Y tế", "Sở Giao thông vận tải", "UBND huyện Tiền Hải",
	"UBND huyện Thái Thụy", "Ban CHQS huyện Vũ Thư", "Sở Công Thương",
	"Đài Phát thanh và Truyền hình tỉnh" };

static const char *const situations[] = {
	"Địch tập kích hỏa lực vào khu vực cảng",
	"Bạo loạn, gây rối tại trung tâm xã",
	"Cháy kho xăng dầu tại khu công nghiệp",
	"Bão đổ bộ, nước biển dâng vùng ven biển",
	"Tàu lạ xâm nhập vùng biển của tỉnh",
	"Vỡ đê đoạn qua huyện, nhân dân cần sơ tán",
	"Phần tử xấu phá hoại trạm biến áp 220 kV",
	"Thông tin xấu, độc trên mạng xã hội",
};
#define NSITUATIONS (sizeof(situations) / sizeof(situations[0]))

static const char *const statuses[] = { "met", "met", "met", "late",
	"met", "missed", "met", "met", "late", "met", "open", "met" };
#define NSTATUSES (sizeof(statuses) / sizeof(statuses[0]))

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16 & 0x7fff;
}

static json_t *text_block(const char *type, const char *key, const char *s)
{
	return json_pack("{s:s,s:s}", "type", type, key, s);
}

static json_t *column(const char *title, double width, const char *align)
{
	return align ? json_pack("{s:s,s:f,s:s}", "title", title, "width",
				 width, "align", align) :
		       json_pack("{s:s,s:f}", "title", title, "width", width);
}

static json_t *table(const char *caption, json_t *columns, json_t *rows,
		     json_t *styles)
{
	json_t *t = json_pack("{s:s,s:s,s:o,s:o}", "type", "table", "caption",
			      caption, "columns", columns, "rows", rows);

	if (styles)
		json_object_set_new(t, "styles", styles);
	return t;
}

static void timeline(unsigned *seed, json_t *blocks)
{
	json_t *items = json_array(), *rows = json_array();
	char label[96], ps[32], as[32];
	int i;

	for (i = 0; i < NACTIVITIES; i++) {
		json_int_t p0 = (json_int_t)(7 * 60 + i * 25) * MIN_MS;
		json_int_t p1 = p0 + (json_int_t)(30 + i % 5 * 20) * MIN_MS;
		json_int_t d = ((json_int_t)(next_rand(seed) % 50) - 15) *
			       MIN_MS;

		snprintf(label, sizeof(label), "Nội dung %d: %s", i + 1,
			 situations[i % NSITUATIONS]);
		json_array_append_new(items, json_pack("{s:s,s:I,s:I,s:I,s:I}",
			"label", label, "planned_start", p0, "planned_end", p1,
			"actual_start", p0 + d, "actual_end", p1 + d));
		kvpt_time_format(p0, ps, sizeof(ps));
		kvpt_time_format(p0 + d, as, sizeof(as));
		json_array_append_new(rows, json_pack("[i,s,s,s,s]", i + 1,
			label, bodies[i % NBODIES], ps, as));
	}
	json_array_append_new(blocks, json_pack("{s:s,s:s,s:s,s:o}", "type",
		"chart", "kind", "timeline", "caption", "Tiến trình các nội "
		"dung theo kế hoạch và thực tế", "items", items));
	json_array_append_new(blocks, table("Các nội dung diễn tập",
		json_pack("[o,o,o,o,o]", column("TT", 0.07, "right"),
			  column("Nội dung", 0.45, NULL),
			  column("Cơ quan chủ trì", 0.2, NULL),
			  column("Kế hoạch", 0.14, "center"),
			  column("Thực tế", 0.14, "center")), rows, NULL));
}

static void responses(unsigned *seed, int n, json_t *blocks)
{
	json_t *items = json_array(), *rows = json_array();
	json_t *styles = json_array();
	char label[128], allowed_s[32], took_s[32];
	int i;

	for (i = 0; i < n; i++) {
		const char *st = statuses[next_rand(seed) % NSTATUSES];
		json_int_t allowed = (json_int_t)(15 + i % 6 * 15) * MIN_MS;
		json_int_t took = allowed * (json_int_t)(30 + next_rand(seed) %
							60) / 100;

		if (!strcmp(st, "late"))
			took = allowed + (json_int_t)(next_rand(seed) % 90) *
			       MIN_MS;
		snprintf(label, sizeof(label), "%s: %s", bodies[i % NBODIES],
			 situations[i % NSITUATIONS]);
		if (!strcmp(st, "missed") || !strcmp(st, "open"))
			json_array_append_new(items, json_pack("{s:s,s:I,s:s}",
				"label", label, "allowed_ms", allowed,
				"status", st));
		else
			json_array_append_new(items, json_pack(
				"{s:s,s:I,s:I,s:s}", "label", label,
				"allowed_ms", allowed, "response_ms", took,
				"status", st));
		kvpt_duration_format(allowed, allowed_s, sizeof(allowed_s));
		kvpt_duration_format(took, took_s, sizeof(took_s));
		json_array_append_new(rows, json_pack("[i,s,s,s,s]", i + 1,
			label, allowed_s, strcmp(st, "missed") &&
			strcmp(st, "open") ? took_s : "—", st));
		json_array_append_new(styles, !strcmp(st, "late") ||
			!strcmp(st, "missed") ? json_string("bad") :
			json_null());
	}
	json_array_append_new(blocks, json_pack("{s:s,s:s,s:s,s:o}", "type",
		"chart", "kind", "response", "caption", "Thời gian xử trí so "
		"với thời gian cho phép", "items", items));
	json_array_append_new(blocks, table("Kết quả đáp ứng từng yêu cầu",
		json_pack("[o,o,o,o,o]", column("TT", 0.07, "right"),
			  column("Cơ quan: tình huống", 0.55, NULL),
			  column("Cho phép", 0.12, "center"),
			  column("Thực tế", 0.12, "center"),
			  column("Kết quả", 0.14, "center")), rows, styles));
}

static json_t *ladders(void)
{
	json_t *series = json_array();
	int i;

	for (i = 0; i < NBODIES; i++) {
		json_int_t s = (json_int_t)i * 15 * MIN_MS;

		json_array_append_new(series, json_pack("{s:s,s:[{s:I,s:s},"
			"{s:I,s:s},{s:I,s:s},{s:I,s:s}],s:[{s:I,s:s},"
			"{s:I,s:s},{s:I,s:s},{s:I,s:s}]}", "label", bodies[i],
			"points",
			"t", (json_int_t)0, "state", "Thường xuyên",
			"t", (json_int_t)9 * 60 * MIN_MS + s, "state",
			"Tăng cường",
			"t", (json_int_t)14 * 60 * MIN_MS + s, "state", "Cao",
			"t", (json_int_t)32 * 60 * MIN_MS + 2 * s, "state",
			"Toàn bộ",
			"planned",
			"t", (json_int_t)0, "state", "Thường xuyên",
			"t", (json_int_t)9 * 60 * MIN_MS, "state",
			"Tăng cường",
			"t", (json_int_t)14 * 60 * MIN_MS, "state", "Cao",
			"t", (json_int_t)32 * 60 * MIN_MS, "state",
			"Toàn bộ"));
	}
	return json_pack("{s:s,s:s,s:s,s:[ssss],s:o,s:I,s:I}", "type", "chart",
			 "kind", "ladder", "caption", "Chuyển trạng thái sẵn "
			 "sàng chiến đấu", "states", "Thường xuyên",
			 "Tăng cường", "Cao", "Toàn bộ", "series", series,
			 "t_from", (json_int_t)6 * 60 * MIN_MS, "t_to",
			 (json_int_t)38 * 60 * MIN_MS);
}

static json_t *event_log(unsigned *seed, int n)
{
	static const char *const kinds[] = { "phát tình huống",
		"báo cáo", "mệnh lệnh", "chuyển trạng thái", "đáp ứng",
		"ghi nhận của tổ đánh giá" };
	json_t *rows = json_array();
	char t[32];
	int i;

	for (i = 0; i < n; i++) {
		kvpt_time_format((json_int_t)7 * 60 * MIN_MS +
				 (json_int_t)i * 30 * 60 * MIN_MS / n, t,
				 sizeof(t));
		json_array_append_new(rows, json_pack("[i,s,s,s,s]", i + 1, t,
			kinds[next_rand(seed) % 6], bodies[i % NBODIES],
			situations[next_rand(seed) % NSITUATIONS]));
	}
	return table("Nhật ký diễn tập", json_pack("[o,o,o,o,o]",
		column("TT", 0.07, "right"), column("Thời điểm", 0.12, NULL),
		column("Loại", 0.17, NULL), column("Cơ quan", 0.24, NULL),
		column("Nội dung", 0.4, NULL)), rows, NULL);
}

static json_t *report(int events)
{
	json_t *blocks = json_array(), *rows = json_array();
	unsigned seed = 2024;
	int i;

	json_array_append_new(blocks, text_block("section", "title",
						 "Khái quát"));
	json_array_append_new(blocks, text_block("paragraph", "text",
		"Cuộc diễn tập khu vực phòng thủ được tiến hành trong hai "
		"ngày với sự tham gia của các cơ quan, ban, ngành và lực "
		"lượng vũ trang của tỉnh; báo cáo này tổng hợp số liệu ghi "
		"nhận được từ hệ thống điều hành diễn tập."));
	json_array_append_new(blocks, text_block("section", "title",
		"Tiến trình diễn tập"));
	timeline(&seed, blocks);
	json_array_append_new(blocks, ladders());
	json_array_append_new(blocks, text_block("section", "title",
		"Đáp ứng các yêu cầu"));
	responses(&seed, events * 35 / 100, blocks);
	for (i = 0; i < NBODIES; i++)
		json_array_append_new(rows, json_pack("[s,i,i,i,i]", bodies[i],
			events * 35 / 1000, events * 25 / 1000,
			events * 6 / 1000, events * 4 / 1000));
	json_array_append_new(blocks, table("Tổng hợp theo cơ quan",
		json_pack("[o,o,o,o,o]", column("Cơ quan", 0.4, NULL),
			  column("Yêu cầu", 0.15, "right"),
			  column("Đúng hạn", 0.15, "right"),
			  column("Muộn", 0.15, "right"),
			  column("Quá hạn", 0.15, "right")), rows, NULL));
	json_array_append_new(blocks, text_block("section", "title",
		"Bài học kinh nghiệm"));
	for (i = 0; i < 4; i++)
		json_array_append_new(blocks, text_block("lesson", "text",
			"Phải chuẩn bị chu đáo, hiệp đồng chặt chẽ giữa các "
			"lực lượng và báo cáo kịp thời lên cấp trên."));
	json_array_append_new(blocks, text_block("section", "title",
		"Phụ lục"));
	json_array_append_new(blocks, event_log(&seed, events));
	return json_pack("{s:{s:s,s:s,s:s,s:s,s:s},s:s,s:s,s:o,"
			 "s:{s:s,s:s}}", "header", "superior",
			 "BAN CHỈ ĐẠO DIỄN TẬP KVPT TỈNH", "issuer",
			 "BAN TỔ CHỨC", "number", "12/BC-BTC", "place",
			 "Thái Bình", "date_text", "ngày 12 tháng 10 năm 2023",
			 "title", "BÁO CÁO", "subtitle", "Tổng kết diễn tập "
			 "khu vực phòng thủ", "blocks", blocks, "signature",
			 "title", "TRƯỞNG BAN", "name", "Nguyễn Văn A");
}

static int page_count(const struct kvpt_buf *pdf)
{
	const char *p = pdf->s, *end = pdf->s + pdf->len;

	for (; p + 12 < end; p++)
		if (!memcmp(p, "/Type /Pages", 12))
			break;
	for (; p + 7 < end; p++)
		if (!memcmp(p, "/Count ", 7))
			return atoi(p + 7);
	return -1;
}

int main(int argc, char **argv)
{
	struct kvpt_buf out = KVPT_BUF_INIT, err = KVPT_BUF_INIT;
	const char *keep = NULL;
	struct rusage ru;
	int events = 2000, runs = 3, i, rc = 0;
	double t0, best = 1e9, sum = 0;
	json_t *doc;

	if (argc > 2 && !strcmp(argv[1], "-o")) {
		keep = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc > 1)
		events = atoi(argv[1]);
	if (argc > 2)
		runs = atoi(argv[2]);
	if (events < 10 || runs < 1) {
		fprintf(stderr, "usage: bench_pdf [-o FILE] [EVENTS [RUNS]]\n");
		return 2;
	}
	t0 = now_s();
	doc = report(events);
	printf("after-action report of %d events: %d expectations, %d "
	       "activities, %d ladders (description built in %.3f s)\n",
	       events, events * 35 / 100, NACTIVITIES, NBODIES, now_s() - t0);
	for (i = 0; i < runs; i++) {
		double t;

		kvpt_buf_reset(&out);
		t0 = now_s();
		rc = kvpt_pdf_render(doc, &out, &err);
		t = now_s() - t0;
		if (rc) {
			fprintf(stderr, "bench_pdf: render failed: %s\n",
				err.s);
			break;
		}
		printf("render %d: %.3f s, %d pages, %.1f KiB\n", i + 1, t,
		       page_count(&out), (double)out.len / 1024);
		sum += t;
		if (t < best)
			best = t;
	}
	getrusage(RUSAGE_SELF, &ru);
	if (!rc)
		printf("best %.3f s, mean %.3f s (target 2 s); peak RSS %.1f "
		       "MiB\n", best, sum / runs, (double)ru.ru_maxrss / 1024);
	if (!rc && keep) {
		FILE *f = fopen(keep, "wb");

		if (!f || fwrite(out.s, 1, out.len, f) != out.len) {
			fprintf(stderr, "bench_pdf: cannot write %s\n", keep);
			rc = 1;
		}
		if (f)
			fclose(f);
	}
	json_decref(doc);
	kvpt_buf_release(&out);
	kvpt_buf_release(&err);
	return rc ? 1 : 0;
}
