/*
 * model: name tables of the domain vocabulary, the default state machines,
 * transition rules, verdict scale and response model, and small queries over
 * a plan.  See model.h.
 */
#include "model.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

const struct kvpt_enum_name kvpt_exercise_kinds[] = {
	{ KVPT_EX_PROVINCE, "province", "tỉnh", "cấp tỉnh" },
	{ KVPT_EX_DISTRICT, "district", "huyện", "cấp huyện" },
	{ KVPT_EX_COMMUNE, "commune", "xã", "cấp xã" },
	{ KVPT_EX_AREA_DEFENSE, "area-defense", "PTKV", "phòng thủ khu vực" },
	{ KVPT_EX_SUPPORT, "support", "sở-ngành bảo đảm", "sở-ngành" },
	{ KVPT_EX_REHEARSAL, "rehearsal", "luyện tập", NULL },
	{ KVPT_EX_TRAINING, "training", "tập huấn", NULL },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_methods[] = {
	{ KVPT_METHOD_SCRIPTED, "scripted", "diễn theo đạo", NULL },
	{ KVPT_METHOD_ADAPTIVE, "adaptive", "đạo theo diễn", NULL },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_classifications[] = {
	{ KVPT_CLASS_NONE, "none", "thường", "không mật" },
	{ KVPT_CLASS_CONFIDENTIAL, "confidential", "Mật", "mật" },
	{ KVPT_CLASS_SECRET, "secret", "Tối mật", "tối mật" },
	{ KVPT_CLASS_TOP_SECRET, "top-secret", "Tuyệt mật", "tuyệt mật" },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_body_kinds[] = {
	{ KVPT_BODY_LOCALITY, "locality", "địa phương", NULL },
	{ KVPT_BODY_PARTY_COMMITTEE, "party-committee", "cấp ủy", "đảng ủy" },
	{ KVPT_BODY_PEOPLES_COUNCIL, "peoples-council", "HĐND", "hội đồng nhân dân" },
	{ KVPT_BODY_PEOPLES_COMMITTEE, "peoples-committee", "UBND", "ủy ban nhân dân" },
	{ KVPT_BODY_MILITARY_COMMAND, "military-command", "cơ quan quân sự", "BCHQS" },
	{ KVPT_BODY_POLICE, "police", "công an", NULL },
	{ KVPT_BODY_BORDER_GUARD, "border-guard", "biên phòng", NULL },
	{ KVPT_BODY_DEPARTMENT, "department", "sở ngành", "phòng ban" },
	{ KVPT_BODY_MASS_ORG, "mass-organisation", "đoàn thể", "MTTQ" },
	{ KVPT_BODY_ENTERPRISE, "enterprise", "doanh nghiệp", NULL },
	{ KVPT_BODY_COMMUNE, "commune", "xã", "phường" },
	{ KVPT_BODY_AREA_DEFENSE, "area-defense-command", "Ban Chỉ huy PTKV", "PTKV" },
	{ KVPT_BODY_MILITIA, "militia", "dân quân tự vệ", "DQTV" },
	{ KVPT_BODY_DIRECTING_STAFF, "directing-staff", "Ban Đạo diễn", NULL },
	{ KVPT_BODY_UNIT, "unit", "đơn vị", "lực lượng" },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_committee_kinds[] = {
	{ KVPT_COMMITTEE_STEERING, "steering", "BCĐ", "Ban Chỉ đạo" },
	{ KVPT_COMMITTEE_ORGANISING, "organising", "BTC", "Ban Tổ chức" },
	{ KVPT_COMMITTEE_SUB, "sub-committee", "tiểu ban", NULL },
	{ KVPT_COMMITTEE_DIRECTING, "directing-staff", "Ban Đạo diễn", "BĐD" },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_activity_kinds[] = {
	{ KVPT_ACT_CONFERENCE, "conference", "hội nghị", NULL },
	{ KVPT_ACT_SITUATION, "situation", "tình huống", "inject" },
	{ KVPT_ACT_LIVE, "live", "thực binh", "live-practice" },
	{ KVPT_ACT_MOBILISATION, "mobilisation", "huy động", "động viên" },
	{ KVPT_ACT_MOVEMENT, "movement", "di chuyển", "cơ động" },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_expect_kinds[] = {
	{ KVPT_EXPECT_ACK, "acknowledge", "tiếp nhận", "ack" },
	{ KVPT_EXPECT_REPORT, "report", "báo cáo", NULL },
	{ KVPT_EXPECT_ORDER, "order", "mệnh lệnh", NULL },
	{ KVPT_EXPECT_DECISION, "decision", "quyết định xử trí", NULL },
	{ KVPT_EXPECT_DOCUMENT, "document", "văn kiện", NULL },
	{ KVPT_EXPECT_CONFERENCE, "conference", "hội nghị", NULL },
	{ KVPT_EXPECT_STATE, "state", "trạng thái", NULL },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_doc_statuses[] = {
	{ KVPT_DOC_DRAFT, "draft", "dự thảo", NULL },
	{ KVPT_DOC_APPRAISED, "appraised", "đã thẩm định", "thẩm định" },
	{ KVPT_DOC_APPROVED, "approved", "đã thông qua", "thông qua" },
	{ KVPT_DOC_ISSUED, "issued", "đã ban hành", "ban hành" },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_resource_kinds[] = {
	{ KVPT_RES_PEOPLE, "people", "nhân lực", NULL },
	{ KVPT_RES_VEHICLE, "vehicle", "phương tiện", NULL },
	{ KVPT_RES_EQUIPMENT, "equipment", "trang thiết bị", NULL },
	{ KVPT_RES_PRODUCTION_LINE, "production-line", "dây chuyền sản xuất", NULL },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_place_kinds[] = {
	{ KVPT_PLACE_COMBAT_BASE, "combat-base", "căn cứ chiến đấu", NULL },
	{ KVPT_PLACE_COMMAND_POST, "command-post", "sở chỉ huy", NULL },
	{ KVPT_PLACE_ASSEMBLY, "assembly-area", "khu vực tập kết", NULL },
	{ KVPT_PLACE_DISPERSAL, "dispersal-area", "khu vực sơ tán", NULL },
	{ KVPT_PLACE_TARGET, "target", "mục tiêu", NULL },
	{ KVPT_PLACE_OTHER, "other", "khác", NULL },
	{ 0, NULL, NULL, NULL }
};

/* Document types (văn kiện, DOMAIN.md §6); value is the table index. */
const struct kvpt_enum_name kvpt_doc_types[] = {
	{ 0, "directive", "chỉ thị", NULL },
	{ 1, "decision", "quyết định", NULL },
	{ 2, "resolution", "nghị quyết", NULL },
	{ 3, "intent", "ý định", NULL },
	{ 4, "plan", "kế hoạch", NULL },
	{ 5, "script", "kịch bản", NULL },
	{ 6, "inject-schedule", "lịch phát tình huống", NULL },
	{ 7, "control-plan", "kế hoạch điều hành", NULL },
	{ 8, "rules", "quy tắc", NULL },
	{ 9, "report", "báo cáo", NULL },
	{ 10, "combat-decision", "quyết tâm", "quyết tâm tác chiến" },
	{ 11, "support-plan", "kế hoạch bảo đảm", NULL },
	{ 12, "a2-plan", "phương án A2", NULL },
	{ 13, "transition-order", "mệnh lệnh chuyển trạng thái", "lệnh chuyển trạng thái" },
	{ 14, "march-order", "mệnh lệnh hành quân", "lệnh hành quân" },
	{ 15, "combat-order", "mệnh lệnh chiến đấu", NULL },
	{ 16, "order", "mệnh lệnh", "lệnh" },
	{ 17, "summary-report", "báo cáo tổng kết", NULL },
	{ 18, "lessons", "rút kinh nghiệm", NULL },
	{ 19, "notice", "thông báo", NULL },
	{ 20, "other", "khác", NULL },
	{ 0, NULL, NULL, NULL }
};

static int ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return *a == *b;
}

int kvpt_enum_parse(const struct kvpt_enum_name *t, const char *s)
{
	for (; t->id; t++) {
		if (ascii_caseeq(s, t->id) || ascii_caseeq(s, t->vi) ||
		    (t->alias && ascii_caseeq(s, t->alias)))
			return t->value;
	}
	return -1;
}

const char *kvpt_enum_id(const struct kvpt_enum_name *t, int v)
{
	for (; t->id; t++)
		if (t->value == v)
			return t->id;
	return "?";
}

const char *kvpt_enum_vi(const struct kvpt_enum_name *t, int v)
{
	for (; t->id; t++)
		if (t->value == v)
			return t->vi;
	return "?";
}

#define BIT(k) (1u << (k))

static const struct kvpt_state readiness_states[] = {
	{ "regular", "thường xuyên" },
	{ "reinforced", "tăng cường" },
	{ "high", "cao" },
	{ "full", "toàn bộ" },
};

static const struct kvpt_state defense_states[] = {
	{ "normal", "bình thường" },
	{ "situation", "có tình huống" },
	{ "emergency", "khẩn cấp về quốc phòng" },
	{ "wartime", "thời chiến" },
};

static void add_machine(struct kvpt_plan *p, const char *id, const char *name,
			const struct kvpt_state *st, int n, unsigned applies)
{
	struct kvpt_machine *m;

	XGROW(p->machines, p->cap_machines, (size_t)p->nmachines + 1);
	m = &p->machines[p->nmachines++];
	memset(m, 0, sizeof(*m));
	m->id = id;
	m->name = name;
	m->states = kvpt_arena_alloc(&p->arena, sizeof(*st) * (size_t)n);
	memcpy(m->states, st, sizeof(*st) * (size_t)n);
	m->nstates = n;
	m->initial = 0;
	m->applies_to = applies;
}

static struct kvpt_ref idx_ref(int idx)
{
	struct kvpt_ref r = { NULL, { 0, 0, 0 }, idx };

	return r;
}

/* Add a default rule: machine, from (-1 any), to, skip/back flags, then
 * up to two acts; the second act follows the first. */
static void add_rule(struct kvpt_plan *p, int machine, int from, int to,
		     int skip, int back, int nacts, int t1,
		     enum kvpt_body_kind b1, int t2, enum kvpt_body_kind b2)
{
	struct kvpt_rule *r;

	XGROW(p->rules, p->cap_rules, (size_t)p->nrules + 1);
	r = &p->rules[p->nrules++];
	memset(r, 0, sizeof(*r));
	r->machine = machine;
	r->from = from < 0 ? kvpt_ref_none() : idx_ref(from);
	r->to = idx_ref(to);
	r->allow_skip = skip;
	r->allow_back = back;
	r->nacts = nacts;
	r->acts = kvpt_arena_alloc(&p->arena, sizeof(*r->acts) * 2);
	r->acts[0].doc_type = t1;
	r->acts[0].by = b1;
	r->acts[0].after = kvpt_ref_none();
	r->acts[0].id = "act-1";
	r->acts[1].doc_type = t2;
	r->acts[1].by = b2;
	r->acts[1].after = idx_ref(0);
	r->acts[1].id = "act-2";
}

enum { DT_DECISION = 1, DT_RESOLUTION = 2, DT_ORDER = 16 };



static void plan_defaults(struct kvpt_plan *p)
{
	static const int64_t med[KVPT_EXPECT_KIND_COUNT] = {
		2, 20, 15, 20, 45, 60, 30 };
	int k;

	add_machine(p, "readiness", "sẵn sàng chiến đấu", readiness_states, 4,
		    BIT(KVPT_BODY_MILITARY_COMMAND) | BIT(KVPT_BODY_POLICE) |
		    BIT(KVPT_BODY_BORDER_GUARD) | BIT(KVPT_BODY_MILITIA) |
		    BIT(KVPT_BODY_AREA_DEFENSE) | BIT(KVPT_BODY_UNIT));
	add_machine(p, "defense", "trạng thái quốc phòng", defense_states, 4,
		    BIT(KVPT_BODY_LOCALITY) | BIT(KVPT_BODY_COMMUNE) |
		    BIT(KVPT_BODY_DEPARTMENT) | BIT(KVPT_BODY_ENTERPRISE) |
		    BIT(KVPT_BODY_AREA_DEFENSE));

	/* Readiness rises on the commander's order; "tăng cường" may be
	 * skipped (DOMAIN.md §3). */
	add_rule(p, KVPT_MACHINE_READINESS, -1, 1, 0, 0, 1,
		 DT_ORDER, KVPT_BODY_MILITARY_COMMAND, 0, 0);
	add_rule(p, KVPT_MACHINE_READINESS, -1, 2, 1, 0, 1,
		 DT_ORDER, KVPT_BODY_MILITARY_COMMAND, 0, 0);
	add_rule(p, KVPT_MACHINE_READINESS, -1, 3, 0, 0, 1,
		 DT_ORDER, KVPT_BODY_MILITARY_COMMAND, 0, 0);
	/* The locality: the Party committee leads, the government decides,
	 * the People's Council legislates the move to wartime. */
	add_rule(p, KVPT_MACHINE_DEFENSE, -1, 1, 0, 0, 1,
		 DT_DECISION, KVPT_BODY_PEOPLES_COMMITTEE, 0, 0);
	add_rule(p, KVPT_MACHINE_DEFENSE, -1, 2, 1, 0, 1,
		 DT_RESOLUTION, KVPT_BODY_PARTY_COMMITTEE, 0, 0);
	add_rule(p, KVPT_MACHINE_DEFENSE, -1, 3, 0, 0, 2,
		 DT_RESOLUTION, KVPT_BODY_PARTY_COMMITTEE,
		 DT_RESOLUTION, KVPT_BODY_PEOPLES_COUNCIL);

	p->scale = kvpt_arena_alloc(&p->arena, 3 * sizeof(*p->scale));
	p->scale[0] = "Hoàn thành tốt nhiệm vụ";
	p->scale[1] = "Hoàn thành nhiệm vụ";
	p->scale[2] = "Không hoàn thành nhiệm vụ";
	p->nscale = 3;

	for (k = 0; k < KVPT_EXPECT_KIND_COUNT; k++) {
		p->sim.response[k].median = med[k] * KVPT_MS_MIN;
		p->sim.response[k].p90 = med[k] * KVPT_MS_MIN * 5 / 2;
	}
	p->sim.p_wrong = 0.05;
	p->sim.p_silent = 0.02;
}

struct kvpt_plan *kvpt_plan_new(void)
{
	struct kvpt_plan *p = xcalloc(1, sizeof(*p));

	kvpt_arena_init(&p->arena);
	p->ex.tz_offset_min = 7 * 60;
	p->ex.timezone = "Asia/Ho_Chi_Minh";
	p->ex.standing_agency = kvpt_ref_none();
	p->ex.parent = kvpt_ref_none();
	plan_defaults(p);
	return p;
}

void kvpt_plan_free(struct kvpt_plan *p)
{
	if (!p)
		return;
	free(p->files);
	free(p->bodies);
	free(p->people);
	free(p->roles);
	free(p->committees);
	free(p->places);
	free(p->resources);
	free(p->documents);
	free(p->phases);
	free(p->problems);
	free(p->contents);
	free(p->activities);
	free(p->expectations);
	free(p->machines);
	free(p->rules);
	free(p->criteria);
	kvpt_strmap_release(&p->body_ids);
	kvpt_strmap_release(&p->person_ids);
	kvpt_strmap_release(&p->role_ids);
	kvpt_strmap_release(&p->committee_ids);
	kvpt_strmap_release(&p->place_ids);
	kvpt_strmap_release(&p->resource_ids);
	kvpt_strmap_release(&p->document_ids);
	kvpt_strmap_release(&p->phase_ids);
	kvpt_strmap_release(&p->problem_ids);
	kvpt_strmap_release(&p->content_ids);
	kvpt_strmap_release(&p->activity_ids);
	kvpt_strmap_release(&p->expectation_ids);
	kvpt_strmap_release(&p->criterion_ids);
	kvpt_arena_release(&p->arena);
	free(p);
}

int kvpt_machine_state(const struct kvpt_machine *m, const char *s)
{
	int i;

	for (i = 0; i < m->nstates; i++)
		if (!strcmp(m->states[i].id, s) || !strcmp(m->states[i].name, s))
			return i;
	return -1;
}

int kvpt_plan_machine(const struct kvpt_plan *p, const char *s)
{
	int i;

	for (i = 0; i < p->nmachines; i++)
		if (!strcmp(p->machines[i].id, s) ||
		    !strcmp(p->machines[i].name, s))
			return i;
	return -1;
}

enum kvpt_classification kvpt_role_clearance(const struct kvpt_plan *p,
					     int role)
{
	int person = p->roles[role].person.idx;

	return person < 0 ? KVPT_CLASS_NONE : p->people[person].clearance;
}

int kvpt_body_locality(const struct kvpt_plan *p, int b)
{
	int root = b;
	int hops = 0;

	while (b >= 0 && hops++ <= p->nbodies) {
		switch (p->bodies[b].kind) {
		case KVPT_BODY_LOCALITY:
		case KVPT_BODY_COMMUNE:
		case KVPT_BODY_AREA_DEFENSE:
		case KVPT_BODY_DEPARTMENT:
			return b;
		default:
			break;
		}
		root = b;
		b = p->bodies[b].parent.idx;
	}
	return root;
}

int kvpt_body_within(const struct kvpt_plan *p, int b, int top)
{
	int hops = 0;

	while (b >= 0 && hops++ <= p->nbodies) {
		if (b == top)
			return 1;
		b = p->bodies[b].parent.idx;
	}
	return 0;
}

int kvpt_machine_applies(const struct kvpt_plan *p, int m, int b)
{
	return (p->machines[m].applies_to & BIT(p->bodies[b].kind)) != 0;
}

kvpt_time kvpt_expectation_deadline(const struct kvpt_expectation *x,
				    kvpt_time released)
{
	if (x->deadline != KVPT_TIME_NONE)
		return x->deadline;
	if (x->within >= 0 && released != KVPT_TIME_NONE)
		return released + x->within;
	return KVPT_TIME_NONE;
}
