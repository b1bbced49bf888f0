/*
 * model: the in-memory form of an exercise plan, as the loader builds it and
 * the checker, engine, simulator and exporters read it.  This header is the
 * vocabulary of the whole program: the kinds of exercise, body, committee,
 * activity, expectation and document, and the two state machines of
 * DOMAIN.md §3.
 *
 * A plan is one arena (strings, small arrays) plus flat arrays of entities.
 * Entities refer to each other by index; every reference keeps the id as
 * written and its source position so diagnostics can point at it.  The tree
 * exercise → phase → problem → content → activity is stored flat: each child
 * records its parent's index, and children of one parent are contiguous.
 *
 * Ownership: everything reachable from a struct kvpt_plan belongs to it and
 * dies with kvpt_plan_free().
 */
#ifndef KVPT_MODEL_H
#define KVPT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/strmap.h"

/* Error codes shared by the whole library (0 is success). */
enum {
	KVPT_OK = 0,
	KVPT_EIO = -1,		/* a file could not be read or written */
	KVPT_EINVAL = -2,	/* input is malformed; diagnostics say why */
	KVPT_ETOOBIG = -3,	/* input exceeds a configured limit */
	KVPT_ENOTFOUND = -4,	/* an id names nothing */
	KVPT_EREFUSED = -5,	/* an action is illegal; the reason is given */
	KVPT_ESTATE = -6,	/* an operation does not fit the current state */
};

/* Exercise time: milliseconds since 00:00 local time of day N. */
typedef int64_t kvpt_time;
#define KVPT_TIME_NONE INT64_MIN
#define KVPT_MS_MIN ((int64_t)60 * 1000)
#define KVPT_MS_HOUR ((int64_t)60 * KVPT_MS_MIN)
#define KVPT_MS_DAY ((int64_t)24 * KVPT_MS_HOUR)

/* A place in a plan source: file index into plan->files, 1-based line and
 * column; line 0 means "no position" (defaults, generated entities). */
struct kvpt_pos {
	int file;
	int line;
	int col;
};

/* A reference to another entity: the id as written, where, and the index it
 * resolved to (-1 when absent or dangling). */
struct kvpt_ref {
	const char *id;
	struct kvpt_pos pos;
	int idx;
};

/* A reference to nothing: no id, no position, index -1. */
static inline struct kvpt_ref kvpt_ref_none(void)
{
	struct kvpt_ref r = { NULL, { 0, 0, 0 }, -1 };

	return r;
}

struct kvpt_refs {
	struct kvpt_ref *v;
	int n;
};

/*
 * Enumerations.  Each has a name table (model.c) giving its canonical id
 * (ASCII, used in JSON) and its Vietnamese label; plans may use either.
 */
enum kvpt_exercise_kind {
	KVPT_EX_PROVINCE,	/* tỉnh */
	KVPT_EX_DISTRICT,	/* huyện (until 2025) */
	KVPT_EX_COMMUNE,	/* xã */
	KVPT_EX_AREA_DEFENSE,	/* PTKV */
	KVPT_EX_SUPPORT,	/* sở-ngành bảo đảm */
	KVPT_EX_REHEARSAL,	/* luyện tập */
	KVPT_EX_TRAINING,	/* tập huấn */
};

enum kvpt_method {
	KVPT_METHOD_SCRIPTED,	/* diễn theo đạo */
	KVPT_METHOD_ADAPTIVE,	/* đạo theo diễn */
};

/* Classification marks, ordered: a clearance covers every lower mark. */
enum kvpt_classification {
	KVPT_CLASS_NONE,	/* thường */
	KVPT_CLASS_CONFIDENTIAL,/* Mật */
	KVPT_CLASS_SECRET,	/* Tối mật */
	KVPT_CLASS_TOP_SECRET,	/* Tuyệt mật */
};

enum kvpt_body_kind {
	KVPT_BODY_LOCALITY,		/* the locality itself (tỉnh, huyện) */
	KVPT_BODY_PARTY_COMMITTEE,	/* cấp ủy, đảng ủy */
	KVPT_BODY_PEOPLES_COUNCIL,	/* HĐND */
	KVPT_BODY_PEOPLES_COMMITTEE,	/* UBND */
	KVPT_BODY_MILITARY_COMMAND,	/* BCH quân sự */
	KVPT_BODY_POLICE,		/* công an */
	KVPT_BODY_BORDER_GUARD,		/* biên phòng */
	KVPT_BODY_DEPARTMENT,		/* sở, ban, ngành, phòng */
	KVPT_BODY_MASS_ORG,		/* MTTQ, đoàn thể */
	KVPT_BODY_ENTERPRISE,		/* doanh nghiệp */
	KVPT_BODY_COMMUNE,		/* xã, phường, thị trấn */
	KVPT_BODY_AREA_DEFENSE,		/* Ban Chỉ huy PTKV */
	KVPT_BODY_MILITIA,		/* dân quân tự vệ */
	KVPT_BODY_DIRECTING_STAFF,	/* Ban Đạo diễn */
	KVPT_BODY_UNIT,			/* another unit or force */
	KVPT_BODY_KIND_COUNT
};

enum kvpt_committee_kind {
	KVPT_COMMITTEE_STEERING,	/* Ban Chỉ đạo */
	KVPT_COMMITTEE_ORGANISING,	/* Ban Tổ chức */
	KVPT_COMMITTEE_SUB,		/* tiểu ban */
	KVPT_COMMITTEE_DIRECTING,	/* Ban Đạo diễn */
};

enum kvpt_activity_kind {
	KVPT_ACT_CONFERENCE,	/* hội nghị */
	KVPT_ACT_SITUATION,	/* tình huống (an inject) */
	KVPT_ACT_LIVE,		/* thực binh */
	KVPT_ACT_MOBILISATION,	/* huy động, động viên */
	KVPT_ACT_MOVEMENT,	/* cơ động, di chuyển */
};

enum kvpt_release_kind {
	KVPT_RELEASE_SCHEDULED,	/* at the inject's time */
	KVPT_RELEASE_MANUAL,	/* by a director's hand */
	KVPT_RELEASE_ON_MET,	/* when an expectation is met */
	KVPT_RELEASE_ON_MISSED,	/* when an expectation is missed */
	KVPT_RELEASE_ON_STATE,	/* when a body reaches a state */
	KVPT_RELEASE_ON_RELEASED,/* when another inject is released */
};

enum kvpt_expect_kind {
	KVPT_EXPECT_ACK,	/* tiếp nhận */
	KVPT_EXPECT_REPORT,	/* báo cáo */
	KVPT_EXPECT_ORDER,	/* mệnh lệnh */
	KVPT_EXPECT_DECISION,	/* quyết định xử trí */
	KVPT_EXPECT_DOCUMENT,	/* a document of a type issued */
	KVPT_EXPECT_CONFERENCE,	/* a conference held */
	KVPT_EXPECT_STATE,	/* a state reached */
	KVPT_EXPECT_KIND_COUNT
};

enum kvpt_doc_status {
	KVPT_DOC_DRAFT,		/* dự thảo */
	KVPT_DOC_APPRAISED,	/* đã thẩm định */
	KVPT_DOC_APPROVED,	/* đã thông qua */
	KVPT_DOC_ISSUED,	/* đã ban hành */
};

enum kvpt_resource_kind {
	KVPT_RES_PEOPLE,	/* nhân lực */
	KVPT_RES_VEHICLE,	/* phương tiện */
	KVPT_RES_EQUIPMENT,	/* trang thiết bị */
	KVPT_RES_PRODUCTION_LINE,/* dây chuyền sản xuất */
};

enum kvpt_place_kind {
	KVPT_PLACE_COMBAT_BASE,		/* căn cứ chiến đấu */
	KVPT_PLACE_COMMAND_POST,	/* sở chỉ huy */
	KVPT_PLACE_ASSEMBLY,		/* khu vực tập kết */
	KVPT_PLACE_DISPERSAL,		/* khu vực sơ tán, phân tán */
	KVPT_PLACE_TARGET,		/* mục tiêu */
	KVPT_PLACE_OTHER,		/* khác */
};

/* A name table entry: value, canonical id, Vietnamese label, and an
 * optional further alias (may be NULL). */
struct kvpt_enum_name {
	int value;
	const char *id;
	const char *vi;
	const char *alias;
};

extern const struct kvpt_enum_name kvpt_exercise_kinds[];
extern const struct kvpt_enum_name kvpt_methods[];
extern const struct kvpt_enum_name kvpt_classifications[];
extern const struct kvpt_enum_name kvpt_body_kinds[];
extern const struct kvpt_enum_name kvpt_committee_kinds[];
extern const struct kvpt_enum_name kvpt_activity_kinds[];
extern const struct kvpt_enum_name kvpt_expect_kinds[];
extern const struct kvpt_enum_name kvpt_doc_statuses[];
extern const struct kvpt_enum_name kvpt_resource_kinds[];
extern const struct kvpt_enum_name kvpt_place_kinds[];
extern const struct kvpt_enum_name kvpt_doc_types[];

/* The value whose id, label or alias equals s (ASCII letters compared
 * without case), or -1.  Tables end with an entry whose id is NULL. */
int kvpt_enum_parse(const struct kvpt_enum_name *t, const char *s);
/* The canonical id / Vietnamese label of v ("?" when v is not in t). */
const char *kvpt_enum_id(const struct kvpt_enum_name *t, int v);
const char *kvpt_enum_vi(const struct kvpt_enum_name *t, int v);

/* Entities. */

struct kvpt_body {
	const char *id;
	const char *name;
	enum kvpt_body_kind kind;
	const char *level;	/* administrative level as data: tỉnh, xã… */
	struct kvpt_ref parent;	/* -1 for a root */
	struct kvpt_pos pos;
};

struct kvpt_person {
	const char *id;
	const char *name;
	const char *title;	/* chức vụ */
	enum kvpt_classification clearance;
	struct kvpt_pos pos;
};

struct kvpt_role {
	const char *id;
	const char *name;
	struct kvpt_ref body;
	struct kvpt_ref person;	/* idx -1 when nobody plays it */
	struct kvpt_pos pos;
};

struct kvpt_member {
	struct kvpt_ref person;
	const char *duty;	/* nhiệm vụ, may be NULL */
};

struct kvpt_committee {
	const char *id;
	const char *name;
	enum kvpt_committee_kind kind;
	struct kvpt_ref head;		/* person */
	struct kvpt_ref parent;		/* committee a sub-committee serves */
	struct kvpt_member *members;
	int nmembers;
	struct kvpt_pos pos;
};

struct kvpt_place {
	const char *id;
	const char *name;
	enum kvpt_place_kind kind;
	int has_coords;
	double lat, lon;
	struct kvpt_ref body;		/* owning body, optional */
	struct kvpt_pos pos;
};

struct kvpt_resource {
	const char *id;
	const char *name;
	enum kvpt_resource_kind kind;
	int64_t quantity;		/* available units */
	const char *unit;		/* người, chiếc, bộ… */
	int64_t capacity;		/* production per capacity_per, or 0 */
	int64_t capacity_per;		/* ms */
	struct kvpt_ref owner;		/* body */
	struct kvpt_pos pos;
};

struct kvpt_document {
	const char *id;
	const char *title;
	int type;			/* index into kvpt_doc_types */
	struct kvpt_ref owner;		/* body */
	kvpt_time due;
	enum kvpt_doc_status status;
	enum kvpt_classification classification;
	struct kvpt_refs to;		/* roles it is addressed to */
	struct kvpt_pos pos;
};

struct kvpt_phase {
	const char *id;
	const char *title;
	kvpt_time start, end;
	int first_problem, nproblems;
	struct kvpt_pos pos;
};

struct kvpt_problem {
	const char *id;
	const char *title;
	int phase;
	kvpt_time start, end;		/* optional; KVPT_TIME_NONE */
	int first_content, ncontents;
	struct kvpt_pos pos;
};

struct kvpt_content {
	const char *id;
	const char *title;
	int problem;
	kvpt_time start, end;		/* optional; KVPT_TIME_NONE */
	int first_activity, nactivities;
	struct kvpt_pos pos;
};

/* What releases an inject. */
struct kvpt_release {
	enum kvpt_release_kind kind;
	struct kvpt_ref target;		/* expectation (ON_MET/ON_MISSED) or
					 * inject (ON_RELEASED) */
	struct kvpt_ref machine_name;	/* ON_STATE: the machine as written */
	int machine;			/* ON_STATE: index into plan->machines */
	struct kvpt_ref body;		/* ON_STATE */
	struct kvpt_ref state;		/* ON_STATE */
	int64_t delay;			/* ms after the condition holds */
	struct kvpt_pos pos;
};

/* A planned state change, made when its activity ends. */
struct kvpt_transition {
	struct kvpt_ref machine_name;	/* the machine as written */
	int machine;			/* index into plan->machines, or -1 */
	struct kvpt_ref body;
	struct kvpt_ref to;		/* state index in the machine */
	struct kvpt_pos pos;
};

struct kvpt_quantity {
	struct kvpt_ref resource;
	int64_t amount;
};

struct kvpt_activity {
	const char *id;
	const char *title;
	enum kvpt_activity_kind kind;
	int content;
	kvpt_time start;		/* KVPT_TIME_NONE for unscheduled injects */
	kvpt_time end;			/* == start for injects */
	const char *track;		/* scenario track: A, A2, A3, or NULL */
	struct kvpt_ref place;
	struct kvpt_pos pos;

	/* conference */
	struct kvpt_ref chair;		/* role */
	struct kvpt_refs attendees;	/* roles */
	const char **agenda;
	int nagenda;
	struct kvpt_refs outputs;	/* documents */

	/* situation (inject) */
	struct kvpt_ref from;		/* role or committee, optional */
	struct kvpt_refs to;		/* roles */
	const char *text;
	const char **attachments;
	int nattachments;
	enum kvpt_classification classification;
	struct kvpt_release release;
	int first_expectation, nexpectations;

	/* live practice, mobilisation, movement */
	struct kvpt_refs forces;	/* bodies taking part */
	struct kvpt_quantity *resources;
	int nresources;
	struct kvpt_ref move_from, move_to;	/* places */

	/* state changes made when the activity ends */
	struct kvpt_transition *transitions;
	int ntransitions;
};

struct kvpt_expectation {
	const char *id;			/* unique in the plan */
	int inject;			/* activity index */
	enum kvpt_expect_kind kind;
	struct kvpt_ref by;		/* role or body, see by_body */
	int by_body;			/* 1 when by names a body */
	int doc_type;			/* DOCUMENT: kvpt_doc_types value, or -1 */
	struct kvpt_ref conference;	/* CONFERENCE: activity, optional */
	struct kvpt_ref machine_name;	/* STATE: the machine as written */
	int machine;			/* STATE: index, or -1 */
	struct kvpt_ref state_body;	/* STATE: body, optional */
	struct kvpt_ref state;		/* STATE */
	int64_t within;			/* ms after release, or -1 */
	kvpt_time deadline;		/* absolute, or KVPT_TIME_NONE */
	struct kvpt_pos pos;
};

/* State machines (DOMAIN.md §3). */

struct kvpt_state {
	const char *id;
	const char *name;
};

struct kvpt_machine {
	const char *id;			/* "readiness", "defense" */
	const char *name;
	struct kvpt_state *states;	/* ordered, lowest first */
	int nstates;
	int initial;
	unsigned applies_to;		/* bit mask of 1u << kvpt_body_kind */
	struct kvpt_pos pos;
};

enum { KVPT_MACHINE_READINESS = 0, KVPT_MACHINE_DEFENSE = 1 };

/* An act that makes a transition legal: a document of a type issued by a
 * body of a kind, after another act of the same rule. */
struct kvpt_act {
	const char *id;
	int doc_type;
	enum kvpt_body_kind by;
	struct kvpt_ref after;		/* index into the rule's acts, or -1 */
};

struct kvpt_rule {
	int machine;
	struct kvpt_ref from;		/* state, or idx -1 for any */
	struct kvpt_ref to;		/* state */
	struct kvpt_act *acts;
	int nacts;
	int allow_skip;			/* may jump over intermediate states */
	int allow_back;			/* may move to a lower state */
	struct kvpt_pos pos;
};

struct kvpt_criterion {
	const char *id;
	const char *name;
	const char *description;
	double weight;
	struct kvpt_pos pos;
};

/* Response-time model of automated players in dry runs: lognormal with
 * the given median and 90th percentile. */
struct kvpt_response_model {
	int64_t median;			/* ms */
	int64_t p90;			/* ms */
};

struct kvpt_sim_config {
	struct kvpt_response_model response[KVPT_EXPECT_KIND_COUNT];
	double p_wrong;			/* answer is of the wrong kind */
	double p_silent;		/* no answer at all */
};

struct kvpt_exercise {
	const char *code;
	const char *name;
	enum kvpt_exercise_kind kind;
	const char *format;		/* "1 bên 2 cấp", "trên bản đồ"… */
	const char *locality;
	const char *timezone;		/* IANA name as written */
	int tz_offset_min;		/* minutes east of UTC */
	int64_t n_epoch_ms;		/* Unix ms of 00:00 local on day N */
	const char *n_date;		/* YYYY-MM-DD of day N */
	kvpt_time start;		/* exercise start (from "start:") */
	int64_t duration;		/* ms */
	enum kvpt_method method;
	enum kvpt_classification classification;
	struct kvpt_ref standing_agency;/* body */
	struct kvpt_ref parent;		/* parent exercise code, optional */
	struct kvpt_pos pos;
};

#define KVPT_PLAN_ARRAY(type, name) \
	type *name;                  \
	int n##name;                 \
	size_t cap_##name

struct kvpt_plan {
	struct kvpt_arena arena;
	const char **files;		/* source paths; [0] is the main file */
	int nfiles;

	struct kvpt_exercise ex;

	KVPT_PLAN_ARRAY(struct kvpt_body, bodies);
	KVPT_PLAN_ARRAY(struct kvpt_person, people);
	KVPT_PLAN_ARRAY(struct kvpt_role, roles);
	KVPT_PLAN_ARRAY(struct kvpt_committee, committees);
	KVPT_PLAN_ARRAY(struct kvpt_place, places);
	KVPT_PLAN_ARRAY(struct kvpt_resource, resources);
	KVPT_PLAN_ARRAY(struct kvpt_document, documents);
	KVPT_PLAN_ARRAY(struct kvpt_phase, phases);
	KVPT_PLAN_ARRAY(struct kvpt_problem, problems);
	KVPT_PLAN_ARRAY(struct kvpt_content, contents);
	KVPT_PLAN_ARRAY(struct kvpt_activity, activities);
	KVPT_PLAN_ARRAY(struct kvpt_expectation, expectations);
	KVPT_PLAN_ARRAY(struct kvpt_machine, machines);
	KVPT_PLAN_ARRAY(struct kvpt_rule, rules);
	KVPT_PLAN_ARRAY(struct kvpt_criterion, criteria);

	const char **scale;		/* verdict words, best first */
	int nscale;

	struct kvpt_sim_config sim;

	/* 1 when a file of the plan could not be parsed: references are
	 * left unresolved and the checker's whole-plan rules do not run, so
	 * the syntax error is not buried under its consequences. */
	int incomplete;

	/* id → index, one namespace per entity kind */
	struct kvpt_strmap body_ids, person_ids, role_ids, committee_ids,
		place_ids, resource_ids, document_ids, phase_ids, problem_ids,
		content_ids, activity_ids, expectation_ids, criterion_ids;
};

/* An empty plan with the default state machines, rules, scale and
 * simulation settings.  Free with kvpt_plan_free(). */
struct kvpt_plan *kvpt_plan_new(void);
void kvpt_plan_free(struct kvpt_plan *plan);

/* Index of the state with this id or name in machine m, or -1. */
int kvpt_machine_state(const struct kvpt_machine *m, const char *s);
/* Index of the machine with this id or name, or -1. */
int kvpt_plan_machine(const struct kvpt_plan *plan, const char *s);

/* The role's effective clearance (its person's), NONE without a person. */
enum kvpt_classification kvpt_role_clearance(const struct kvpt_plan *plan,
					     int role);

/* Body index of the nearest locality (locality, commune, area-defense or
 * department) at or above body b; the root when there is none. */
int kvpt_body_locality(const struct kvpt_plan *plan, int b);

/* Whether body b is `top` or lies below it in the body tree. */
int kvpt_body_within(const struct kvpt_plan *plan, int b, int top);

/* Whether body b may be in a state of machine m. */
int kvpt_machine_applies(const struct kvpt_plan *plan, int m, int b);

/*
 * The exercise deadline of expectation x for an inject released at
 * release time: the absolute deadline if set, else release + within;
 * KVPT_TIME_NONE when it has neither.
 */
kvpt_time kvpt_expectation_deadline(const struct kvpt_expectation *x,
				    kvpt_time released);

#endif
