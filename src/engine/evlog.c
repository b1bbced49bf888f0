/*
 * evlog: events to JSON lines and back.  See evlog.h; the schema is in
 * docs/event-log.md.  Only this file of the engine includes jansson.
 */
#include "evlog.h"

#include <jansson.h>
#include <stdarg.h>
#include <string.h>

/* Ids and labels; value == index in all three tables. */
const struct kvpt_enum_name kvpt_event_types[] = {
	{ KVPT_EV_EXERCISE_STARTED, "exercise.started", "bắt đầu diễn tập", NULL },
	{ KVPT_EV_EXERCISE_ENDED, "exercise.ended", "kết thúc diễn tập", NULL },
	{ KVPT_EV_CLOCK_PAUSED, "clock.paused", "tạm dừng", NULL },
	{ KVPT_EV_CLOCK_RESUMED, "clock.resumed", "tiếp tục", NULL },
	{ KVPT_EV_CLOCK_SPEED, "clock.speed", "đổi tốc độ", NULL },
	{ KVPT_EV_CLOCK_JUMPED, "clock.jumped", "chuyển thời gian", NULL },
	{ KVPT_EV_INJECT_RELEASED, "inject.released", "phát tình huống", NULL },
	{ KVPT_EV_INJECT_HELD, "inject.held", "giữ tình huống", NULL },
	{ KVPT_EV_INJECT_CANCELLED, "inject.cancelled", "hủy tình huống", NULL },
	{ KVPT_EV_EXPECTATION_MET, "expectation.met", "đáp ứng đúng hạn", NULL },
	{ KVPT_EV_EXPECTATION_MISSED, "expectation.missed", "quá hạn", NULL },
	{ KVPT_EV_EXPECTATION_LATE, "expectation.late", "đáp ứng muộn", NULL },
	{ KVPT_EV_ACTION, "action", "hành động", NULL },
	{ KVPT_EV_DOCUMENT_ISSUED, "document.issued", "ban hành văn kiện", NULL },
	{ KVPT_EV_STATE_CHANGED, "state.changed", "chuyển trạng thái", NULL },
	{ KVPT_EV_TRANSITION_REFUSED, "transition.refused",
	  "từ chối chuyển trạng thái", NULL },
	{ KVPT_EV_ACTIVITY_STARTED, "activity.started", "bắt đầu hoạt động", NULL },
	{ KVPT_EV_ACTIVITY_ENDED, "activity.ended", "kết thúc hoạt động", NULL },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_release_hows[] = {
	{ KVPT_HOW_SCHEDULED, "scheduled", "theo lịch", NULL },
	{ KVPT_HOW_MANUAL, "manual", "thủ công", NULL },
	{ KVPT_HOW_CONDITION, "condition", "theo điều kiện", NULL },
	{ 0, NULL, NULL, NULL }
};

const struct kvpt_enum_name kvpt_action_kinds[] = {
	{ KVPT_ACTION_ACK, "acknowledge", "tiếp nhận", "ack" },
	{ KVPT_ACTION_REPORT, "report", "báo cáo", NULL },
	{ KVPT_ACTION_ORDER, "order", "mệnh lệnh", NULL },
	{ KVPT_ACTION_DECISION, "decision", "quyết định xử trí", NULL },
	{ KVPT_ACTION_DOCUMENT, "document", "văn kiện", NULL },
	{ KVPT_ACTION_CONFERENCE, "conference", "hội nghị", NULL },
	{ KVPT_ACTION_TRANSITION, "transition", "chuyển trạng thái", NULL },
	{ 0, NULL, NULL, NULL }
};

void kvpt_event_init(struct kvpt_event *ev, enum kvpt_event_type type,
		     kvpt_time t)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->t = t;
	ev->from_t = KVPT_TIME_NONE;
	ev->deadline = KVPT_TIME_NONE;
	ev->role = ev->inject = ev->activity = ev->expectation = -1;
	ev->doc_type = ev->document = ev->conference = -1;
	ev->machine = ev->body = ev->from = ev->to = -1;
}

/* Writing. */

#define ADD_LIT(b, lit) kvpt_buf_add((b), (lit), sizeof(lit) - 1)

static void add_i64(struct kvpt_buf *b, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	kvpt_buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* ,"key":<integer> — key is a literal. */
#define ADD_INT(b, key, v)                      \
	do {                                    \
		ADD_LIT(b, ",\"" key "\":");    \
		add_i64((b), (v));              \
	} while (0)

/* A JSON string: ids and most texts need no escaping, and are copied in
 * one piece; the rest go through the general escaper. */
static void add_str(struct kvpt_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p == '"' || *p == '\\') {
			kvpt_buf_add_json_str(b, s);
			return;
		}
	kvpt_buf_addc(b, '"');
	kvpt_buf_add(b, s, (size_t)(p - (const unsigned char *)s));
	kvpt_buf_addc(b, '"');
}

/* ,"key":"string" */
#define ADD_STR(b, key, s)                      \
	do {                                    \
		ADD_LIT(b, ",\"" key "\":");    \
		add_str((b), (s));              \
	} while (0)

/* An optional field: written only when present. */
#define ADD_OPT_ID(b, key, idx, id)             \
	do {                                    \
		if ((idx) >= 0)                 \
			ADD_STR(b, key, id);    \
	} while (0)

static const char *state_id(const struct kvpt_plan *p, int m, int s)
{
	return p->machines[m].states[s].id;
}

void kvpt_evlog_format(const struct kvpt_plan *p, const struct kvpt_event *ev,
		       struct kvpt_buf *b)
{
	ADD_LIT(b, "{\"seq\":");
	add_i64(b, (int64_t)ev->seq);
	ADD_INT(b, "t", ev->t);
	ADD_STR(b, "type", kvpt_event_types[ev->type].id);
	ADD_INT(b, "v", KVPT_EVLOG_VERSION);

	switch (ev->type) {
	case KVPT_EV_EXERCISE_STARTED:
		if (ev->exercise)
			ADD_STR(b, "exercise", ev->exercise);
		ADD_INT(b, "src", ev->src);
		ADD_INT(b, "speed", ev->speed);
		break;
	case KVPT_EV_EXERCISE_ENDED:
	case KVPT_EV_CLOCK_PAUSED:
	case KVPT_EV_CLOCK_RESUMED:
		ADD_INT(b, "src", ev->src);
		break;
	case KVPT_EV_CLOCK_SPEED:
		ADD_INT(b, "src", ev->src);
		ADD_INT(b, "speed", ev->speed);
		break;
	case KVPT_EV_CLOCK_JUMPED:
		ADD_INT(b, "src", ev->src);
		ADD_INT(b, "from_t", ev->from_t);
		break;
	case KVPT_EV_INJECT_RELEASED:
		ADD_STR(b, "inject", p->activities[ev->inject].id);
		ADD_STR(b, "how", kvpt_release_hows[ev->how].id);
		ADD_OPT_ID(b, "by", ev->role, p->roles[ev->role].id);
		break;
	case KVPT_EV_INJECT_HELD:
	case KVPT_EV_INJECT_CANCELLED:
		ADD_STR(b, "inject", p->activities[ev->inject].id);
		break;
	case KVPT_EV_EXPECTATION_MET:
	case KVPT_EV_EXPECTATION_MISSED:
	case KVPT_EV_EXPECTATION_LATE:
		ADD_STR(b, "expectation", p->expectations[ev->expectation].id);
		ADD_STR(b, "inject", p->activities[
			p->expectations[ev->expectation].inject].id);
		if (ev->deadline != KVPT_TIME_NONE)
			ADD_INT(b, "deadline", ev->deadline);
		ADD_OPT_ID(b, "by", ev->role, p->roles[ev->role].id);
		if (ev->action)
			ADD_INT(b, "action", (int64_t)ev->action);
		break;
	case KVPT_EV_ACTION:
		ADD_STR(b, "role", p->roles[ev->role].id);
		ADD_STR(b, "kind", kvpt_action_kinds[ev->kind].id);
		ADD_OPT_ID(b, "inject", ev->inject,
			   p->activities[ev->inject].id);
		ADD_OPT_ID(b, "doc_type", ev->doc_type,
			   kvpt_doc_types[ev->doc_type].id);
		ADD_OPT_ID(b, "document", ev->document,
			   p->documents[ev->document].id);
		ADD_OPT_ID(b, "conference", ev->conference,
			   p->activities[ev->conference].id);
		ADD_OPT_ID(b, "machine", ev->machine,
			   p->machines[ev->machine].id);
		ADD_OPT_ID(b, "body", ev->body, p->bodies[ev->body].id);
		if (ev->machine >= 0)
			ADD_OPT_ID(b, "state", ev->to,
				   state_id(p, ev->machine, ev->to));
		if (ev->text)
			ADD_STR(b, "text", ev->text);
		break;
	case KVPT_EV_DOCUMENT_ISSUED:
		ADD_STR(b, "doc_type", kvpt_doc_types[ev->doc_type].id);
		ADD_STR(b, "body", p->bodies[ev->body].id);
		ADD_OPT_ID(b, "document", ev->document,
			   p->documents[ev->document].id);
		ADD_OPT_ID(b, "by", ev->role, p->roles[ev->role].id);
		break;
	case KVPT_EV_STATE_CHANGED:
	case KVPT_EV_TRANSITION_REFUSED:
		ADD_STR(b, "machine", p->machines[ev->machine].id);
		ADD_STR(b, "body", p->bodies[ev->body].id);
		ADD_OPT_ID(b, "from", ev->from,
			   state_id(p, ev->machine, ev->from));
		ADD_STR(b, "to", state_id(p, ev->machine, ev->to));
		ADD_OPT_ID(b, "by", ev->role, p->roles[ev->role].id);
		if (ev->type == KVPT_EV_TRANSITION_REFUSED) {
			ADD_STR(b, "rule", ev->rule ? ev->rule : "");
			ADD_STR(b, "reason", ev->reason ? ev->reason : "");
		}
		break;
	case KVPT_EV_ACTIVITY_STARTED:
	case KVPT_EV_ACTIVITY_ENDED:
		ADD_STR(b, "activity", p->activities[ev->activity].id);
		break;
	case KVPT_EV_TYPE_COUNT:
		break;
	}
	ADD_LIT(b, "}\n");
}

/* Reading. */

struct reader {
	const struct kvpt_plan *p;
	json_t *obj;
	struct kvpt_buf *err;
	struct kvpt_buf *strings;
	size_t off[4];		/* string offsets, fixed up at the end */
	const char **dst[4];
	int nstr;
};

static int fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvpt_buf_vaddf(r->err, fmt, ap);
	va_end(ap);
	return KVPT_EINVAL;
}

/* The value whose id is exactly s (the writer writes ids), or -1. */
static int enum_by_id(const struct kvpt_enum_name *t, const char *s)
{
	for (; t->id; t++)
		if (!strcmp(t->id, s))
			return t->value;
	return -1;
}

/* Field key as a string: 0 when absent and optional (*s NULL). */
static int get_str(struct reader *r, const char *key, int required,
		   const char **s)
{
	json_t *v = json_object_get(r->obj, key);

	*s = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return fail(r, "missing field '%s'", key);
		return 0;
	}
	if (!json_is_string(v))
		return fail(r, "field '%s' must be a string", key);
	*s = json_string_value(v);
	return 0;
}

static int get_int(struct reader *r, const char *key, int required,
		   int64_t *out)
{
	json_t *v = json_object_get(r->obj, key);

	if (!v || json_is_null(v)) {
		if (required)
			return fail(r, "missing field '%s'", key);
		return 0;
	}
	if (!json_is_integer(v))
		return fail(r, "field '%s' must be an integer", key);
	*out = (int64_t)json_integer_value(v);
	return 0;
}

/* An id looked up in map; -1 when absent and optional. */
static int get_id(struct reader *r, const char *key, int required,
		  const struct kvpt_strmap *map, const char *what, int *idx)
{
	const char *s;
	int rc = get_str(r, key, required, &s);

	*idx = -1;
	if (rc || !s)
		return rc;
	*idx = kvpt_strmap_get(map, s);
	if (*idx < 0)
		return fail(r, "unknown %s '%s' (not in the plan)", what, s);
	return 0;
}

static int get_role(struct reader *r, const char *key, int required,
		    int *idx)
{
	return get_id(r, key, required, &r->p->role_ids, "role", idx);
}

static int get_body(struct reader *r, const char *key, int required,
		    int *idx)
{
	return get_id(r, key, required, &r->p->body_ids, "body", idx);
}

static int get_enum(struct reader *r, const char *key, int required,
		    const struct kvpt_enum_name *t, const char *what, int *v)
{
	const char *s;
	int rc = get_str(r, key, required, &s);

	*v = -1;
	if (rc || !s)
		return rc;
	*v = enum_by_id(t, s);
	if (*v < 0)
		return fail(r, "unknown %s '%s'", what, s);
	return 0;
}

static int get_activity(struct reader *r, const char *key, int required,
			int situation, int *idx)
{
	int rc = get_id(r, key, required, &r->p->activity_ids, "activity",
			idx);

	if (rc || *idx < 0)
		return rc;
	if ((r->p->activities[*idx].kind == KVPT_ACT_SITUATION) != situation)
		return fail(r, "'%s' is %s", r->p->activities[*idx].id,
			    situation ? "not a situation" : "a situation");
	return 0;
}

static int get_machine(struct reader *r, int required, int *m)
{
	const char *s;
	int rc = get_str(r, "machine", required, &s);

	*m = -1;
	if (rc || !s)
		return rc;
	*m = kvpt_plan_machine(r->p, s);
	if (*m < 0)
		return fail(r, "unknown state machine '%s'", s);
	return 0;
}

static int get_state(struct reader *r, const char *key, int required, int m,
		     int *st)
{
	const char *s;
	int rc = get_str(r, key, required, &s);

	*st = -1;
	if (rc || !s)
		return rc;
	if (m < 0)
		return fail(r, "field '%s' needs a 'machine'", key);
	*st = kvpt_machine_state(&r->p->machines[m], s);
	if (*st < 0)
		return fail(r, "unknown state '%s' of machine '%s'", s,
			    r->p->machines[m].id);
	return 0;
}

/* Copy an optional string into the caller's buffer. */
static int get_text(struct reader *r, const char *key, int required,
		    const char **dst)
{
	const char *s;
	int rc = get_str(r, key, required, &s);

	*dst = NULL;
	if (rc || !s)
		return rc;
	r->off[r->nstr] = r->strings->len;
	r->dst[r->nstr++] = dst;
	kvpt_buf_add(r->strings, s, strlen(s) + 1);
	return 0;
}

static int parse_fields(struct reader *r, struct kvpt_event *ev)
{
	const struct kvpt_plan *p = r->p;
	int64_t n = 0;
	int rc = 0, v;

	switch (ev->type) {
	case KVPT_EV_EXERCISE_STARTED:
		rc = get_text(r, "exercise", 0, &ev->exercise);
		if (!rc)
			rc = get_int(r, "src", 1, &ev->src);
		if (!rc)
			rc = get_int(r, "speed", 1, &ev->speed);
		break;
	case KVPT_EV_EXERCISE_ENDED:
	case KVPT_EV_CLOCK_PAUSED:
	case KVPT_EV_CLOCK_RESUMED:
		rc = get_int(r, "src", 1, &ev->src);
		break;
	case KVPT_EV_CLOCK_SPEED:
		rc = get_int(r, "src", 1, &ev->src);
		if (!rc)
			rc = get_int(r, "speed", 1, &ev->speed);
		break;
	case KVPT_EV_CLOCK_JUMPED:
		rc = get_int(r, "src", 1, &ev->src);
		if (!rc)
			rc = get_int(r, "from_t", 1, &ev->from_t);
		break;
	case KVPT_EV_INJECT_RELEASED:
		rc = get_activity(r, "inject", 1, 1, &ev->inject);
		if (!rc)
			rc = get_enum(r, "how", 1, kvpt_release_hows,
				      "release kind", &v);
		if (!rc) {
			ev->how = (enum kvpt_release_how)v;
			rc = get_role(r, "by", 0, &ev->role);
		}
		break;
	case KVPT_EV_INJECT_HELD:
	case KVPT_EV_INJECT_CANCELLED:
		rc = get_activity(r, "inject", 1, 1, &ev->inject);
		break;
	case KVPT_EV_EXPECTATION_MET:
	case KVPT_EV_EXPECTATION_MISSED:
	case KVPT_EV_EXPECTATION_LATE:
		rc = get_id(r, "expectation", 1, &p->expectation_ids,
			    "expectation", &ev->expectation);
		if (!rc)
			rc = get_int(r, "deadline", 0, &ev->deadline);
		if (!rc)
			rc = get_role(r, "by", 0, &ev->role);
		if (!rc)
			rc = get_int(r, "action", 0, &n);
		if (!rc && n < 0)
			rc = fail(r, "field 'action' must be a seq");
		ev->action = (uint64_t)n;
		if (!rc)
			ev->inject = p->expectations[ev->expectation].inject;
		break;
	case KVPT_EV_ACTION:
		rc = get_role(r, "role", 1, &ev->role);
		if (!rc)
			rc = get_enum(r, "kind", 1, kvpt_action_kinds,
				      "action kind", &v);
		if (!rc) {
			ev->kind = (enum kvpt_action_kind)v;
			rc = get_activity(r, "inject", 0, 1, &ev->inject);
		}
		if (!rc)
			rc = get_enum(r, "doc_type", 0, kvpt_doc_types,
				      "document type", &ev->doc_type);
		if (!rc)
			rc = get_id(r, "document", 0, &p->document_ids,
				    "document", &ev->document);
		if (!rc)
			rc = get_activity(r, "conference", 0, 0,
					  &ev->conference);
		if (!rc)
			rc = get_machine(r, 0, &ev->machine);
		if (!rc)
			rc = get_body(r, "body", 0, &ev->body);
		if (!rc)
			rc = get_state(r, "state", 0, ev->machine, &ev->to);
		if (!rc)
			rc = get_text(r, "text", 0, &ev->text);
		break;
	case KVPT_EV_DOCUMENT_ISSUED:
		rc = get_enum(r, "doc_type", 1, kvpt_doc_types,
			      "document type", &ev->doc_type);
		if (!rc)
			rc = get_body(r, "body", 1, &ev->body);
		if (!rc)
			rc = get_id(r, "document", 0, &p->document_ids,
				    "document", &ev->document);
		if (!rc)
			rc = get_role(r, "by", 0, &ev->role);
		break;
	case KVPT_EV_STATE_CHANGED:
	case KVPT_EV_TRANSITION_REFUSED:
		rc = get_machine(r, 1, &ev->machine);
		if (!rc)
			rc = get_body(r, "body", 1, &ev->body);
		if (!rc)
			rc = get_state(r, "from", 0, ev->machine, &ev->from);
		if (!rc)
			rc = get_state(r, "to", 1, ev->machine, &ev->to);
		if (!rc)
			rc = get_role(r, "by", 0, &ev->role);
		if (!rc && ev->type == KVPT_EV_TRANSITION_REFUSED) {
			rc = get_text(r, "rule", 1, &ev->rule);
			if (!rc)
				rc = get_text(r, "reason", 1, &ev->reason);
		}
		break;
	case KVPT_EV_ACTIVITY_STARTED:
	case KVPT_EV_ACTIVITY_ENDED:
		rc = get_activity(r, "activity", 1, 0, &ev->activity);
		break;
	case KVPT_EV_TYPE_COUNT:
		break;
	}
	return rc;
}

int kvpt_evlog_parse(const struct kvpt_plan *p, const char *line, size_t len,
		     struct kvpt_event *ev, struct kvpt_buf *strings,
		     struct kvpt_buf *err)
{
	struct reader r;
	json_error_t jerr;
	int64_t version = -1, seq = 0, t = 0;
	const char *type;
	int rc, i, k;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.err = err;
	r.strings = strings;
	kvpt_buf_reset(strings);
	kvpt_event_init(ev, KVPT_EV_TYPE_COUNT, 0);

	if (len > KVPT_EVLOG_MAX_LINE) {
		kvpt_buf_addf(err, "line longer than %zu bytes",
			      KVPT_EVLOG_MAX_LINE);
		return KVPT_EINVAL;
	}
	r.obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!r.obj) {
		kvpt_buf_addf(err, "malformed JSON at column %d: %s",
			      jerr.column, jerr.text);
		return KVPT_EINVAL;
	}
	if (!json_is_object(r.obj)) {
		rc = fail(&r, "a line must be a JSON object");
		goto out_decref;
	}
	rc = get_int(&r, "v", 1, &version);
	if (rc)
		goto out_decref;
	if (version != KVPT_EVLOG_VERSION) {
		kvpt_buf_addf(err, "unsupported log version %lld (this kvpt "
			      "reads version %d)", (long long)version,
			      KVPT_EVLOG_VERSION);
		rc = KVPT_EINVAL;
		goto out_decref;
	}
	rc = get_int(&r, "seq", 1, &seq);
	if (!rc)
		rc = get_int(&r, "t", 1, &t);
	if (!rc)
		rc = get_str(&r, "type", 1, &type);
	if (rc)
		goto out_decref;
	if (seq < 1) {
		rc = fail(&r, "field 'seq' must be 1 or more");
		goto out_decref;
	}
	if (t == KVPT_TIME_NONE) {
		rc = fail(&r, "field 't' is out of range");
		goto out_decref;
	}
	k = enum_by_id(kvpt_event_types, type);
	if (k < 0) {
		rc = fail(&r, "unknown event type '%s'", type);
		goto out_decref;
	}
	kvpt_event_init(ev, (enum kvpt_event_type)k, t);
	ev->seq = (uint64_t)seq;
	rc = parse_fields(&r, ev);
	/* The strings buffer may have moved while it grew. */
	for (i = 0; i < r.nstr; i++)
		*r.dst[i] = rc ? NULL : strings->s + r.off[i];
out_decref:
	json_decref(r.obj);
	return rc;
}
