/*
 * gen: a valid national-scale exercise plan written as YAML text.  See
 * gen.h for what the plan holds.
 *
 * The plan is built from units: the province and its communes.  Every
 * unit has the same five bodies, four or five people in five roles, two
 * places, nine conferences (three per phase) whose outputs make its
 * planned state transitions legal under the default rules of model.c, and
 * its share of the injects.  Units never share people, and the
 * conferences of one unit follow one another, so no one is double-booked.
 * Each unit draws from its own random stream (seed and unit number), so a
 * unit's content does not depend on the order it is written in.
 */
#include "gen.h"
#include "base/xalloc.h"
#include "model/extime.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_START (7 * 60)	/* each exercise day runs 07:00–18:00 */
#define DAY_LEN (11 * 60)
#define SPACING 15		/* minutes between a unit's injects */
#define CLUSTER 10		/* units per training problem */
#define MAX_COMMUNES 3000
#define CONTENTS_PER_COMMUNE 100
#define NCONF 9			/* conferences per unit */

/* Roles every unit has; the commune's Party secretary also chairs its
 * People's Council (one person, two roles). */
enum role { R_BT, R_HD, R_CT, R_CHT, R_TCA, R_COUNT };

#define RB(r) (1u << (r))

/* Bodies of a unit: the locality itself and its five organs. */
enum body { B_UNIT, B_DU, B_HDND, B_UBND, B_BCHQS, B_CAX };

static const char *const role_suffix[R_COUNT] = {
	"bt", "hd", "ct", "cht", "tca"
};
static const enum body role_body[R_COUNT] = {
	B_DU, B_HDND, B_UBND, B_BCHQS, B_CAX
};
static const char *const body_suffix[] = {
	"", "du", "hdnd", "ubnd", "bchqs", "cax"
};

struct rng {
	uint64_t s;
};

/* splitmix64: small, fast, and the same on every platform. */
static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static unsigned rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

static struct rng rng_for(uint64_t seed, uint64_t stream)
{
	struct rng r = { seed * 0x2545f4914f6cdd1dULL + stream + 1 };

	rng_next(&r);
	return r;
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const provinces[] = {
	"Thanh Hóa", "Nghệ An", "Quảng Ninh", "Lạng Sơn", "Cao Bằng",
	"Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Khánh Hòa", "Lào Cai",
	"Điện Biên", "Gia Lai", "Đắk Lắk", "An Giang", "Cà Mau", "Tuyên Quang",
};
static const char *const syllable1[] = {
	"Hoằng", "Quảng", "Nga", "Thiệu", "Đông", "Tây", "Nam", "Bắc", "Vĩnh",
	"Yên", "Thọ", "Tân", "Hòa", "Phú", "An", "Bình", "Xuân", "Hải",
	"Thạch", "Định",
};
static const char *const syllable2[] = {
	"Phong", "Lộc", "Thành", "Hưng", "Sơn", "Trường", "Tiến", "Lợi",
	"Thịnh", "Hà", "Châu", "Giang", "Lâm", "Minh", "Phúc", "Khê", "Trung",
	"Đức", "Quý", "Thái",
};
static const char *const family[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
	"Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
};
static const char *const middle[] = {
	"Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân",
	"Trọng",
};
static const char *const given[] = {
	"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Long",
	"Mai", "Nam", "Phong", "Quang", "Sơn", "Thắng", "Trung", "Tuấn",
	"Việt", "Xuân", "Yến", "Khoa", "Hiếu", "Nghĩa", "Thảo",
};

/* An inject template; %s in title is the unit's name ("xã Hoằng Phong"). */
struct expect_tpl {
	const char *kind;	/* ack, report, order */
	enum role by;
	int within;		/* minutes */
};

struct inject_tpl {
	const char *topic;	/* the content's title */
	const char *title;
	const char *follow;	/* title of a conditional follow-up */
	const char *text;
	const char *track;
	unsigned to;		/* recipients, a mask of roles */
	int classified;		/* marked Mật */
	struct expect_tpl x[2];	/* acknowledgement, then the response; an
				 * inject with one expectation wants only
				 * the response */
};

static const struct inject_tpl phase1_injects[] = {
	{ "Tiếp nhận thông báo tình hình của cấp trên",
	  "Cấp trên thông báo tình hình địch có dấu hiệu gây xung đột vũ trang trên hướng %s",
	  "Tình hình diễn biến phức tạp, cấp trên yêu cầu báo cáo bổ sung",
	  "Bộ CHQS tỉnh thông báo địch tăng cường hoạt động trinh sát; yêu cầu quán triệt, sẵn sàng xử trí.",
	  "A", RB(R_CT) | RB(R_CHT), 0,
	  { { "ack", R_CT, 10 }, { "report", R_CHT, 60 } } },
	{ "Nâng cao trạng thái sẵn sàng chiến đấu",
	  "Chỉ thị nâng cao trạng thái sẵn sàng chiến đấu của lực lượng vũ trang %s",
	  "Kiểm tra việc thực hiện chỉ thị nâng cao SSCĐ",
	  "Cấp trên chỉ thị rà soát quân số, vũ khí, trang bị và sẵn sàng cơ động.",
	  "A", RB(R_CHT), 0,
	  { { "ack", R_CHT, 5 }, { "order", R_CHT, 45 } } },
	{ "Xử lý tin đồn thất thiệt",
	  "Xuất hiện tin đồn thất thiệt gây hoang mang trong nhân dân %s",
	  "Tin đồn lan rộng trên mạng xã hội",
	  "Một số đối tượng tung tin sai sự thật về tình hình chiến sự trên mạng xã hội.",
	  "A2", RB(R_BT) | RB(R_TCA), 0,
	  { { "ack", R_TCA, 10 }, { "report", R_TCA, 60 } } },
	{ "Báo cáo tình hình quân số, vũ khí trang bị",
	  "Yêu cầu báo cáo quân số, vũ khí trang bị của dân quân tự vệ %s",
	  "Cấp trên yêu cầu bổ sung số liệu báo cáo",
	  "Báo cáo về Bộ CHQS tỉnh trước thời hạn quy định.",
	  "A", RB(R_CHT), 0,
	  { { "ack", R_CHT, 5 }, { "report", R_CHT, 30 } } },
};

static const struct inject_tpl phase2_injects[] = {
	{ "Huy động lực lượng dân quân tự vệ",
	  "Huy động lực lượng dân quân tự vệ bổ sung cho %s",
	  "Lực lượng huy động chưa đủ quân số theo kế hoạch",
	  "Cấp trên giao chỉ tiêu huy động thêm một trung đội dân quân cơ động.",
	  "A", RB(R_CHT) | RB(R_CT), 0,
	  { { "ack", R_CHT, 5 }, { "order", R_CHT, 60 } } },
	{ "Sơ tán nhân dân",
	  "Sơ tán nhân dân khỏi khu vực trọng điểm của %s",
	  "Một số hộ dân chưa chấp hành lệnh sơ tán",
	  "Tổ chức sơ tán người già, trẻ em đến khu vực sơ tán theo kế hoạch.",
	  "A", RB(R_CT), 0,
	  { { "ack", R_CT, 10 }, { "order", R_CT, 60 } } },
	{ "Xử trí tình huống A2 tụ tập đông người",
	  "Đối tượng xấu kích động tụ tập đông người trước trụ sở UBND %s",
	  "Đối tượng quá khích tiếp tục lôi kéo thêm người tham gia",
	  "Khoảng 50 người tụ tập, gây mất trật tự, cản trở giao thông.",
	  "A2", RB(R_TCA) | RB(R_CT), 0,
	  { { "ack", R_TCA, 5 }, { "report", R_TCA, 30 } } },
	{ "Phát hiện đối tượng lạ",
	  "Phát hiện đối tượng lạ nghi là trinh sát của địch tại %s",
	  "Đối tượng lạ bỏ chạy vào khu vực rừng phía tây",
	  "Nhân dân báo có hai đối tượng lạ chụp ảnh khu vực căn cứ chiến đấu.",
	  "A2", RB(R_TCA) | RB(R_CHT), 0,
	  { { "ack", R_TCA, 5 }, { "report", R_CHT, 30 } } },
	{ "Bảo đảm hậu cần tại chỗ",
	  "Bảo đảm lương thực, thực phẩm cho lực lượng vũ trang %s",
	  "Kho dự trữ bị hư hỏng một phần",
	  "Lập kế hoạch khai thác nguồn hậu cần tại chỗ trong nhân dân.",
	  "A", RB(R_CT), 0,
	  { { "ack", R_CT, 10 }, { "report", R_CT, 60 } } },
	{ "Công tác tư tưởng trong nhân dân",
	  "Tuyên truyền, ổn định tư tưởng nhân dân %s",
	  "Một bộ phận nhân dân còn hoang mang",
	  "Phát huy vai trò Mặt trận và các đoàn thể trong tuyên truyền.",
	  "A", RB(R_BT), 0,
	  { { "ack", R_BT, 15 }, { "report", R_BT, 120 } } },
};

static const struct inject_tpl phase3_injects[] = {
	{ "Phòng, chống thiết bị bay không người lái",
	  "Địch sử dụng máy bay không người lái trinh sát khu vực trung tâm %s",
	  "Máy bay không người lái của địch tiếp tục xâm nhập",
	  "Phát hiện hai thiết bị bay không người lái ở độ cao thấp.",
	  "A3", RB(R_CHT), 1,
	  { { "ack", R_CHT, 5 }, { "order", R_CHT, 20 } } },
	{ "Đánh trả địch tiến công hỏa lực",
	  "Địch tiến công hỏa lực vào khu vực căn cứ chiến đấu của %s",
	  "Địch tiếp tục đánh phá lần thứ hai",
	  "Pháo binh địch bắn phá, một số công trình bị hư hại, có thương vong.",
	  "A3", RB(R_CHT) | RB(R_CT), 1,
	  { { "ack", R_CHT, 5 }, { "report", R_CT, 30 } } },
	{ "Giải thoát con tin",
	  "Nhóm phản động chiếm giữ trụ sở, bắt giữ con tin tại %s",
	  "Đối tượng đe dọa sát hại con tin",
	  "Khoảng 10 đối tượng có vũ khí chiếm giữ trụ sở, bắt giữ 3 cán bộ.",
	  "A2", RB(R_TCA) | RB(R_CHT), 1,
	  { { "ack", R_TCA, 5 }, { "order", R_TCA, 20 } } },
	{ "Tiêu diệt địch đổ bộ đường không",
	  "Địch đổ bộ đường không xuống khu vực phía tây %s",
	  "Địch mở rộng bàn đạp đổ bộ",
	  "Khoảng một trung đội địch đổ bộ, chiếm điểm cao.",
	  "A3", RB(R_CHT), 1,
	  { { "ack", R_CHT, 5 }, { "order", R_CHT, 30 } } },
	{ "Chữa cháy, cứu nạn",
	  "Cháy lớn tại kho xăng dầu của %s do hỏa lực địch",
	  "Đám cháy lan sang khu dân cư",
	  "Đám cháy có nguy cơ lan rộng, cần huy động lực lượng chữa cháy.",
	  "A", RB(R_CT) | RB(R_TCA), 0,
	  { { "ack", R_CT, 5 }, { "report", R_CT, 45 } } },
	{ "Khắc phục hậu quả chiến tranh",
	  "Khắc phục hậu quả, cứu chữa người bị thương tại %s",
	  "Số người bị thương tăng",
	  "Tổ chức cấp cứu, vận chuyển người bị thương về tuyến sau.",
	  "A", RB(R_CT), 0,
	  { { "ack", R_CT, 10 }, { "report", R_CT, 60 } } },
};

static const struct {
	const struct inject_tpl *v;
	int n;
} phase_injects[3] = {
	{ phase1_injects, (int)N_OF(phase1_injects) },
	{ phase2_injects, (int)N_OF(phase2_injects) },
	{ phase3_injects, (int)N_OF(phase3_injects) },
};

/* A planned state change made by a conference. */
struct trans_tpl {
	const char *machine;
	enum body body;
	const char *to;
};

/*
 * A conference of every unit; %s in title and doc_title is the chair's
 * body ("Đảng ủy xã Hoằng Phong").  Times are minutes after 00:00 of the
 * phase's first day, before the unit's stagger.
 */
struct conf_tpl {
	int phase, start, duration;
	enum role chair;
	unsigned attendees;
	const char *place;	/* "sch" or "ccc" */
	const char *topic;
	const char *title;
	const char *agenda[2];
	const char *doc;	/* id suffix of the output */
	const char *doc_type;
	const char *doc_title;
	int classified;		/* output marked Mật, addressed to the chair */
	struct trans_tpl t[2];
};

static const struct conf_tpl confs[NCONF] = {
	{ 0, 7 * 60 + 30, 45, R_CT, RB(R_CHT) | RB(R_TCA), "sch",
	  "Chuyển địa phương sang trạng thái có tình huống",
	  "Hội nghị %s quyết định chuyển trạng thái có tình huống",
	  { "Đánh giá tình hình", "Quyết định chuyển trạng thái có tình huống" },
	  "qd1", "quyết định",
	  "Quyết định của %s chuyển địa phương sang trạng thái có tình huống", 0,
	  { { "defense", B_UNIT, "situation" }, { NULL, 0, NULL } } },
	{ 0, 8 * 60 + 30, 60, R_BT, RB(R_CT) | RB(R_CHT) | RB(R_TCA), "sch",
	  "Lãnh đạo chuyển sang trạng thái khẩn cấp về quốc phòng",
	  "Hội nghị %s (bất thường) lãnh đạo chuyển trạng thái",
	  { "Quán triệt chỉ thị của cấp trên",
	    "Thông qua nghị quyết lãnh đạo chuyển trạng thái" },
	  "nq1", "nghị quyết",
	  "Nghị quyết của %s lãnh đạo chuyển sang trạng thái khẩn cấp về quốc phòng", 0,
	  { { "defense", B_UNIT, "emergency" }, { NULL, 0, NULL } } },
	{ 0, 9 * 60 + 45, 30, R_CHT, RB(R_TCA), "sch",
	  "Nâng cao trạng thái sẵn sàng chiến đấu",
	  "Hội nghị %s triển khai mệnh lệnh nâng cao SSCĐ",
	  { "Triển khai mệnh lệnh", "Phân công nhiệm vụ" },
	  "ml1", "mệnh lệnh",
	  "Mệnh lệnh của %s chuyển lực lượng vũ trang lên trạng thái SSCĐ cao", 0,
	  { { "readiness", B_BCHQS, "high" }, { "readiness", B_CAX, "high" } } },
	{ 1, 7 * 60 + 30, 90, R_CHT, RB(R_BT) | RB(R_CT) | RB(R_TCA), "sch",
	  "Thông qua quyết tâm tác chiến phòng thủ",
	  "Hội nghị %s thông qua quyết tâm tác chiến phòng thủ",
	  { "Báo cáo đánh giá tình hình", "Thông qua quyết tâm" },
	  "qt", "quyết tâm", "Quyết tâm tác chiến phòng thủ của %s", 1,
	  { { NULL, 0, NULL }, { NULL, 0, NULL } } },
	{ 1, 9 * 60 + 15, 45, R_CT, RB(R_CHT) | RB(R_TCA), "sch",
	  "Bảo đảm hậu cần cho tác chiến phòng thủ",
	  "Phiên họp Hội đồng cung cấp của %s",
	  { "Khả năng bảo đảm tại chỗ", "Thông qua kế hoạch bảo đảm" },
	  "khbd", "kế hoạch bảo đảm", "Kế hoạch bảo đảm hậu cần của %s", 0,
	  { { NULL, 0, NULL }, { NULL, 0, NULL } } },
	{ 1, 10 * 60 + 15, 45, R_TCA, RB(R_CT) | RB(R_CHT), "sch",
	  "Triển khai phương án A2",
	  "Hội nghị %s triển khai phương án A2",
	  { "Dự kiến tình huống", "Phân công lực lượng" },
	  "a2", "phương án A2", "Phương án A2 của %s", 1,
	  { { NULL, 0, NULL }, { NULL, 0, NULL } } },
	{ 2, 7 * 60 + 30, 60, R_BT, RB(R_CT) | RB(R_CHT) | RB(R_TCA), "ccc",
	  "Lãnh đạo chuyển địa phương sang thời chiến",
	  "Hội nghị %s lãnh đạo chuyển địa phương sang thời chiến",
	  { "Đánh giá tình hình", "Thông qua nghị quyết" },
	  "nq2", "nghị quyết",
	  "Nghị quyết của %s lãnh đạo chuyển địa phương sang thời chiến", 0,
	  { { NULL, 0, NULL }, { NULL, 0, NULL } } },
	{ 2, 8 * 60 + 45, 60, R_HD, RB(R_CT) | RB(R_CHT) | RB(R_TCA), "ccc",
	  "Chuyển địa phương sang thời chiến",
	  "Kỳ họp bất thường của %s",
	  { "Tờ trình của UBND", "Biểu quyết nghị quyết" },
	  "nq3", "nghị quyết",
	  "Nghị quyết của %s về chuyển địa phương sang thời chiến", 0,
	  { { "defense", B_UNIT, "wartime" }, { NULL, 0, NULL } } },
	{ 2, 10 * 60, 30, R_CHT, RB(R_TCA), "ccc",
	  "Chuyển lực lượng vũ trang lên SSCĐ toàn bộ",
	  "Hội nghị %s triển khai mệnh lệnh SSCĐ toàn bộ",
	  { "Triển khai mệnh lệnh", "Hiệp đồng lực lượng" },
	  "ml2", "mệnh lệnh",
	  "Mệnh lệnh của %s chuyển lực lượng vũ trang lên trạng thái SSCĐ toàn bộ", 0,
	  { { "readiness", B_BCHQS, "full" }, { "readiness", B_CAX, "full" } } },
};

static const char *const phase_titles[3] = {
	"Chuyển các trạng thái sẵn sàng chiến đấu và trạng thái quốc phòng",
	"Tổ chức chuẩn bị tác chiến phòng thủ",
	"Thực hành tác chiến phòng thủ",
};

struct unit {
	char code[16];		/* "tinh", "x0001": prefix of its ids */
	char name[64];		/* "Hoằng Phong" */
	int province;
	int stagger;		/* minutes added to its conference times */
	int nsit[3];		/* situations per phase */
	int next;		/* number of its next content */
};

/* A unit's activity in one phase, before sorting by time. */
struct item {
	int minute;		/* from N 00:00 */
	int seq;
	int conf;		/* index into confs, or -1 */
	const struct inject_tpl *tpl;
	int nexp;
	int cond;		/* 0 scheduled, 1 on met, 2 on released */
	int pred;		/* item the condition waits for */
	int delay;		/* minutes */
	int number;		/* content number, set when written */
};

struct gen {
	struct kvpt_buf *out;
	uint64_t seed;
	long ncontents;
	const char *province;
	struct unit *units;
	int nunits;
	int days[3], first_day[3];
	struct item *items;
	size_t cap_items;
	struct kvpt_gen_stats st;
};

/* Text output. */

static void add(struct gen *g, const char *s)
{
	kvpt_buf_adds(g->out, s);
}

#define ADDF(g, ...) kvpt_buf_addf((g)->out, __VA_ARGS__)

/* Whether s can be written as a plain YAML scalar (in flow context when
 * flow is set); otherwise it is double-quoted. */
static int plain_ok(const char *s, int flow)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!*p || strchr("-?:,[]{}#&*!|>'\"%@` ", *p))
		return 0;
	for (; *p; p++) {
		if (*p == ':' || *p == '#' || *p == '"' || *p == '\\' ||
		    *p < 0x20)
			return 0;
		if (flow && strchr(",[]{}", *p))
			return 0;
	}
	return p[-1] != ' ';
}

static void add_str(struct gen *g, const char *s, int flow)
{
	const char *p;

	if (plain_ok(s, flow)) {
		add(g, s);
		return;
	}
	kvpt_buf_addc(g->out, '"');
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			kvpt_buf_addc(g->out, '\\');
		if ((unsigned char)*p < 0x20)
			ADDF(g, "\\x%02x", (unsigned char)*p);
		else
			kvpt_buf_addc(g->out, *p);
	}
	kvpt_buf_addc(g->out, '"');
}

/* "key: value\n" with the value quoted as needed, after an indent. */
static void kv(struct gen *g, const char *indent, const char *key,
	       const char *val)
{
	ADDF(g, "%s%s: ", indent, key);
	add_str(g, val, 0);
	kvpt_buf_addc(g->out, '\n');
}

static void add_time(struct gen *g, int minute)
{
	char buf[32];

	kvpt_time_format((kvpt_time)minute * KVPT_MS_MIN, buf, sizeof(buf));
	add(g, buf);
}

static void add_dur(struct gen *g, int minutes)
{
	char buf[32];

	kvpt_duration_format((int64_t)minutes * KVPT_MS_MIN, buf, sizeof(buf));
	add(g, buf);
}

/* Names. */

static const char *level(const struct unit *u)
{
	return u->province ? "tỉnh" : "xã";
}

/* The display name of body b of unit u into buf. */
static const char *body_name(const struct unit *u, enum body b, char *buf,
			     size_t len)
{
	static const char *const commune[] = {
		"Xã %s", "Đảng ủy xã %s", "HĐND xã %s", "UBND xã %s",
		"Ban CHQS xã %s", "Công an xã %s"
	};
	static const char *const province[] = {
		"Tỉnh %s", "Tỉnh ủy %s", "HĐND tỉnh %s", "UBND tỉnh %s",
		"Bộ CHQS tỉnh %s", "Công an tỉnh %s"
	};

	snprintf(buf, len, u->province ? province[b] : commune[b], u->name);
	return buf;
}

static const char *role_title(const struct unit *u, enum role r)
{
	static const char *const commune[R_COUNT] = {
		"Bí thư Đảng ủy xã", "Chủ tịch HĐND xã", "Chủ tịch UBND xã",
		"Chỉ huy trưởng Ban CHQS xã", "Trưởng Công an xã"
	};
	static const char *const province[R_COUNT] = {
		"Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh", "Chủ tịch UBND tỉnh",
		"Chỉ huy trưởng Bộ CHQS tỉnh", "Giám đốc Công an tỉnh"
	};

	return u->province ? province[r] : commune[r];
}

/* Person number (1-based) who plays role r of unit u: in a commune the
 * Party secretary also chairs the People's Council. */
static int person_of(const struct unit *u, enum role r)
{
	if (u->province)
		return (int)r + 1;
	return r == R_BT || r == R_HD ? 1 : (int)r;
}

static void person_name(struct rng *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s %s", family[rng_below(r, N_OF(family))],
		 middle[rng_below(r, N_OF(middle))],
		 given[rng_below(r, N_OF(given))]);
}

/* Layout: units, their shares of the contents, the days of each phase. */

static void plan_layout(struct gen *g)
{
	long ncommunes = g->ncontents / CONTENTS_PER_COMMUNE;
	struct rng r = rng_for(g->seed, 0);
	int off, i, k, most[3] = { 0, 0, 0 };

	if (ncommunes < 1)
		ncommunes = 1;
	if (ncommunes > MAX_COMMUNES)
		ncommunes = MAX_COMMUNES;
	g->nunits = (int)ncommunes + 1;
	g->units = xcalloc((size_t)g->nunits, sizeof(*g->units));
	g->province = provinces[rng_below(&r, N_OF(provinces))];
	off = (int)rng_below(&r, N_OF(syllable1) * N_OF(syllable2));
	for (i = 0; i < g->nunits; i++) {
		struct unit *u = &g->units[i];
		long share = g->ncontents / g->nunits +
			     (i < g->ncontents % g->nunits);
		long s = share - NCONF;
		struct rng ur = rng_for(g->seed, (uint64_t)i + 1);

		if (i == 0) {
			u->province = 1;
			snprintf(u->code, sizeof(u->code), "tinh");
			snprintf(u->name, sizeof(u->name), "%s", g->province);
		} else {
			/* 137 is prime to 400: each pair once per round. */
			int pairs = (int)(N_OF(syllable1) * N_OF(syllable2));
			int idx = ((i - 1) * 137 + off) % pairs;
			int a = idx % (int)N_OF(syllable1);
			int b = idx / (int)N_OF(syllable1);
			int round = (i - 1) / pairs;

			snprintf(u->code, sizeof(u->code), "x%04d", i);
			if (round)
				snprintf(u->name, sizeof(u->name), "%s %s %d",
					 syllable1[a], syllable2[b], round + 1);
			else
				snprintf(u->name, sizeof(u->name), "%s %s",
					 syllable1[a], syllable2[b]);
			u->stagger = 15 * (int)rng_below(&ur, 4);
		}
		u->nsit[0] = (int)(s * 15 / 100);
		u->nsit[1] = (int)(s * 40 / 100);
		if (u->nsit[0] < 1)
			u->nsit[0] = 1;
		if (u->nsit[1] < 1)
			u->nsit[1] = 1;
		u->nsit[2] = (int)s - u->nsit[0] - u->nsit[1];
		for (k = 0; k < 3; k++)
			if (u->nsit[k] > most[k])
				most[k] = u->nsit[k];
	}
	for (k = 0; k < 3; k++) {
		int d = (most[k] * SPACING + DAY_LEN - 1) / DAY_LEN;

		g->days[k] = d < 1 ? 1 : d > 60 ? 60 : d;
		g->first_day[k] = k ? g->first_day[k - 1] + g->days[k - 1] : 0;
	}
	g->st.communes = g->nunits - 1;
	g->st.days = g->first_day[2] + g->days[2];
}

/* Sections before the script. */

static void write_header(struct gen *g)
{
	ADDF(g, "# Kế hoạch diễn tập KVPT sinh tự động: kvpt gen --contents %ld "
	     "--seed %llu\n"
	     "# 1 tỉnh, %d xã, %d ngày, %ld nội dung (mỗi nội dung một hoạt "
	     "động).\n"
	     "version: 1\n"
	     "exercise:\n"
	     "  code: KVPT-GEN-%llu\n", g->ncontents,
	     (unsigned long long)g->seed, g->nunits - 1, g->st.days,
	     g->ncontents, (unsigned long long)g->seed);
	ADDF(g, "  name: Diễn tập khu vực phòng thủ tỉnh %s (kế hoạch sinh tự "
	     "động, %ld nội dung)\n", g->province, g->ncontents);
	ADDF(g, "  kind: tỉnh\n"
	     "  format: 1 bên 2 cấp, có thực binh một phần\n"
	     "  locality: Tỉnh %s\n"
	     "  start: 2025-10-06T07:00:00+07:00\n"
	     "  timezone: Asia/Ho_Chi_Minh\n"
	     "  duration: %dd\n"
	     "  method: diễn theo đạo\n"
	     "  standing_agency: tinh-bchqs\n", g->province, g->st.days);
}

static void write_bodies(struct gen *g)
{
	static const char *const kinds[] = {
		"", "party-committee", "peoples-council", "peoples-committee",
		"military-command", "police"
	};
	char name[128];
	int i, b;

	add(g, "bodies:\n");
	for (i = 0; i < g->nunits; i++) {
		const struct unit *u = &g->units[i];

		ADDF(g, "- id: %s\n", u->code);
		kv(g, "  ", "name", body_name(u, B_UNIT, name, sizeof(name)));
		ADDF(g, "  kind: %s\n  level: %s\n",
		     u->province ? "locality" : "commune", level(u));
		if (!u->province)
			add(g, "  parent: tinh\n");
		add(g, "  units:\n");
		for (b = B_DU; b <= B_CAX; b++) {
			ADDF(g, "  - {id: %s-%s, name: ", u->code,
			     body_suffix[b]);
			add_str(g, body_name(u, (enum body)b, name,
					     sizeof(name)), 1);
			ADDF(g, ", kind: %s}\n", kinds[b]);
		}
		if (u->province)
			add(g, "  - {id: bdd, name: Ban Đạo diễn, kind: "
			    "directing-staff}\n");
		g->st.bodies += u->province ? 7 : 6;
	}
}

static void write_people_roles(struct gen *g)
{
	static const char *const directors[] = {
		"Trưởng Ban Đạo diễn", "Phó Trưởng Ban Đạo diễn",
		"Phó Trưởng Ban Đạo diễn"
	};
	char name[128], title[192];
	int i, r, k;

	add(g, "people:\n");
	for (i = 0; i < g->nunits; i++) {
		const struct unit *u = &g->units[i];
		struct rng ur = rng_for(g->seed, (uint64_t)i + 1 + 0x100000);

		for (r = 0; r < R_COUNT; r++) {
			if (!u->province && r == R_HD)
				continue;	/* played by the secretary */
			person_name(&ur, name, sizeof(name));
			if (!u->province && r == R_BT)
				snprintf(title, sizeof(title), "Bí thư Đảng ủy "
					 "kiêm Chủ tịch HĐND xã %s", u->name);
			else
				snprintf(title, sizeof(title), "%s %s",
					 role_title(u, (enum role)r), u->name);
			ADDF(g, "- {id: %s-p%d, name: %s, title: ", u->code,
			     person_of(u, (enum role)r), name);
			add_str(g, title, 1);
			ADDF(g, ", clearance: %s}\n",
			     u->province && r != R_HD && r != R_CT ?
			     "Tối mật" : "Mật");
			g->st.people++;
		}
	}
	{
		struct rng dr = rng_for(g->seed, 0x200000);

		for (k = 0; k < 3; k++) {
			person_name(&dr, name, sizeof(name));
			ADDF(g, "- {id: bdd-p%d, name: %s, title: %s, "
			     "clearance: Tối mật}\n", k + 1, name, directors[k]);
			g->st.people++;
		}
	}
	add(g, "roles:\n");
	for (i = 0; i < g->nunits; i++) {
		const struct unit *u = &g->units[i];

		for (r = 0; r < R_COUNT; r++) {
			snprintf(title, sizeof(title), "%s %s",
				 role_title(u, (enum role)r), u->name);
			ADDF(g, "- {id: %s-%s, name: ", u->code,
			     role_suffix[r]);
			add_str(g, title, 1);
			ADDF(g, ", body: %s-%s, person: %s-p%d}\n", u->code,
			     body_suffix[role_body[r]], u->code,
			     person_of(u, (enum role)r));
			g->st.roles++;
		}
	}
	add(g, "- {id: bdd-tb, name: Trưởng Ban Đạo diễn, body: bdd, "
	    "person: bdd-p1}\n");
	g->st.roles++;
}

static void write_committees_places(struct gen *g)
{
	char name[128];
	int i;

	ADDF(g, "committees:\n"
	     "- id: bcd\n"
	     "  name: Ban Chỉ đạo diễn tập tỉnh %s\n"
	     "  kind: steering\n"
	     "  head: tinh-p1\n"
	     "  members: [tinh-p3, tinh-p4, tinh-p5]\n"
	     "- id: btc\n"
	     "  name: Ban Tổ chức diễn tập tỉnh %s\n"
	     "  kind: organising\n"
	     "  head: tinh-p3\n"
	     "  members: [tinh-p4, tinh-p5]\n"
	     "- id: ban-dao-dien\n"
	     "  name: Ban Đạo diễn\n"
	     "  kind: directing-staff\n"
	     "  head: bdd-p1\n"
	     "  members: [bdd-p2, bdd-p3]\n", g->province, g->province);
	add(g, "places:\n");
	for (i = 0; i < g->nunits; i++) {
		const struct unit *u = &g->units[i];
		struct rng ur = rng_for(g->seed, (uint64_t)i + 1 + 0x300000);
		double lat = 19.0 + rng_below(&ur, 20000) / 10000.0;
		double lon = 105.0 + rng_below(&ur, 15000) / 10000.0;

		body_name(u, B_UNIT, name, sizeof(name));
		ADDF(g, "- {id: %s-sch, name: Sở chỉ huy %s %s, kind: "
		     "command-post, lat: %.4f, lon: %.4f, body: %s}\n",
		     u->code, level(u), u->name, lat, lon, u->code);
		ADDF(g, "- {id: %s-ccc, name: Căn cứ chiến đấu %s %s, kind: "
		     "combat-base, lat: %.4f, lon: %.4f, body: %s}\n",
		     u->code, level(u), u->name, lat + 0.05, lon - 0.04,
		     u->code);
		g->st.places += 2;
	}
}

static void write_documents(struct gen *g)
{
	char owner[128], title[256];
	int i, c;

	add(g, "documents:\n");
	for (i = 0; i < g->nunits; i++) {
		const struct unit *u = &g->units[i];

		for (c = 0; c < NCONF; c++) {
			const struct conf_tpl *t = &confs[c];
			enum body ob = role_body[t->chair];

			body_name(u, ob, owner, sizeof(owner));
			snprintf(title, sizeof(title), t->doc_title, owner);
			ADDF(g, "- {id: %s-%s, title: ", u->code, t->doc);
			add_str(g, title, 1);
			ADDF(g, ", type: %s, owner: %s-%s", t->doc_type,
			     u->code, body_suffix[ob]);
			if (t->classified)
				ADDF(g, ", classification: Mật, to: [%s-%s]",
				     u->code, role_suffix[t->chair]);
			add(g, "}\n");
			g->st.documents++;
		}
	}
}

/* The script. */

static int cmp_item(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	if (a->minute != b->minute)
		return a->minute < b->minute ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Fill g->items with unit u's activities in phase k, sorted by time;
 * returns how many. */
static int plan_unit_phase(struct gen *g, int ui, int k)
{
	const struct unit *u = &g->units[ui];
	struct rng r = rng_for(g->seed, ((uint64_t)ui << 2 | (uint64_t)k) +
				  0x400000);
	int n = 0, c, i, ns = u->nsit[k];
	int base = g->first_day[k] * 24 * 60 + DAY_START;
	int window = g->days[k] * DAY_LEN;
	int spacing = window / (ns ? ns : 1);
	int last_sched = -1, prev_minute = 0;

	XGROW(g->items, g->cap_items, (size_t)(ns + NCONF));
	for (c = 0; c < NCONF; c++) {
		struct item *it;

		if (confs[c].phase != k)
			continue;
		it = &g->items[n];
		memset(it, 0, sizeof(*it));
		it->minute = g->first_day[k] * 24 * 60 + confs[c].start +
			     u->stagger;
		it->seq = n;
		it->conf = c;
		n++;
	}
	for (i = 0; i < ns; i++) {
		struct item *it = &g->items[n];
		int off = (int)(((long)i * window + window / 2) / ns);
		int third = spacing / 3;
		int jitter = third ? (int)rng_below(&r, (unsigned)third * 2 + 1) -
				     third : 0;
		unsigned roll = rng_below(&r, 100);

		off += jitter;
		if (off < 0)
			off = 0;
		if (off > window - 1)
			off = window - 1;
		memset(it, 0, sizeof(*it));
		it->seq = n;
		it->conf = -1;
		it->tpl = &phase_injects[k].v[rng_below(&r,
				(unsigned)phase_injects[k].n)];
		it->nexp = 1 + (int)rng_below(&r, 2);
		it->minute = base + off / DAY_LEN * 24 * 60 + off % DAY_LEN;
		if (it->minute < prev_minute)
			it->minute = prev_minute;
		/* About one in eight injects is released by a condition on
		 * the unit's previous scheduled inject. */
		if (last_sched >= 0 && roll < 12) {
			const struct item *p = &g->items[last_sched];

			it->cond = roll < 8 ? 1 : 2;
			it->pred = last_sched;
			it->tpl = p->tpl;
			it->delay = it->cond == 1 ? 10 : 20;
			it->minute = p->minute;
		} else {
			last_sched = n;
			prev_minute = it->minute;
		}
		n++;
	}
	qsort(g->items, (size_t)n, sizeof(*g->items), cmp_item);
	/* Sorting moved the items: point conditions at the new places. */
	for (i = 0; i < n; i++)
		if (g->items[i].cond) {
			int want = g->items[i].pred, j;

			for (j = i - 1; j >= 0; j--)
				if (g->items[j].seq == want)
					break;
			g->items[i].pred = j;
		}
	return n;
}

static void add_roles(struct gen *g, const struct unit *u, unsigned mask)
{
	int r, first = 1;

	kvpt_buf_addc(g->out, '[');
	for (r = 0; r < R_COUNT; r++) {
		if (!(mask & RB(r)))
			continue;
		ADDF(g, "%s%s-%s", first ? "" : ", ", u->code, role_suffix[r]);
		first = 0;
	}
	kvpt_buf_addc(g->out, ']');
}

#define I_CONTENT "    "
#define I_CFIELD "      "
#define I_ACT "      "
#define I_FIELD "        "
#define I_SUB "        "

static void write_conference(struct gen *g, struct unit *u, struct item *it)
{
	const struct conf_tpl *t = &confs[it->conf];
	char chair[128], title[256];
	int k;

	body_name(u, role_body[t->chair], chair, sizeof(chair));
	snprintf(title, sizeof(title), t->title, chair);
	ADDF(g, I_CONTENT "- id: %s-n%03d\n", u->code, it->number);
	kv(g, I_CFIELD, "title", t->topic);
	add(g, I_CFIELD "activities:\n");
	ADDF(g, I_ACT "- id: %s-h%03d\n" I_FIELD "kind: conference\n",
	     u->code, it->number);
	kv(g, I_FIELD, "title", title);
	add(g, I_FIELD "start: ");
	add_time(g, it->minute);
	add(g, "\n" I_FIELD "duration: ");
	add_dur(g, t->duration);
	ADDF(g, "\n" I_FIELD "place: %s-%s\n" I_FIELD "chair: %s-%s\n"
	     I_FIELD "attendees: ", u->code, t->place, u->code,
	     role_suffix[t->chair]);
	add_roles(g, u, t->attendees);
	add(g, "\n" I_FIELD "agenda: [");
	add_str(g, t->agenda[0], 1);
	add(g, ", ");
	add_str(g, t->agenda[1], 1);
	ADDF(g, "]\n" I_FIELD "outputs: [%s-%s]\n", u->code, t->doc);
	if (t->t[0].machine)
		add(g, I_FIELD "transitions:\n");
	for (k = 0; k < 2 && t->t[k].machine; k++) {
		ADDF(g, I_SUB "- {machine: %s, body: %s%s%s, to: %s}\n",
		     t->t[k].machine, u->code, t->t[k].body ? "-" : "",
		     body_suffix[t->t[k].body], t->t[k].to);
		g->st.transitions++;
	}
	g->st.conferences++;
}

static void write_inject(struct gen *g, struct unit *u, struct item *items,
			 struct item *it)
{
	const struct inject_tpl *t = it->tpl;
	char where[96], title[320];
	int k;

	snprintf(where, sizeof(where), "%s", level(u));
	if (it->cond) {
		snprintf(title, sizeof(title), "Tình huống %d (tiếp theo) — %s",
			 it->number, t->follow);
	} else {
		int n = snprintf(title, sizeof(title), "Tình huống %d — ",
				 it->number);

		snprintf(title + n, sizeof(title) - (size_t)n, t->title, where);
	}
	ADDF(g, I_CONTENT "- id: %s-n%03d\n", u->code, it->number);
	kv(g, I_CFIELD, "title", t->topic);
	ADDF(g, I_CFIELD "activities:\n" I_ACT "- id: %s-t%03d\n"
	     I_FIELD "kind: situation\n", u->code, it->number);
	kv(g, I_FIELD, "title", title);
	ADDF(g, I_FIELD "track: %s\n", t->track);
	if (it->cond) {
		const struct item *p = &items[it->pred];

		if (it->cond == 1)
			ADDF(g, I_FIELD "release: {on: met, expectation: "
			     "%s-t%03d.1, delay: ", u->code, p->number);
		else
			ADDF(g, I_FIELD "release: {on: released, inject: "
			     "%s-t%03d, delay: ", u->code, p->number);
		add_dur(g, it->delay);
		add(g, "}\n");
		g->st.conditional++;
	} else {
		add(g, I_FIELD "at: ");
		add_time(g, it->minute);
		kvpt_buf_addc(g->out, '\n');
	}
	add(g, I_FIELD "from: bdd-tb\n" I_FIELD "to: ");
	add_roles(g, u, t->to);
	kvpt_buf_addc(g->out, '\n');
	if (t->classified)
		add(g, I_FIELD "classification: Mật\n");
	kv(g, I_FIELD, "text", t->text);
	add(g, I_FIELD "expect:\n");
	for (k = 2 - it->nexp; k < 2; k++) {
		ADDF(g, I_SUB "- {kind: %s, by: %s-%s, within: ", t->x[k].kind,
		     u->code, role_suffix[t->x[k].by]);
		add_dur(g, t->x[k].within);
		add(g, "}\n");
		g->st.expectations++;
	}
	g->st.injects++;
}

static void write_phases(struct gen *g)
{
	int k, c, ui, i, nclusters = (g->nunits + CLUSTER - 1) / CLUSTER;

	add(g, "phases:\n");
	for (k = 0; k < 3; k++) {
		int start = g->first_day[k] * 24 * 60 + DAY_START;
		int end = (g->first_day[k] + g->days[k] - 1) * 24 * 60 +
			  DAY_START + DAY_LEN;

		ADDF(g, "- id: gd%d\n  title: Giai đoạn %d — %s\n"
		     "  start: ", k + 1, k + 1, phase_titles[k]);
		add_time(g, start);
		add(g, "\n  end: ");
		add_time(g, end);
		add(g, "\n  problems:\n");
		g->st.phases++;
		for (c = 0; c < nclusters; c++) {
			int lo = c * CLUSTER, hi = lo + CLUSTER;

			if (hi > g->nunits)
				hi = g->nunits;
			ADDF(g, "  - id: vd%d-%03d\n    title: ", k + 1,
			     c + 1);
			ADDF(g, "%s — cụm %d (%s %s", phase_titles[k], c + 1,
			     level(&g->units[lo]), g->units[lo].name);
			if (hi - 1 > lo)
				ADDF(g, " … xã %s", g->units[hi - 1].name);
			add(g, ")\n    contents:\n");
			g->st.problems++;
			for (ui = lo; ui < hi; ui++) {
				struct unit *u = &g->units[ui];
				int n = plan_unit_phase(g, ui, k);

				for (i = 0; i < n; i++) {
					struct item *it = &g->items[i];

					it->number = ++u->next;
					if (it->conf >= 0)
						write_conference(g, u, it);
					else
						write_inject(g, u, g->items,
							     it);
					g->st.contents++;
				}
			}
		}
	}
}

static void write_evaluation(struct gen *g)
{
	add(g, "evaluation:\n"
	    "  criteria:\n"
	    "  - {id: lanh-dao, name: \"Lãnh đạo, chỉ đạo\", weight: 2}\n"
	    "  - {id: dieu-hanh, name: \"Quản lý, điều hành\", weight: 2}\n"
	    "  - {id: tham-muu, name: Công tác tham mưu, weight: 1.5}\n"
	    "  - {id: hiep-dong, name: Hiệp đồng giữa các lực lượng, weight: 1}\n"
	    "  - {id: co-che, name: Vận hành cơ chế, weight: 2}\n"
	    "  - {id: kip-thoi, name: Tính kịp thời, weight: 1}\n"
	    "  - {id: an-toan, name: An toàn, weight: 1}\n");
}

int kvpt_gen_plan(const struct kvpt_gen_opts *opts, struct kvpt_buf *out,
		  struct kvpt_gen_stats *stats)
{
	struct gen g;
	size_t before = out->len;

	if (opts->contents < KVPT_GEN_MIN_CONTENTS ||
	    opts->contents > KVPT_GEN_MAX_CONTENTS)
		return KVPT_EINVAL;
	memset(&g, 0, sizeof(g));
	g.out = out;
	g.seed = opts->seed;
	g.ncontents = opts->contents;
	plan_layout(&g);
	write_header(&g);
	write_bodies(&g);
	write_people_roles(&g);
	write_committees_places(&g);
	write_documents(&g);
	write_phases(&g);
	write_evaluation(&g);
	g.st.bytes = out->len - before;
	if (stats)
		*stats = g.st;
	free(g.units);
	free(g.items);
	return 0;
}
