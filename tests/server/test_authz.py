#!/usr/bin/env python3
"""The authorisation matrix of docs/api.md ("Who may do what"), every
endpoint against every assignment, plus what each one may see (players
never see another role's injects or any observation; a classified inject
never reaches an uncleared user), CSRF, and ids of another exercise.

    python3 tests/server/test_authz.py KVPT_BINARY
"""

import itertools

from common import (Checker, CLASSIFIED, CLASSIFIED_DOCS,
                    EXPECTATION_INJECT, FIXTURE_CODE,
                    INJECT_TO, PW, ROLE_A, ROLE_B, Server, World, ev_inject,
                    kvpt_binary, short, upload_plan, variant_plan)
from harness import Client, quote_name

KVPT = kvpt_binary()
C = Checker("test_authz")

# ---------------------------------------------------------------------------
# The table of docs/api.md.  ✓ allowed (however the doc qualifies it: all,
# own, filtered, public, "✓ own roles", "if visible" — the request below is
# one the qualification allows), – 403 forbidden.  Two more columns follow
# from the text under the table: a user with no assignment in the exercise
# gets 404 on anything inside it (403 on the administrators' endpoints), an
# anonymous client 401 everywhere.  The plan and the log go whole only to
# staff cleared for the plan's highest mark: this controller (ctl) is not
# cleared, so both are 403 for it (checked on its own below).
#
# endpoint                              admin dir  ctl  player eval obs
MATRIX = """
GET /api/exercises                       ✓    ✓    ✓    ✓     ✓    ✓
POST /api/exercises                      ✓    –    –    –     –    –
GET /api/exercises/{x}                   ✓    ✓    ✓    ✓     ✓    ✓
GET …/plan                               –    ✓    –    –     ✓    –
GET …/log                                –    ✓    –    –     ✓    –
GET …/assignments                        ✓    ✓    –    –     –    –
PUT …/assignments/{u}                    ✓    ✓    –    –     –    –
PUT …/assignments/{u} (a director)       ✓    –    –    –     –    –
DELETE …/assignments/{u}                 ✓    ✓    –    –     –    –
DELETE …/assignments/{u} (a director)    ✓    –    –    –     –    –
POST …/control/{op}                      –    ✓    ✓    –     –    –
POST …/actions                           –    –    –    ✓     –    –
POST …/attachments                       –    ✓    ✓    ✓     ✓    –
GET …/attachments/{a}                    –    ✓    ✓    ✓     ✓    –
POST …/observations                      –    –    –    –     ✓    –
GET …/observations                       –    ✓    ✓    –     ✓    –
GET …/state                              –    ✓    ✓    ✓     ✓    ✓
GET …/injects                            –    ✓    ✓    ✓     ✓    –
GET …/expectations                       –    ✓    ✓    ✓     ✓    ✓
GET …/activities                         –    ✓    ✓    ✓     ✓    ✓
GET …/documents                          –    ✓    ✓    ✓     ✓    ✓
GET …/events                             –    ✓    ✓    ✓     ✓    ✓
GET …/stream                             –    ✓    ✓    ✓     ✓    ✓
GET /api/users                           ✓    –    –    –     –    –
POST /api/users                          ✓    –    –    –     –    –
PATCH /api/users/{u}                     ✓    –    –    –     –    –
GET /api/audit                           ✓    –    –    –     –    –
"""
COLUMNS = ["admin", "dir", "ctl", "pa", "ev", "ob"]
GLOBAL = {"GET /api/exercises", "POST /api/exercises", "GET /api/users",
          "POST /api/users", "PATCH /api/users/{u}", "GET /api/audit"}

USERS = dict(World.USERS)
USERS["dir2"] = (False, "mat", "director", None)    # a second director
USERS["spare"] = (False, "none", None, None)        # assigned by the tests
W = None
S = {}
counter = itertools.count(1)


def X(path="", x=None):
    return "/api/exercises/%s%s" % (x or W.x, path)


def client(who):
    return W.srv.client() if who == "anon" else (
        W.admin if who == "admin" else W.c(who))


def ensure_spare_assigned():
    W.assign(W.x, "spare", "observer")


def ensure_dir2_director():
    W.assign(W.x, "dir2", "director")


def upload_attachment(c, x=None, data=b"ghi chu\n"):
    st, hdrs, raw = c.raw("POST", X("/attachments", x), data, {
        "Content-Type": "text/plain", "X-Filename": quote_name("ghi chú.txt")})
    import json
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw
    return st, body


def raw_get(c, path):
    import json
    st, hdrs, data = c.raw("GET", path)
    if hdrs.get("content-type", "").startswith("application/json"):
        try:
            return st, json.loads(data)
        except ValueError:
            pass
    return st, data


def Stream_(c):
    from harness import Stream
    s = Stream(c, W.x, last_id=None, timeout=10)
    st = s.status
    body = getattr(s, "body", None)
    if body:
        import json
        try:
            body = json.loads(body)
        except ValueError:
            pass
    s.close()
    return st, body


# endpoint -> (request(client) -> (status, body), success statuses, setup)
REQUESTS = {
    "GET /api/exercises": (lambda c: c.get("/api/exercises"), {200}, None),
    "POST /api/exercises": (
        lambda c: upload_plan(c, variant_plan("DT-MATRIX-%d" % next(counter))),
        {201}, None),
    "GET /api/exercises/{x}": (lambda c: c.get(X()), {200}, None),
    "GET …/plan": (lambda c: c.get(X("/plan")), {200}, None),
    "GET …/log": (lambda c: raw_get(c, X("/log")), {200}, None),
    "GET …/assignments": (lambda c: c.get(X("/assignments")), {200}, None),
    "PUT …/assignments/{u}": (
        lambda c: c.put(X("/assignments/%s" % W.uid("spare")),
                        {"kind": "observer"}), {200}, None),
    "PUT …/assignments/{u} (a director)": (
        lambda c: c.put(X("/assignments/%s" % W.uid("spare")),
                        {"kind": "director"}), {200},
        lambda: W.assign(W.x, "spare", "observer")),
    "DELETE …/assignments/{u}": (
        lambda c: c.delete(X("/assignments/%s" % W.uid("spare"))), {204},
        ensure_spare_assigned),
    "DELETE …/assignments/{u} (a director)": (
        lambda c: c.delete(X("/assignments/%s" % W.uid("dir2"))), {204},
        ensure_dir2_director),
    "POST …/control/{op}": (
        lambda c: c.post(X("/control/speed"), {"speed": 1}), {200}, None),
    "POST …/actions": (
        lambda c: c.post(X("/actions"), {"kind": "acknowledge",
                                         "role": ROLE_A, "inject": "th-01"}),
        {201}, None),
    "POST …/attachments": (lambda c: upload_attachment(c), {201}, None),
    "GET …/attachments/{a}": (
        lambda c: raw_get(c, X("/attachments/%s" % S["att_pa"])),
        {200}, None),
    "POST …/observations": (
        lambda c: c.post(X("/observations"), {"criterion": "co-che",
                                              "score": "Đạt yêu cầu"}),
        {201}, None),
    "GET …/observations": (lambda c: c.get(X("/observations")), {200}, None),
    "GET …/state": (lambda c: c.get(X("/state")), {200}, None),
    "GET …/injects": (lambda c: c.get(X("/injects")), {200}, None),
    "GET …/expectations": (lambda c: c.get(X("/expectations")), {200}, None),
    "GET …/activities": (lambda c: c.get(X("/activities")), {200}, None),
    "GET …/documents": (lambda c: c.get(X("/documents")), {200}, None),
    "GET …/events": (lambda c: c.get(X("/events?after=0&limit=5")), {200},
                     None),
    "GET …/stream": (lambda c: Stream_(c), {200}, None),
    "GET /api/users": (lambda c: c.get("/api/users"), {200}, None),
    "POST /api/users": (
        lambda c: c.post("/api/users", {"name": "u%d" % next(counter),
                                        "password": "mat-khau-dai-lam"}),
        {201}, None),
    "PATCH /api/users/{u}": (
        lambda c: c.patch("/api/users/%s" % W.uid("spare"),
                          {"display": "Dự bị %d" % next(counter)}),
        {200}, None),
    "GET /api/audit": (lambda c: c.get("/api/audit"), {200}, None),
}


def parse_matrix():
    rows = []
    for line in MATRIX.strip().splitlines():
        cells = line.split()
        marks = cells[-6:]
        name = " ".join(cells[:-6])
        rows.append((name, dict(zip(COLUMNS, marks))))
    return rows


def expected(name, marks, who):
    """(allowed?, status when denied) for `who` on endpoint `name`."""
    if who == "anon":
        return False, 401
    if who == "nobody":
        if name == "GET /api/exercises":
            return True, None
        return False, (403 if name in GLOBAL else 404)
    return marks[who] == "✓", 403


def step_setup():
    global W
    W = World(S["srv"], users=USERS)
    # Exercise 2: the same plan under another code, th-04 renamed th-94.
    st, body = upload_plan(W.admin, variant_plan(
        FIXTURE_CODE + "-2", [("th-04", "th-94")]), "x2.yaml")
    if st != 201:
        raise RuntimeError("upload exercise 2: %s %s" % (st, body))
    S["x2"] = body["id"]
    W.assign(S["x2"], "dir", "director")
    W.assign(S["x2"], "pa", "player", [ROLE_A])
    # Exercise 1 runs: th-01, th-02, th-03 (Mật) released by the jump,
    # th-04 by hand; players act, the evaluator observes.
    for op, obj in (("start", None), ("jump", {"to": "N 08:35"}),
                    ("release", {"inject": "th-04"})):
        st, body = W.ctl(op, obj)
        if st != 200:
            raise RuntimeError("control %s: %s %s" % (op, st, body))
    acts = [("pa", {"kind": "acknowledge", "role": ROLE_A, "inject": "th-01"}),
            ("pa", {"kind": "report", "role": ROLE_A, "inject": "th-03",
                    "text": "Đã nhận thông báo mật."}),
            ("pa", {"kind": "transition", "role": ROLE_A,
                    "machine": "readiness", "body": "bchqs-xa",
                    "state": "full"}),
            ("pa", {"kind": "document", "role": ROLE_A,
                    "document": "kh-phong-thu"}),
            ("pb", {"kind": "acknowledge", "role": ROLE_B, "inject": "th-02"}),
            ("pb", {"kind": "document", "role": ROLE_B,
                    "doc_type": "decision", "text": "QĐ số 12"}),
            ("pb", {"kind": "transition", "role": ROLE_B,
                    "machine": "defense", "body": "xa-an-phu",
                    "state": "situation"})]
    for who, obj in acts:
        st, body = W.act(who, obj)
        if st not in (201, 409):
            raise RuntimeError("action %s %s: %s %s" % (who, obj, st, body))
    st, body = W.c("ev").post(X("/observations"), {
        "criterion": "lanh-dao", "body": "dang-uy-xa", "score": "Khá",
        "text": "Nhận xét của tổ đánh giá"})
    if st != 201:
        raise RuntimeError("observation: %s %s" % (st, body))
    st, att = upload_attachment(W.c("pa"), data=b"bao cao cua vai A\n")
    if st != 201:
        raise RuntimeError("attachment: %s %s" % (st, att))
    S["att_pa"] = att["id"]
    st, body = W.act("pa", {"kind": "report", "role": ROLE_A,
                            "inject": "th-01", "text": "Kèm tệp",
                            "attachments": [att["id"]]})
    if st != 201:
        raise RuntimeError("report with attachment: %s %s" % (st, body))
    W.assign(W.x, "adm2", "observer")


def step_matrix():
    whos = COLUMNS + ["nobody", "anon"]
    for name, marks in parse_matrix():
        req, ok, setup = REQUESTS[name]
        for who in whos:
            allowed, deny = expected(name, marks, who)
            if setup:
                setup()
            resp = req(client(who))
            label = "%-38s as %-6s" % (name, who)
            if allowed:
                C.status(resp, ok, label + " allowed")
            else:
                code = {401: "unauthenticated", 403: "forbidden",
                        404: "not_found"}[deny]
                C.error(resp, deny, code, label + " denied")
    # The same rows for an administrator who is also an observer: inside
    # the exercise they have the observer's rights only.
    for name in ("GET …/injects", "GET …/observations", "GET …/log",
                 "POST …/control/{op}"):
        C.error(REQUESTS[name][0](W.c("adm2")), 403, "forbidden",
                "%s as an admin assigned observer" % name)
    C.status(REQUESTS["GET …/assignments"][0](W.c("adm2")), 200,
             "GET …/assignments as an admin assigned observer")
    st, lst = W.admin.get(X("/assignments"))
    names = [a.get("name") for a in lst] if isinstance(lst, list) else []
    C.check(sorted(names) == sorted(set(names)) and "spare" in names,
            "after many PUTs each user has one assignment", names)
    # A player acting for a role not theirs; a user patching themselves.
    C.error(W.act("pa", {"kind": "acknowledge", "role": ROLE_B,
                         "inject": "th-04"}), 403, "forbidden",
            "player A acting as role B")
    C.error(W.c("pa").patch("/api/users/%s" % W.uid("pa"),
                            {"clearance": "tuyet-mat"}), 403, "forbidden",
            "a player raising their own clearance")
    C.error(W.c("dir").put(X("/assignments/%s" % W.uid("dir")),
                           {"kind": "observer"}), 403, "forbidden",
            "a director changing their own (director) assignment")
    C.error(W.c("dir").put(X("/assignments/%s" % W.uid("dir2")),
                           {"kind": "observer"}), 403, "forbidden",
            "a director demoting another director")
    st, hdrs, raw = W.c("pa-nc").raw("GET", X("/attachments/%s" %
                                             S["att_pa"]))
    C.check(st == 200, "player A' (same role) reads the attachment of an "
            "action it sees", "%s %s" % (st, short(raw)))
    # Another player's attachment (not visible to player B).
    st, hdrs, raw = W.c("pb").raw("GET", X("/attachments/%s" % S["att_pa"]))
    C.check(st in (403, 404), "player B reading player A's attachment -> "
            "403/404", "%s %s" % (st, short(raw)))
    # An exercise that does not exist: 404 for everyone.
    for who in ("admin", "dir", "nobody"):
        C.error(client(who).get("/api/exercises/999999"), 404, "not_found",
                "GET /api/exercises/999999 as %s" % who)
    C.check(W.c("ob").get("/api/health")[0] == 200 and
            W.srv.client().get("/api/health")[0] == 200,
            "GET /api/health is open")
    C.check(W.srv.client().get("/api/openapi.json")[0] == 200,
            "GET /api/openapi.json is open")


def step_exercise_lists():
    def ids(who):
        st, lst = client(who).get("/api/exercises")
        return st, sorted(e.get("id") for e in lst) \
            if isinstance(lst, list) else lst
    st, all_ = ids("admin")
    C.check(st == 200 and W.x in all_ and S["x2"] in all_ and
            len(all_) >= 3, "admin's list: every exercise", all_)
    C.check(ids("dir") == (200, sorted([W.x, S["x2"]])),
            "director's list: own two exercises", ids("dir"))
    C.check(ids("pa") == (200, sorted([W.x, S["x2"]])),
            "player A's list: own two exercises", ids("pa"))
    C.check(ids("ctl") == (200, [W.x]), "controller's list: own one")
    C.check(ids("nobody") == (200, []), "unassigned user's list: empty")


# --- what each user may see --------------------------------------------------

def forbidden_entry(who, e):
    """Why entry e must not reach `who`, or None."""
    t = e.get("type", "")
    ev = e.get("event") or {}
    inj = ev_inject(e)
    cleared = USERS[who][1] != "none"
    if inj in CLASSIFIED and not cleared:
        return "classified inject %s to an uncleared user" % inj
    if t == "document.issued" and ev.get("document") in CLASSIFIED_DOCS \
            and not cleared:
        return "classified document %s to an uncleared user" % \
            ev.get("document")
    if who in ("pa", "pa-nc", "pb"):
        roles = set(USERS[who][3])
        if t == "observation":
            return "an observation to a player"
        if inj and not (INJECT_TO.get(inj, set()) & roles):
            return "inject %s of another role" % inj
        if t == "action" and ev.get("role") not in roles:
            return "another role's action"
        if t == "transition.refused" and ev.get("by") not in roles:
            return "another role's refusal"
        if t.startswith("expectation."):
            i = EXPECTATION_INJECT.get(ev.get("expectation"))
            if i and not (INJECT_TO.get(i, set()) & roles):
                return "expectation of another role's inject"
        if t == "document.issued" and ev.get("by") not in roles and \
                ev.get("by") is not None:
            pass  # public when unclassified
    if who == "ob":
        # observers learn that an inject was released (its id, for the
        # dashboard's progress), never its text, a hold or a cancel
        if t in ("inject.held", "inject.cancelled", "action",
                 "observation", "transition.refused"):
            return "%s to an observer" % t
        if t == "inject.released" and set(ev) - {"seq", "t", "type", "v",
                                                 "inject", "how", "by"}:
            return "inject.released with more than the inject's id"
    return None


def check_feed(who, entries, where):
    bad = [(e.get("id"), e.get("type"), forbidden_entry(who, e))
           for e in entries if forbidden_entry(who, e)]
    C.check(not bad, "%s: %s never gets what it may not see" % (who, where),
            short(bad))
    ids = [e.get("id") for e in entries]
    C.check(ids == sorted(set(ids)), "%s: %s ids strictly increasing" %
            (who, where), ids)


def step_visibility():
    # /injects
    want = {"dir": {"th-01", "th-02", "th-03", "th-04", "th-05", "th-06"},
            "ev": {"th-01", "th-02", "th-03", "th-04", "th-05", "th-06"},
            "ctl": {"th-01", "th-02", "th-04", "th-05", "th-06"},
            "pa": {"th-01", "th-03", "th-04"},
            "pa-nc": {"th-01", "th-04"},
            "pb": {"th-02", "th-04"}}
    for who, ids in want.items():
        st, lst = W.c(who).get(X("/injects"))
        got = {i.get("id") for i in lst} if isinstance(lst, list) else lst
        C.check(st == 200 and got == ids, "GET injects as %s: %s" %
                (who, sorted(ids)), "%s %s" % (st, sorted(got)
                                               if isinstance(got, set)
                                               else got))
    # /activities shows exactly the same injects (the rest of the
    # timeline is public), and /documents only what the clearance allows
    for who, ids in want.items():
        st, lst = W.c(who).get(X("/activities"))
        got = ({a.get("id") for a in lst if a.get("kind") == "situation"}
               if isinstance(lst, list) else lst)
        C.check(st == 200 and got == ids, "GET activities as %s: the "
                "injects %s" % (who, sorted(ids)), "%s %s" % (st, got))
    for who, cleared in (("pa", True), ("pa-nc", False), ("pb", False),
                         ("dir", True), ("ctl", False)):
        st, lst = W.c(who).get(X("/documents"))
        got = {d.get("id") for d in lst} if isinstance(lst, list) else set()
        C.check(st == 200 and ("kh-phong-thu" in got) == cleared,
                "GET documents as %s: the Mật document %s" %
                (who, "listed" if cleared else "left out"), sorted(got))
    # /expectations
    for who, must, mustnot in (
            ("pa", {"th-01-bc"}, {"th-02-qd", "th-02-tt", "th-06-qd"}),
            ("pb", {"th-02-qd"}, {"th-01-bc", "th-01-tn", "th-06-qd"}),
            ("ob", {"th-01-bc", "th-02-qd"}, set()),
            ("dir", {"th-01-bc", "th-02-qd", "th-06-qd"}, set())):
        st, lst = W.c(who).get(X("/expectations"))
        got = {e.get("id") for e in lst} if isinstance(lst, list) else set()
        C.check(st == 200 and must <= got and not (mustnot & got),
                "GET expectations as %s: has %s, not %s" %
                (who, sorted(must), sorted(mustnot)), sorted(got))
    # /events
    everything = W.events("dir")
    C.check(any(e.get("type") == "observation" for e in everything),
            "the director's feed has the observation")
    for who in ("pa", "pa-nc", "pb", "ob", "ctl"):
        C.check(any(forbidden_entry(who, e) for e in everything),
                "the director's feed has entries %s may not see (so the "
                "checks below bite)" % who)
    for who in ("pa", "pa-nc", "pb", "ob", "ctl", "ev"):
        feed = W.events(who)
        check_feed(who, feed, "/events")
        S.setdefault("feeds", {})[who] = feed
    evf = S["feeds"]["ev"]
    C.check(any(e.get("type") == "observation" for e in evf),
            "the evaluator's feed has the observation")
    pa_rel = {ev_inject(e) for e in S["feeds"]["pa"]
              if e.get("type") == "inject.released"}
    C.check(pa_rel == {"th-01", "th-03", "th-04"},
            "player A (cleared) gets the releases of th-01, th-03, th-04",
            sorted(x for x in pa_rel if x))
    C.check(any(e.get("type") == "action" and
                (e.get("event") or {}).get("role") == ROLE_A
                for e in S["feeds"]["pa"]),
            "player A's feed has its own actions")
    C.check(any(e.get("type") == "transition.refused"
                for e in S["feeds"]["pa"]),
            "player A's feed has its own refusal")
    C.check(any(e.get("type") in ("exercise.started", "clock.jumped")
                for e in S["feeds"]["ob"]),
            "the observer's feed has the public clock events")
    for who in ("pa", "ev"):
        C.check(any(e.get("type") == "document.issued" and
                    (e.get("event") or {}).get("document") == "kh-phong-thu"
                    for e in S["feeds"][who]),
                "%s (cleared) gets the Mật document.issued" % who)
    # The plan and the log whole, for an uncleared controller: refused,
    # naming the mark, so no classified text can leak through them.
    import json
    for path in ("/plan", "/log"):
        st, body = W.c("ctl").get(X(path))
        C.check(st == 403 and "Mật" in json.dumps(body, ensure_ascii=False),
                "GET …%s as the uncleared controller: 403 naming the mark"
                % path, "%s %s" % (st, str(body)[:120]))
    st, plan = W.c("dir").get(X("/plan"))
    C.check(st == 200 and "Bãi Lở" in json.dumps(plan, ensure_ascii=False),
            "GET …/plan as the cleared director has th-03's text")
    C.check(any(e.get("type", "").startswith("expectation.")
                for e in S["feeds"]["ob"]),
            "the observer's feed has expectation outcomes")
    for who in ("ob", "pa"):
        C.check(any(e.get("type") == "document.issued" and
                    (e.get("event") or {}).get("by") == ROLE_B
                    for e in S["feeds"][who]),
                "%s gets role B's unclassified document.issued (public)"
                % who)
    C.check(any(e.get("type") == "state.changed"
                for e in S["feeds"]["pa"]),
            "player A sees the public state.changed of role B's move")
    # The stream: the backlog (Last-Event-ID: 0) then live entries.
    streams = {who: W.c(who).stream(W.x, last_id=0)
               for who in ("pa", "pa-nc", "pb", "ob")}
    W.ctl("release", {"inject": "th-05"})       # to role A
    W.act("pb", {"kind": "report", "role": ROLE_B, "inject": "th-02",
                 "text": "Báo cáo của vai B"})
    W.c("ev").post(X("/observations"), {"criterion": "thoi-gian",
                                        "text": "Nhận xét thứ hai"})
    for who, s in streams.items():
        feed = W.events(who)
        last = feed[-1]["id"] if feed else 0
        got = []
        try:
            while not got or got[-1][0] < last:
                eid, etype, data = s.next(5)
                got.append((eid, etype, data))
        except Exception as e:  # noqa: BLE001 — a failure, reported below
            C.check(False, "%s: stream delivers up to %s" % (who, last),
                    "%s after %s" % (e, [g[0] for g in got]))
        extra = s.poll(0.5)
        s.close()
        entries = [d for _, _, d in got]
        check_feed(who, entries, "stream")
        C.check([g[0] for g in got] == [e["id"] for e in feed] and
                extra is None,
                "%s: the stream carries exactly its /events entries" % who,
                "stream %s extra %s; events %s" % (
                    [g[0] for g in got], extra and extra[0],
                    [e["id"] for e in feed]))
        C.check(all(g[1] == g[2].get("type") and g[0] == g[2].get("id")
                    for g in got),
                "%s: SSE id/event lines match the data" % who)


def step_csrf():
    d = W.c("dir")

    def as_(csrf=None, origin=None, cookie=None):
        c = Client(W.srv.port)
        c.cookie = cookie or d.cookie
        c.csrf = csrf
        h = {"Origin": origin} if origin else None
        return c, h
    c, _ = as_(csrf=None)
    C.error(c.post(X("/control/speed"), {"speed": 1}), 403, "csrf",
            "POST control without X-CSRF-Token")
    c, _ = as_(csrf="0" * 43)
    C.error(c.post(X("/control/speed"), {"speed": 1}), 403, "csrf",
            "POST control with a wrong X-CSRF-Token")
    c, _ = as_(csrf=W.c("pa").csrf)
    C.error(c.post(X("/control/speed"), {"speed": 1}), 403, "csrf",
            "POST control with another session's token")
    c, h = as_(csrf=d.csrf, origin="http://evil.example")
    C.error(c.post(X("/control/speed"), {"speed": 1}, headers=h), 403, "csrf",
            "POST control with a foreign Origin (right token)")
    c, h = as_(csrf=d.csrf, origin="http://127.0.0.1:%d" % W.srv.port)
    C.status(c.post(X("/control/speed"), {"speed": 1}, headers=h), 200,
             "POST control with a matching Origin and the token")
    c, _ = as_(csrf=None, cookie=W.admin.cookie)
    C.error(c.put(X("/assignments/%s" % W.uid("spare")),
                  {"kind": "observer"}), 403, "csrf", "PUT without token")
    C.error(c.patch("/api/users/%s" % W.uid("spare"), {"display": "x"}),
            403, "csrf", "PATCH without token")
    C.error(c.delete(X("/assignments/%s" % W.uid("spare"))), 403, "csrf",
            "DELETE without token")
    C.error(c.post("/api/users", {"name": "csrf1",
                                  "password": "mat-khau-dai-lam"}),
            403, "csrf", "POST /api/users without token")
    c, _ = as_(csrf=None, cookie=W.c("pa").cookie)
    C.error(c.post(X("/actions"), {"kind": "acknowledge", "role": ROLE_A,
                                   "inject": "th-01"}),
            403, "csrf", "POST actions without token")
    C.error(c.post("/api/logout"), 403, "csrf", "POST logout without token")
    C.status(W.c("pa").get("/api/me"), 200,
             "the session survived the logout without token")
    st, lst = W.admin.get("/api/users")
    C.check(st == 200 and "csrf1" not in [u.get("name") for u in lst],
            "no user created by the refused POST")
    fresh = W.srv.client()
    st, body = fresh.post("/api/login", {"user": "spare",
                                         "password": PW % "spare"})
    C.status((st, body), 200, "login needs no CSRF token")


def step_other_exercise():
    x2 = S["x2"]
    # The director uploads to exercise 2 and asks for it in exercise 1.
    st, a2 = upload_attachment(W.c("dir"), x=x2)
    C.status((st, a2), 201, "director uploads an attachment to exercise 2")
    st, hdrs, raw = W.c("dir").raw("GET", X("/attachments/%s" % a2["id"]))
    C.check(st == 404, "exercise 2's attachment asked in exercise 1 -> 404",
            "%s %s" % (st, short(raw)))
    st, hdrs, raw = W.c("dir").raw("GET", X("/attachments/%s" % a2["id"],
                                            x=x2))
    C.check(st == 200, "the same in exercise 2 -> 200", st)
    # Player A uploads to exercise 2 and references it in exercise 1.
    st, pa2 = upload_attachment(W.c("pa"), x=x2)
    C.status((st, pa2), 201, "player A uploads to exercise 2")
    C.error(W.act("pa", {"kind": "report", "role": ROLE_A, "inject": "th-01",
                         "text": "tệp của cuộc khác",
                         "attachments": [pa2["id"]]}),
            {400, 404}, {"bad_request", "not_found"},
            "exercise 2's attachment referenced in exercise 1")
    # Director's attachment referenced by a player (not the uploader).
    st, ad = upload_attachment(W.c("dir"))
    C.error(W.act("pa", {"kind": "report", "role": ROLE_A, "inject": "th-01",
                         "text": "tệp của người khác",
                         "attachments": [ad["id"]]}),
            {400, 403, 404}, {"bad_request", "forbidden", "not_found"},
            "a player referencing the director's attachment")
    # An inject id that exists only in exercise 2.
    C.error(W.ctl("release", {"inject": "th-94"}), {400, 404},
            {"bad_request", "not_found"}, "release th-94 (exercise 2's) "
            "in exercise 1")
    C.error(W.act("pa", {"kind": "acknowledge", "role": ROLE_A,
                         "inject": "th-94"}), {400, 404},
            {"bad_request", "not_found"}, "acknowledge th-94 in exercise 1")
    C.error(W.c("dir").put(X("/assignments/%s" % W.uid("spare")),
                           {"kind": "player", "roles": ["th-94"]}),
            400, "bad_request", "assign a player a role id that is no role")
    # The controller, assigned only in exercise 1, reaching exercise 2.
    C.error(W.c("ctl").get(X(x=x2)), 404, "not_found",
            "controller of exercise 1 reading exercise 2")
    C.error(W.c("ctl").post(X("/control/pause", x=x2)), 404, "not_found",
            "controller of exercise 1 controlling exercise 2")


def main():
    with Server(KVPT) as srv:
        S["srv"] = srv
        if C.section("setup", step_setup) is None and W is None:
            C.done()
        C.section("the matrix of docs/api.md", step_matrix)
        C.section("GET /api/exercises: all / own", step_exercise_lists)
        C.section("who sees what: injects, expectations, events, stream",
                  step_visibility)
        C.section("CSRF and Origin", step_csrf)
        C.section("ids of another exercise", step_other_exercise)
        C.check(srv.alive(), "server still running at the end")
    C.done()


if __name__ == "__main__":
    main()
