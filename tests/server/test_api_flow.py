#!/usr/bin/env python3
"""End-to-end flow of one exercise through the API (docs/api.md):
users, plan upload (a broken one too), assignments, control, player
actions, attachments, observations, the log (kvpt replay accepts it),
the events feed with paging, the audit trail and logout.

    python3 tests/server/test_api_flow.py KVPT_BINARY
"""

import json
import os
import subprocess
import tempfile
import time

from common import (Checker, FIXTURE, FIXTURE_CODE, PW, ROLE_A, ROLE_B,
                    Server, kvpt_binary, kvpt_check_json, kvpt_replay, upload_plan,
                    short)
from harness import quote_name

KVPT = kvpt_binary()
C = Checker("test_api_flow")
S = {}   # state shared by the steps

USERS = {  # name: (admin, clearance, display)
    "dir": (False, "mat", "Tạ Quang Vinh"),
    "ctl": (False, "mat", "Mai Xuân Bắc"),
    "pa": (False, "mat", "Lê Văn Cường"),
    "pb": (False, "none", "Trần Thị Bình"),
    "ev": (False, "mat", "Cao Minh Tuấn"),
    "ob": (False, "none", "Vũ Thị Nga"),
}
ASSIGN = {"dir": ("director", None), "ctl": ("controller", None),
          "pa": ("player", [ROLE_A]), "pb": ("player", [ROLE_B]),
          "ev": ("evaluator", None), "ob": ("observer", None)}


def X(path=""):
    return "/api/exercises/%s%s" % (S["x"], path)


def step_health_login(srv):
    anon = srv.client()
    st, body = anon.get("/api/health")
    C.status((st, body), 200, "GET /api/health without login")
    C.check(isinstance(body, dict) and body.get("ok") is True
            and isinstance(body.get("version"), str),
            "health is {ok: true, version}", short(body))
    C.error(anon.get("/api/me"), 401, "unauthenticated", "GET /api/me anon")
    admin = srv.client()
    st, body = admin.post("/api/login", {"user": "admin",
                                         "password": srv.admin_password})
    C.status((st, body), 200, "POST /api/login admin")
    C.check(isinstance(body, dict) and body.get("user", {}).get("admin")
            is True and isinstance(body.get("csrf"), str)
            and len(body["csrf"]) >= 16
            and isinstance(body.get("expires_ms"), int),
            "login answer {user (admin), csrf, expires_ms}", short(body))
    C.check(admin.cookie is not None, "login sets the kvpt_session cookie")
    if isinstance(body, dict) and isinstance(body.get("expires_ms"), int):
        left = body["expires_ms"] - time.time() * 1000
        C.check(abs(left - 43200000) < 120000,
                "expires_ms is 12 h from now (Max-Age=43200)",
                "%.0f s from now" % (left / 1000))
    st, me = admin.get("/api/me")
    C.status((st, me), 200, "GET /api/me admin")
    C.check(isinstance(me, dict) and me.get("user", {}).get("name") ==
            "admin" and me.get("csrf") == admin.csrf
            and me.get("assignments") == [],
            "me = {user admin, same csrf, assignments []}", short(me))
    S["admin"] = admin


def step_users(srv):
    admin = S["admin"]
    S["users"] = {}
    for name, (adm, clr, disp) in USERS.items():
        st, u = admin.post("/api/users", {"name": name,
                                          "password": PW % name,
                                          "admin": adm, "clearance": clr,
                                          "display": disp})
        C.status((st, u), 201, "POST /api/users %s" % name)
        C.check(isinstance(u, dict) and isinstance(u.get("id"), int)
                and u.get("name") == name and u.get("display") == disp
                and u.get("admin") is adm and u.get("clearance") == clr
                and u.get("disabled") is False and "password" not in u,
                "User %s = {id, name, display, admin, clearance, disabled}"
                % name, short(u))
        S["users"][name] = u
    C.error(admin.post("/api/users", {"name": "dir",
                                      "password": "mot-mat-khau-dai"}),
            409, "conflict", "POST /api/users with a taken name")
    C.error(admin.post("/api/users", {"name": "Ông Ba",
                                      "password": "mot-mat-khau-dai"}),
            400, "bad_request", "POST /api/users name outside a-z0-9._-")
    C.error(admin.post("/api/users", {"name": "x" * 65,
                                      "password": "mot-mat-khau-dai"}),
            400, "bad_request", "POST /api/users name of 65 characters")
    C.error(admin.post("/api/users", {"name": "ngan", "password": "123456789"}),
            400, "bad_request", "POST /api/users password of 9 characters")
    C.error(admin.post("/api/users", {"name": "mat2", "password":
                                      "mot-mat-khau-dai",
                                      "clearance": "rat-mat"}),
            400, "bad_request", "POST /api/users unknown clearance")
    st, lst = admin.get("/api/users")
    C.status((st, lst), 200, "GET /api/users")
    names = sorted(u.get("name") for u in lst) if isinstance(lst, list) \
        else None
    C.check(names == sorted(["admin"] + list(USERS)),
            "GET /api/users lists admin and the 6 new users", names)
    # PATCH: a new password replaces the old one.
    uid = S["users"]["pb"]["id"]
    st, u = admin.patch("/api/users/%s" % uid, {"password": "mat-khau-moi-2025"})
    C.status((st, u), 200, "PATCH /api/users/{u} password")
    C.check(srv.client().post("/api/login", {
        "user": "pb", "password": PW % "pb"})[0] == 401,
        "the old password no longer logs in")
    C.check(srv.client().post("/api/login", {
        "user": "pb", "password": "mat-khau-moi-2025"})[0] == 200,
        "the new password logs in")
    admin.patch("/api/users/%s" % uid, {"password": PW % "pb"})
    C.error(admin.patch("/api/users/%s" % uid, {"password": "ngan"}), 400,
            "bad_request", "PATCH a password of 4 characters")
    C.error(admin.patch("/api/users/999999", {"display": "x"}), 404,
            "not_found", "PATCH a user that does not exist")
    # PATCH: display; the user can then log in.
    uid = S["users"]["ob"]["id"]
    st, u = admin.patch("/api/users/%s" % uid, {"display": "Vũ Thị Nga (QS)"})
    C.status((st, u), 200, "PATCH /api/users/{u} display")
    C.check(isinstance(u, dict) and u.get("display") == "Vũ Thị Nga (QS)",
            "PATCH answers the changed User", short(u))
    S["c"] = {n: srv.login(n, PW % n) for n in USERS}


def step_upload_broken(srv):
    admin = S["admin"]
    st0, before = admin.get("/api/exercises")
    with open(FIXTURE, encoding="utf-8") as f:
        good = f.read()
    broken = good.replace("to: ct-ubnd\n", "to: ct-ubndx\n", 1)
    assert broken != good
    expected = kvpt_check_json(KVPT, broken, "broken.yaml")
    exp_diags = [d for d in expected.get("diagnostics", [])
                 if d.get("severity") == "error"]
    st, body = upload_plan(admin, broken, "broken.yaml")
    C.error((st, body), 422, "plan_invalid", "POST /api/exercises broken plan")
    diags = body.get("diagnostics") if isinstance(body, dict) else None
    C.check(isinstance(diags, list) and diags and all(
        set(d) >= {"file", "line", "col", "severity", "rule", "message"}
        for d in diags), "422 carries diagnostics {file, line, col, "
        "severity, rule, message}", short(body))
    got = [(d.get("file"), d.get("line"), d.get("col"), d.get("rule"))
           for d in (diags or []) if d.get("severity") == "error"]
    want = [(d["file"], d["line"], d["col"], d["rule"]) for d in exp_diags]
    C.check(got == want and want,
            "diagnostics equal kvpt check's (file broken.yaml, line, col, "
            "rule)", "got %s want %s" % (got, want))
    st1, after = admin.get("/api/exercises")
    C.check(st0 == st1 == 200 and before == after,
            "no exercise created by the broken upload", short(after))
    # An uploaded plan may not include files.
    inc = good.replace("version: 1\n", "version: 1\ninclude: khac.yaml\n", 1)
    st, body = upload_plan(admin, inc, "include.yaml")
    C.error((st, body), 422, "plan_invalid", "upload of a plan with include:")
    st2, after2 = admin.get("/api/exercises")
    C.check(after2 == before, "no exercise created by the include upload")


def step_upload(srv):
    admin = S["admin"]
    with open(FIXTURE, encoding="utf-8") as f:
        good = f.read()
    st, body = upload_plan(admin, good, "fixture.yaml")
    C.status((st, body), 201, "POST /api/exercises fixture")
    C.check(isinstance(body, dict) and isinstance(body.get("id"), int)
            and body.get("code") == FIXTURE_CODE
            and body.get("warnings") == [],
            "201 {id, code, warnings: []}", short(body))
    S["x"] = body["id"]
    C.error(upload_plan(admin, good, "fixture.yaml"), 409, "conflict",
            "uploading the same code again")
    st, lst = admin.get("/api/exercises")
    C.check(st == 200 and isinstance(lst, list) and len(lst) == 1 and
            lst[0].get("id") == S["x"] and lst[0].get("code") ==
            FIXTURE_CODE and lst[0].get("status") == "ready" and
            "assignment" in lst[0] and lst[0]["assignment"] is None and
            lst[0].get("kind") and lst[0].get("name"),
            "GET /api/exercises: [{id, code, name, kind, status ready, "
            "assignment null}]", short(lst))
    st, ex = admin.get(X())
    C.status((st, ex), 200, "GET /api/exercises/{x} as admin")
    keys = {"id", "code", "name", "kind", "format", "locality",
            "classification", "status", "clock", "assignment", "roles",
            "bodies", "machines", "phases", "last_event"}
    C.check(isinstance(ex, dict) and keys <= set(ex),
            "exercise has every documented key",
            sorted(keys - set(ex)) if isinstance(ex, dict) else ex)
    if isinstance(ex, dict):
        C.check({r.get("id") for r in ex.get("roles", [])} ==
                {"bi-thu", "ct-ubnd", "cht-qs", "tro-ly-bdd"},
                "roles are the plan's 4 roles", short(ex.get("roles")))
        C.check({p.get("id") for p in ex.get("phases", [])} ==
                {"gd-1", "gd-2"}, "phases gd-1, gd-2")
        clk = ex.get("clock") or {}
        C.check(set(clk) >= {"started", "running", "ended", "t", "t_text",
                             "speed"} and clk.get("started") is False,
                "Clock {started false, running, ended, t, t_text, speed}",
                short(clk))


def step_assign(srv):
    admin = S["admin"]
    for name, (kind, roles) in ASSIGN.items():
        obj = {"kind": kind}
        if roles:
            obj["roles"] = roles
        C.status(admin.put(X("/assignments/%s" % S["users"][name]["id"]),
                           obj), 200, "PUT assignment %s %s" % (name, kind))
    uid = S["users"]["ob"]["id"]
    C.error(admin.put(X("/assignments/%s" % uid), {"kind": "player"}), 400,
            "bad_request", "PUT player assignment without roles")
    C.error(admin.put(X("/assignments/%s" % uid),
                      {"kind": "observer", "roles": [ROLE_A]}), 400,
            "bad_request", "PUT observer assignment with roles")
    C.error(admin.put(X("/assignments/%s" % uid),
                      {"kind": "player", "roles": ["khong-co"]}), 400,
            "bad_request", "PUT player assignment with an unknown role")
    C.error(admin.put(X("/assignments/%s" % uid), {"kind": "chief"}), 400,
            "bad_request", "PUT assignment of an unknown kind")
    C.error(admin.put(X("/assignments/999999"), {"kind": "observer"}), 404,
            "not_found", "PUT assignment of a user that does not exist")
    st, lst = admin.get(X("/assignments"))
    C.status((st, lst), 200, "GET assignments")
    got = sorted((a.get("name"), a.get("kind"), tuple(a.get("roles") or []))
                 for a in lst) if isinstance(lst, list) else lst
    want = sorted((n, k, tuple(r or [])) for n, (k, r) in ASSIGN.items())
    C.check(got == want, "assignments list the 6 assignments", got)
    C.check(isinstance(lst, list) and all(
        set(a) >= {"user", "name", "display", "kind", "roles"}
        for a in lst), "assignment = {user, name, display, kind, roles}")
    st, me = S["c"]["pa"].get("/api/me")
    asg = (me or {}).get("assignments") if isinstance(me, dict) else None
    C.check(st == 200 and asg == [{"exercise": S["x"], "code": FIXTURE_CODE,
                                   "kind": "player", "roles": [ROLE_A]}],
            "GET /api/me of a player lists its Assignment", short(me))
    st, lst = S["c"]["pa"].get("/api/exercises")
    C.check(st == 200 and isinstance(lst, list) and len(lst) == 1 and
            (lst[0].get("assignment") or {}).get("kind") == "player",
            "player's GET /api/exercises shows its assignment", short(lst))


def ctl(op, obj=None, who="dir"):
    return S["c"][who].post(X("/control/%s" % op), obj or {})


def step_control(srv):
    st, body = ctl("start")
    C.status((st, body), 200, "director: control/start")
    clk = (body or {}).get("clock", {}) if isinstance(body, dict) else {}
    C.check(clk.get("started") is True and clk.get("running") is True
            and clk.get("ended") is False and clk.get("t_text", "")
            .startswith("N 07:00") and isinstance(body.get("last_event"),
                                                  int),
            "start answers {clock started running at N 07:00, last_event}",
            short(body))
    C.error(ctl("start"), 409, "state", "starting a started exercise")
    st, ex = S["c"]["dir"].get(X())
    C.check(st == 200 and ex.get("status") == "running",
            "status running after start", short(ex.get("status")))
    st, body = ctl("speed", {"speed": 60})
    C.status((st, body), 200, "control/speed 60")
    C.check((body or {}).get("clock", {}).get("speed") == 60,
            "clock.speed is 60", short(body))
    C.error(ctl("speed", {"speed": 0}), 400, "bad_request", "speed 0")
    C.error(ctl("speed", {"speed": 100001}), 400, "bad_request",
            "speed 100001")
    C.status(ctl("speed", {"speed": 1}), 200, "control/speed 1 (controller"
             " next)")
    st, body = ctl("jump", {"to": "N 07:35"}, who="ctl")
    C.status((st, body), 200, "controller: control/jump to N 07:35")
    clk = (body or {}).get("clock", {}) if isinstance(body, dict) else {}
    C.check(clk.get("t_text", "").startswith("N 07:35") and
            clk.get("t", 0) >= 27300000,
            "clock at N 07:35 after the jump", short(clk))
    C.error(ctl("jump", {"to": "N 07:10"}), {400, 409},
            {"state", "bad_request"},
            "jumping backwards")
    C.error(ctl("jump", {"to": "thứ hai"}), 400, "bad_request",
            "jump to an unreadable time")
    evs = all_events("dir")
    order = [(e.get("type"), e["event"].get("t")) for e in evs
             if e.get("type") in ("inject.released", "clock.jumped")]
    C.check(order == [("inject.released", 27000000),
                      ("clock.jumped", 27300000)],
            "what fell due happened first, at its own time: th-01 at "
            "N 07:30, then clock.jumped to N 07:35", order)
    rel = [e for e in evs if e.get("type") == "inject.released"]
    C.check([(e["event"].get("inject"), e["event"].get("how"))
             for e in rel] == [("th-01", "scheduled")],
            "the jump released th-01 (scheduled), nothing else",
            short([e.get("event") for e in rel]))
    st, body = ctl("release", {"inject": "th-04"})
    C.status((st, body), 200, "director: release th-04 by hand")
    C.error(ctl("release", {"inject": "th-04"}), 409, "state",
            "releasing th-04 again")
    C.error(ctl("release", {"inject": "khong-co"}), {400, 404},
            {"bad_request", "not_found"}, "releasing an unknown inject")
    C.status(ctl("hold", {"inject": "th-05"}), 200, "hold th-05")
    C.error(ctl("hold", {"inject": "th-05"}), 409, "state", "hold th-05 again")
    C.status(ctl("cancel", {"inject": "th-06"}), 200, "cancel th-06")
    C.error(ctl("release", {"inject": "th-06"}), 409, "state",
            "releasing the cancelled th-06")
    evs = all_events("dir")
    seen = [(e.get("type"), (e.get("event") or {}).get("inject"),
             (e.get("event") or {}).get("how")) for e in evs
            if e.get("type", "").startswith("inject.")]
    C.check(seen == [("inject.released", "th-01", "scheduled"),
                     ("inject.released", "th-04", "manual"),
                     ("inject.held", "th-05", None),
                     ("inject.cancelled", "th-06", None)],
            "feed: th-01 scheduled, th-04 manual, th-05 held, th-06 "
            "cancelled", seen)
    st, inj = S["c"]["dir"].get(X("/injects"))
    C.status((st, inj), 200, "director: GET injects")
    st_of = {i.get("id"): i.get("status") for i in inj} \
        if isinstance(inj, list) else {}
    C.check(set(st_of) == {"th-01", "th-02", "th-03", "th-04", "th-05",
                           "th-06"}, "director sees all 6 injects",
            sorted(st_of))
    C.check(len({st_of.get("th-01"), st_of.get("th-02"), st_of.get("th-05"),
                 st_of.get("th-06")}) == 4 and
            st_of.get("th-01") == st_of.get("th-04"),
            "inject statuses distinguish released/pending/held/cancelled",
            st_of)
    if isinstance(inj, list):
        one = [i for i in inj if i.get("id") == "th-01"][0]
        C.check(set(one) >= {"id", "title", "from", "to", "classification",
                             "planned", "status", "released_at", "text"},
                "inject has {id, title, from, to, classification, planned, "
                "status, released_at, text}", short(one))


def all_events(who):
    out, after = [], 0
    while True:
        st, body = S["c"][who].get(X("/events?after=%d&limit=1000" % after))
        assert st == 200, (st, body)
        if not body["events"]:
            return out
        out += body["events"]
        after = body["events"][-1]["id"]


def step_player(srv):
    pa = S["c"]["pa"]
    S["n_actions"] = 4      # the 201 actions below
    st, inj = pa.get(X("/injects"))
    C.status((st, inj), 200, "player A: GET injects")
    ids = sorted(i.get("id") for i in inj) if isinstance(inj, list) else inj
    C.check(ids == ["th-01", "th-04"],
            "player A sees exactly the released th-01, th-04", ids)
    st, body = pa.post(X("/actions"), {"kind": "acknowledge", "role": ROLE_A,
                                       "inject": "th-01"})
    C.status((st, body), 201, "player A acknowledges th-01")
    C.check(isinstance(body, dict) and isinstance(body.get("event"), int)
            and body.get("met") == 1 and body.get("late") == 0,
            "201 {event, met: 1, late: 0}", short(body))
    text = "Đã nắm tình hình, triển khai tổ trinh sát lên điểm cao 75."
    st, body = pa.post(X("/actions"), {"kind": "report", "role": ROLE_A,
                                       "inject": "th-01", "text": text})
    C.status((st, body), 201, "player A reports on th-01")
    C.check(isinstance(body, dict) and body.get("met") == 1,
            "the report meets th-01-bc", short(body))
    S["report_text"] = text
    st, exps = pa.get(X("/expectations"))
    C.status((st, exps), 200, "player A: GET expectations")
    by_id = {e.get("id"): e for e in exps} if isinstance(exps, list) else {}
    bc = by_id.get("th-01-bc", {})
    C.check(bc.get("status") == "met" and bc.get("inject") == "th-01"
            and bc.get("kind") == "report" and bc.get("by") == ROLE_A
            and isinstance(bc.get("deadline"), int)
            and isinstance(bc.get("at"), int),
            "th-01-bc is met {id, inject, kind report, by, status met, "
            "deadline, at}", short(bc))
    st, all_exps = S["c"]["dir"].get(X("/expectations"))
    bad = [(e.get("id"), k, e.get(k)) for e in all_exps for k in
           ("deadline", "at") if e.get(k) is not None and
           not isinstance(e[k], int)]
    C.check(not bad, "expectations: deadline/at are times, or null/absent",
            bad[:4])
    st, all_inj = S["c"]["dir"].get(X("/injects"))
    bad = [(i.get("id"), "released_at", i.get("released_at"))
           for i in all_inj if i.get("status") == "released" and
           not isinstance(i.get("released_at"), int) or
           i.get("status") != "released" and
           i.get("released_at") is not None]
    C.check(not bad, "injects: released_at is a time once released, "
            "null/absent before", bad[:4])
    C.check(set(by_id) == {"th-01-tn", "th-01-bc", "th-04-tn"} or
            set(by_id) == {"th-01-tn", "th-01-bc"},
            "player A sees only its roles' expectations", sorted(by_id))
    # Another role's action.
    C.error(pa.post(X("/actions"), {"kind": "acknowledge", "role": ROLE_B,
                                    "inject": "th-04"}),
            403, "forbidden", "player A acting as role B")
    # An illegal transition: readiness regular -> full skips two states.
    st, body = pa.post(X("/actions"), {"kind": "transition", "role": ROLE_A,
                                       "machine": "readiness",
                                       "body": "bchqs-xa", "state": "full"})
    C.error((st, body), 409, "refused", "illegal transition regular -> full")
    err = (body or {}).get("error", {}) if isinstance(body, dict) else {}
    C.check(err.get("rule") in ("state-skip", "transition-missing-act")
            and err.get("message"),
            "refusal carries the rule and a message", short(body))
    evs = all_events("pa")
    C.check(any(e.get("type") == "transition.refused" and
                (e.get("event") or {}).get("by") == ROLE_A for e in evs),
            "the refusal is in the player's feed")
    # A legal chain for role B: decision then transition to situation.
    pb = S["c"]["pb"]
    st, body = pb.post(X("/actions"), {"kind": "acknowledge", "role": ROLE_B,
                                       "inject": "th-04"})
    C.status((st, body), 201, "player B acknowledges th-04")
    # Attachment, then referenced by an action.
    data = "Báo cáo nhanh: lực lượng đã vào vị trí.\n".encode("utf-8")
    st, hdrs, raw = pa.raw("POST", X("/attachments"), data, {
        "Content-Type": "text/plain; charset=utf-8",
        "X-Filename": quote_name("báo cáo nhanh.txt")})
    att = json.loads(raw) if raw else None
    C.status((st, att), 201, "player A uploads an attachment")
    C.check(isinstance(att, dict) and isinstance(att.get("id"), int) and
            att.get("name") == "báo cáo nhanh.txt" and
            str(att.get("mime", "")).startswith("text/plain") and
            att.get("size") == len(data),
            "201 {id, name (decoded), mime, size}", short(att))
    aid = att["id"]
    st, hdrs, got = pa.raw("GET", X("/attachments/%s" % aid))
    C.check(st == 200 and got == data and hdrs.get(
        "content-disposition", "").startswith("attachment"),
        "GET the attachment: same bytes, Content-Disposition: attachment",
        "%s %s" % (st, hdrs.get("content-disposition")))
    st, body = pa.post(X("/actions"), {"kind": "order", "role": ROLE_A,
                                       "inject": "th-01", "text":
                                       "Lệnh: dân quân cơ động sẵn sàng.",
                                       "attachments": [aid]})
    C.status((st, body), 201, "player A's order referencing the attachment")
    S["aid"] = aid
    S["order_event"] = body.get("event") if isinstance(body, dict) else None
    st, evs = S["c"]["dir"].get(X("/events?after=%d&limit=1" %
                                  (S["order_event"] - 1)))
    C.check(st == 200 and evs["events"] and
            evs["events"][0].get("id") == S["order_event"] and
            evs["events"][0].get("type") == "action",
            "the returned event seq is the action's feed entry",
            short(evs))
    st, body = pa.post(X("/actions"), {"kind": "report", "role": ROLE_A,
                                       "inject": "th-01", "text": "x",
                                       "attachments": [999999]})
    C.check(st in (400, 404), "an attachment id that does not exist -> "
            "400/404", "%s %s" % (st, short(body)))


def step_observation(srv):
    ev = S["c"]["ev"]
    text = "Đảng ủy xã họp kịp thời, ra nghị quyết đúng thẩm quyền."
    st, body = ev.post(X("/observations"), {
        "criterion": "lanh-dao", "body": "dang-uy-xa", "score": "Khá",
        "strengths": "Nhanh", "weaknesses": "Chưa sát", "text": text})
    C.status((st, body), 201, "evaluator records an observation")
    obs = body.get("observation") if isinstance(body, dict) else None
    C.check(isinstance(body, dict) and isinstance(body.get("event"), int)
            and isinstance(obs, dict) and obs.get("criterion") ==
            "lanh-dao" and obs.get("score") == "Khá" and
            obs.get("text") == text,
            "201 {event, observation {criterion, score, text…}}",
            short(body))
    st, clk = S["c"]["dir"].get(X("/state"))
    C.check(isinstance(obs, dict) and isinstance(obs.get("t"), int) and
            abs(obs["t"] - clk["clock"]["t"]) < 60000 and
            obs.get("t_text", "").startswith("N 07:3"),
            "the observation is stamped with the exercise time (t, t_text)",
            short(obs))
    C.error(ev.post(X("/observations"), {"criterion": "lanh-dao",
                                         "score": "Xuất sắc"}),
            400, "bad_request", "score outside the plan's scale")
    C.error(ev.post(X("/observations"), {"criterion": "khong-co"}), 400,
            "bad_request", "unknown criterion")
    C.error(ev.post(X("/observations"), {"criterion": "lanh-dao",
                                         "activity": "khong-co"}),
            400, "bad_request", "unknown activity")
    st, lst = ev.get(X("/observations"))
    C.check(st == 200 and isinstance(lst, list) and len(lst) == 1 and
            lst[0].get("text") == text, "GET observations lists it",
            short(lst))
    st, lst = S["c"]["dir"].get(X("/observations"))
    C.check(st == 200 and isinstance(lst, list) and len(lst) == 1,
            "the director reads it too")
    evs = all_events("dir")
    C.check(any(e.get("type") == "observation" for e in evs),
            "an observation entry is in the director's feed")


def step_pause_end(srv):
    st, body = ctl("pause")
    C.status((st, body), 200, "pause")
    C.check((body or {}).get("clock", {}).get("running") is False,
            "clock not running after pause", short(body))
    C.error(ctl("pause"), 409, "state", "pausing a paused clock")
    st, s1 = S["c"]["ob"].get(X("/state"))
    C.status((st, s1), 200, "observer: GET state")
    C.check(isinstance(s1, dict) and set(s1) >= {"clock", "status", "states",
                                                  "counters"}
            and s1.get("status") == "paused",
            "state {clock, status paused, states, counters}", short(s1))
    if isinstance(s1, dict):
        C.check(any(s.get("machine") == "readiness" and
                    s.get("body") == "bchqs-xa" and s.get("state") ==
                    "regular" for s in s1.get("states", [])),
                "the refused transition left bchqs-xa regular",
                short(s1.get("states")))
    st, body = ctl("resume", who="ctl")
    C.status((st, body), 200, "controller: resume")
    C.check((body or {}).get("clock", {}).get("running") is True,
            "clock running after resume")
    C.error(ctl("resume"), 409, "state", "resuming a running clock")
    st, body = ctl("end")
    C.status((st, body), 200, "end")
    C.check((body or {}).get("clock", {}).get("ended") is True,
            "clock.ended after end", short(body))
    st, ex = S["c"]["dir"].get(X())
    C.check(st == 200 and ex.get("status") == "ended", "status ended")
    C.error(S["c"]["pa"].post(X("/actions"), {"kind": "report",
                                              "role": ROLE_A,
                                              "inject": "th-01",
                                              "text": "muộn"}),
            409, "state", "an action after the end")
    C.error(ctl("resume"), 409, "state", "resume after the end")


def step_log(srv):
    st, hdrs, data = S["c"]["dir"].raw("GET", X("/log"))
    C.check(st == 200 and hdrs.get("content-type", "").startswith(
        "application/x-ndjson"), "GET log is application/x-ndjson",
        "%s %s" % (st, hdrs.get("content-type")))
    lines = data.decode("utf-8").splitlines()
    objs = [json.loads(x) for x in lines]
    C.check([o["seq"] for o in objs] == list(range(1, len(objs) + 1)),
            "log seq 1..n without gaps")
    C.check(data.endswith(b"\n"), "every log line ends in \\n")
    C.check(objs and objs[0].get("type") == "exercise.started" and
            objs[0].get("exercise") == FIXTURE_CODE and
            objs[-1].get("type") == "exercise.ended",
            "log starts with exercise.started, ends with exercise.ended")
    C.check(any(o.get("type") == "action" and o.get("text") ==
                S.get("report_text") for o in objs),
            "the player's report is in the log, text intact")
    r = kvpt_replay(KVPT, data)
    C.check(r.returncode == 0, "kvpt replay fixture.yaml LOG accepts it",
            r.stderr[-500:])


def step_events(srv):
    full = all_events("dir")
    ids = [e.get("id") for e in full]
    C.check(ids == list(range(1, len(ids) + 1)),
            "director's feed numbered 1..n", ids)
    C.check(all(set(e) >= {"id", "at_ms", "type"} for e in full),
            "every Event has {id, at_ms, type}")
    eng = [e for e in full if e.get("type") != "observation"]
    C.check(all(isinstance(e.get("event"), dict) and e["event"].get("type")
                == e.get("type") for e in eng),
            "engine entries carry their log line's object in event")
    dir_ = S["c"]["dir"]
    st, p = dir_.get(X("/events?after=0&limit=3"))
    C.check(st == 200 and [e["id"] for e in p["events"]] == ids[:3]
            and p.get("last") == ids[-1],
            "events?after=0&limit=3 gives the first 3, last = newest",
            short(p))
    st, p = dir_.get(X("/events?after=3&limit=2"))
    C.check(st == 200 and [e["id"] for e in p["events"]] == ids[3:5],
            "events?after=3&limit=2 gives entries 4, 5", short(p))
    st, p = dir_.get(X("/events?after=%d" % ids[-1]))
    C.check(st == 200 and p["events"] == [] and p.get("last") == ids[-1],
            "events after the last: empty", short(p))
    paged, after = [], 0
    while True:
        st, p = dir_.get(X("/events?after=%d&limit=4" % after))
        if st != 200 or not p["events"]:
            break
        paged += p["events"]
        after = p["events"][-1]["id"]
    C.check(paged == full, "paging by 4 rebuilds the whole feed")
    st, p = dir_.get(X("/events"))
    C.check(st == 200 and [e["id"] for e in p["events"]] == ids[:200],
            "events without after: from the start (default limit 200)")
    for q in ("limit=0", "limit=1001", "after=-1", "after=abc",
              "limit=xyz"):
        C.error(dir_.get(X("/events?" + q)), 400, "bad_request",
                "events?%s" % q)


def step_audit(srv):
    admin = S["admin"]
    st, lst = admin.get("/api/audit?after=0&limit=1000")
    C.status((st, lst), 200, "admin: GET /api/audit")
    if not isinstance(lst, list):
        return
    C.check(all(set(a) >= {"seq", "at_ms", "user", "user_name", "ip",
                           "exercise", "action", "detail", "status"}
                for a in lst), "audit entries have every documented key")
    seqs = [a.get("seq") for a in lst]
    C.check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs),
            "audit seq increasing")
    acts = " ".join(str(a.get("action")) for a in lst)
    for word in ("login", "user", "exercise", "assign", "control", "action",
                 "observation", "attachment"):
        C.check(word in acts, "audit has an entry about %s" % word, acts[:400])
    def n(word, status):
        return sum(1 for a in lst if word in str(a.get("action")) and
                   a.get("status") == status)
    # The changes made by the steps above, one entry each.
    for word, status, want in (("control", 200, 10), ("assign", 200, 6),
                               ("observation", 201, 1),
                               ("attachment", 201, 1),
                               ("exercise", 201, 1)):
        C.check(n(word, status) == want, "audit: %d successful %s "
                "entries" % (want, word), n(word, status))
    n_act = sum(1 for a in lst if (a.get("action") == "action" or
                                   str(a.get("action")).startswith("action."))
                and a.get("status") == 201)
    C.check(n_act == S.get("n_actions"), "audit: one entry per action "
            "answered 201 (%s)" % S.get("n_actions"), n_act)
    C.check(all(a.get("exercise") == S["x"] for a in lst
                if "control" in str(a.get("action"))),
            "audit: control entries name the exercise")
    fails = [a for a in lst if "login" in str(a.get("action")) and
             a.get("status") == 401]
    bad = srv.client()
    bad.post("/api/login", {"user": "pa", "password": "sai-mat-khau-roi"})
    st, lst2 = admin.get("/api/audit?after=%d" % seqs[-1])
    C.check(st == 200 and any("login" in str(a.get("action")) and
                              a.get("status") == 401 and
                              a.get("user_name") == "pa" for a in lst2),
            "a failed login is audited with its user name",
            short(lst2))
    del fails
    for m in ("DELETE", "POST", "PUT", "PATCH"):
        C.error(admin.request(m, "/api/audit", {} if m != "DELETE" else None),
                405, "method_not_allowed", "%s /api/audit" % m)
    st, page = admin.get("/api/audit?after=%d&limit=2" % seqs[2])
    C.check(st == 200 and [a.get("seq") for a in page] == seqs[3:5],
            "audit?after=S&limit=2: the next two entries",
            short(page))


def step_logout(srv):
    pa = S["c"]["pa"]
    cookie = pa.cookie
    st, body = pa.post("/api/logout")
    C.check(st == 204, "POST /api/logout -> 204", "%s %s" % (st, body))
    old = srv.client()
    old.cookie = cookie
    C.error(old.get("/api/me"), 401, "unauthenticated",
            "the old cookie after logout")
    C.error(old.get(X("/state")), 401, "unauthenticated",
            "the old cookie on an exercise endpoint")
    st, lst = S["admin"].get("/api/audit?after=0&limit=1000")
    C.check(st == 200 and any("logout" in str(a.get("action")) and
                              a.get("user_name") == "pa" for a in lst),
            "the logout is audited")
    # Disabling a user ends their sessions.
    ob = S["c"]["ob"]
    st, u = S["admin"].patch("/api/users/%s" % S["users"]["ob"]["id"],
                             {"disabled": True})
    C.check(st == 200 and u.get("disabled") is True, "PATCH disabled: true")
    C.error(ob.get("/api/me"), 401, "unauthenticated",
            "a disabled user's session")
    st, body = srv.client().post("/api/login", {"user": "ob",
                                                "password": PW % "ob"})
    C.check(st == 401, "a disabled user cannot log in", "%s" % st)


def step_serve_broken_plan():
    d = tempfile.mkdtemp(prefix="kvpt-srv-")
    with open(FIXTURE, encoding="utf-8") as f:
        broken = f.read().replace("to: ct-ubnd\n", "to: ct-ubndx\n", 1)
    path = os.path.join(d, "broken.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(broken)
    try:
        r = subprocess.run([KVPT, "serve", "--db", os.path.join(d, "k.db"),
                            "--listen", "127.0.0.1:0", "--plan", path],
                           capture_output=True, text=True, timeout=20)
        C.check(r.returncode != 0 and "listening" not in r.stdout,
                "kvpt serve --plan with errors does not start",
                "rc %s stdout %r" % (r.returncode, r.stdout[:200]))
        want = kvpt_check_json(KVPT, broken, "broken.yaml")
        d0 = want["diagnostics"][0]
        pos = ":%d:%d:" % (d0["line"], d0["col"])
        C.check(pos in r.stderr and "[unknown-role]" in r.stderr,
                "... and prints the checker's diagnostic (broken.yaml%s "
                "… [unknown-role])" % pos, r.stderr[-400:])
    except subprocess.TimeoutExpired:
        C.check(False, "kvpt serve --plan with errors does not start",
                "still running after 20 s")


def main():
    C.section("kvpt serve --plan with a broken plan", step_serve_broken_plan)
    with Server(KVPT) as srv:
        C.section("health, login, me", step_health_login, srv)
        C.section("users", step_users, srv)
        C.section("upload a broken plan", step_upload_broken, srv)
        C.section("upload the fixture", step_upload, srv)
        C.section("assignments", step_assign, srv)
        C.section("control", step_control, srv)
        C.section("player actions, attachments", step_player, srv)
        C.section("observations", step_observation, srv)
        C.section("pause, resume, end", step_pause_end, srv)
        C.section("log and replay", step_log, srv)
        C.section("events paging", step_events, srv)
        C.section("audit", step_audit, srv)
        C.section("logout", step_logout, srv)
        C.check(srv.alive(), "server still running at the end")
    C.done()


if __name__ == "__main__":
    main()
