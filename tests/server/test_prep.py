#!/usr/bin/env python3
"""Preparation before N-day (docs/api.md, "Preparation"): committees,
tasks with deadlines, dependencies, comments and attachments; the
document workflow with versions, diffs, history and audit; rehearsal
rounds with their own clock and log, findings turned into tasks; the
readiness board; multi-level exercises sharing the parent's clock and the
roll-up; everything surviving a restart; hostile input on the new
endpoints leaving nothing changed.

Plans: fixture_prep.yaml (day N fixed to 2035-03-15, committees, documents
with owners/due dates/classification, a role without a person), and
fixture_parent.yaml / fixture_child.yaml (multi-level).

    python3 tests/server/test_prep.py KVPT_BINARY
"""

import calendar
import json
import math
import os
import subprocess
import time

from common import (Checker, PW, Server, World, is_error_body, kvpt_binary,
                    short, upload_plan, soffice_csv)
from harness import quote_name

KVPT = kvpt_binary()
C = Checker("test_prep")
HERE = os.path.dirname(os.path.abspath(__file__))
PREP = os.path.join(HERE, "fixture_prep.yaml")
PARENT = os.path.join(HERE, "fixture_parent.yaml")
CHILD = os.path.join(HERE, "fixture_child.yaml")
PREP_CODE = "DT-AN-PHU-CB"
PARENT_CODE = "DT-CAP-HUYEN-TEST"
CHILD_CODE = "DT-CAP-XA-TEST"

# Day N of fixture_prep.yaml: 2035-03-15, local time +07:00 -- far ahead,
# so that N-... deadlines stay in the future; the past deadlines
# (2026-01-10, 2026-02-01) are within ten years of it, as plans require.
TZ_MS = 7 * 3600 * 1000
N_EPOCH = calendar.timegm((2035, 3, 15, 0, 0, 0)) * 1000 - TZ_MS
DAY = 86400000
HOUR = 3600000

# name: (admin, clearance, assignment kind in the prep exercise, roles)
USERS = {
    "dir": (False, "mat", "director", None),
    "ctl": (False, "none", "controller", None),     # not cleared for Mật
    "ev": (False, "mat", "evaluator", None),
    "ob": (False, "mat", "observer", None),
    "pa": (False, "mat", "player", ["cht-qs"]),     # body bchqs-xa
    "pb": (False, "none", "player", ["ct-ubnd"]),   # body ubnd-xa (owner)
    "pc": (False, "none", None, None),              # bi-thu, assigned later
    "dirx": (False, "mat", None, None),             # the child's director
}
# The bodies and people of the players' roles (fixture_prep.yaml).
BODY_OF = {"pa": "bchqs-xa", "pb": "ubnd-xa", "pc": "dang-uy-xa"}
PERSON_OF = {"pa": "le-van-cuong", "pb": "tran-thi-binh",
             "pc": "nguyen-van-an"}

W = None
S = {}


def local_ms(y, mo, d, hh=0, mi=0):
    return calendar.timegm((y, mo, d, hh, mi, 0)) * 1000 - TZ_MS


def X(path="", x=None):
    return "/api/exercises/%s%s" % (x or S["x"], path)


def c(who):
    return W.admin if who == "admin" else W.c(who)


def upload_att(who, data, name, mime="text/plain; charset=utf-8", x=None):
    st, hdrs, raw = c(who).raw("POST", X("/attachments", x), data, {
        "Content-Type": mime, "X-Filename": quote_name(name)})
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw
    return st, body


def tasks_of(who, mine=False, x=None):
    st, body = c(who).get(X("/tasks" + ("?mine=1" if mine else ""), x))
    if st != 200 or not isinstance(body, dict):
        raise RuntimeError("GET tasks as %s: %s %s" % (who, st, short(body)))
    return body


def task_ids(who, mine=False):
    return [t["id"] for t in tasks_of(who, mine)["tasks"]]


def task(tid, who="dir"):
    for t in tasks_of(who)["tasks"]:
        if t["id"] == tid:
            return t
    return None


def doc(d, who="dir"):
    return c(who).get(X("/documents/%s" % d))


def wf(who, d, step, reason=None):
    obj = {"step": step}
    if reason is not None:
        obj["reason"] = reason
    return c(who).post(X("/documents/%s/workflow" % d), obj)


def readiness(who="dir", x=None):
    st, body = c(who).get(X("/readiness", x))
    if st != 200 or not isinstance(body, dict):
        raise RuntimeError("GET readiness as %s: %s %s" %
                           (who, st, short(body)))
    return body


def row(rd, body):
    for r in rd.get("bodies", []):
        if r.get("id") == body:
            return r
    return None


def row_sum(rd, body, key):
    r = row(rd, body)
    return r["summary"][key] if r else 0


def all_audit():
    out, after = [], 0
    while True:
        st, page = W.admin.get("/api/audit?after=%d&limit=1000" % after)
        if st != 200 or not isinstance(page, list):
            raise RuntimeError("GET /api/audit: %s %s" % (st, short(page)))
        if not page:
            return out
        out += page
        after = page[-1]["seq"]


def ok_task_shape(t):
    keys = {"id", "title", "description", "assignee", "due", "due_ms",
            "depends_on", "status", "overdue", "blocked", "finding",
            "created_by", "created_ms", "updated_ms", "comments",
            "attachments"}
    return isinstance(t, dict) and keys <= set(t)


# ---------------------------------------------------------------------------

def setup(srv):
    global W
    W = World(srv, users=USERS, upload=False)
    with open(PREP, encoding="utf-8") as f:
        st, body = upload_plan(W.admin, f.read(), "fixture_prep.yaml")
    if st != 201:
        raise RuntimeError("upload fixture_prep.yaml: %s %s" % (st, body))
    S["x"] = W.x = body["id"]
    S["upload_warnings"] = body.get("warnings")
    for name, (_, _, kind, roles) in USERS.items():
        if kind:
            W.assign(S["x"], name, kind, roles)
    # A second exercise (the plain fixture, no date for day N), where dir
    # directs and pa plays: ids of one exercise must not work in the other.
    with open(os.path.join(HERE, "fixture.yaml"), encoding="utf-8") as f:
        st, body = upload_plan(W.admin, f.read(), "fixture.yaml")
    if st != 201:
        raise RuntimeError("upload fixture.yaml: %s %s" % (st, body))
    S["other"] = body["id"]
    W.assign(S["other"], "dir", "director")
    W.assign(S["other"], "pa", "player", ["cht-qs"])


def step_committees(srv):
    for who in ("dir", "ctl", "ev", "ob", "pa", "pb"):
        st, body = c(who).get(X("/committees"))
        C.status((st, body), 200, "GET committees as %s" % who)
    C.error(W.admin.get(X("/committees")), 403, "forbidden",
            "GET committees as an unassigned administrator")
    C.error(c("pc").get(X("/committees")), 404, "not_found",
            "GET committees as a user without assignment")
    st, body = c("pb").get(X("/committees"))
    if not isinstance(body, dict):
        return
    C.check(body.get("standing_agency") == {
        "id": "bchqs-xa", "name": "Ban Chỉ huy quân sự xã An Phú"},
        "standing_agency = {id bchqs-xa, name}",
        short(body.get("standing_agency")))
    cs = {k.get("id"): k for k in body.get("committees", [])}
    C.check(list(cs) == ["bcd", "btc", "ban-dao-dien"],
            "committees bcd, btc, ban-dao-dien in plan order", list(cs))
    bcd, btc, bdd = cs.get("bcd", {}), cs.get("btc", {}), \
        cs.get("ban-dao-dien", {})
    C.check(bcd.get("kind") == "steering" and btc.get("kind") ==
            "organising" and bdd.get("kind") == "directing-staff" and
            all(isinstance(k.get("kind_label"), str) and k["kind_label"]
                for k in cs.values()),
            "kinds steering/organising/directing-staff with kind_label",
            short([(k.get("kind"), k.get("kind_label"))
                   for k in cs.values()]))
    C.check(bcd.get("parent") is None and btc.get("parent") == "bcd",
            "btc's parent is bcd, bcd has none")
    C.check(bcd.get("head") == {"id": "nguyen-van-an",
                                "name": "Nguyễn Văn An",
                                "title": "Bí thư Đảng ủy xã"},
            "bcd head is a Person {id, name, title}", short(bcd.get("head")))
    got = [(m["person"]["id"], m.get("duty"), m.get("roles"))
           for m in bcd.get("members", [])]
    C.check(got == [("tran-thi-binh", "Phó Trưởng ban", ["ct-ubnd"]),
                    ("le-van-cuong", "Phó Trưởng ban thường trực",
                     ["cht-qs"])],
            "bcd members: person, duty, roles they play", got)
    got = [(m["person"]["id"], m.get("duty"), m.get("roles"))
           for m in btc.get("members", [])]
    C.check(got == [("le-van-cuong", None, ["cht-qs"]),
                    ("pham-thi-dung", None, ["tro-ly-bdd"])],
            "btc members (written as bare ids): no duty, their roles", got)
    C.check(bdd.get("members") == [] and
            (bdd.get("head") or {}).get("id") == "pham-thi-dung",
            "ban-dao-dien: head only, no members", short(bdd))


# --------------------------------------------------------------------------
# 1. Tasks

def step_tasks(srv):
    d, ctl = c("dir"), c("ctl")
    audit0 = all_audit()[-1]["seq"]
    # T1: a body, N-10.
    st, t1 = d.post(X("/tasks"), {
        "title": "Rà soát kế hoạch tổ chức diễn tập",
        "description": "Đối chiếu với chỉ thị của cấp trên.",
        "assignee_body": "ubnd-xa", "due": "N-10"})
    C.status((st, t1), 201, "director creates T1 (body ubnd-xa, due N-10)")
    C.check(ok_task_shape(t1), "T1 has every documented Task key",
            short(t1))
    if not isinstance(t1, dict):
        raise RuntimeError("no T1")
    C.check(t1.get("assignee") == {"kind": "body", "id": "ubnd-xa",
                                   "name": "Ủy ban nhân dân xã An Phú"}
            and t1.get("due") == "N-10" and
            t1.get("due_ms") == N_EPOCH - 10 * DAY and
            t1.get("status") == "open" and t1.get("overdue") is False and
            t1.get("blocked") is False and t1.get("depends_on") == [] and
            t1.get("finding") is None and t1.get("comments") == [] and
            t1.get("attachments") == [] and
            t1.get("description") == "Đối chiếu với chỉ thị của cấp trên.",
            "T1: assignee {body ubnd-xa, name}, due N-10, due_ms = day N "
            "- 10 days, open, not overdue, not blocked", short(t1))
    C.check(t1.get("created_by") == {"id": W.uid("dir"),
                                     "name": "Người dùng dir"} and
            abs(t1.get("created_ms", 0) - time.time() * 1000) < 60000 and
            t1.get("updated_ms") == t1.get("created_ms"),
            "T1: created_by {id, name} of the director, created_ms now",
            short(t1))
    # T2: a person, a date with a time (the controller may create too).
    st, t2 = ctl.post(X("/tasks"), {
        "title": "Chuẩn bị bản đồ tác chiến",
        "assignee_person": "le-van-cuong", "due": "2035-03-01 17:00"})
    C.status((st, t2), 201, "controller creates T2 (person, 2035-03-01 "
             "17:00)")
    C.check(isinstance(t2, dict) and t2.get("assignee") == {
        "kind": "person", "id": "le-van-cuong", "name": "Lê Văn Cường"} and
        t2.get("due") == "2035-03-01 17:00" and
        t2.get("due_ms") == local_ms(2035, 3, 1, 17) and
        t2.get("overdue") is False and t2.get("description") == "",
        "T2: assignee {person le-van-cuong}, due_ms = 2035-03-01 17:00 "
        "+07:00", short(t2))
    # T3: in the past -> overdue.
    st, t3 = d.post(X("/tasks"), {"title": "Báo cáo quân số dân quân",
                                  "assignee_body": "bchqs-xa",
                                  "due": "2026-01-10"})
    C.status((st, t3), 201, "director creates T3 (due 2026-01-10, past)")
    C.check(isinstance(t3, dict) and
            t3.get("due_ms") == local_ms(2026, 1, 10) and
            t3.get("overdue") is True,
            "T3: due_ms = 2026-01-10 00:00 +07:00 and overdue true",
            short(t3))
    # T4: depends on T1 -> blocked.
    st, t4 = d.post(X("/tasks"), {"title": "Ban hành kế hoạch",
                                  "assignee_body": "ubnd-xa",
                                  "due": "N-3 08:00",
                                  "depends_on": [t1["id"]]})
    C.status((st, t4), 201, "director creates T4 (N-3 08:00, depends on "
             "T1)")
    C.check(isinstance(t4, dict) and t4.get("depends_on") == [t1["id"]]
            and t4.get("blocked") is True and t4.get("due_ms") ==
            N_EPOCH - 3 * DAY + 8 * HOUR and t4.get("overdue") is False,
            "T4: depends_on [T1], blocked true, due_ms N-3 08:00",
            short(t4))
    # T5: pb's person.
    st, t5 = d.post(X("/tasks"), {"title": "Ký quyết định thành lập",
                                  "assignee_person": "tran-thi-binh",
                                  "due": "N-15"})
    C.status((st, t5), 201, "director creates T5 (person tran-thi-binh)")
    S["t"] = {k: v["id"] for k, v in (("t1", t1), ("t2", t2), ("t3", t3),
                                      ("t4", t4), ("t5", t5))
              if isinstance(v, dict)}
    T = S["t"]
    C.check(sorted(T.values()) == list(range(T["t1"], T["t1"] + 5)),
            "task ids are consecutive integers", T)

    # Who may create.
    for who in ("pa", "pb", "ev", "ob"):
        C.error(c(who).post(X("/tasks"), {"title": "x",
                                          "assignee_body": "ubnd-xa",
                                          "due": "N-1"}),
                403, "forbidden", "%s creates a task" % who)
    C.error(W.admin.post(X("/tasks"), {"title": "x", "assignee_body":
                                       "ubnd-xa", "due": "N-1"}),
            403, "forbidden", "an unassigned administrator creates a task")
    # Bad input: 400, nothing created.
    before = tasks_of("dir")["tasks"]
    base = {"title": "Nhiệm vụ thử", "assignee_body": "ubnd-xa",
            "due": "N-1"}
    for what, patch in (
            ("unreadable due 'sắp tới'", {"due": "sắp tới"}),
            ("due 2035-13-01", {"due": "2035-13-01"}),
            ("due N+abc", {"due": "N+abc"}),
            ("empty due", {"due": ""}),
            ("due 'N-10 25:00'", {"due": "N-10 25:00"}),
            ("unknown body", {"assignee_body": "khong-co"}),
            ("unknown person", {"assignee_body": None,
                                "assignee_person": "khong-ai"}),
            ("a body and a person", {"assignee_person": "le-van-cuong"}),
            ("no assignee", {"assignee_body": None}),
            ("no due", {"due": None}),
            ("no title", {"title": None}),
            ("empty title", {"title": ""}),
            ("unknown dependency 99999", {"depends_on": [99999]}),
            ("dependency 0", {"depends_on": [0]}),
            ("a known and an unknown dependency",
             {"depends_on": [T["t1"], 424242]}),
            ("status on a new task", {"status": "done"}),
            ("an attachment that does not exist", {"attachments": [99999]})):
        obj = dict(base)
        obj.update(patch)
        obj = {k: v for k, v in obj.items() if v is not None}
        C.error(d.post(X("/tasks"), obj), 400, "bad_request",
                "POST task with %s" % what)
    C.check(tasks_of("dir")["tasks"] == before,
            "no task created or changed by the refused requests")
    # A plan without a date for day N cannot take deadlines.
    C.error(d.post(X("/tasks", S["other"]), {"title": "x", "assignee_body":
                                             "ubnd-xa", "due": "N-1"}),
            400, "bad_request", "a task with a deadline in an exercise whose "
            "plan does not fix day N")

    # Who sees what.
    for who in ("dir", "ctl", "ev", "ob"):
        lst = tasks_of(who)
        ids = [t["id"] for t in lst["tasks"]]
        C.check(sorted(ids) == sorted(T.values()),
                "%s sees every task" % who, ids)
    lst = tasks_of("dir")
    C.check(isinstance(lst.get("now_ms"), int) and
            abs(lst["now_ms"] - time.time() * 1000) < 60000,
            "GET tasks has now_ms", short(lst.get("now_ms")))
    dues = [t["due_ms"] for t in lst["tasks"]]
    C.check(dues == sorted(dues) and [t["id"] for t in lst["tasks"]] ==
            [T["t3"], T["t5"], T["t2"], T["t1"], T["t4"]],
            "tasks sorted by due date: T3, T5, T2, T1, T4",
            [t["id"] for t in lst["tasks"]])
    C.check(task_ids("pb") == [T["t5"], T["t1"], T["t4"]],
            "player B sees its body's tasks and its person's (T5, T1, T4)",
            task_ids("pb"))
    C.check(task_ids("pa") == [T["t3"], T["t2"]],
            "player A sees its body's and its person's tasks (T3, T2)",
            task_ids("pa"))
    C.check(task_ids("pb", mine=True) == [T["t5"], T["t1"], T["t4"]] and
            task_ids("pa", mine=True) == [T["t3"], T["t2"]],
            "mine=1 for players: the same tasks",
            (task_ids("pb", True), task_ids("pa", True)))
    st, full = W.c("dir").get(X("/tasks"))
    made = [t["id"] for t in full["tasks"]
            if t["created_by"]["id"] == W.uid("dir")]
    C.check(made and task_ids("dir", mine=True) == made,
            "mine=1 for the director (no roles): the tasks it created "
            "(docs: 'for anyone else, the tasks they created')",
            (task_ids("dir", mine=True), made))
    C.check(task_ids("ob", mine=True) == [],
            "mine=1 for the observer: no task is its own",
            task_ids("ob", mine=True))

    # Players: status only, of their own tasks.
    pb, pa = c("pb"), c("pa")
    snap = tasks_of("dir")["tasks"]
    C.error(pb.patch(X("/tasks/%d" % T["t1"]), {"title": "Tên khác"}),
            403, "forbidden", "player B changes T1's title")
    C.error(pb.patch(X("/tasks/%d" % T["t1"]), {"status": "doing",
                                                "due": "N-1"}),
            403, "forbidden", "player B changes status and due together")
    C.error(pb.patch(X("/tasks/%d" % T["t1"]), {"depends_on": []}),
            403, "forbidden", "player B changes depends_on")
    C.error(pb.patch(X("/tasks/%d" % T["t1"]),
                     {"assignee_body": "bchqs-xa"}),
            403, "forbidden", "player B re-assigns T1")
    C.error(pb.patch(X("/tasks/%d" % T["t1"]), {"status": "xong"}),
            400, "bad_request", "player B sets an unknown status")
    C.error(pa.patch(X("/tasks/%d" % T["t1"]), {"status": "done"}),
            {403, 404}, {"forbidden", "not_found"},
            "player A changes a task of another body")
    for who in ("ev", "ob"):
        C.error(c(who).patch(X("/tasks/%d" % T["t1"]), {"status": "done"}),
                403, "forbidden", "%s changes a task's status" % who)
    C.error(pb.patch(X("/tasks/%d" % T["t4"]), {"status": "done"}),
            409, "blocked", "player B marks blocked T4 done")
    C.check(tasks_of("dir")["tasks"] == snap,
            "refused changes changed nothing")
    st, t = pb.patch(X("/tasks/%d" % T["t4"]), {"status": "doing"})
    C.status((st, t), 200, "player B marks blocked T4 doing (allowed)")
    st, t = pb.patch(X("/tasks/%d" % T["t1"]), {"status": "done"})
    C.status((st, t), 200, "player B marks T1 done")
    C.check(isinstance(t, dict) and t.get("status") == "done" and
            t.get("overdue") is False and
            t.get("updated_ms", 0) >= t.get("created_ms", 0),
            "T1 done", short(t))
    t4 = task(T["t4"])
    C.check(t4 and t4["blocked"] is False and t4["status"] == "doing",
            "T4 no longer blocked once T1 is done", short(t4))
    st, t = pb.patch(X("/tasks/%d" % T["t4"]), {"status": "done"})
    C.status((st, t), 200, "player B marks T4 done now")
    st, t = pb.patch(X("/tasks/%d" % T["t5"]), {"status": "doing"})
    C.check(st == 200 and t.get("status") == "doing",
            "player B (playing tran-thi-binh's role) changes T5's status",
            "%s %s" % (st, short(t)))
    st, t = pa.patch(X("/tasks/%d" % T["t2"]), {"status": "doing"})
    C.check(st == 200 and t.get("status") == "doing",
            "player A (playing le-van-cuong's role) changes T2's status",
            "%s %s" % (st, short(t)))
    # Past due but done: not overdue.
    st, t = d.patch(X("/tasks/%d" % T["t3"]), {"status": "cancelled"})
    C.check(st == 200 and t.get("overdue") is False,
            "a cancelled task is not overdue", short(t))
    st, t = d.patch(X("/tasks/%d" % T["t3"]), {"status": "open"})
    C.check(st == 200 and t.get("overdue") is True,
            "re-opened past task is overdue again", short(t))

    # Managers change fields.
    st, t = ctl.patch(X("/tasks/%d" % T["t2"]), {
        "title": "Chuẩn bị bản đồ tác chiến (bổ sung)", "due": "N-2",
        "assignee_body": "bchqs-xa", "description": "Tỷ lệ 1:25.000"})
    C.status((st, t), 200, "controller changes T2's title, due, assignee")
    C.check(isinstance(t, dict) and
            t.get("title") == "Chuẩn bị bản đồ tác chiến (bổ sung)" and
            t.get("due") == "N-2" and t.get("due_ms") == N_EPOCH - 2 * DAY
            and t.get("assignee", {}).get("kind") == "body" and
            t["assignee"].get("id") == "bchqs-xa" and
            t.get("description") == "Tỷ lệ 1:25.000" and
            t.get("status") == "doing",
            "T2 changed as asked, status kept", short(t))

    # Cycles.
    st, ta = d.post(X("/tasks"), {"title": "A", "assignee_body": "bdd",
                                  "due": "N-30"})
    st2, tb = d.post(X("/tasks"), {"title": "B", "assignee_body": "bdd",
                                   "due": "N-29", "depends_on": [ta["id"]]})
    st3, tc = d.post(X("/tasks"), {"title": "C", "assignee_body": "bdd",
                                   "due": "N-28", "depends_on": [tb["id"]]})
    C.check((st, st2, st3) == (201, 201, 201),
            "tasks A <- B <- C created", (st, st2, st3))
    S["t"].update(ta=ta["id"], tb=tb["id"], tc=tc["id"])
    snap = tasks_of("dir")["tasks"]
    C.error(d.patch(X("/tasks/%d" % ta["id"]), {"depends_on": [tb["id"]]}),
            422, "dependency_cycle", "A depends on B (B depends on A)")
    C.error(d.patch(X("/tasks/%d" % ta["id"]), {"depends_on": [tc["id"]]}),
            422, "dependency_cycle", "A depends on C (C -> B -> A)")
    C.error(d.patch(X("/tasks/%d" % ta["id"]), {"depends_on": [ta["id"]]}),
            422, "dependency_cycle", "A depends on itself")
    C.error(d.patch(X("/tasks/%d" % ta["id"]), {"depends_on": [77777]}),
            400, "bad_request", "A depends on an unknown task")
    C.error(d.patch(X("/tasks/%d" % ta["id"]), {"due": "hôm qua"}),
            400, "bad_request", "PATCH an unreadable due")
    C.error(d.patch(X("/tasks/%d" % ta["id"]), {"assignee_person": "ai"}),
            400, "bad_request", "PATCH an unknown person")
    C.check(tasks_of("dir")["tasks"] == snap,
            "the refused cycles changed nothing")
    st, t = d.patch(X("/tasks/%d" % tc["id"]), {"depends_on": [ta["id"],
                                                               tb["id"]]})
    C.check(st == 200 and t.get("depends_on") == [ta["id"], tb["id"]] and
            t.get("blocked") is True,
            "C may depend on A and B (no cycle)", short(t))

    # Comments and attachments.
    data = "Danh sách thành phần dự họp.\n".encode("utf-8")
    st, att = upload_att("dir", data, "thành phần.txt")
    C.status((st, att), 201, "director uploads an attachment")
    S["att_dir"], S["att_dir_data"] = att["id"], data
    st, cm = d.post(X("/tasks/%d/comments" % T["t1"]), {
        "text": "Đề nghị UBND xã rà soát theo danh sách đính kèm.",
        "attachments": [att["id"]]})
    C.status((st, cm), 201, "director comments on T1 with the attachment")
    C.check(isinstance(cm, dict) and isinstance(cm.get("id"), int) and
            cm.get("user") == {"id": W.uid("dir"),
                               "name": "Người dùng dir"} and
            cm.get("text") == "Đề nghị UBND xã rà soát theo danh sách "
            "đính kèm." and isinstance(cm.get("at_ms"), int) and
            cm.get("attachments") == [{
                "id": att["id"], "name": "thành phần.txt",
                "mime": att["mime"], "size": len(data)}],
            "201 Comment {id, user, text, at_ms, attachments [Attachment]}",
            short(cm))
    st, hdrs, got = c("pb").raw("GET", X("/attachments/%d" % att["id"]))
    C.check(st == 200 and got == data,
            "player B (the body's player) reads the comment's attachment",
            "%s" % st)
    st, hdrs, got = c("pa").raw("GET", X("/attachments/%d" % att["id"]))
    body = json.loads(got) if got[:1] == b"{" else got
    C.error((st, body), 404, "not_found",
            "player A (another body) reads the comment's attachment")
    st, hdrs, got = c("ob").raw("GET", X("/attachments/%d" % att["id"]))
    C.check(st == 403, "the observer may not read attachments", st)
    pdata = "Biên bản rà soát.\n".encode("utf-8")
    st, patt = upload_att("pb", pdata, "biên bản.txt")
    C.status((st, patt), 201, "player B uploads an attachment")
    st, cm2 = pb.post(X("/tasks/%d/comments" % T["t1"]), {
        "text": "Đã rà soát xong, gửi biên bản.",
        "attachments": [patt["id"]]})
    C.status((st, cm2), 201, "player B comments on T1 with its attachment")
    C.error(pb.post(X("/tasks/%d/comments" % T["t1"]), {
        "text": "x", "attachments": [att["id"]]}), 400, "bad_request",
        "player B attaches the director's upload")
    C.error(pa.post(X("/tasks/%d/comments" % T["t1"]), {"text": "x"}),
            404, "not_found", "player A comments on a task it cannot see")
    C.error(c("ob").post(X("/tasks/%d/comments" % T["t1"]), {"text": "x"}),
            403, "forbidden", "the observer comments")
    C.error(pb.post(X("/tasks/%d/comments" % T["t1"]), {"text": ""}),
            400, "bad_request", "an empty comment")
    C.error(pb.post(X("/tasks/%d/comments" % T["t1"]), {}),
            400, "bad_request", "a comment without text")
    st, cm3 = c("ev").post(X("/tasks/%d/comments" % T["t1"]),
                           {"text": "Ghi nhận."})
    C.status((st, cm3), 201, "the evaluator comments")
    st, cm4 = pa.post(X("/tasks/%d/comments" % T["t2"]),
                      {"text": "Đang in bản đồ."})
    C.status((st, cm4), 201, "player A comments on T2 (its person's)")
    t1 = task(T["t1"], "ob")
    got = [(k["user"]["id"], k["text"], [a["id"] for a in k["attachments"]])
           for k in (t1 or {}).get("comments", [])]
    C.check(got == [(W.uid("dir"), "Đề nghị UBND xã rà soát theo danh sách "
                     "đính kèm.", [att["id"]]),
                    (W.uid("pb"), "Đã rà soát xong, gửi biên bản.",
                     [patt["id"]]),
                    (W.uid("ev"), "Ghi nhận.", [])],
            "the observer reads T1's 3 comments in order with attachments",
            got)
    ids = [k["id"] for k in (t1 or {}).get("comments", [])]
    C.check(ids == sorted(set(ids)), "comment ids increase", ids)
    st, hdrs, got = c("pb").raw("GET", X("/attachments/%d" % patt["id"]))
    C.check(st == 200 and got == pdata, "player B reads its own attachment")
    st, hdrs, got = c("pa").raw("GET", X("/attachments/%d" % patt["id"]))
    C.check(st == 404, "player A cannot read player B's attachment", st)
    # An attachment on the task itself.
    st, t = d.patch(X("/tasks/%d" % T["t5"]), {"attachments": [att["id"]]})
    C.check(st == 200 and [a["id"] for a in t.get("attachments", [])] ==
            [att["id"]], "director attaches a file to T5", short(t))
    S["comments_t1"] = ids
    # Every change is in the audit trail: 8 tasks created, 10 changes,
    # 4 comments, 2 uploads answered 2xx above.
    au = [a for a in all_audit() if a["seq"] > audit0 and
          a.get("exercise") == S["x"] and 200 <= a.get("status", 0) < 300]
    C.check(len(au) == 24, "the audit trail has the 24 changes made to "
            "tasks (creations, changes, comments, uploads)",
            [(a.get("action"), a.get("status")) for a in au])


# --------------------------------------------------------------------------
# 2. The document workflow

TEXT1 = "\n".join([
    "KẾ HOẠCH TỔ CHỨC DIỄN TẬP",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Nâng cao năng lực lãnh đạo của Đảng ủy.",
    "2. Kiểm tra cơ chế điều hành của UBND xã.",
    "3. Rèn luyện lực lượng dân quân.",
    "II. THÀNH PHẦN",
    "- Ban Chỉ đạo, Ban Tổ chức.",
    "- Ban Chỉ huy quân sự xã.",
    "III. THỜI GIAN",
    "Ngày N = 15/3/2035.",
    "IV. TỔ CHỨC THỰC HIỆN",
    "Giao Ban CHQS xã chủ trì.",
]) + "\n"
# v2: line 4 changed, line 8 removed, two lines added after line 10.
LINES2 = TEXT1.splitlines()
LINES2[3] = "2. Kiểm tra cơ chế điều hành, quản lý của UBND xã."
del LINES2[7]
LINES2[9:9] = ["Địa điểm: trụ sở UBND xã.", "Thời gian: 2 ngày."]
TEXT2 = "\n".join(LINES2) + "\n"
DOC = "kh-dien-tap"           # owner ubnd-xa: pb is its body's player
ROLES_ALL = ("dir", "ctl", "ev", "ob", "pa", "pb")


def check_allowed(d, expected, what):
    """expected: who -> set of steps, or None for 404."""
    for who, steps in expected.items():
        st, body = doc(d, who)
        if steps is None:
            C.check(st == 404, "%s: %s cannot see %s (404)" % (what, who, d),
                    st)
            continue
        got = sorted(body.get("allowed", [])) if isinstance(body, dict) \
            else body
        C.check(st == 200 and got == sorted(steps),
                "%s: allowed for %s = %s" % (what, who, sorted(steps)),
                "%s %s" % (st, got))


def expect_forbidden(d, who_codes, call, what):
    for who, status in who_codes.items():
        code = {403: "forbidden", 404: "not_found"}[status]
        C.error(call(who), status, code, "%s by %s" % (what, who))


def step_documents(srv):
    d = c("dir")
    S["hist"] = []          # (step, from, to, user, reason, version)
    S["doc_ok_steps"] = 0

    def ok(resp, step, frm, to, who, reason=None, version=None):
        S["hist"].append((step, frm, to, W.uid(who), reason, version))
        S["doc_ok_steps"] += 1

    st, lst = d.get(X("/documents"))
    C.status((st, lst), 200, "GET documents")
    one = [x for x in lst if x.get("id") == DOC][0] if isinstance(
        lst, list) else {}
    C.check(one.get("versions") == 0 and one.get("workflow_status") ==
            "draft", "GET documents gives versions (count 0) and "
            "workflow_status draft", short(one))
    st, body = doc(DOC, "pb")
    C.status((st, body), 200, "owner body player reads the draft document")
    keys = {"id", "title", "type", "owner", "due", "status",
            "classification", "workflow_status", "versions", "history",
            "allowed"}
    C.check(isinstance(body, dict) and keys <= set(body),
            "document detail has {list fields, workflow_status, versions, "
            "history, allowed}", short(body))
    lf = ("id", "title", "type", "owner", "due", "status",
          "classification", "issued_at", "to")
    C.check(isinstance(body, dict) and
            {k: body.get(k) for k in lf} == {k: one.get(k) for k in lf},
            "the detail's list fields equal the list's (%s)" % ", ".join(lf),
            "detail %s list %s" % (
                short({k: body.get(k) for k in lf}) if isinstance(
                    body, dict) else body, short({k: one.get(k)
                                                  for k in lf})))
    C.check(isinstance(body, dict) and body.get("workflow_status") ==
            "draft" and body.get("versions") == [] and
            body.get("history") == [] and body.get("owner") == "ubnd-xa",
            "a new document: draft, no versions, no history", short(body))
    check_allowed(DOC, {"dir": {"version"}, "ctl": {"version"},
                        "pb": {"version"}, "ev": set(), "ob": set(),
                        "pa": None}, "draft without versions")
    C.error(wf("ctl", DOC, "appraise"), 409, "workflow",
            "appraising a document without a version")
    C.error(wf("dir", DOC, "approve"), 409, "workflow",
            "approving a draft")
    C.error(wf("dir", DOC, "issue"), 409, "workflow", "issuing a draft")
    C.error(wf("dir", DOC, "return", "Chưa đạt"), 409, "workflow",
            "returning a draft")

    # Version 1 and 2 by the owner body's player.
    pb = c("pb")
    expect_forbidden(DOC, {"ev": 403, "ob": 403, "pa": 404},
                     lambda w: c(w).post(X("/documents/%s/versions" % DOC),
                                         {"text": "x"}), "a version")
    C.error(W.admin.post(X("/documents/%s/versions" % DOC), {"text": "x"}),
            403, "forbidden", "a version by an unassigned administrator")
    st, v1 = pb.post(X("/documents/%s/versions" % DOC),
                     {"text": TEXT1, "note": "Bản dự thảo lần 1"})
    C.status((st, v1), 201, "player B posts version 1")
    C.check(isinstance(v1, dict) and v1.get("n") == 1 and
            v1.get("user") == {"id": W.uid("pb"), "name": "Người dùng pb"}
            and v1.get("note") == "Bản dự thảo lần 1" and
            v1.get("size") == len(TEXT1.encode("utf-8")) and
            isinstance(v1.get("at_ms"), int) and v1.get("attachments") == [],
            "201 {n 1, user, at_ms, note, size (bytes), attachments}",
            short(v1))
    ok(v1, "version", "draft", "draft", "pb", None, 1)
    adata = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    st, att = upload_att("pb", adata, "phụ lục.pdf", "application/pdf")
    C.status((st, att), 201, "player B uploads a PDF appendix")
    st, v2 = pb.post(X("/documents/%s/versions" % DOC), {
        "text": TEXT2, "note": "Sửa theo ý kiến BCHQS",
        "attachments": [att["id"]] if isinstance(att, dict) else []})
    C.status((st, v2), 201, "player B posts version 2 with an attachment")
    C.check(isinstance(v2, dict) and v2.get("n") == 2 and
            [a.get("id") for a in v2.get("attachments", [])] ==
            [att.get("id")], "version 2: n 2, the attachment", short(v2))
    ok(v2, "version", "draft", "draft", "pb", None, 2)
    S["doc_att"] = att.get("id")
    st, hdrs, got = c("pa").raw("GET", X("/attachments/%s" % att.get("id")))
    C.check(st == 404, "player A (another body) cannot read the draft's "
            "attachment", st)
    st, hdrs, got = c("dir").raw("GET", X("/attachments/%s" % att.get("id")))
    C.check(st == 200 and got == adata, "the director reads it", st)

    for n, text in ((1, TEXT1), (2, TEXT2)):
        st, v = pb.get(X("/documents/%s/versions/%d" % (DOC, n)))
        C.check(st == 200 and v.get("n") == n and v.get("text") == text,
                "GET version %d gives its text" % n, short(v))
    for bad in ("3", "0", "-1", "abc", "1.0"):
        C.error(pb.get(X("/documents/%s/versions/%s" % (DOC, bad))), 404,
                "not_found", "GET version %s" % bad)
    C.error(c("pa").get(X("/documents/%s/versions/1" % DOC)), 404,
            "not_found", "player A reads a version of another body's draft")

    # The diff.
    st, df = pb.get(X("/documents/%s/diff?from=1&to=2" % DOC))
    C.status((st, df), 200, "GET diff 1 -> 2")
    if isinstance(df, dict):
        lines = [ln for h in df.get("hunks", []) for ln in h.get("lines", [])]
        minus = [ln["text"].rstrip("\n") for ln in lines if ln["op"] == "-"]
        plus = [ln["text"].rstrip("\n") for ln in lines if ln["op"] == "+"]
        old = TEXT1.splitlines()
        new = TEXT2.splitlines()
        C.check(df.get("from") == 1 and df.get("to") == 2 and
                df.get("added") == 3 and df.get("removed") == 2,
                "diff: from 1, to 2, added 3, removed 2", short(df))
        C.check(sorted(minus) == sorted([old[3], old[7]]),
                "removed lines are old line 4 and line 8", minus)
        C.check(sorted(plus) == sorted([new[3], new[9], new[10]]),
                "added lines are the new line 4 and the two new lines",
                plus)
        C.check(all(old[ln["old"] - 1] == ln["text"].rstrip("\n")
                    for ln in lines if ln["op"] in ("-", " ")) and
                all(new[ln["new"] - 1] == ln["text"].rstrip("\n")
                    for ln in lines if ln["op"] in ("+", " ")),
                "every diff line's old/new number points at its text")
        C.check(all(set(h) >= {"old_start", "old_count", "new_start",
                               "new_count", "lines"}
                    for h in df.get("hunks", [])) and df.get("hunks"),
                "hunks {old_start, old_count, new_start, new_count, lines}")
    st, rv = pb.get(X("/documents/%s/diff?from=2&to=1" % DOC))
    C.check(st == 200 and rv.get("added") == 2 and rv.get("removed") == 3,
            "diff 2 -> 1: added 2, removed 3", short(rv))
    st, same = pb.get(X("/documents/%s/diff?from=2&to=2" % DOC))
    C.check(st == 200 and same.get("added") == 0 and
            same.get("removed") == 0 and same.get("hunks") == [],
            "diff 2 -> 2: nothing", short(same))
    for q in ("from=0&to=2", "from=1&to=3", "from=abc&to=2",
              "from=1x&to=2", "from=-1&to=2", "from=&to=2"):
        C.error(pb.get(X("/documents/%s/diff?%s" % (DOC, q))), 400,
                "bad_request", "diff?%s" % q)
    C.error(c("pa").get(X("/documents/%s/diff?from=1&to=2" % DOC)), 404,
            "not_found", "player A diffs another body's draft")
    check_allowed(DOC, {"dir": {"version", "appraise"},
                        "ctl": {"version", "appraise"}, "pb": {"version"},
                        "ev": set(), "ob": set(), "pa": None},
                  "draft with versions")

    # Appraise: controller (and director).
    expect_forbidden(DOC, {"pb": 403, "ev": 403, "ob": 403, "pa": 404},
                     lambda w: wf(w, DOC, "appraise"), "appraise")
    st, body = wf("ctl", DOC, "appraise")
    C.status((st, body), 200, "the controller appraises")
    C.check(isinstance(body, dict) and body.get("workflow_status") ==
            "appraised" and body.get("id") == DOC and
            len(body.get("versions", [])) == 2,
            "200 answers the document, appraised", short(body))
    ok(body, "appraise", "draft", "appraised", "ctl")
    check_allowed(DOC, {"dir": {"version", "approve", "return"},
                        "ctl": {"version", "return"}, "pb": {"version"},
                        "ev": set(), "ob": set(), "pa": None}, "appraised")
    expect_forbidden(DOC, {"ev": 403, "ob": 403, "pa": 404},
                     lambda w: c(w).post(X("/documents/%s/versions" % DOC),
                                         {"text": "x"}),
                     "a version of the appraised document")
    C.error(wf("ctl", DOC, "appraise"), 409, "workflow",
            "appraising an appraised document")
    C.error(wf("dir", DOC, "issue"), 409, "workflow",
            "issuing an appraised document")
    # A new version of an appraised document takes it back to draft.
    st, v3 = d.post(X("/documents/%s/versions" % DOC),
                    {"text": TEXT2 + "V. KINH PHÍ\n"})
    C.status((st, v3), 201, "the director posts version 3 (appraised)")
    ok(v3, "version", "appraised", "draft", "dir", None, 3)
    st, body = doc(DOC)
    C.check(body.get("workflow_status") == "draft",
            "a new version takes it back to draft", body.get(
                "workflow_status"))
    st, v4 = c("ctl").post(X("/documents/%s/versions" % DOC),
                           {"text": TEXT2 + "V. KINH PHÍ\nDo ngân sách xã "
                            "bảo đảm.\n", "note": "Bổ sung kinh phí"})
    C.status((st, v4), 201, "the controller posts version 4")
    ok(v4, "version", "draft", "draft", "ctl", None, 4)
    st, body = wf("dir", DOC, "appraise")
    C.status((st, body), 200, "the director appraises")
    ok(body, "appraise", "draft", "appraised", "dir")
    # Return: with a reason only.
    expect_forbidden(DOC, {"pb": 403, "ev": 403, "ob": 403, "pa": 404},
                     lambda w: wf(w, DOC, "return", "Không đồng ý"),
                     "return")
    C.error(wf("ctl", DOC, "return"), 400, "bad_request",
            "return without a reason")
    C.error(wf("ctl", DOC, "return", ""), 400, "bad_request",
            "return with an empty reason")
    st, body = doc(DOC)
    C.check(body.get("workflow_status") == "appraised",
            "refused returns left it appraised")
    st, body = wf("ctl", DOC, "return", "Thiếu phần hiệp đồng")
    C.status((st, body), 200, "the controller returns it with a reason")
    C.check(isinstance(body, dict) and body.get("workflow_status") ==
            "draft", "returned to draft", short(body))
    ok(body, "return", "appraised", "draft", "ctl", "Thiếu phần hiệp đồng")
    st, body = wf("ctl", DOC, "appraise")
    C.status((st, body), 200, "the controller appraises again")
    ok(body, "appraise", "draft", "appraised", "ctl")
    # Approve: the director only.
    rd0 = readiness()
    expect_forbidden(DOC, {"ctl": 403, "pb": 403, "ev": 403, "ob": 403,
                           "pa": 404},
                     lambda w: wf(w, DOC, "approve"), "approve")
    st, body = wf("dir", DOC, "approve")
    C.status((st, body), 200, "the director approves")
    C.check(isinstance(body, dict) and body.get("workflow_status") ==
            "approved", "approved", short(body))
    ok(body, "approve", "appraised", "approved", "dir")
    rd1 = readiness()
    C.check(rd1["overall"]["documents_pending"] ==
            rd0["overall"]["documents_pending"] - 1 and
            row_sum(rd1, "ubnd-xa", "documents_pending") ==
            row_sum(rd0, "ubnd-xa", "documents_pending") - 1,
            "readiness: documents_pending drops by one (overall and "
            "ubnd-xa) when the document is approved",
            (rd0["overall"], rd1["overall"]))
    check_allowed(DOC, {"dir": {"issue", "return"}, "ctl": {"return"},
                        "pb": {"issue"}, "ev": set(), "ob": set(),
                        "pa": None}, "approved")
    for who in ("pb", "dir", "ctl"):
        C.error(c(who).post(X("/documents/%s/versions" % DOC),
                            {"text": "sửa sau khi thông qua"}),
                409, "workflow", "a new version by %s after approval" % who)
    C.error(wf("dir", DOC, "approve"), 409, "workflow",
            "approving an approved document")
    C.error(wf("ctl", DOC, "appraise"), 409, "workflow",
            "appraising an approved document")
    expect_forbidden(DOC, {"pb": 403, "ev": 403, "ob": 403, "pa": 404},
                     lambda w: wf(w, DOC, "return", "Không đồng ý"),
                     "return of the approved document")
    st, body = wf("dir", DOC, "return", "Cần xin ý kiến Ban Chỉ đạo")
    C.status((st, body), 200, "the director returns the approved document")
    ok(body, "return", "approved", "draft", "dir",
       "Cần xin ý kiến Ban Chỉ đạo")
    st, body = wf("dir", DOC, "appraise")
    C.status((st, body), 200, "the director appraises")
    ok(body, "appraise", "draft", "appraised", "dir")
    st, body = wf("dir", DOC, "approve", "Đồng ý")
    C.status((st, body), 200, "the director approves (with a remark)")
    ok(body, "approve", "appraised", "approved", "dir", "Đồng ý")
    # Issue: the owner body's player (or the director).
    C.check(doc(DOC, "pa")[0] == 404,
            "player A still cannot see the approved (not issued) document")
    expect_forbidden(DOC, {"ctl": 403, "ev": 403, "ob": 403, "pa": 404},
                     lambda w: wf(w, DOC, "issue"), "issue")
    st, body = wf("pb", DOC, "issue")
    C.status((st, body), 200, "player B (owner body) issues")
    C.check(isinstance(body, dict) and body.get("workflow_status") ==
            "issued", "issued", short(body))
    ok(body, "issue", "approved", "issued", "pb")
    check_allowed(DOC, {"dir": set(), "ctl": set(), "pb": set(),
                        "ev": set(), "ob": set(), "pa": set()}, "issued")
    st, body = doc(DOC, "pa")
    C.check(st == 200 and body.get("workflow_status") == "issued",
            "player A sees the document once issued", short(body))
    st, v = c("pa").get(X("/documents/%s/versions/2" % DOC))
    C.check(st == 200 and v.get("text") == TEXT2,
            "player A reads version 2 of the issued document", st)
    st, hdrs, got = c("pa").raw("GET", X("/attachments/%s" % S["doc_att"]))
    C.check(st == 200 and got == adata,
            "player A reads the issued document's attachment", st)
    for who in ("pb", "dir"):
        C.error(c(who).post(X("/documents/%s/versions" % DOC),
                            {"text": "x"}), 409, "workflow",
                "a version of an issued document by %s" % who)
    C.error(wf("dir", DOC, "issue"), 409, "workflow", "issuing it again")
    C.error(wf("dir", DOC, "return", "x"), 409, "workflow",
            "returning an issued document")
    C.error(wf("dir", DOC, "publish"), 400, "bad_request",
            "an unknown step")

    # The history.
    st, body = doc(DOC, "ob")
    hist = body.get("history", []) if isinstance(body, dict) else []
    got = [(h.get("step"), h.get("from"), h.get("to"),
            (h.get("user") or {}).get("id"), h.get("reason"),
            h.get("version")) for h in hist]
    C.check(got == S["hist"], "history records every step with from, to, "
            "user, reason and version", "got %s want %s" % (got, S["hist"]))
    C.check(all(isinstance(h.get("at_ms"), int) and
                isinstance((h.get("user") or {}).get("name"), str)
                for h in hist) and
            [h["at_ms"] for h in hist] == sorted(h["at_ms"] for h in hist),
            "history entries have at_ms (in order) and user {id, name}")
    vs = body.get("versions", []) if isinstance(body, dict) else []
    C.check([(v.get("n"), (v.get("user") or {}).get("id"), v.get("note"))
             for v in vs] == [(1, W.uid("pb"), "Bản dự thảo lần 1"),
                              (2, W.uid("pb"), "Sửa theo ý kiến BCHQS"),
                              (3, W.uid("dir"), ""),
                              (4, W.uid("ctl"), "Bổ sung kinh phí")],
            "every version is kept with its author and note",
            [(v.get("n"), v.get("note")) for v in vs])
    st, lst = d.get(X("/documents"))
    one = [x for x in lst if x.get("id") == DOC][0] if isinstance(
        lst, list) else {}
    C.check(one.get("versions") == 4 and one.get("workflow_status") ==
            "issued", "GET documents: versions 4, workflow_status issued",
            short(one))
    # The audit trail: one entry per step.
    au = [a for a in all_audit()
          if (a.get("detail") or {}).get("document") == DOC and
          a.get("exercise") == S["x"] and a.get("status") in (200, 201)]
    C.check(len(au) == S["doc_ok_steps"] == len(S["hist"]),
            "the audit trail has one entry per successful step (%d)" %
            S["doc_ok_steps"], [(a.get("action"),
                                 a.get("detail")) for a in au])
    C.check([a.get("user") for a in au] == [h[3] for h in S["hist"]],
            "audit entries name the user of each step",
            [a.get("user_name") for a in au])
    C.check([(a.get("detail") or {}).get("step", "version") for a in au] ==
            [h[0] for h in S["hist"]], "audit entries in step order",
            [(a.get("detail") or {}).get("step") for a in au])

    # Classified: kh-phong-thu (Mật) is 404 to the uncleared.
    for who in ("ctl", "pb"):
        C.error(doc("kh-phong-thu", who), 404, "not_found",
                "the Mật document for uncleared %s" % who)
        C.error(c(who).post(X("/documents/kh-phong-thu/versions"),
                            {"text": "x"}), 404, "not_found",
                "a version of the Mật document by uncleared %s" % who)
        C.error(wf(who, "kh-phong-thu", "appraise"), 404, "not_found",
                "a step on the Mật document by uncleared %s" % who)
        st, lst = c(who).get(X("/documents"))
        C.check(st == 200 and "kh-phong-thu" not in
                [x.get("id") for x in lst],
                "the Mật document is not in %s's list" % who)
    for who in ("pa", "dir", "ev", "ob"):
        C.check(doc("kh-phong-thu", who)[0] == 200,
                "the Mật document for cleared %s" % who)
    # Another body's draft: 404 to a player; issued ones visible.
    C.error(doc("bc-chuan-bi", "pb"), 404, "not_found",
            "player B reads a draft of bchqs-xa")
    st, body = doc("qd-thanh-lap", "pa")
    C.check(st == 200 and body.get("workflow_status") == "issued" and
            body.get("allowed") == [],
            "player A reads ubnd-xa's document issued in the plan", short(body))
    C.error(doc("khong-co"), 404, "not_found", "an unknown document")

    # The director takes bc-chuan-bi all the way and issues it.
    C.error(wf("dir", "bc-chuan-bi", "appraise"), 409, "workflow",
            "appraise bc-chuan-bi without a version")
    st, v = d.post(X("/documents/bc-chuan-bi/versions"),
                   {"text": "BÁO CÁO\nKết quả chuẩn bị.\n"})
    C.status((st, v), 201, "the director posts bc-chuan-bi version 1")
    C.status(wf("ctl", "bc-chuan-bi", "appraise"), 200,
             "controller appraises bc-chuan-bi")
    C.status(wf("dir", "bc-chuan-bi", "approve"), 200,
             "director approves bc-chuan-bi")
    st, body = wf("dir", "bc-chuan-bi", "issue")
    C.status((st, body), 200, "the director issues bc-chuan-bi")
    C.check(isinstance(body, dict) and body.get("workflow_status") ==
            "issued" and [h.get("step") for h in body.get("history", [])]
            == ["version", "appraise", "approve", "issue"],
            "bc-chuan-bi issued, history version/appraise/approve/issue",
            short(body))
    C.check(doc("bc-chuan-bi", "pb")[0] == 200,
            "player B sees bc-chuan-bi once issued")


# --------------------------------------------------------------------------
# 3. Rehearsals and findings

def run_events(who, x):
    return W.events(who, x=x)


def step_rehearsals(srv):
    d = c("dir")
    S["ex_events"] = W.events("dir")
    S["ex_log"] = d.raw("GET", X("/log"))[:3:2]
    body = {"kind": "luyen-tap-co-che", "phases": ["gd-2"]}
    for who in ("ctl", "ev", "ob", "pa", "pb"):
        C.error(c(who).post(X("/rehearsals"), body), 403, "forbidden",
                "%s sets up a rehearsal" % who)
    C.error(W.admin.post(X("/rehearsals"), body), 403, "forbidden",
            "an unassigned administrator sets up a rehearsal")
    for what, bad in (("unknown kind", {"kind": "tap-duot"}),
                      ("unknown phase", {"kind": "luyen-tap-co-che",
                                         "phases": ["gd-9"]}),
                      ("phases as a string", {"kind": "luyen-tap-co-che",
                                              "phases": "gd-2"}),
                      ("no kind", {"phases": ["gd-2"]}),
                      ("unknown field", {"kind": "tong-duyet",
                                         "round": 3})):
        C.error(d.post(X("/rehearsals"), bad), 400, "bad_request",
                "rehearsal with %s" % what)
    C.check(d.get(X("/rehearsals"))[1] == [],
            "no rehearsal created by the refused requests")
    st, r1 = d.post(X("/rehearsals"), body)
    C.status((st, r1), 201, "director sets up luyen-tap-co-che (gd-2)")
    keys = {"id", "kind", "kind_label", "round", "name", "phases", "status",
            "clock", "findings"}
    C.check(isinstance(r1, dict) and keys <= set(r1),
            "rehearsal has every documented key", short(r1))
    C.check(isinstance(r1, dict) and r1.get("kind") == "luyen-tap-co-che"
            and r1.get("round") == 1 and r1.get("phases") == ["gd-2"] and
            r1.get("status") == "ready" and r1.get("findings") ==
            {"total": 0, "open": 0} and r1.get("id") not in
            (S["x"], S["other"]) and (r1.get("clock") or {}).get(
                "started") is False and r1.get("kind_label"),
            "round 1, phases [gd-2], ready, findings 0/0, its own id",
            short(r1))
    st, r2 = d.post(X("/rehearsals"), {"kind": "luyen-tap-co-che",
                                       "phases": ["gd-1", "gd-2"]})
    C.status((st, r2), 201, "a second luyen-tap-co-che")
    C.check(isinstance(r2, dict) and r2.get("round") == 2 and
            r2.get("id") != r1.get("id"), "the second is round 2",
            short(r2))
    st, r3 = d.post(X("/rehearsals"), {"kind": "dien-tap-thu"})
    C.check(st == 201 and r3.get("round") == 1 and r3.get("phases") == [],
            "a dien-tap-thu is its own round 1, phases []", short(r3))
    S["r1"], S["r2"], S["r3"] = r1["id"], r2["id"], r3["id"]
    R1 = S["r1"]
    for who in ("dir", "ctl", "ev", "ob"):
        st, lst = c(who).get(X("/rehearsals"))
        C.check(st == 200 and [r.get("id") for r in lst] ==
                [S["r1"], S["r2"], S["r3"]],
                "%s lists the 3 rehearsals in order" % who, short(lst))
    for who in ("pa", "pb"):
        C.error(c(who).get(X("/rehearsals")), 403, "forbidden",
                "%s lists rehearsals" % who)
    st, run = d.get(X("", R1))
    C.status((st, run), 200, "GET the run as an exercise")
    rh = (run or {}).get("rehearsal") if isinstance(run, dict) else None
    C.check(isinstance(rh, dict) and rh.get("of") == {
        "id": S["x"], "code": PREP_CODE,
        "name": "Diễn tập chiến đấu phòng thủ xã An Phú năm 2035 (kiểm thử "
        "chuẩn bị)"} and rh.get("kind") == "luyen-tap-co-che" and
        rh.get("round") == 1 and rh.get("phases") == ["gd-2"] and
        rh.get("kind_label") == r1.get("kind_label"),
        "the run's rehearsal: {of {id, code, name}, kind, kind_label, "
        "round, phases}", short(rh))
    st, ex = d.get(X())
    C.check(st == 200 and ex.get("rehearsal") is None,
            "the exercise itself has rehearsal null", short(ex.get(
                "rehearsal")))
    C.check(isinstance(run, dict) and run.get("name") == r1.get("name")
            and run.get("status") == "ready",
            "the run's name and status match the rehearsal's", short(run))
    # Assignments copied.
    st, a0 = W.admin.get(X("/assignments"))
    st1, a1 = W.admin.get(X("/assignments", R1))
    norm = (lambda lst: sorted((a["user"], a["kind"], tuple(a["roles"] or []))
                               for a in lst)) if st == st1 == 200 else None
    C.check(norm and norm(a0) == norm(a1),
            "the run has the exercise's assignments", short(a1))
    fresh = srv.login("pb", PW % "pb")
    st, lst = fresh.get("/api/exercises")
    C.check(st == 200 and R1 in [e.get("id") for e in lst],
            "player B, logged in anew, finds the run in its exercises",
            short(lst))
    st, rb = fresh.get(X("", R1))
    C.check(st == 200 and (rb.get("assignment") or {}).get("kind") ==
            "player" and rb["assignment"].get("roles") == ["ct-ubnd"],
            "player B sees the run with its player assignment", short(rb))
    evs = run_events("dir", R1)
    C.check(not evs, "before it starts, the run's log is empty", short(evs))
    # Start without a time: at the first chosen phase (gd-2, N 13:00).
    st, body = W.ctl("start", x=R1)
    C.status((st, body), 200, "start the run")
    clk = (body or {}).get("clock", {}) if isinstance(body, dict) else {}
    C.check(clk.get("started") is True and clk.get("running") is True and
            46800000 <= clk.get("t", 0) < 46800000 + 60000 and
            clk.get("t_text", "").startswith("N 13:00"),
            "the run starts at N 13:00 (gd-2's start)", short(clk))
    evs = run_events("dir", R1)
    rel = sorted(e["event"].get("inject") for e in evs
                 if e.get("type") == "inject.released")
    C.check(not [i for i in rel if i in ("th-01", "th-02", "th-03",
                                         "th-04")],
            "starting the run releases none of the unchosen phase's "
            "injects", rel)
    # Unchosen phases are cancelled in the run as it starts.
    evs = run_events("dir", R1)
    canc = sorted(e["event"].get("inject") for e in evs
                  if e.get("type") == "inject.cancelled")
    C.check(canc == ["th-01", "th-02", "th-03", "th-04"],
            "the run's events cancel the gd-1 injects th-01..th-04", canc)
    evs2 = run_events("dir", S["r2"])
    C.check(not [e for e in evs2 if e.get("type") == "inject.cancelled"],
            "round 2 (both phases) cancels nothing")
    st, inj = d.get(X("/injects", R1))
    stat = {i.get("id"): i.get("status") for i in inj} if isinstance(
        inj, list) else {}
    C.check(all(stat.get(k) == "cancelled" for k in
                ("th-01", "th-02", "th-03", "th-04")) and
            "cancelled" not in (stat.get("th-05"), stat.get("th-06")),
            "run injects: gd-1 ones cancelled, gd-2 ones not", stat)
    st, lst = d.get(X("/rehearsals"))
    one = [r for r in lst if r.get("id") == R1] if st == 200 else []
    C.check(one and one[0].get("status") == "running" and
            one[0]["clock"].get("started") is True,
            "the rehearsal list shows the run running", short(one))
    C.check(W.events("dir") == S["ex_events"],
            "the exercise's events are unchanged by the run")
    C.check(d.raw("GET", X("/log"))[:3:2] == S["ex_log"] and
            S["ex_log"][0] == 200,
            "the exercise's log is unchanged by the run", S["ex_log"][0])
    st, hdrs, log = d.raw("GET", X("/log", R1))
    lines = [json.loads(ln) for ln in log.decode().splitlines()] \
        if st == 200 else []
    C.check(lines and lines[0].get("type") == "exercise.started" and
            lines[0].get("t") == 46800000,
            "the run has its own log, starting at N 13:00",
            short(lines[:1]))
    st, ex = d.get(X())
    C.check(ex.get("status") == "ready" and
            ex["clock"]["started"] is False,
            "the exercise itself is still ready", short(ex.get("clock")))
    # Findings during the run.
    fb = {"text": "UBND xã chậm triển khai lực lượng bảo vệ trận địa.",
          "severity": "high", "body": "ubnd-xa", "activity": "th-05"}
    for who in ("pa", "pb", "ob"):
        C.error(c(who).post(X("/findings", R1), fb), 403, "forbidden",
                "%s records a finding" % who)
    st, f1 = c("ev").post(X("/findings", R1), fb)
    C.status((st, f1), 201, "the evaluator records a finding on the run")
    keys = {"id", "text", "severity", "body", "activity", "t", "t_text",
            "run", "user", "at_ms", "task", "status"}
    C.check(isinstance(f1, dict) and keys <= set(f1),
            "Finding has every documented key", short(f1))
    C.check(isinstance(f1, dict) and f1.get("text") == fb["text"] and
            f1.get("severity") == "high" and
            f1.get("body") == {"id": "ubnd-xa",
                               "name": "Ủy ban nhân dân xã An Phú"} and
            (f1.get("activity") or {}).get("id") == "th-05" and
            (f1.get("activity") or {}).get("title") ==
            "Địch tập kích hỏa lực vào trận địa phòng không" and
            f1.get("run") == {"id": R1, "name": r1.get("name")} and
            f1.get("user", {}).get("id") == W.uid("ev") and
            f1.get("task") is None and f1.get("status") == "open",
            "finding: text, severity, body {id, name}, activity {id, title},"
            " run {id, name}, user, task null, open", short(f1))
    C.check(isinstance(f1, dict) and isinstance(f1.get("t"), int) and
            46800000 <= f1["t"] < 46800000 + 600000 and
            str(f1.get("t_text")).startswith("N 13:0"),
            "the finding is stamped with the run's time (N 13:0x)",
            short(f1))
    st, f2 = c("ctl").post(X("/findings", R1), {
        "text": "Thông tin liên lạc giữa Ban CHQS và dân quân gián đoạn.",
        "severity": "medium", "body": "bchqs-xa"})
    C.status((st, f2), 201, "the controller records a second finding")
    st, f3 = d.post(X("/findings", S["r2"]), {"text": "Chưa có phương án "
                                              "sơ tán.", "severity": "low"})
    C.status((st, f3), 201, "the director records a finding on round 2 "
             "(not started)")
    C.check(isinstance(f3, dict) and f3.get("t") is None and
            f3.get("body") is None and f3.get("activity") is None,
            "before the run starts: t null; no body, no activity",
            short(f3))
    st, f4 = c("ev").post(X("/findings"), {"text": "Hồ sơ văn kiện chưa "
                                           "đầy đủ.", "severity": "medium",
                                           "body": "bchqs-xa"})
    C.status((st, f4), 201, "a finding on the exercise itself")
    S["f"] = {"f1": f1["id"], "f2": f2["id"], "f3": f3["id"],
              "f4": f4["id"]}
    for what, bad in (("severity critical", dict(fb, severity="critical")),
                      ("no severity", {"text": "x"}),
                      ("empty text", dict(fb, text="")),
                      ("unknown body", dict(fb, body="khong-co")),
                      ("unknown activity", dict(fb, activity="th-99"))):
        C.error(c("ev").post(X("/findings", R1), bad), 400, "bad_request",
                "finding with %s" % what)
    # Lists.
    def fids(who, x):
        st, lst = c(who).get(X("/findings", x))
        return [f.get("id") for f in lst] if st == 200 else st
    F = S["f"]
    C.check(fids("dir", R1) == [F["f1"], F["f2"]],
            "the run lists its two findings", fids("dir", R1))
    C.check(fids("ob", S["r2"]) == [F["f3"]],
            "round 2 lists its own finding only", fids("ob", S["r2"]))
    C.check(fids("ev", S["x"]) == [F["f1"], F["f2"], F["f3"], F["f4"]],
            "the exercise lists every rehearsal's findings and its own",
            fids("ev", S["x"]))
    for who in ("pa", "pb"):
        C.error(c(who).get(X("/findings")), 403, "forbidden",
                "%s lists findings" % who)
    st, lst = d.get(X("/rehearsals"))
    C.check([r.get("findings") for r in lst] ==
            [{"total": 2, "open": 2}, {"total": 1, "open": 1},
             {"total": 0, "open": 0}],
            "rehearsals count their findings", short(lst))
    # Into a task.
    tb = {"assignee_body": "ubnd-xa", "due": "N-7"}
    for who in ("ev", "pb", "ob"):
        C.error(c(who).post(X("/findings/%d/task" % F["f1"]), tb), 403,
                "forbidden", "%s turns a finding into a task" % who)
    C.error(d.post(X("/findings/%d/task" % F["f1"]), {"due": "N-7"}),
            400, "bad_request", "finding to task without an assignee")
    C.error(d.post(X("/findings/%d/task" % F["f1"]),
                   {"assignee_body": "ubnd-xa", "due": "mai"}),
            400, "bad_request", "finding to task with a bad due")
    C.error(d.post(X("/findings/%d/task" % F["f1"], S["r2"]), tb), 404,
            "not_found", "turning run 1's finding into a task from round 2")
    st, ft = d.post(X("/findings/%d/task" % F["f1"]), tb)
    C.status((st, ft), 201, "the director turns the finding into a task")
    C.check(ok_task_shape(ft) and ft.get("finding") == F["f1"] and
            ft.get("assignee", {}).get("id") == "ubnd-xa" and
            ft.get("due") == "N-7" and ft.get("due_ms") == N_EPOCH - 7 * DAY
            and ft.get("status") == "open" and ft.get("title"),
            "the Task records the finding, with the owner and due",
            short(ft))
    S["t"]["f1"] = ft["id"]
    st, lst = d.get(X("/findings", R1))
    f = [x for x in lst if x.get("id") == F["f1"]][0]
    C.check(f.get("status") == "task" and f.get("task") == ft["id"],
            "the finding's status is task, task = the task's id", short(f))
    C.error(d.post(X("/findings/%d/task" % F["f1"]), tb), 409, "conflict",
            "turning the finding into a task again")
    C.error(c("ctl").post(X("/findings/%d/task" % F["f1"], R1), tb), 409,
            "conflict", "... again, from the run, by the controller")
    st, ft2 = c("ctl").post(X("/findings/%d/task" % F["f2"], R1), {
        "assignee_person": "le-van-cuong", "due": "N-6",
        "title": "Khắc phục thông tin liên lạc"})
    C.status((st, ft2), 201, "the controller turns finding 2 into a task "
             "from the run")
    C.check(isinstance(ft2, dict) and ft2.get("title") ==
            "Khắc phục thông tin liên lạc" and ft2.get("finding") ==
            F["f2"], "... with the given title", short(ft2))
    S["t"]["f2"] = ft2.get("id")
    C.check(ft["id"] in task_ids("pb") and ft["id"] not in task_ids("pa"),
            "the finding's task is player B's (ubnd-xa), not player A's")
    st, t = c("pb").patch(X("/tasks/%d" % ft["id"]), {"status": "done"})
    C.status((st, t), 200, "player B marks the finding's task done")
    st, lst = d.get(X("/findings"))
    f = [x for x in lst if x.get("id") == F["f1"]][0]
    C.check(f.get("status") == "resolved", "the finding is resolved",
            short(f))
    st, lst = d.get(X("/rehearsals"))
    C.check(lst[0].get("findings") == {"total": 2, "open": 1},
            "run 1 now has 2 findings, 1 open", short(lst[0]))
    C.check(W.events("dir") == S["ex_events"],
            "the exercise's events are still unchanged")


# --------------------------------------------------------------------------
# 4. The readiness board

def step_readiness(srv):
    for who in ("pa", "pb"):
        C.error(c(who).get(X("/readiness")), 403, "forbidden",
                "%s reads the readiness board" % who)
    C.error(W.admin.get(X("/readiness")), 403, "forbidden",
            "an unassigned administrator reads the readiness board")
    for who in ("ob", "ev", "ctl", "dir"):
        st, body = c(who).get(X("/readiness"))
        C.status((st, body), 200, "%s reads the readiness board" % who)
    rd = readiness("ob")
    keys = {"now_ms", "n_date", "days_left", "overall", "bodies",
            "warnings", "children"}
    C.check(keys <= set(rd), "readiness has every documented key",
            sorted(set(rd)))
    summ = {"documents_pending", "tasks_open", "tasks_overdue",
            "roles_unfilled", "findings_open", "warnings"}
    C.check(set(rd["overall"]) == summ and all(
        set(r.get("summary", {})) == summ for r in rd["bodies"]),
        "Summary = {documents_pending, tasks_open, tasks_overdue, "
        "roles_unfilled, findings_open, warnings}", short(rd["overall"]))
    C.check(rd["n_date"] == "2035-03-15" and rd["days_left"] ==
            math.ceil((N_EPOCH - rd["now_ms"]) / DAY),
            "n_date 2035-03-15, days_left = days until day N",
            (rd["n_date"], rd["days_left"]))
    # Warnings: the checker's.

    r = subprocess.run([KVPT, "check", "--format", "json",
                        "fixture_prep.yaml"], cwd=HERE, capture_output=True,
                       text=True)
    want = [dg for dg in json.loads(r.stdout)["diagnostics"]
            if dg["severity"] == "warning"]
    C.check(rd["overall"]["warnings"] == len(want) == len(rd["warnings"])
            and want and [(w["rule"], w["line"], w["col"]) for w in
                          rd["warnings"]] ==
            [(w["rule"], w["line"], w["col"]) for w in want],
            "warnings = the checker's warnings on the plan (%d)" % len(want),
            (rd["overall"]["warnings"], short(rd["warnings"])))
    # Roles.
    def roles(rd):
        return sorted((r["id"], x["id"], x["missing"]) for r in rd["bodies"]
                      for x in r["roles"])
    C.check(roles(rd) == [("bdd", "tro-ly-bdd", "user"),
                          ("dang-uy-xa", "bi-thu", "user"),
                          ("ubnd-xa", "pct-ubnd", "person")],
            "unfilled roles: pct-ubnd (no person), bi-thu and tro-ly-bdd "
            "(no user); cht-qs and ct-ubnd are played", roles(rd))
    C.check(rd["overall"]["roles_unfilled"] == 3 and
            row_sum(rd, "dang-uy-xa", "roles_unfilled") == 1,
            "roles_unfilled 3 overall, 1 for dang-uy-xa", rd["overall"])
    W.assign(S["x"], "pc", "player", ["bi-thu", "pct-ubnd"])
    rd2 = readiness("ob")
    C.check(roles(rd2) == [("bdd", "tro-ly-bdd", "user"),
                           ("ubnd-xa", "pct-ubnd", "person")] and
            rd2["overall"]["roles_unfilled"] == 2,
            "once pc plays bi-thu and pct-ubnd: bi-thu filled, pct-ubnd "
            "still lacks a person", (roles(rd2), rd2["overall"]))
    C.check(row(rd2, "dang-uy-xa") is None,
            "dang-uy-xa, with nothing missing any more, is not listed",
            short(row(rd2, "dang-uy-xa")))
    # Consistency of the rows with the overall counts.
    for key, lst in (("documents_pending", "documents"),
                     ("roles_unfilled", "roles")):
        C.check(rd2["overall"][key] == sum(len(r[lst]) for r in
                                           rd2["bodies"]) ==
                sum(r["summary"][key] for r in rd2["bodies"]),
                "overall %s = the rows' %s" % (key, lst))
    C.check(all(d["id"] != "qd-co-tinh-huong" for r in rd2["bodies"]
                for d in r["documents"]),
            "a document due during the exercise is not pending")
    # Tasks: open and overdue counts follow.
    d = c("dir")
    st, ta = d.post(X("/tasks"), {"title": "Chuẩn bị hội trường",
                                  "assignee_body": "dang-uy-xa",
                                  "due": "N-2"})
    st2, tb = d.post(X("/tasks"), {"title": "Tổng hợp ý kiến",
                                   "assignee_person": "nguyen-van-an",
                                   "due": "2026-02-01"})
    C.check((st, st2) == (201, 201), "two tasks for dang-uy-xa created")
    rd3 = readiness("ob")
    o2, o3 = rd2["overall"], rd3["overall"]
    C.check(o3["tasks_open"] == o2["tasks_open"] + 2 and
            o3["tasks_overdue"] == o2["tasks_overdue"] + 1,
            "tasks_open +2, tasks_overdue +1 overall", (o2, o3))
    r = row(rd3, "dang-uy-xa") or {"summary": {}, "tasks": []}
    C.check(r["summary"].get("tasks_open") == 2 and
            r["summary"].get("tasks_overdue") == 1 and
            sorted((t["id"], t["overdue"]) for t in r["tasks"]) ==
            [(ta["id"], False), (tb["id"], True)],
            "dang-uy-xa row: both tasks (the person's through bi-thu), one "
            "overdue", short(r))
    st, t = c("pc").patch(X("/tasks/%d" % ta["id"]), {"status": "done"})
    C.status((st, t), 200, "pc (bi-thu's player) marks its task done")
    rd4 = readiness("ob")
    C.check(rd4["overall"]["tasks_open"] == o3["tasks_open"] - 1 and
            row_sum(rd4, "dang-uy-xa", "tasks_open") == 1 and
            rd4["overall"]["tasks_overdue"] == o3["tasks_overdue"],
            "a task done: tasks_open -1 (overall and row)",
            (o3, rd4["overall"]))
    # Documents: approving kh-phong-thu (Mật, due N-10) drops the count.
    pend_dir = readiness("dir")["overall"]["documents_pending"]
    pend_ctl = readiness("ctl")["overall"]["documents_pending"]
    C.check(pend_ctl == pend_dir - 1,
            "the uncleared controller's board does not count the Mật "
            "document", (pend_dir, pend_ctl))
    st, v = c("pa").post(X("/documents/kh-phong-thu/versions"),
                         {"text": "KẾ HOẠCH TÁC CHIẾN (MẬT)\n"})
    C.status((st, v), 201, "player A posts kh-phong-thu version 1")
    C.status(wf("dir", "kh-phong-thu", "appraise"), 200,
             "director appraises kh-phong-thu")
    rd5 = readiness("dir")
    C.check(rd5["overall"]["documents_pending"] == pend_dir,
            "appraised is still pending")
    C.status(wf("dir", "kh-phong-thu", "approve"), 200,
             "director approves kh-phong-thu")
    rd6 = readiness("dir")
    C.check(rd6["overall"]["documents_pending"] == pend_dir - 1 and
            row_sum(rd6, "bchqs-xa", "documents_pending") ==
            row_sum(rd5, "bchqs-xa", "documents_pending") - 1 and
            "kh-phong-thu" not in [x["id"] for x in (row(rd6, "bchqs-xa")
                                                     or {}).get(
                "documents", [])],
            "approved: documents_pending -1 and off the bchqs-xa row",
            (rd5["overall"], rd6["overall"]))
    # Findings.
    f0 = rd6["overall"]["findings_open"]
    fl = c("dir").get(X("/findings"))[1]
    want_open = sum(1 for f in fl if f["status"] != "resolved")
    C.check(f0 == want_open, "findings_open = the unresolved findings "
            "(%d)" % want_open, f0)
    st, f = c("ev").post(X("/findings"), {"text": "Thiếu phương án phòng "
                                          "không nhân dân.",
                                          "severity": "high",
                                          "body": "dang-uy-xa"})
    C.status((st, f), 201, "a finding on dang-uy-xa")
    rd7 = readiness("ob")
    r = row(rd7, "dang-uy-xa") or {"summary": {}, "findings": []}
    C.check(rd7["overall"]["findings_open"] == f0 + 1 and
            r["summary"].get("findings_open") == 1 and
            r["findings"] == [{"id": f["id"], "text": f["text"],
                               "severity": "high"}],
            "an open finding is counted (overall and its body's row)",
            (rd7["overall"], short(r)))
    st, t = c("dir").post(X("/findings/%d/task" % f["id"]),
                          {"assignee_body": "dang-uy-xa", "due": "N-1"})
    C.status((st, t), 201, "the finding into a task")
    rd8 = readiness("ob")
    C.check(rd8["overall"]["findings_open"] == f0 + 1 and
            rd8["overall"]["tasks_open"] == rd7["overall"]["tasks_open"] + 1,
            "a finding with an open task is still open; the task counts",
            rd8["overall"])
    C.status(c("pc").patch(X("/tasks/%d" % t["id"]), {"status": "done"}),
             200, "its task done")
    rd9 = readiness("ob")
    C.check(rd9["overall"]["findings_open"] == f0 and
            rd9["overall"]["tasks_open"] == rd7["overall"]["tasks_open"],
            "resolved: findings_open back, tasks_open back", rd9["overall"])
    C.check(rd9["children"] == [], "no children")


# --------------------------------------------------------------------------
# 5. Multi-level

def proj(clock, at):
    """The clock's exercise time at real time `at`."""
    if clock.get("running"):
        return clock["t"] + (at - clock["at_ms"]) * clock["speed"]
    return clock["t"]


def same_clock(what, who_p="dir", who_c="dirx"):
    st, p = c(who_p).get(X("", S["parent"]))
    st2, ch = c(who_c).get(X("", S["child"]))
    pc, cc = p["clock"], ch["clock"]
    tol = max(2000, 50 * pc.get("speed", 1))
    C.check(cc["started"] == pc["started"] and
            cc["running"] == pc["running"] and cc["ended"] == pc["ended"] and
            cc["speed"] == pc["speed"] and
            abs(proj(cc, pc["at_ms"]) - pc["t"]) <= tol,
            "%s: the child's clock is the parent's (started %s, running %s, "
            "ended %s, speed %s, t)" % (what, pc["started"], pc["running"],
                                        pc["ended"], pc["speed"]),
            "parent %s child %s" % (short(pc), short(cc)))
    return pc, cc


def rollup_child(who="dir"):
    st, ru = c(who).get(X("/rollup", S["parent"]))
    if st != 200:
        return None
    k = [x for x in ru.get("children", []) if x.get("id") == S["child"]]
    return k[0] if k else None


def step_multilevel(srv):
    with open(PARENT, encoding="utf-8") as f:
        st, p = upload_plan(W.admin, f.read(), "fixture_parent.yaml")
    C.status((st, p), 201, "upload the parent plan")
    with open(CHILD, encoding="utf-8") as f:
        st, ch = upload_plan(W.admin, f.read(), "fixture_child.yaml")
    C.status((st, ch), 201, "upload the child plan")
    S["parent"], S["child"] = p["id"], ch["id"]
    W.assign(S["parent"], "dir", "director")
    W.assign(S["parent"], "ob", "observer")
    W.assign(S["parent"], "pb", "player", ["ct-ubnd-huyen"])
    W.assign(S["child"], "dirx", "director")
    W.assign(S["child"], "pa", "player", ["ct-ubnd-hb"])
    st, pe = c("dir").get(X("", S["parent"]))
    st2, ce = c("dirx").get(X("", S["child"]))
    ref_p = {"id": S["parent"], "code": PARENT_CODE, "name":
             "Diễn tập khu vực phòng thủ huyện Hà Trung (kiểm thử nhiều cấp)"}
    ref_c = {"id": S["child"], "code": CHILD_CODE, "name":
             "Diễn tập chiến đấu phòng thủ xã Hà Bình (kiểm thử nhiều cấp)"}
    C.check(st2 == 200 and ce.get("parent") == ref_p and
            ce.get("children") == [],
            "GET child: parent {id, code, name}, children []",
            short({k: ce.get(k) for k in ("parent", "children")}))
    C.check(st == 200 and pe.get("parent") is None and
            pe.get("children") == [ref_c],
            "GET parent: parent null, children [the child]",
            short({k: pe.get(k) for k in ("parent", "children")}))
    st, x0 = c("dir").get(X())
    C.check(x0.get("parent") is None and x0.get("children") == [],
            "an exercise without a parent or children: null, []")
    # Clock operations on the child are the parent's.
    for op, body in (("start", {}), ("pause", {}), ("resume", {}),
                     ("speed", {"speed": 10}), ("jump", {"to": "N 09:00"}),
                     ("end", {})):
        C.error(W.ctl(op, body, who="dirx", x=S["child"]), 409,
                "shared_clock", "control/%s on the child" % op)
    st, ce = c("dirx").get(X("", S["child"]))
    C.check(ce["clock"]["started"] is False,
            "the child did not start on its own")
    # Rollup permissions.
    C.error(c("pb").get(X("/rollup", S["parent"])), 403, "forbidden",
            "a player of the parent reads the roll-up")
    C.status(c("ob").get(X("/rollup", S["parent"])), 200,
             "an observer of the parent reads the roll-up")
    k = rollup_child("ob")
    C.check(k is not None and set(k) >= {"id", "code", "name", "status",
                                         "clock", "injects", "expectations",
                                         "readiness"} and
            k.get("code") == CHILD_CODE and k.get("status") == "ready" and
            k.get("injects") == {"released": 0, "total": 2} and
            k.get("expectations") == {"met": 0, "late": 0, "missed": 0,
                                      "open": 0},
            "roll-up: the child, ready, injects 0/2, no expectation open",
            short(k))
    # The parent's clock drives the child.
    st, body = W.ctl("start", who="dir", x=S["parent"])
    C.status((st, body), 200, "start the parent")
    same_clock("after start")
    st, body = W.ctl("speed", {"speed": 60}, who="dir", x=S["parent"])
    C.status((st, body), 200, "speed 60 on the parent")
    same_clock("after speed 60")
    st, body = W.ctl("jump", {"to": "N 09:30"}, who="dir", x=S["parent"])
    C.status((st, body), 200, "jump the parent to N 09:30")
    pc, cc = same_clock("after the jump")
    C.check(cc["t"] >= 9.5 * HOUR, "the child is at N 09:30 or later",
            short(cc))
    st, body = W.ctl("pause", who="dir", x=S["parent"])
    C.status((st, body), 200, "pause the parent")
    pc, cc = same_clock("after pause")
    C.check(cc["running"] is False and cc["t"] == pc["t"],
            "paused: the child is stopped at the parent's exact time",
            (pc["t"], cc["t"]))
    # Release and hold stay with the child's staff.
    k0 = rollup_child()
    st, body = W.ctl("release", {"inject": "th-x2"}, who="dirx",
                     x=S["child"])
    C.status((st, body), 200, "the child's director releases th-x2")
    st, body = W.ctl("hold", {"inject": "th-x1"}, who="dirx", x=S["child"])
    C.status((st, body), 200, "the child's director holds th-x1")
    C.error(W.ctl("release", {"inject": "th-x2"}, who="dir", x=S["child"]),
            404, "not_found", "the parent's director (not assigned in the "
            "child) releases in the child")
    k1 = rollup_child()
    C.check(k0 and k1 and k0["injects"] == {"released": 0, "total": 2} and
            k1["injects"] == {"released": 1, "total": 2} and
            k1["expectations"]["open"] == k0["expectations"]["open"] + 2,
            "roll-up after the release: injects 1/2, 2 more expectations "
            "open", (short(k0), short(k1)))
    st, ru = c("dir").get(X("/rollup", S["parent"]))
    st2, pe = c("dir").get(X("", S["parent"]))
    C.check(ru["clock"]["t"] == pe["clock"]["t"] and
            k1["clock"]["t"] == pe["clock"]["t"] and
            k1.get("status") == "paused",
            "roll-up: the parent's clock, the child's clock and status",
            short(ru["clock"]))
    C.check(set(k1.get("readiness", {})) == {
        "documents_pending", "tasks_open", "tasks_overdue",
        "roles_unfilled", "findings_open", "warnings"},
        "roll-up: the child's readiness Summary", short(k1.get("readiness")))
    rp = readiness("dir", S["parent"])
    C.check([(k["id"], k["code"]) for k in rp.get("children", [])] ==
            [(S["child"], CHILD_CODE)] and
            rp["children"][0].get("overall") == k1.get("readiness"),
            "the parent's readiness lists the child with its Summary",
            short(rp.get("children")))
    st, body = W.ctl("resume", who="dir", x=S["parent"])
    C.status((st, body), 200, "resume the parent")
    same_clock("after resume")
    st, body = W.ctl("end", who="dir", x=S["parent"])
    C.status((st, body), 200, "end the parent")
    pc, cc = same_clock("after end")
    st, ce = c("dirx").get(X("", S["child"]))
    C.check(ce.get("status") == "ended", "the child ended with the parent",
            ce.get("status"))


# --------------------------------------------------------------------------
# 6. Restart

def step_imports_exports(srv):
    # -- MSEL import: permissions, a bad schedule rejected row by row with
    # nothing written, a dry run, a good import.
    bad = ("Mã;Thời điểm;Tiêu đề;Nơi nhận;Yêu cầu;Thời hạn\n"
           "th-m1;N 08:30;Cháy kho xăng dầu;cht-qs;báo cáo;20m\n"
           "th-m2;N 25:00;Giờ sai;cht-qs;;\n"
           "th-m3;N 09:00;Vai không có;ca-huyen;;\n"
           "th-m4;N 10:00;Thời hạn sai;ct-ubnd;báo cáo;mười phút\n")
    good = ("Mã;Thời điểm;Tiêu đề;Nơi nhận;Yêu cầu;Thời hạn\n"
            "th-m1;N 08:30;Cháy kho xăng dầu;cht-qs;báo cáo;20m\n"
            "th-m5;N 14:10;Đoàn xe bị chặn;ct-ubnd;mệnh lệnh;30m\n")
    url = X("/import/msel")
    for who in ("ctl", "ev", "ob", "pa"):
        C.status(c(who).post(url + "?dry_run=1", {"csv": good}), 403,
                 "%s may not import a schedule" % who)
    st0, _, plan0 = c("dir").raw("GET", X("/plan"))
    st, inj0 = c("dir").get(X("/injects"))
    st, body = c("dir").post(url, {"csv": bad, "file_name": "lich.csv"})
    C.error((st, body), 422, "import_invalid", "a bad schedule is refused")
    errs = {r["row"]: r["errors"] for r in (body or {}).get("rows", [])}
    C.check(errs.get(2) == [] and len(errs.get(3, [])) == 1 and
            errs[3][0]["column"] == "Thời điểm" and
            len(errs.get(4, [])) == 1 and errs[4][0]["column"] ==
            "Nơi nhận" and "ca-huyen" in errs[4][0]["message"] and
            len(errs.get(5, [])) == 1 and errs[5][0]["column"] ==
            "Thời hạn" and body.get("errors") == 3 and
            body.get("committed") is False,
            "each bad row is named with its column; the good row has none",
            errs)
    st1, _, plan1 = c("dir").raw("GET", X("/plan"))
    st, inj1 = c("dir").get(X("/injects"))
    C.check(st0 == st1 == 200 and plan0 == plan1 and inj0 == inj1,
            "after the refused import the plan and injects are unchanged")
    st, body = c("dir").post(url + "?dry_run=1", {"csv": good})
    C.check(st == 200 and body.get("errors") == 0 and
            body.get("committed") is False and
            [r["id"] for r in body["rows"]] == ["th-m1", "th-m5"] and
            body["rows"][0]["at"] == "N 08:30" and
            body["rows"][0]["phase"] == "gd-1" and
            body["rows"][1]["phase"] == "gd-2",
            "the dry run previews both rows with their phases", short(body))
    st2, _, plan2 = c("dir").raw("GET", X("/plan"))
    C.check(plan2 == plan0, "a dry run writes nothing")
    st, body = c("dir").post(url, {"csv": good, "file_name": "lich.csv"})
    C.check(st == 200 and body.get("committed") is True and
            body.get("injects") == 2 and
            str(body.get("file", "")).endswith("msel-1.yaml"),
            "the good schedule is imported", short(body))
    st, inj = c("dir").get(X("/injects"))
    ids = {i["id"] for i in inj} if isinstance(inj, list) else set()
    C.check({"th-m1", "th-m5"} <= ids and len(inj) == len(inj0) + 2,
            "the injects list has the two new injects", sorted(ids))
    st, plan = c("dir").get(X("/plan"))
    C.check(st == 200 and "th-m1" in json.dumps(plan),
            "the stored plan has them")
    st, body = c("dir").post(url, {"csv": good})
    C.check(st == 422 and any("th-m1" in e["message"] for e in
                              body["rows"][0]["errors"]),
            "importing the same rows again: duplicate ids, refused",
            short(body))
    C.status(c("dir").post(url, {"csv": "khong co gi"}), 400,
             "a CSV without the needed columns is a 400")
    # -- Spreadsheets, read back by LibreOffice.
    import tempfile
    tmp = tempfile.mkdtemp(prefix="kvpt-prep-xlsx-")
    for who in ("pa", "pb"):
        for what in ("plan", "tasks", "readiness"):
            C.status(c(who).get(X("/export/%s.xlsx" % what)), 403,
                     "%s may not download %s.xlsx" % (who, what))
    C.status(c("ob").get(X("/export/plan.xlsx")), 403,
             "the observer does not get the whole plan")
    rd = readiness("dir")
    st, hd, raw = c("dir").raw("GET", X("/export/readiness.xlsx"))
    C.check(st == 200 and raw[:2] == b"PK" and "spreadsheetml" in
            (hd.get("Content-Type") or hd.get("content-type") or ""),
            "readiness.xlsx is a spreadsheet")
    sheets = soffice_csv(raw, "readiness.xlsx", tmp)
    C.check(set(sheets) >= {"Tổng hợp", "Văn kiện", "Nhiệm vụ", "Vai tập",
                            "Phát hiện", "Cảnh báo"},
            "LibreOffice reads the readiness sheets", sorted(sheets))
    summary = {r[0]: r[1] for r in sheets.get("Tổng hợp", []) if len(r) > 1}
    ov = rd["overall"]
    C.check(summary.get("Văn kiện chưa thông qua") ==
            str(ov["documents_pending"]) and
            summary.get("Nhiệm vụ chưa hoàn thành") == str(ov["tasks_open"])
            and summary.get("Nhiệm vụ quá hạn") == str(ov["tasks_overdue"])
            and summary.get("Vai tập chưa có người") ==
            str(ov["roles_unfilled"]),
            "the sheet's counts equal the board's", (summary, ov))
    roles = [r for r in sheets.get("Vai tập", []) if "pct-ubnd" in r]
    C.check(roles and "Phó Chủ tịch UBND xã" in roles[0],
            "the unfilled role is listed, Vietnamese intact", roles)
    tl = tasks_of("dir")["tasks"]
    st, hd, raw = c("dir").raw("GET", X("/export/tasks.xlsx"))
    sheets = soffice_csv(raw, "tasks.xlsx", tmp)
    rows = sheets.get("Nhiệm vụ", [])
    titles = {r[1] for r in rows if len(r) > 1}
    C.check(st == 200 and all(t["title"] in titles for t in tl) and
            len([r for r in rows if r and r[0].isdigit()]) == len(tl),
            "tasks.xlsx has one row per task, titles intact",
            (len(tl), len(rows)))
    over = [r for r in rows if r and r[0].isdigit() and r[6] == "TRUE"]
    C.check(len(over) == sum(1 for t in tl if t["overdue"]),
            "overdue tasks are marked in the sheet")
    st, hd, raw = c("dir").raw("GET", X("/export/plan.xlsx"))
    sheets = soffice_csv(raw, "plan.xlsx", tmp)
    inj_rows = [r for r in sheets.get("Tình huống", []) if r and
                r[0] in ("th-m1", "th-m5")]
    C.check(st == 200 and len(inj_rows) == 2,
            "plan.xlsx lists the imported injects", sorted(sheets))
    C.status(c("dir").get(X("/export/nothing.xlsx")), 404,
             "an unknown export is a 404")
    # -- The calendar.
    st, hd, ics = c("dir").raw("GET", X("/calendar.ics"))
    C.check(st == 200 and ics.startswith(b"BEGIN:VCALENDAR") and
            b"BEGIN:VEVENT" in ics and "text/calendar" in
            (hd.get("Content-Type") or hd.get("content-type") or ""),
            "the director's calendar")
    st, hd, full = c("pa").raw("GET", X("/calendar.ics"))
    st2, hd, mine = c("pa").raw("GET", X("/calendar.ics?mine=1"))
    n_all = ics.count(b"BEGIN:VEVENT")
    n_inj = ics.count(b"\nUID:th-")
    n_full, n_mine = full.count(b"BEGIN:VEVENT"), mine.count(b"BEGIN:VEVENT")
    C.check(st == st2 == 200 and n_inj >= 2 and b"UID:th-m5@" in ics and
            n_full == n_all - n_inj and
            b"UID:th-" not in full and n_mine <= n_full,
            "a player's calendar has the activities but no inject not yet "
            "released to it; mine=1 is a part of it",
            (n_all, n_inj, n_full, n_mine))

    st, hd, other = c("dir").raw("GET", X("/calendar.ics", S["other"]))
    C.status((st, other), 409, "a plan without a date for N: no calendar")


def stable(v):
    """v without what moves with the wall clock."""
    if isinstance(v, dict):
        return {k: stable(x) for k, x in v.items()
                if k not in ("now_ms", "clock", "days_left", "at_ms_now")}
    if isinstance(v, list):
        return [stable(x) for x in v]
    return v


def snapshot_all():
    d = c("dir")
    snap = {"tasks": d.get(X("/tasks"))[1],
            "tasks_pb": c("pb").get(X("/tasks"))[1],
            "findings": d.get(X("/findings"))[1],
            "findings_r1": d.get(X("/findings", S["r1"]))[1],
            "rehearsals": d.get(X("/rehearsals"))[1],
            "committees": d.get(X("/committees"))[1],
            "readiness": d.get(X("/readiness"))[1],
            "documents": d.get(X("/documents"))[1]}
    for doc_id in ("kh-dien-tap", "bc-chuan-bi", "kh-phong-thu",
                   "qd-co-tinh-huong"):
        st, body = d.get(X("/documents/%s" % doc_id))
        snap["doc " + doc_id] = body
        for v in (body or {}).get("versions", []):
            snap["text %s %d" % (doc_id, v["n"])] = d.get(X(
                "/documents/%s/versions/%d" % (doc_id, v["n"])))[1]
    for r in ("r1", "r2", "r3"):
        st, ex = d.get(X("", S[r]))
        snap["run " + r] = {k: ex.get(k) for k in ("rehearsal", "status",
                                                   "name", "code")}
    snap["run r1 events"] = W.events("dir", x=S["r1"])
    snap["parent"] = {k: d.get(X("", S["parent"]))[1].get(k)
                      for k in ("parent", "children", "status")}
    snap["child"] = {k: c("dirx").get(X("", S["child"]))[1].get(k)
                     for k in ("parent", "children", "status")}
    return stable(snap)


def step_restart(srv):
    before = snapshot_all()
    C.check(len(before["tasks"]["tasks"]) >= 12 and
            before["doc kh-dien-tap"]["versions"],
            "there is something to compare",
            len(before["tasks"]["tasks"]))
    srv.stop()
    srv.start()
    W.admin = srv.login("admin", srv.admin_password)
    for name in USERS:
        W.clients[name] = srv.login(name, PW % name)
    after = snapshot_all()
    for k in before:
        C.check(before[k] == after[k], "after the restart: %s identical" % k,
                "before %s after %s" % (short(before[k], 200),
                                        short(after[k], 200)))
    st, t = c("dir").post(X("/tasks"), {"title": "Sau khởi động lại",
                                        "assignee_body": "bdd",
                                        "due": "N-1"})
    mx = max(x["id"] for x in before["tasks"]["tasks"])
    C.check(st == 201 and t.get("id") == mx + 1,
            "a new task after the restart continues the ids (%d)" % (mx + 1),
            short(t))
    st, cm = c("dir").post(X("/tasks/%d/comments" % S["t"]["t1"]),
                           {"text": "Sau khởi động lại."})
    C.check(st == 201 and cm.get("id") > max(S["comments_t1"]),
            "a new comment continues the comment ids", short(cm))
    st, f = c("ev").post(X("/findings", S["r1"]), {"text": "Sau khởi động.",
                                                   "severity": "low"})
    C.check(st == 201 and f.get("id") == max(
        x["id"] for x in before["findings"]) + 1,
            "a new finding continues the finding ids", short(f))
    st, run = c("dir").get(X("", S["r1"]))
    C.check(st == 200 and (run.get("rehearsal") or {}).get("of", {}).get(
        "id") == S["x"], "the run still names its exercise")
    C.error(W.ctl("start", who="dirx", x=S["child"]), 409, "shared_clock",
            "the child still shares the parent's clock after the restart")


# --------------------------------------------------------------------------
# 7. Hostile input

def raw_json(who, method, path, body, ctype="application/json"):
    cl = c(who)
    st, hdrs, data = cl.raw(method, path, body, {"Content-Type": ctype})
    try:
        return st, json.loads(data) if data else None
    except ValueError:
        return st, data


def hostile_state():
    d = c("dir")
    out = {"tasks": d.get(X("/tasks"))[1],
           "findings": d.get(X("/findings"))[1],
           "rehearsals": [(r["id"], r["kind"], r["round"], r["findings"])
                          for r in d.get(X("/rehearsals"))[1]],
           "exercises": W.admin.get("/api/exercises")[1]}
    for doc_id in ("kh-dien-tap", "qd-co-tinh-huong", "kh-phong-thu"):
        out["doc " + doc_id] = d.get(X("/documents/%s" % doc_id))[1]
    out["parent tasks"] = d.get(X("/tasks", S["parent"]))[1]
    return stable(out)


def step_hostile(srv):
    d = c("dir")
    T = S["t"]
    # The boundary first: a version of exactly 200 KiB is accepted.
    st, v = d.post(X("/documents/qd-co-tinh-huong/versions"),
                   {"text": "a" * (200 * 1024)})
    C.status((st, v), 201, "a version of exactly 200 KiB")
    # A task in the parent, so that its ids differ from the exercise's.
    st, pt = d.post(X("/tasks", S["parent"]), {"title": "Nhiệm vụ huyện",
                                               "assignee_body": "ubnd-huyen",
                                               "due": "N-4"})
    C.status((st, pt), 201, "a task in the parent exercise")
    st, oatt = upload_att("dir", b"tep khac\n", "khac.txt", x=S["other"])
    C.status((st, oatt), 201, "an attachment of another exercise")
    before = hostile_state()
    BAD = (400, "bad_request")

    def bad(resp, what, status=400, code="bad_request"):
        C.error(resp, status, code, what)

    # POST tasks: types, unknown fields, limits.
    base = {"title": "Thử", "assignee_body": "ubnd-xa", "due": "N-1"}
    for what, patch in (
            ("title a number", {"title": 123}),
            ("title a list", {"title": ["a"]}),
            ("title null", {"title": None}),
            ("due a number", {"due": 5}),
            ("due an object", {"due": {"n": -1}}),
            ("depends_on a string", {"depends_on": "1"}),
            ("depends_on strings", {"depends_on": ["1"]}),
            ("depends_on floats", {"depends_on": [1.5]}),
            ("depends_on of 101 ids", {"depends_on": [T["t1"]] * 101}),
            ("attachments true", {"attachments": True}),
            ("unknown field priority", {"priority": "cao"}),
            ("unknown field id", {"id": 1}),
            ("title of 301 characters", {"title": "x" * 301}),
            ("description of 8001 bytes", {"description": "d" * 8001}),
            ("assignee_body of 129 characters", {"assignee_body": "b" * 129}),
            ("due of 41 characters", {"due": "N-1" + " " * 38}),
            ("a NUL in the title", {"title": "a\u0000b"}),
            ("a lone surrogate in the title", {"title": "\ud800"}),
            ("an attachment of another exercise",
             {"attachments": [oatt["id"]]}),
            ("a dependency on no task",
             {"depends_on": [max(x["id"] for x in
                                 before["tasks"]["tasks"]) + 50]})):
        obj = dict(base)
        obj.update(patch)
        body = json.dumps(obj).encode()     # \u0000, \ud800 as escapes
        bad(raw_json("dir", "POST", X("/tasks"), body),
            "POST task with %s" % what)
    for what, body, st in (
            ("non-UTF-8 bytes", b'{"title": "\xff\xfe", "assignee_body": '
             b'"ubnd-xa", "due": "N-1"}', 400),
            ("overlong UTF-8", b'{"title": "\xc0\xaf", "assignee_body": '
             b'"ubnd-xa", "due": "N-1"}', 400),
            ("truncated JSON", b'{"title": "x", "due": ', 400),
            ("a JSON array", b'[1, 2]', 400),
            ("a JSON string", b'"tieu de"', 400),
            ("a duplicate key", b'{"title": "a", "title": "b", '
             b'"assignee_body": "ubnd-xa", "due": "N-1"}', 400),
            ("nesting 40 deep", b'{"title": ' + b'[' * 40 + b']' * 40 + b'}',
             400)):
        bad(raw_json("dir", "POST", X("/tasks"), body),
            "POST task: %s" % what, st)
    bad(raw_json("dir", "POST", X("/tasks"), json.dumps(base).encode(),
                 "text/plain"), "POST task as text/plain", 415,
        "unsupported_media_type")
    big = json.dumps(dict(base, description="x" * (300 * 1024))).encode()
    bad(raw_json("dir", "POST", X("/tasks"), big),
        "POST task of 300 KiB", 413, "too_large")
    # PATCH tasks: paths and bodies.
    for seg in ("0", "-1", "abc", "1.5", "+1", "1e3", "99999",
                "%s" % (max(x["id"] for x in before["tasks"]["tasks"]) + 1),
                "9" * 30):
        st, body = d.patch(X("/tasks/%s" % seg), {"status": "done"})
        C.error((st, body), 404, "not_found", "PATCH tasks/%s" % seg)
    C.error(d.patch(X("/tasks/%d" % T["t3"], S["parent"]),
                    {"status": "done"}), 404, "not_found",
            "PATCH the exercise's task id %d through the parent" % T["t3"])
    C.error(d.post(X("/tasks/%d/comments" % T["t3"], S["parent"]),
                   {"text": "x"}), 404, "not_found",
            "comment on the exercise's task through the parent")
    C.error(d.patch(X("/tasks/%d" % pt["id"], S["other"]),
                    {"status": "done"}), 404, "not_found",
            "PATCH the parent's task through another exercise")
    for what, obj in (("status a number", {"status": 3}),
                      ("status null", {"status": None}),
                      ("unknown field", {"state": "done"}),
                      ("unknown status", {"status": "DONE"}),
                      ("title of 301 characters", {"title": "t" * 301}),
                      ("empty title", {"title": ""}),
                      ("depends_on an object", {"depends_on": {"1": 1}})):
        bad(d.patch(X("/tasks/%d" % T["t3"]), obj),
            "PATCH task with %s" % what)
    bad(raw_json("dir", "PATCH", X("/tasks/%d" % T["t3"]),
                 b'{"status": "d\xffne"}'), "PATCH task: non-UTF-8")
    # Comments.
    for what, obj in (("text of 4001 bytes", {"text": "c" * 4001}),
                      ("text a number", {"text": 5}),
                      ("unknown field", {"text": "x", "pin": True}),
                      ("an attachment of another exercise",
                       {"text": "x", "attachments": [oatt["id"]]}),
                      ("an attachment that does not exist",
                       {"text": "x", "attachments": [987654]}),
                      ("attachments of 21 ids",
                       {"text": "x", "attachments": [S["att_dir"]] * 21})):
        bad(d.post(X("/tasks/%d/comments" % T["t1"]), obj),
            "comment with %s" % what)
    for seg in ("0", "-2", "abc", "99999"):
        C.error(d.post(X("/tasks/%s/comments" % seg), {"text": "x"}), 404,
                "not_found", "comment on tasks/%s" % seg)
    # Versions.
    P = X("/documents/qd-co-tinh-huong/versions")
    WF0 = X("/documents/qd-co-tinh-huong/workflow")
    for what, obj in (("text over 200 KiB", {"text": "a" * (200 * 1024 + 1)}),
                      ("text a number", {"text": 12}),
                      ("no text", {"note": "x"}),
                      ("note of 1001 bytes", {"text": "x", "note": "n" * 1001}),
                      ("unknown field", {"text": "x", "status": "approved"}),
                      ("attachments of another exercise",
                       {"text": "x", "attachments": [oatt["id"]]})):
        bad(d.post(P, obj), "version with %s" % what)
    bad(raw_json("dir", "POST", P, b'{"text": "b\xe1\xba"}'),
        "version: truncated UTF-8 sequence")
    bad(raw_json("dir", "POST", P, b'{"text": "\\udc00x"}'),
        "version: an escaped lone surrogate")
    big = json.dumps({"text": "v" * (1024 * 1024 + 1)}).encode()
    bad(raw_json("dir", "POST", P, big), "version of 1 MiB + 1", 413,
        "too_large")
    for what, path, body in (
            ("comment", X("/tasks/%d/comments" % T["t1"]),
             b'{"text": "\xed\xa0\x80"}'),
            ("workflow", WF0, b'{"step": "appraise", "reason": "\xfe"}'),
            ("finding", X("/findings"),
             b'{"text": "\xc3", "severity": "low"}'),
            ("rehearsal", X("/rehearsals"), b'{"kind": "tong-duyet\x80"}'),
            ("finding to task", X("/findings/%d/task" % S["f"]["f3"]),
             b'{"assignee_body": "ubnd-xa", "due": "N-1\xff"}')):
        bad(raw_json("dir", "POST", path, body), "%s: non-UTF-8 body" % what)
    for seg in ("0", "-1", "abc", "2", "99"):
        C.error(d.get(X("/documents/qd-co-tinh-huong/versions/%s" % seg)),
                404, "not_found", "GET versions/%s" % seg)
    for seg in ("khong-co", "..%2Fetc", "KH-DIEN-TAP", "a" * 300,
                "kh-dien-tap%00"):
        st, body = d.get(X("/documents/%s" % seg))
        C.error((st, body), 404, "not_found", "GET documents/%s" % seg[:20])
        st, body = d.post(X("/documents/%s/versions" % seg), {"text": "x"})
        C.error((st, body), 404, "not_found",
                "POST documents/%s/versions" % seg[:20])
    C.error(d.get(X("/documents/kh-dien-tap", S["parent"])), 404,
            "not_found", "a document of the exercise through the parent")
    # Workflow.
    WF = X("/documents/qd-co-tinh-huong/workflow")
    for what, obj in (("step a number", {"step": 1}),
                      ("no step", {}),
                      ("unknown step", {"step": "sign"}),
                      ("step in capitals", {"step": "APPRAISE"}),
                      ("reason a list", {"step": "return", "reason": ["x"]}),
                      ("reason of 1001 bytes",
                       {"step": "appraise", "reason": "r" * 1001}),
                      ("unknown field", {"step": "appraise", "by": "dir"})):
        bad(d.post(WF, obj), "workflow with %s" % what)
    # Findings and rehearsals.
    for what, obj in (("text of 4001 bytes",
                       {"text": "f" * 4001, "severity": "low"}),
                      ("severity a number", {"text": "x", "severity": 2}),
                      ("severity Low", {"text": "x", "severity": "Low"}),
                      ("unknown field", {"text": "x", "severity": "low",
                                         "run": S["r1"]}),
                      ("body a list", {"text": "x", "severity": "low",
                                       "body": ["ubnd-xa"]})):
        bad(c("ev").post(X("/findings"), obj), "finding with %s" % what)
    for seg in ("0", "-1", "abc", "99999"):
        C.error(d.post(X("/findings/%s/task" % seg), {
            "assignee_body": "ubnd-xa", "due": "N-1"}), 404, "not_found",
            "findings/%s/task" % seg)
    C.error(d.post(X("/findings/%d/task" % S["f"]["f3"], S["parent"]), {
        "assignee_body": "ubnd-huyen", "due": "N-1"}), 404, "not_found",
        "a finding of the exercise through the parent")
    st, body = d.post(X("/findings/%d/task" % S["f"]["f3"]), {
        "assignee_body": "ubnd-xa", "due": "N-1", "priority": 1})
    C.error((st, body), 400, "bad_request", "finding to task with an "
            "unknown field")
    for what, obj in (("kind a number", {"kind": 2}),
                      ("phases of numbers", {"kind": "tong-duyet",
                                             "phases": [1]}),
                      ("phases of 65 ids", {"kind": "tong-duyet",
                                            "phases": ["gd-1"] * 65}),
                      ("kind of 1000 characters", {"kind": "k" * 1000})):
        bad(d.post(X("/rehearsals"), obj), "rehearsal with %s" % what)
    # Non-JSON query values.
    for q in ("mine=%ff", "mine=1&mine=2"):
        st, body = d.get(X("/tasks?" + q))
        C.check(st in (200, 400) and (st == 200 or is_error_body(body)),
                "GET tasks?%s: 200 or a JSON 400" % q, st)
    after = hostile_state()
    for k in before:
        C.check(before[k] == after[k], "nothing changed: %s" % k,
                "before %s after %s" % (short(before[k], 200),
                                        short(after[k], 200)))
    C.check(srv.alive(), "the server is still running")


def main():
    with Server(KVPT) as srv:
        C.section("setup", setup, srv)
        C.section("committees", step_committees, srv)
        C.section("tasks, dependencies, comments", step_tasks, srv)
        C.section("the document workflow", step_documents, srv)
        C.section("rehearsals and findings", step_rehearsals, srv)
        C.section("the readiness board", step_readiness, srv)
        C.section("multi-level exercises", step_multilevel, srv)
        C.section("imports and exports", step_imports_exports, srv)
        C.section("restart", step_restart, srv)
        C.section("hostile input", step_hostile, srv)
        C.check(srv.alive(), "server still running at the end")
    C.done()


if __name__ == "__main__":
    main()
