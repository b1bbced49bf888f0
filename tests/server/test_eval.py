#!/usr/bin/env python3
"""Evaluation and the after-action report (docs/api.md, "Evaluation and
the after-action report"), end to end on a simulated exercise:

- `kvpt simulate examples/xa-2026-ptkv.yaml --seed 21 --log FILE` plays
  the exercise with automated players; its `action` events are played
  again through the server, each by the player of its role at its
  exercise time (the clock paused, jumped to each action's second).  One
  deliberate breach of procedure is added (a readiness state skipped) and
  the manual inject th-05 is released shortly before the end, so that the
  measures have a violation and an expectation still open at the end.
  The live state, expectations and injects are recorded at 5 moments.
- The measures (GET …/evaluation): counts against GET …/expectations and
  the server's log; every proposed verdict against the rule of
  src/report/measures.h; observation scores folded in.
- Verdicts confirmed and changed (reasons, history, audit trail), lessons
  numbered and reordered, corrective actions carried to the next exercise
  of the same locality (and not to another locality).
- The report as JSON, PDF (pdftotext, pdftoppm: pages rendered under
  BUILD/eval-shots/) and XLSX (read back by LibreOffice).
- The replay at each recorded moment against the live state recorded
  then; the ends; a role's inbox.
- Classification: an observer without clearance gets nothing of the
  Mật injects.
- A restart keeps lessons, verdicts with their history and corrective
  actions.

    python3 tests/server/test_eval.py KVPT_BINARY
"""

import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import time

from common import (Checker, PW, Server, World, kvpt_binary, short,
                    upload_plan, soffice_csv)

KVPT = kvpt_binary()
BUILD = os.path.dirname(KVPT)
C = Checker("test_eval")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLAN = os.path.join(ROOT, "examples", "xa-2026-ptkv.yaml")
CODE = "DTCĐ-TH-2026"
CODE2 = "DTCĐ-TH-2027"          # the next exercise of the same locality
CODE3 = "DTCĐ-TT-2027"          # an exercise of another locality
LOCALITY = "xã Tân Hòa, tỉnh Thanh Hóa"
SEED = 21
SCALE = ["Giỏi", "Khá", "Đạt yêu cầu", "Không đạt yêu cầu"]
CLASSIFIED = ("th-02", "th-03")  # the plan's injects marked Mật
MIN = 60000
DAY = 86400000

# name: (admin, clearance, assignment kind, roles); the players of the
# roles that act in the simulated log are added in setup().
USERS = {
    "dir": (False, "mat", "director", None),
    "ctl": (False, "mat", "controller", None),
    "ev": (False, "mat", "evaluator", None),
    "ob": (False, "mat", "observer", None),
    "obnc": (False, "none", "observer", None),      # not cleared for Mật
}

W = None
S = {}


def X(path="", x=None):
    return "/api/exercises/%s%s" % (x or S["x"], path)


def c(who):
    return W.admin if who == "admin" else W.c(who)


def fmt(t):
    """Exercise time t (ms) in the plan's notation: N 07:30, N+1 07:30:15."""
    day, rem = divmod(t, DAY)
    h, rem = divmod(rem, 3600000)
    m, rem = divmod(rem, MIN)
    s = rem // 1000
    out = ("N %02d:%02d" % (h, m)) if day == 0 else \
        ("N%+d %02d:%02d" % (day, h, m))
    return out + (":%02d" % s if s else "")


def q(text):
    import urllib.parse
    return urllib.parse.quote(text, safe="")


def get_ok(who, path):
    st, body = c(who).get(path)
    if st != 200:
        raise RuntimeError("GET %s as %s: %s %s" % (path, who, st,
                                                     short(body)))
    return body


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


def verdict_rule(met, due, violations, score, n):
    """src/report/measures.h: (measured index, index) or None for none."""
    idx = None
    if due > 0:
        band = 0 if met * 10 >= due * 9 else 1 if met * 10 >= due * 7 \
            else 2 if met * 2 >= due else 3
        idx = n - 1 if band == 3 else min(band, n - 1)
    if violations:
        idx = min(1, n - 1) if idx is None else max(idx, min(1, n - 1))
    measured = idx
    if score is not None:
        s = min(score, n - 1)
        x = s if idx is None else (idx + s) / 2
        idx = int(math.floor(x + 0.5))
        idx = max(0, min(idx, n - 1))
        if violations:
            idx = max(idx, min(1, n - 1))
    return measured, idx


def tally(statuses):
    out = {k: 0 for k in ("met", "late", "missed", "open", "cancelled",
                          "waiting")}
    for s in statuses:
        out[s] = out.get(s, 0) + 1
    return out


# ---------------------------------------------------------------------------
# 1. The simulated exercise, played through the server

def setup(srv):
    global W
    tmp = tempfile.mkdtemp(prefix="kvpt-eval-")
    S["tmp"] = tmp
    log = os.path.join(tmp, "sim.jsonl")
    r = subprocess.run([KVPT, "simulate", PLAN, "--seed", str(SEED),
                        "--log", log], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("kvpt simulate: %s %s" % (r.returncode,
                                                      r.stderr))
    with open(log, encoding="utf-8") as f:
        sim = [json.loads(ln) for ln in f if ln.strip()]
    S["sim"] = sim
    S["sim_actions"] = [e for e in sim if e["type"] == "action"]
    C.check(len(S["sim_actions"]) >= 20,
            "the simulated log has the players' actions (%d)" %
            len(S["sim_actions"]))
    # which actions the doctrine refused in the simulation
    S["sim_refused"] = set()
    for i, e in enumerate(sim):
        if e["type"] == "transition.refused":
            prev = [a for a in sim[:i] if a["type"] == "action"]
            S["sim_refused"].add(prev[-1]["seq"])
    roles = sorted({a["role"] for a in S["sim_actions"]})
    users = dict(USERS)
    for role in roles:
        users["p-" + role] = (False, "mat", "player", [role])
    S["users"] = users
    W = World(srv, users=users, upload=False)
    with open(PLAN, encoding="utf-8") as f:
        S["plan_text"] = f.read()
    st, body = upload_plan(W.admin, S["plan_text"], "xa-2026-ptkv.yaml")
    C.check(st == 201 and body.get("code") == CODE and
            body.get("warnings") == [],
            "the plan uploads cleanly (no include, no warning)",
            "%s %s" % (st, short(body)))
    if st != 201:
        raise RuntimeError("upload: %s %s" % (st, body))
    S["x"] = W.x = body["id"]
    for name, (_, _, kind, rl) in users.items():
        W.assign(S["x"], name, kind, rl)
    ex = get_ok("dir", X())
    S["role_body"] = {r["id"]: r["body"] for r in ex["roles"]}
    S["body_name"] = {b["id"]: b["name"] for b in ex["bodies"]}
    C.check(ex.get("scale") == SCALE and ex.get("locality") == LOCALITY,
            "the exercise has the plan's scale and locality",
            short({k: ex.get(k) for k in ("scale", "locality")}))


def record(label):
    """The live state, expectations and injects now (as the director)."""
    st = get_ok("dir", X("/state"))
    m = {"label": label, "t": st["clock"]["t"],
         "t_text": st["clock"]["t_text"], "state": st,
         "expectations": get_ok("dir", X("/expectations")),
         "injects": get_ok("dir", X("/injects"))}
    S["moments"].append(m)
    return m


def step_play(srv):
    S["moments"] = []
    st, body = W.ctl("start")
    C.status((st, body), 200, "start")
    st, body = W.ctl("pause")
    C.status((st, body), 200, "pause: the clock moves only by jumps")
    now = body["clock"]["t"] if st == 200 else None
    acts = S["sim_actions"]
    # record after the last action of a second, at 5 moments spread out
    n = len(acts)
    want = {n * k // 6 for k in range(1, 6)}
    results = []
    for i, a in enumerate(acts):
        t = a["t"] // 1000 * 1000
        if t != now:
            st, body = W.ctl("jump", {"to": fmt(t)})
            if not C.check(st == 200 and body["clock"]["t"] == t,
                           "jump to %s" % fmt(t), "%s %s" % (st,
                                                              short(body))):
                raise RuntimeError("the clock did not jump")
            now = t
        obj = {k: v for k, v in a.items()
               if k not in ("seq", "t", "type", "v")}
        st, body = W.act("p-" + a["role"], obj)
        refused = a["seq"] in S["sim_refused"]
        results.append((a, st, body))
        C.check(st == (409 if refused else 201) and
                (body.get("error", {}).get("code") == "refused"
                 if refused else isinstance(body.get("event"), int)),
                "%s %s %s at %s -> %s" % (a["role"], a["kind"],
                                          obj.get("inject") or
                                          obj.get("conference") or
                                          obj.get("state", ""), fmt(t),
                                          409 if refused else 201),
                "%s %s" % (st, short(body)))
        if i == 0:
            # A breach of procedure: readiness regular -> full, skipping
            # two states; held against the body of the role who asked.
            st, body = W.act("p-cht-qs-xa", {
                "kind": "transition", "role": "cht-qs-xa",
                "machine": "readiness", "body": "bchqs-xa",
                "state": "full"})
            S["violation_rule"] = body.get("error", {}).get("rule") \
                if isinstance(body, dict) else None
            C.check(st == 409 and body["error"]["code"] == "refused" and
                    S["violation_rule"] not in (None,
                                                "transition-no-change"),
                    "a skipped readiness state is refused (a violation)",
                    "%s %s" % (st, short(body)))
        last_of_second = i + 1 == n or acts[i + 1]["t"] // 1000 * 1000 != t
        if i in want and last_of_second:
            record("after action %d" % (i + 1))
        elif i in want:
            want.add(i + 1)
        if i >= n // 3 and last_of_second and "obs_live" not in S:
            # an observation while the exercise runs: stamped with its time
            st, body = c("ev").post(X("/observations"), {
                "criterion": "lanh-dao", "body": "du-xa",
                "score": SCALE[2], "strengths": "Chủ động",
                "text": "Hội nghị Đảng ủy đúng thành phần."})
            o = body.get("observation", {}) if st == 201 else {}
            C.check(st == 201 and o.get("t") == t and
                    o.get("t_text") == fmt(t),
                    "an observation during the exercise carries its time "
                    "(%s)" % fmt(t), "%s %s" % (st, short(body)))
            S["obs_live"] = o
    # th-05 is manual: release it 5 minutes before the end, so that its
    # report is still open when the exercise ends.
    st, body = W.ctl("release", {"inject": "th-05"})
    C.status((st, body), 200, "release th-05 by hand")
    st, body = W.ctl("jump", {"to": fmt(now + 5 * MIN)})
    C.status((st, body), 200, "jump 5 minutes on")
    S["end_moment"] = record("th-05 open")
    th05 = [e for e in S["end_moment"]["expectations"]
            if e["inject"] == "th-05"]
    C.check(th05 and all(e["status"] == "open" for e in th05),
            "th-05's expectation is open", short(th05))
    # the end a minute later (a replay at a moment sees what happened up
    # to and at that moment, the end included)
    C.status(W.ctl("jump", {"to": fmt(now + 6 * MIN)}), 200,
             "jump a minute on")
    st, body = W.ctl("end")
    C.status((st, body), 200, "end")
    S["end_t"] = body["clock"]["t"] if st == 200 else None
    C.check(len(S["moments"]) >= 5, "%d moments recorded" %
            len(S["moments"]), [m["t_text"] for m in S["moments"]])

    # The server's log holds the same actions, at the same seconds.
    st, hd, raw = c("dir").raw("GET", X("/log"))
    log = [json.loads(ln) for ln in raw.decode().splitlines() if ln.strip()]
    S["log"] = log
    keys = ("role", "kind", "inject", "conference", "machine", "body",
            "state", "doc_type", "document")
    got = [(e["t"],) + tuple(e.get(k) for k in keys) for e in log
           if e["type"] == "action"]
    exp = [(a["t"] // 1000 * 1000,) + tuple(a.get(k) for k in keys)
           for a in acts]
    exp.insert(1, (exp[0][0], "cht-qs-xa", "transition", None, None,
                   "readiness", "bchqs-xa", "full", None, None))
    C.check(got == exp, "the server's log has the %d actions played, in "
            "order, at their times" % len(exp),
            "first difference: %s" % short(next(
                ((g, e) for g, e in zip(got, exp) if g != e),
                (len(got), len(exp)))))
    # The outcome of each expectation is the simulation's (th-05 aside).
    sim_out = {}
    for e in S["sim"]:
        if e["type"].startswith("expectation."):
            sim_out[e["expectation"]] = e["type"].split(".", 1)[1]
    final = {e["id"]: e["status"] for e in
             get_ok("dir", X("/expectations"))}
    diff = {k: (sim_out.get(k, "waiting"), v) for k, v in final.items()
            if not k.startswith("th-05") and sim_out.get(k, "waiting") != v}
    C.check(not diff and final, "every expectation ends as in the "
            "simulation", diff)


# ---------------------------------------------------------------------------
# 2. Measures and proposed verdicts

def log_statuses(log, ids_by_inject):
    """Each expectation's status as the log tells it."""
    st = {}
    released, cancelled, ended = set(), set(), False
    for e in log:
        ty = e["type"]
        if ty == "inject.released":
            released.add(e["inject"])
        elif ty == "inject.cancelled":
            cancelled.add(e["inject"])
        elif ty == "exercise.ended":
            ended = True
        elif ty in ("expectation.met", "expectation.late",
                    "expectation.missed"):
            st[e["expectation"]] = ty.split(".", 1)[1]
    out = {}
    for inj, ids in ids_by_inject.items():
        for i in ids:
            out[i] = st.get(i) or ("cancelled" if inj in cancelled else
                                   "open" if inj in released else
                                   "waiting")
    return out, ended


def evaluation(who="ev", query=""):
    return get_ok(who, X("/evaluation" + query))


def check_proposals(ev, scores, what):
    """Every body's and the overall proposed verdict follows the rule."""
    m = ev["measures"]
    n = len(m["scale"])
    vs = {v["body"]: v for v in ev["verdicts"]}
    bad = []
    for b in m["bodies"]:
        cn = b["counts"]
        s = scores.get(b["id"])
        meas, idx = verdict_rule(cn["met"], cn["due"], b["violations"], s, n)
        v = b["verdict"]
        p = vs.get(b["id"], {}).get("proposed", {})
        exp = (meas, idx, SCALE[idx] if idx is not None else None, s)
        got = (v.get("measured_index"), v.get("index"), v.get("label"),
               v.get("score"))
        if got != exp or (p.get("index"), p.get("label")) != exp[1:3] or \
                p.get("reason") != v.get("reason"):
            bad.append((b["id"], "expected", exp, "got", got, p))
    cn = m["overall"]["counts"]
    given = [s for s in scores.values() if s is not None]
    s = sum(given) / len(given) if given else None
    meas, idx = verdict_rule(cn["met"], cn["due"], m["overall"]["violations"],
                             s, n)
    v = m["overall"]["verdict"]
    p = vs.get(None, {}).get("proposed", {})
    exp = (meas, idx, SCALE[idx] if idx is not None else None)
    got = (v.get("measured_index"), v.get("index"), v.get("label"))
    if got != exp or (p.get("index"), p.get("label")) != exp[1:]:
        bad.append(("overall", "expected", exp, "got", got, p))
    C.check(not bad, "%s: every proposed verdict (%d bodies and overall) "
            "follows the rule of measures.h" % (what, len(m["bodies"])), bad)
    C.check(len(ev["verdicts"]) == len(m["bodies"]) + 1 and
            ev["verdicts"][0]["body"] is None and
            [v["body"] for v in ev["verdicts"][1:]] ==
            [b["id"] for b in m["bodies"]],
            "%s: verdicts = overall, then each body of the measures" % what,
            [v["body"] for v in ev["verdicts"]])


def step_measures(srv):
    ev = evaluation()
    S["eval0"] = ev
    C.check(set(ev) == {"measures", "scores", "verdicts"},
            "GET evaluation = {measures, scores, verdicts}", list(ev))
    m = ev["measures"]
    C.check(m.get("version") == 1 and m.get("ended") is True and
            m.get("until") is None and m.get("t") == S["end_t"] and
            m.get("scale") == SCALE and
            m["exercise"]["code"] == CODE,
            "measures: version 1, ended, whole log, the plan's scale",
            short({k: m.get(k) for k in ("version", "ended", "until", "t")}))
    exps = get_ok("dir", X("/expectations"))
    api = tally(e["status"] for e in exps)
    by_inject = {}
    for e in exps:
        by_inject.setdefault(e["inject"], []).append(e["id"])
    from_log, ended = log_statuses(S["log"], by_inject)
    lg = tally(from_log.values())
    cn = m["overall"]["counts"]
    keys = ("met", "late", "missed", "open", "cancelled", "waiting")
    C.check(all(cn[k] == api[k] == lg[k] for k in keys) and
            cn["total"] == len(exps),
            "overall counts = GET expectations = the server's log "
            "(met %d, late %d, missed %d, open %d)" % tuple(
                cn[k] for k in keys[:4]),
            "measures %s / expectations %s / log %s" % (
                {k: cn[k] for k in keys}, api, lg))
    C.check(cn["missed"] >= 1 and cn["late"] >= 1 and cn["open"] == 1,
            "the run has late, missed and one open expectation", cn)
    C.check(ended and cn["due"] == cn["met"] + cn["late"] + cn["missed"] +
            cn["open"] and cn["in_time_share"] ==
            round(cn["met"] / cn["due"], 4),
            "due = met + late + missed + open once ended; the share",
            short(cn))
    C.check({e["id"]: e["status"] for e in exps} == from_log,
            "each expectation's status = the log's")
    # each body's expectations: statuses as listed, counts tallied
    status = {e["id"]: e["status"] for e in exps}
    owner = {}
    for e in exps:
        if e["by"] in S["role_body"]:
            owner[e["id"]] = S["role_body"][e["by"]]
        elif e["by"] in S["body_name"]:
            owner[e["id"]] = e["by"]
    bad, seen = [], []
    for b in m["bodies"]:
        mine = b["expectations"]
        seen += [x["id"] for x in mine]
        t = tally(x["status"] for x in mine)
        if any(t[k] != b["counts"][k] for k in keys) or \
                b["counts"]["total"] != len(mine):
            bad.append((b["id"], "counts", b["counts"], t))
        for x in mine:
            if x["status"] != status.get(x["id"]):
                bad.append((b["id"], x["id"], x["status"],
                            status.get(x["id"])))
            if x["id"] in owner and owner[x["id"]] != b["id"]:
                bad.append((b["id"], x["id"], "owner", owner[x["id"]]))
    C.check(not bad, "each body's counts tally its expectations, which "
            "have GET expectations' statuses and owners", bad)
    C.check(set(owner) <= set(seen) and len(seen) == len(set(seen)),
            "every expectation with an owner is counted once, for its "
            "body", sorted(set(owner) - set(seen)))
    # the breach of procedure is held against bchqs-xa
    bq = [b for b in m["bodies"] if b["id"] == "bchqs-xa"]
    C.check(bq and bq[0]["violations"] == 1 and
            m["overall"]["violations"] == 1 and
            any(r["rule"] == S.get("violation_rule") and
                r["violation"] is True for r in m["refused"]),
            "the skipped state is a violation of bchqs-xa",
            short(bq[0] if bq else m["bodies"]))
    C.check(ev["scores"] == [] or all(s["body"] == "du-xa"
                                      for s in ev["scores"]),
            "scores: only the observation made so far", ev["scores"])
    S["scores"] = {s["body"]: s["mean"] for s in ev["scores"]}
    check_proposals(ev, S["scores"], "after the exercise")
    # the measures up to a moment: the counts of that moment
    mo = S["moments"][2]
    ev2 = evaluation(query="?until=" + q(mo["t_text"]))
    cn2 = ev2["measures"]["overall"]["counts"]
    live = tally(e["status"] for e in mo["expectations"])
    C.check(ev2["measures"]["until"] == mo["t"] and
            ev2["measures"]["ended"] is False and
            all(cn2[k] == live[k] for k in ("met", "late", "missed",
                                             "open", "waiting")),
            "evaluation?until=%s: the counts live then" % mo["t_text"],
            "%s vs %s" % (short(cn2), live))
    C.error(c("ev").get(X("/evaluation?until=" + q("hôm qua"))), 400,
            "bad_request", "evaluation?until=<not a time>")
    for who in ("dir", "ctl", "ob"):
        C.status(c(who).get(X("/evaluation")), 200,
                 "GET evaluation as %s" % who)
    C.error(c("p-cht-qs-xa").get(X("/evaluation")), 403, "forbidden",
            "GET evaluation as a player")
    C.error(W.admin.get(X("/evaluation")), 403, "forbidden",
            "GET evaluation as an unassigned administrator")


def step_observations(srv):
    m = S["eval0"]["measures"]
    measured = [b for b in m["bodies"] if b["verdict"]["index"] is not None
                and b["id"] != "du-xa"]
    unmeasured = [b for b in m["bodies"] if
                  b["verdict"]["measured_index"] is None and
                  b["id"] != "du-xa"]
    if not C.check(measured and unmeasured, "bodies with and without a "
                   "measured verdict", [b["id"] for b in m["bodies"]]):
        return
    a, b = measured[0]["id"], unmeasured[0]["id"]
    S["obs_bodies"] = (a, b)
    posts = [{"criterion": "dieu-hanh", "body": a, "score": SCALE[3],
              "weaknesses": "Báo cáo chậm", "text": "Chưa kịp thời."},
             {"criterion": "tham-muu", "body": a, "score": SCALE[0],
              "strengths": "Tham mưu sát"},
             {"criterion": "chien-dau", "body": b, "score": SCALE[1],
              "text": "Chuyển trạng thái đúng trình tự."},
             {"criterion": "an-toan", "body": b,
              "text": "Không chấm điểm."},                 # no score
             {"criterion": "an-toan", "score": SCALE[3],
              "text": "Không gắn với cơ quan nào."}]        # no body
    for p in posts:
        st, body = c("ev").post(X("/observations"), p)
        C.check(st == 201 and body["observation"]["t"] == S["end_t"],
                "observation on %s (%s) after the end" %
                (p.get("body"), p.get("score")), "%s %s" % (st,
                                                            short(body)))
    C.status(c("ob").post(X("/observations"), posts[0]), 403,
             "an observer records no observation")
    C.status(c("ev").post(X("/observations"), dict(posts[0],
                                                    score="Xuất sắc")),
             400, "an observation's score outside the scale")
    ev = evaluation()
    exp = {"du-xa": (1, 2.0), a: (2, 1.5), b: (1, 1.0)}
    got = {s["body"]: (s["n"], s["mean"]) for s in ev["scores"]}
    C.check(got == exp, "scores: n and mean per body, on the scale index; "
            "observations without body or score do not count", got)
    S["scores"] = {k: v[1] for k, v in got.items()}
    check_proposals(ev, S["scores"], "with the observations")
    vb = {x["id"]: x["verdict"] for x in ev["measures"]["bodies"]}
    before = {x["id"]: x["verdict"] for x in m["bodies"]}
    C.check(vb[a]["measured_index"] == before[a]["index"] and
            vb[a]["score"] == 1.5,
            "%s: the measured index stays, the score 1.5 is folded in" % a,
            short(vb[a]))
    C.check(vb[b]["measured_index"] is None and vb[b]["index"] == 1 and
            vb[b]["label"] == SCALE[1] and before[b]["index"] is None,
            "%s: no measured index; the score alone gives %s" %
            (b, SCALE[1]), short(vb[b]))
    S["eval1"] = ev


# ---------------------------------------------------------------------------
# 3. Verdicts

def verdict_of(ev, body):
    for v in ev["verdicts"]:
        if v["body"] == body:
            return v
    return None


def step_verdicts(srv):
    ev = evaluation()
    ov = verdict_of(ev, None)
    prop = ov["proposed"]["label"]
    other = next(w for w in SCALE if w != prop)
    url = X("/verdicts")
    audit0 = all_audit()[-1]["seq"]
    st, v = c("ev").post(url, {"label": prop})
    C.check(st == 200 and v["body"] is None and
            v["confirmed"]["label"] == prop and
            v["confirmed"]["index"] == SCALE.index(prop) and
            v["confirmed"]["changed"] is False and
            v["confirmed"]["reason"] in ("", None) and
            v["confirmed"]["user"] == {"id": W.uid("ev"),
                                       "name": "Người dùng ev"} and
            len(v["history"]) == 1 and v["history"][0] == v["confirmed"],
            "the evaluator confirms the proposed overall verdict without "
            "a reason", "%s %s" % (st, short(v)))
    C.error(c("ev").post(url, {"label": other}), 400, "bad_request",
            "another word without a reason")
    C.error(c("ev").post(url, {"label": other, "reason": ""}), 400,
            "bad_request", "another word with an empty reason")
    reason = "Tổ đánh giá nâng một mức: xử trí tình huống th-04 quyết đoán."
    st, v = c("ev").post(url, {"label": other, "reason": reason})
    C.check(st == 200 and v["confirmed"]["label"] == other and
            v["confirmed"]["changed"] is True and
            v["confirmed"]["reason"] == reason and
            v["proposed"]["label"] == prop and
            [h["label"] for h in v.get("history", [])] == [prop, other] and
            [h["changed"] for h in v["history"]] == [False, True] and
            v["history"][-1] == v["confirmed"],
            "another word with a reason: changed, the history keeps both",
            "%s %s" % (st, short(v)))
    # a body, by the director
    a = S["obs_bodies"][0]
    pa = verdict_of(ev, a)["proposed"]["label"]
    st, v = c("dir").post(url, {"body": a, "label": pa})
    C.check(st == 200 and v["body"] == a and
            v["confirmed"]["label"] == pa and
            v["confirmed"]["changed"] is False and
            v["confirmed"]["user"]["id"] == W.uid("dir"),
            "the director confirms %s's proposed verdict" % a,
            "%s %s" % (st, short(v)))
    S["confirmed"] = {None: other, a: pa}
    # who may not
    C.error(c("ob").post(url, {"label": prop}), 403, "forbidden",
            "an observer confirms a verdict")
    C.error(c("p-cht-qs-xa").post(url, {"label": prop}), 403, "forbidden",
            "a player confirms a verdict")
    C.error(c("ctl").post(url, {"label": prop}), 403, "forbidden",
            "a controller confirms a verdict")
    C.error(c("ev").post(url, {"body": "khong-co", "label": prop}), 400,
            "bad_request", "an unknown body")
    C.error(c("ev").post(url, {"label": "Xuất sắc", "reason": "x"}), 400,
            "bad_request", "a word not in the scale")
    C.error(c("ev").post(url, {"label": prop, "note": "x"}), 400,
            "bad_request", "an unknown field")
    # readers see it
    ev_ob = evaluation("ob")
    vo = verdict_of(ev_ob, None)
    C.check(vo["confirmed"]["label"] == other and
            len(vo["history"]) == 2 and
            verdict_of(ev_ob, a)["confirmed"]["label"] == pa,
            "the observer reads the confirmed verdicts and the history",
            short(vo))
    # the audit trail: one entry per confirmation
    au = [e for e in all_audit() if e["seq"] > audit0 and
          e["action"] == "verdict.confirm"]
    exp = [(W.uid("ev"), None, prop, False), (W.uid("ev"), None, other, True),
           (W.uid("dir"), a, pa, False)]
    got = [(e["user"], (e.get("detail") or {}).get("body"),
            (e.get("detail") or {}).get("label"),
            (e.get("detail") or {}).get("changed")) for e in au]
    C.check(got == exp and all(e["exercise"] == S["x"] for e in au),
            "the audit trail has the 3 confirmations (who, body, word, "
            "changed), none of the refused ones", short(au, 600))


# ---------------------------------------------------------------------------
# 4. Lessons

def lessons(who="ev"):
    return get_ok(who, X("/lessons"))


def step_lessons(srv):
    texts = ["Báo cáo tình huống phải đúng thời hạn quy định",
             "Hiệp đồng giữa dân quân và công an xã chưa chặt chẽ",
             "Cần tập huấn sử dụng bản đồ số cho Ban CHQS xã"]
    ids = []
    audit0 = all_audit()[-1]["seq"]
    for who, text, extra in (("ev", texts[0], {}),
                             ("ctl", texts[1], {"body": "ca-xa",
                                                "criterion": "chien-dau"}),
                             ("dir", texts[2], {})):
        st, l = c(who).post(X("/lessons"), dict(extra, text=text))
        ok = C.check(st == 201 and l["n"] == len(ids) + 1 and
                     l["text"] == text and
                     l["body"] == extra.get("body") and
                     l["criterion"] == extra.get("criterion") and
                     l["user"]["id"] == W.uid(who) and
                     set(l) == {"id", "n", "text", "body", "criterion",
                                "user", "at_ms"},
                     "%s adds lesson %d" % (who, len(ids) + 1),
                     "%s %s" % (st, short(l)))
        if not ok:
            raise RuntimeError("lessons cannot be added")
        ids.append(l["id"])
    l1, l2, l3 = ids
    ls = lessons()
    C.check([x["id"] for x in ls] == ids and
            [x["n"] for x in ls] == [1, 2, 3],
            "GET lessons: numbered 1, 2, 3 in order", short(ls))
    st, l = c("ev").patch(X("/lessons/%d" % l3), {"n": 1})
    C.check(st == 200 and l["n"] == 1 and l["id"] == l3,
            "lesson 3 moved to 1", "%s %s" % (st, short(l)))
    ls = lessons()
    C.check([x["id"] for x in ls] == [l3, l1, l2] and
            [x["n"] for x in ls] == [1, 2, 3],
            "the others move down; numbers stay 1..3",
            [(x["id"], x["n"]) for x in ls])
    st, l = c("dir").patch(X("/lessons/%d" % l2), {"n": 2})
    ls = lessons()
    C.check(st == 200 and [x["id"] for x in ls] == [l3, l2, l1] and
            [x["n"] for x in ls] == [1, 2, 3],
            "lesson moved from 3 to 2: 1..3 dense",
            [(x["id"], x["n"]) for x in ls])
    new = "Báo cáo tình huống phải đúng thời hạn, đủ nội dung và số liệu"
    st, l = c("ctl").patch(X("/lessons/%d" % l1), {"text": new})
    C.check(st == 200 and l["text"] == new and l["n"] == 3,
            "the text is edited, the number kept", "%s %s" % (st, short(l)))
    texts[0] = new
    ls2 = lessons()
    C.check([x["text"] for x in ls2] == [texts[2], texts[1], new] and
            [x["n"] for x in ls2] == [1, 2, 3],
            "GET lessons after the edit", short(ls2))
    # refused
    for who in ("p-ct-ubnd-xa", "ob"):
        C.error(c(who).post(X("/lessons"), {"text": "x"}), 403, "forbidden",
                "%s adds a lesson" % who)
        C.error(c(who).patch(X("/lessons/%d" % l1), {"text": "x"}), 403,
                "forbidden", "%s edits a lesson" % who)
    C.error(c("p-ct-ubnd-xa").get(X("/lessons")), 403, "forbidden",
            "a player reads the lessons")
    C.check(lessons("ob") == ls2, "the observer reads the lessons")
    C.error(c("ev").post(X("/lessons"), {"text": ""}), 400, "bad_request",
            "a lesson with empty text")
    C.error(c("ev").post(X("/lessons"), {"body": "ca-xa"}), 400,
            "bad_request", "a lesson without text")
    C.error(c("ev").post(X("/lessons"), {"text": "x", "body": "khong-co"}),
            400, "bad_request", "a lesson of an unknown body")
    C.error(c("ev").patch(X("/lessons/%d" % l1), {"text": ""}), 400,
            "bad_request", "emptying a lesson's text")
    for n in (0, 4):
        C.error(c("ev").patch(X("/lessons/%d" % l1), {"n": n}), 400,
                "bad_request", "moving a lesson to %d of 3" % n)
    C.error(c("ev").patch(X("/lessons/99999"), {"text": "x"}), 404,
            "not_found", "an unknown lesson")
    C.check(lessons() == ls2, "the refused changes changed nothing")
    au = [e for e in all_audit() if e["seq"] > audit0 and
          e["action"].startswith("lesson.")]
    C.check([e["action"] for e in au] == ["lesson.create"] * 3 +
            ["lesson.update"] * 3,
            "the audit trail: 3 lessons created, 3 changes",
            [e["action"] for e in au])
    S["lessons"] = ls2
    S["lesson_ids"] = (l1, l2, l3)


# ---------------------------------------------------------------------------
# 5. Corrective actions

def tasks(who, x=None):
    return get_ok(who, X("/tasks", x))["tasks"]


def upload_variant(code, locality=None):
    text = S["plan_text"].replace("code: " + CODE, "code: " + code, 1)
    if locality:
        text = text.replace("locality: " + LOCALITY,
                            "locality: " + locality, 1)
    st, body = upload_plan(W.admin, text, "plan-%s.yaml" % code[-4:])
    if st != 201:
        raise RuntimeError("upload %s: %s %s" % (code, st, short(body)))
    return body["id"]


def step_actions(srv):
    l1, l2, l3 = S["lesson_ids"]
    st, t1 = c("dir").post(X("/tasks"), {
        "title": "Rà soát quy trình báo cáo của UBND xã",
        "assignee_body": "ubnd-xa", "due": "N+30", "corrective": True,
        "lesson": l1})
    C.check(st == 201 and t1["corrective"] is True and
            t1["lesson"] == l1 and t1["status"] == "open",
            "a corrective action answering lesson %d" % l1,
            "%s %s" % (st, short(t1)))
    st, t2 = c("ctl").post(X("/tasks"), {
        "title": "Tập huấn bản đồ số cho Ban CHQS xã",
        "assignee_body": "bchqs-xa", "due": "N+45", "lesson": l3})
    C.check(st == 201 and t2["corrective"] is True and t2["lesson"] == l3,
            "a task with a lesson is corrective", "%s %s" % (st, short(t2)))
    st, t3 = c("dir").post(X("/tasks"), {
        "title": "Lưu trữ hồ sơ diễn tập", "assignee_body": "ubnd-xa",
        "due": "N+10"})
    C.check(st == 201 and t3["corrective"] is False and t3["lesson"] is None,
            "an ordinary task is not corrective", "%s %s" % (st, short(t3)))
    C.error(c("dir").post(X("/tasks"), {
        "title": "x", "assignee_body": "ubnd-xa", "due": "N+10",
        "lesson": 99999}), 400, "bad_request", "a task for an unknown "
            "lesson")
    C.error(c("ev").post(X("/tasks"), {
        "title": "x", "assignee_body": "ubnd-xa", "due": "N+10",
        "corrective": True}), 403, "forbidden", "an evaluator creates a "
            "task")
    if not (isinstance(t1, dict) and isinstance(t2, dict)):
        return
    S["t1"], S["t2"], S["t3"] = t1["id"], t2["id"], t3["id"]
    own = {t["id"]: t for t in tasks("dir")}
    C.check({t1["id"], t2["id"], t3["id"]} <= set(own) and
            not any("carried_from" in t for t in own.values()),
            "the first exercise lists its tasks, none carried")
    # the next exercise of the same locality
    x2 = upload_variant(CODE2)
    x3 = upload_variant(CODE3, "xã Tân Thành, tỉnh Thanh Hóa")
    S["x2"], S["x3"] = x2, x3
    W.assign(x2, "dir", "director")
    W.assign(x3, "dir", "director")
    W.assign(x2, "ob", "observer")
    ref = {"id": S["x"], "code": CODE,
           "name": "Diễn tập chiến đấu phòng thủ xã Tân Hòa năm 2026"}

    def carried(who, x):
        return {t["id"]: t for t in tasks(who, x) if "carried_from" in t}

    cr = carried("dir", x2)
    C.check(set(cr) == {t1["id"], t2["id"]} and
            all(t["carried_from"] == ref for t in cr.values()),
            "the next exercise of %s lists both open corrective actions "
            "with carried_from" % LOCALITY, short(cr, 600))
    if t1["id"] in cr:
        x = dict(cr[t1["id"]])
        x.pop("carried_from")
        C.check(x == own[t1["id"]], "a carried action is shown as in its "
                "own exercise", "%s vs %s" % (short(x), short(own[t1["id"]])))
    C.check(set(carried("ob", x2)) == {t1["id"], t2["id"]},
            "the observer of the next exercise sees them too")
    C.check(carried("dir", x3) == {} and
            all("carried_from" not in t for t in tasks("dir", x3)),
            "an exercise of another locality does not get them")
    C.error(c("dir").patch(X("/tasks/%d" % t2["id"], x2),
                           {"status": "done"}), 404, "not_found",
            "a carried action is not changed through the next exercise")
    st, t = c("dir").patch(X("/tasks/%d" % t2["id"]), {"status": "done"})
    C.check(st == 200 and t["status"] == "done",
            "the action is done in its own exercise", "%s %s" % (st,
                                                                 short(t)))
    C.check(set(carried("dir", x2)) == {t1["id"]},
            "a done action is no longer carried", sorted(carried("dir",
                                                                 x2)))
    st, t = c("p-ct-ubnd-xa").patch(X("/tasks/%d" % t1["id"]),
                                   {"status": "doing"})
    C.check(st == 200 and t["status"] == "doing",
            "the assignee's player takes up the action",
            "%s %s" % (st, short(t)))


# ---------------------------------------------------------------------------
# 6. The report: JSON, PDF, XLSX

AAR_KEYS = {"exercise", "measures", "verdicts", "lessons", "observations",
            "actions", "generated_ms"}


def step_aar(srv):
    t0 = time.time() * 1000
    st, a = c("ev").get(X("/aar"))
    if not C.check(st == 200 and isinstance(a, dict),
                   "GET aar as the evaluator", "%s %s" % (st, short(a))):
        return
    S["aar"] = a
    C.check(set(a) == AAR_KEYS, "aar has exactly the contract's keys",
            sorted(a))
    ev = evaluation()
    C.check(a["measures"] == ev["measures"] and
            a["verdicts"] == ev["verdicts"],
            "aar: measures and verdicts = GET evaluation's")
    C.check(a["lessons"] == lessons(), "aar: lessons = GET lessons")
    obs = get_ok("ev", X("/observations"))
    C.check(a["observations"] == obs and len(obs) == 6,
            "aar: the 6 observations, for the staff", len(a["observations"]))
    C.check(a["exercise"].get("id") == S["x"] and
            a["exercise"].get("code") == CODE and
            abs(a["generated_ms"] - t0) < 60000,
            "aar: the exercise and generated_ms", short(a["exercise"]))
    tl = {t["id"]: t for t in tasks("dir")}
    acts = {t.get("id"): t for t in a["actions"]}
    C.check(set(acts) == {S["t1"], S["t2"]},
            "aar: the actions are the corrective ones", sorted(acts))
    diff = {}
    for i, t in acts.items():
        if i in tl and t != tl[i]:
            diff[i] = {k: (t.get(k), tl[i].get(k)) for k in
                       set(t) | set(tl[i]) if t.get(k) != tl[i].get(k)}
    C.check(not diff, "aar: each action is a Task, as GET tasks shows it",
            short(diff, 600))
    st, ad = c("dir").get(X("/aar"))
    C.check(st == 200 and ad["observations"] == obs,
            "the director's aar has the observations")
    st, ao = c("ob").get(X("/aar"))
    C.check(st == 200 and set(ao) == AAR_KEYS and
            ao["observations"] == [] and ao["lessons"] == a["lessons"] and
            ao["verdicts"] == a["verdicts"],
            "the observer's aar: no observations, the rest",
            "%s %s" % (st, short(ao)))
    C.error(c("p-cht-qs-xa").get(X("/aar")), 403, "forbidden",
            "GET aar as a player")


def pdf_text(data, tmp, name):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    txt = subprocess.run(["pdftotext", "-layout", path, "-"],
                         capture_output=True, check=True).stdout.decode()
    info = subprocess.run(["pdfinfo", path], capture_output=True,
                          check=True).stdout.decode()
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return path, txt, pages


def pgm_dark(path):
    """Share of dark pixels (< 128) of a binary PGM (P5) above its footer
    (the bottom tenth, where every page has its number)."""
    with open(path, "rb") as f:
        data = f.read()
    parts = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(parts.group(1)), int(parts.group(2))
    px = data[parts.end():parts.end() + w * (h * 9 // 10)]
    return sum(1 for b in px if b < 128) / float(len(px)), w, h


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24],
                                                              "big")


def step_pdf(srv):
    tmp = S["tmp"]
    st, hd, data = c("ev").raw("GET", X("/aar.pdf"))
    C.check(st == 200 and hd.get("content-type", "").startswith(
        "application/pdf") and data[:5] == b"%PDF-",
            "GET aar.pdf: application/pdf", "%s %s %s" % (
                st, hd.get("content-type"), short(data[:200])))
    if st != 200:
        return
    path, txt, pages = pdf_text(data, tmp, "aar.pdf")
    flat = re.sub(r"\s+", " ", txt)
    for s in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
              "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
              "I. KHÁI QUÁT", "II. KẾT QUẢ THỰC HIỆN CÁC YÊU CẦU",
              "III. DIỄN BIẾN VÀ TRẠNG THÁI", "IV. ĐÁNH GIÁ, NHẬN XÉT",
              "V. BÀI HỌC KINH NGHIỆM", "VI. CÁC VIỆC KHẮC PHỤC"):
        C.check(s in txt, "the PDF says %r" % s)
    for l in S["lessons"]:
        s = "Bài học %d: %s" % (l["n"], l["text"])
        C.check(s in flat, "the PDF says %r" % s)
    cn = S["aar"]["measures"]["overall"]["counts"]
    s = ("Tổng số %d yêu cầu đối với các vai tập: đạt đúng hạn %d, muộn %d, "
         "bỏ lỡ %d, còn mở %d" % (cn["total"], cn["met"], cn["late"],
                                  cn["missed"], cn["open"]))
    C.check(s in flat, "the PDF's summary gives the counts", s)
    C.check("và 6 ý kiến quan sát của tổ đánh giá" in flat and
            "Ý kiến quan sát của tổ đánh giá" in flat,
            "the evaluator's PDF has the 6 observations")
    for title in ("Rà soát quy trình báo cáo của UBND xã",
                  "Tập huấn bản đồ số cho Ban CHQS xã"):
        C.check(title in flat, "the PDF lists the action %r" % title)
    sheets = txt.split("\f")
    sheets = [p for p in sheets if p.strip()]
    C.check(pages >= 2 and len(sheets) == pages and
            all(("Trang %d/%d" % (i + 1, pages)) in p
                for i, p in enumerate(sheets)),
            "pdfinfo: %d pages, each says 'Trang i/%d'" % (pages, pages),
            [re.findall(r"Trang \d+/\d+", p) for p in sheets])
    C.check(all("MẬT" in p for p in sheets),
            "the classified exercise is marked MẬT on every page",
            [("MẬT" in p) for p in sheets])
    row = [ln for ln in txt.splitlines() if "Rà soát quy trình" in ln]
    C.check(row and "ubnd-xa" not in row[0],
            "the PDF's actions table names the assignee (Task.assignee."
            "name), not its id", row)
    # the pages as images: saved for a person to look at
    shots = os.path.join(BUILD, "eval-shots")
    shutil.rmtree(shots, ignore_errors=True)
    os.makedirs(shots)
    subprocess.run(["pdftoppm", "-r", "50", "-png", path,
                    os.path.join(shots, "aar")], check=True,
                   capture_output=True)
    pngs = sorted(f for f in os.listdir(shots) if f.endswith(".png"))
    sizes = [png_size(os.path.join(shots, f)) for f in pngs]
    C.check(len(pngs) == pages and all(
        s and 380 <= s[0] <= 450 and 550 <= s[1] <= 620 for s in sizes),
            "pdftoppm: one A4 PNG a page in %s" % shots, (pngs, sizes))
    gray = os.path.join(tmp, "gray")
    os.makedirs(gray, exist_ok=True)
    subprocess.run(["pdftoppm", "-gray", "-r", "30", path,
                    os.path.join(gray, "p")], check=True,
                   capture_output=True)
    dark = [pgm_dark(os.path.join(gray, f))[0]
            for f in sorted(os.listdir(gray)) if f.endswith(".pgm")]
    C.check(len(dark) == pages and all(0.001 < d < 0.5 for d in dark),
            "no page is blank (dark pixels above the footer)",
            ["%.3f" % d for d in dark])
    # the observer's report: no observations
    st, hd, data = c("ob").raw("GET", X("/aar.pdf"))
    if C.check(st == 200 and data[:5] == b"%PDF-",
               "GET aar.pdf as the observer", "%s" % st):
        _, t2, _ = pdf_text(data, tmp, "aar-ob.pdf")
        f2 = re.sub(r"\s+", " ", t2)
        C.check("và 0 ý kiến quan sát" in f2 and
                "Ý kiến quan sát của tổ đánh giá" not in f2 and
                "Chưa kịp thời." not in f2,
                "the observer's PDF has no observation")
    C.error(c("p-cht-qs-xa").get(X("/aar.pdf")), 403, "forbidden",
            "GET aar.pdf as a player")


def table(rows, first):
    """The rows under the header row whose first cell is `first`."""
    for i, r in enumerate(rows):
        if r and r[0] == first:
            return r, [x for x in rows[i + 1:] if any(x)]
    return None, []


def step_xlsx(srv):
    st, hd, raw = c("ev").raw("GET", X("/aar.xlsx"))
    C.check(st == 200 and raw[:2] == b"PK" and "spreadsheetml" in
            hd.get("content-type", ""), "GET aar.xlsx: a workbook",
            "%s %s" % (st, hd.get("content-type")))
    if st != 200:
        return
    sheets = soffice_csv(raw, "aar.xlsx", S["tmp"])
    need = {"Tổng hợp", "Đo lường theo cơ quan", "Phản ứng tình huống",
            "Trạng thái", "Quan sát", "Bài học", "Khắc phục"}
    C.check(need <= set(sheets), "LibreOffice reads the report's sheets",
            sorted(sheets))
    a = S["aar"]
    m = a["measures"]
    cn = m["overall"]["counts"]
    summ = {r[0]: r[1:] for r in sheets.get("Tổng hợp", []) if r}
    C.check(summ.get("Yêu cầu đến hạn", [None])[0] == str(cn["due"]) and
            ("Tổng %d yêu cầu: %d đúng hạn, %d muộn, %d quá hạn, %d đang chờ"
             % (cn["total"], cn["met"], cn["late"], cn["missed"],
                cn["open"])) in summ.get("Yêu cầu đến hạn", ["", ""])[1],
            "Tổng hợp: the counts", summ.get("Yêu cầu đến hạn"))
    ov = verdict_of(a, None)
    C.check(summ.get("Đề xuất xếp loại chung", [None])[0] ==
            ov["proposed"]["label"] and
            summ.get("Xếp loại chung (xác nhận)", [None])[0] ==
            S["confirmed"][None],
            "Tổng hợp: the proposed and the confirmed overall verdict",
            (summ.get("Đề xuất xếp loại chung"),
             summ.get("Xếp loại chung (xác nhận)")))
    head, rows = table(sheets.get("Đo lường theo cơ quan", []), "Mã")
    bad = []
    if head:
        col = {h: i for i, h in enumerate(head)}
        byid = {r[0]: r for r in rows}
        for b in m["bodies"]:
            r = byid.get(b["id"])
            bc = b["counts"]
            v = verdict_of(a, b["id"])
            exp = [str(bc["total"]), str(bc["met"]), str(bc["late"]),
                   str(bc["missed"]), str(bc["open"]), str(bc["due"]),
                   v["proposed"]["label"] or "",
                   (v["confirmed"] or {}).get("label") or ""]
            got = [r[col[k]] for k in ("Số yêu cầu", "Đúng hạn", "Muộn",
                                       "Quá hạn", "Đang chờ", "Đến hạn",
                                       "Đề xuất xếp loại",
                                       "Xếp loại xác nhận")] if r else None
            if got != exp:
                bad.append((b["id"], exp, got))
    C.check(head and not bad, "Đo lường theo cơ quan: each body's counts "
            "and verdicts", bad)
    head, rows = table(sheets.get("Phản ứng tình huống", []), "Tình huống")
    C.check(len(rows) == cn["total"],
            "Phản ứng tình huống: one row per expectation (%d)" %
            cn["total"], len(rows))
    head, rows = table(sheets.get("Bài học", []), "TT")
    C.check([r[:2] for r in rows] == [[str(l["n"]), l["text"]]
                                      for l in a["lessons"]],
            "Bài học: the lessons numbered 1..3, in order", rows)
    head, rows = table(sheets.get("Khắc phục", []), "TT")
    got = {r[1]: r for r in rows}
    t1 = got.get("Rà soát quy trình báo cáo của UBND xã")
    t2 = got.get("Tập huấn bản đồ số cho Ban CHQS xã")
    C.check(len(rows) == 2 and t1 and t2 and t2[4] == "đã hoàn thành",
            "Khắc phục: both corrective actions, the done one as done",
            rows)
    C.check(t1 and t1[4] == "đang thực hiện",
            "Khắc phục: an action being done reads 'đang thực hiện'",
            t1)
    head, rows = table(sheets.get("Quan sát", []), "Thời điểm")
    C.check(head and len(rows) == len(a["observations"]),
            "Quan sát: one row per observation (%d)" %
            len(a["observations"]), len(rows))
    if head:
        col = {h: i for i, h in enumerate(head)}
        exp = [o.get("score") or "" for o in a["observations"]]
        got = [r[col["Mức"]] for r in rows]
        C.check(got == exp, "Quan sát: each observation's level (Mức) is "
                "its score", "expected %s got %s" % (exp, got))
    C.error(c("p-cht-qs-xa").get(X("/aar.xlsx")), 403, "forbidden",
            "GET aar.xlsx as a player")


# ---------------------------------------------------------------------------
# 7. Replay

def replay(who, t_text, role=None):
    path = X("/replay?t=" + q(t_text) + ("&role=" + role if role else ""))
    st, body = c(who).get(path)
    if st != 200:
        raise RuntimeError("GET %s as %s: %s %s" % (path, who, st,
                                                     short(body)))
    return body


def states_of(st):
    return sorted((s["machine"], s["body"], s["state"])
                  for s in st.get("states", []))


def step_replay(srv):
    """docs/api.md, "Replay": state = {status, states} as in GET …/state;
    released, expectation counts, events; a role's inbox."""
    injects = {i["id"]: i for i in get_ok("dir", X("/injects"))}
    bad = {k: [] for k in ("t", "shape", "states", "status",
                           "expectations", "released", "events", "inbox")}
    for mo in S["moments"]:
        r = replay("ev", mo["t_text"])
        live = mo["state"]
        rs = r.get("state", {})
        at = mo["t_text"]
        if (r.get("t"), r.get("t_text")) != (mo["t"], mo["t_text"]):
            bad["t"].append((at, r.get("t"), r.get("t_text")))
        if set(rs) != {"status", "states"}:
            bad["shape"].append((at, sorted(rs)))
        if states_of(rs) != states_of(live) or not states_of(live):
            bad["states"].append((at, set(states_of(rs)) ^
                                  set(states_of(live))))
        if rs.get("status") != live["status"]:
            bad["status"].append((at, rs.get("status"), live["status"]))
        lt = tally(e["status"] for e in mo["expectations"])
        if r.get("expectations") != {k: lt[k] for k in
                                     ("met", "late", "missed", "open")}:
            bad["expectations"].append((at, r.get("expectations"), lt))
        rel = sorted(i["id"] for i in mo["injects"]
                     if i["status"] == "released")
        if sorted(r.get("released", [])) != rel:
            bad["released"].append((at, r.get("released"), rel))
        n_log = sum(1 for e in S["log"] if e["t"] <= mo["t"])
        if r.get("events") != n_log:
            bad["events"].append((at, r.get("events"), n_log))
        # a role's inbox: the injects released to it by then
        for role in ("cht-qs-xa", "ct-ubnd-xa"):
            r2 = replay("ev", mo["t_text"], role)
            exp = [{"id": i, "title": injects[i]["title"],
                    "text": injects[i]["text"],
                    "released_at": injects[i]["released_at"]}
                   for i in rel if role in injects[i]["to"]]
            inbox = r2.get("inbox")
            if sorted(inbox or [], key=lambda x: x.get("id")) != exp or \
                    {k: v for k, v in r2.items() if k != "inbox"} != r:
                bad["inbox"].append((at, role, inbox, exp))
    n = len(S["moments"])
    what = {"t": "t and t_text are the moment's",
            "shape": "state is {status, states}, as in GET …/state",
            "states": "every body's state per machine = live",
            "status": "status = live",
            "expectations": "expectation counts = the live statuses",
            "released": "released injects = live",
            "events": "events = the log's events up to then",
            "inbox": "a role's inbox = the injects released to it by then, "
                     "{id, title, text, released_at}"}
    for k, v in bad.items():
        C.check(not v, "replay at the %d recorded moments: %s" % (n, what[k]),
                short(v, 700))
    # the ends
    start = S["sim"][0]["t"]
    r = replay("ev", fmt(start - 30 * MIN))
    C.check(r.get("t") is None and r.get("t_text") is None and
            r.get("state", {}).get("status") == "ready" and
            r.get("released") == [] and r.get("events") == 0 and
            r.get("expectations") == {"met": 0, "late": 0, "missed": 0,
                                      "open": 0},
            "replay before the start: the state before anything happened "
            "(t null, ready)", short(r))
    final = replay("ev", fmt(S["end_t"]))
    st_end = get_ok("dir", X("/state"))
    C.check(final.get("t") == S["end_t"] and
            final.get("events") == len(S["log"]) and
            states_of(final["state"]) == states_of(st_end) and
            final["state"].get("status") == "ended" and
            sorted(final.get("released", [])) == sorted(
                i for i, v in injects.items() if v["status"] == "released"),
            "replay at the end = the final state, every event",
            (final.get("t"), final.get("events"), len(S["log"])))
    keys = ("state", "released", "expectations", "events")
    for label, path in (("after the end", "?t=" + q("N+1 12:00")),
                        ("without t", "")):
        st, r = c("ev").get(X("/replay" + path))
        C.check(st == 200 and {k: r.get(k) for k in keys} ==
                {k: final.get(k) for k in keys},
                "replay %s: the end of the log" % label,
                "%s %s" % (st, short(r)))
    C.error(c("ev").get(X("/replay?t=" + q("mai"))), 400, "bad_request",
            "replay at a t that is not a time")
    C.error(c("ev").get(X("/replay?t=" + q("N 25:00"))), 400,
            "bad_request", "replay at N 25:00")
    C.error(c("ev").get(X("/replay?t=" + q("N 08:00") + "&role=khong-co")),
            400, "bad_request", "replay with an unknown role")
    C.status(c("ob").get(X("/replay?t=" + q("N 08:00"))), 200,
             "replay as the observer")
    C.status(c("ctl").get(X("/replay?t=" + q("N 08:00"))), 200,
             "replay as the controller")
    C.error(c("p-cht-qs-xa").get(X("/replay?t=" + q("N 08:00"))), 403,
            "forbidden", "replay as a player")


# ---------------------------------------------------------------------------
# 8. Classification: an observer not cleared for Mật

def step_classified(srv):
    ij = {i["id"]: i for i in get_ok("dir", X("/injects"))}
    secrets_ = {}
    for i in CLASSIFIED:
        secrets_['"%s"' % i] = "id"
        secrets_[ij[i]["title"]] = "title"
        secrets_[ij[i]["text"][:40]] = "text"

    def leaks(v):
        s = json.dumps(v, ensure_ascii=False)
        return sorted({"%s %s" % (kind, k[:30]) for k, kind in
                       secrets_.items() if k in s})

    st, inj = c("obnc").get(X("/expectations"))
    C.check(st == 200 and not leaks(inj),
            "(reference) GET expectations leaves out the Mật injects for "
            "the uncleared observer", leaks(inj))
    for path in ("/evaluation", "/aar",
                 "/replay?t=" + q(fmt(S["end_t"])) + "&role=cht-qs-xa"):
        st, body = c("obnc").get(X(path))
        C.check(st == 200 and not leaks(body),
                "GET %s as an observer not cleared for Mật: nothing of "
                "th-02, th-03" % path.split("?")[0],
                "%s; leaks %s" % (st, leaks(body)))
    st, hd, data = c("obnc").raw("GET", X("/aar.pdf"))
    ok = C.check(st == 200 and data[:5] == b"%PDF-",
                 "GET aar.pdf as an observer not cleared for Mật: the "
                 "report without the Mật injects (docs/api.md)",
                 "%s %s" % (st, short(data)))
    if ok:
        _, txt, _ = pdf_text(data, S["tmp"], "aar-nc.pdf")
        C.check(not any(("%s ·" % i) in txt for i in CLASSIFIED),
                "the uncleared observer's PDF has no Mật inject")
    st, hd, raw = c("obnc").raw("GET", X("/aar.xlsx"))
    if st == 200:
        sheets = soffice_csv(raw, "aar-nc.xlsx", S["tmp"])
        C.check(not leaks(sheets), "the uncleared observer's workbook "
                "has no Mật inject", leaks(sheets))
    else:
        C.check(st == 403, "aar.xlsx for the uncleared observer: 403 or "
                "a workbook without the Mật injects", st)


# ---------------------------------------------------------------------------
# 9. Restart

def snapshot():
    ev = evaluation()
    a = get_ok("ev", X("/aar"))
    a.pop("generated_ms", None)
    return {"lessons": lessons(), "verdicts": ev["verdicts"],
            "scores": ev["scores"], "measures": ev["measures"], "aar": a,
            "tasks": get_ok("dir", X("/tasks"))["tasks"],
            "tasks x2": get_ok("dir", X("/tasks", S["x2"]))["tasks"]}


def strip_now(v):
    if isinstance(v, dict):
        return {k: strip_now(x) for k, x in v.items() if k != "now_ms"}
    if isinstance(v, list):
        return [strip_now(x) for x in v]
    return v


def step_restart(srv):
    before = strip_now(snapshot())
    C.check(len(before["lessons"]) == 3 and
            len(verdict_of(before, None)["history"]) == 2 and
            any("carried_from" in t for t in before["tasks x2"]),
            "there is something to keep")
    srv.stop()
    srv.start()
    W.admin = srv.login("admin", srv.admin_password)
    for name in S["users"]:
        W.clients[name] = srv.login(name, PW % name)
    after = strip_now(snapshot())
    for k in before:
        C.check(before[k] == after[k], "after the restart: %s identical" % k,
                "before %s after %s" % (short(before[k], 300),
                                        short(after[k], 300)))
    st, l = c("ev").post(X("/lessons"), {"text": "Sau khởi động lại"})
    C.check(st == 201 and l["n"] == 4 and
            l["id"] == max(x["id"] for x in before["lessons"]) + 1,
            "a new lesson after the restart is number 4 with a new id",
            "%s %s" % (st, short(l)))
    ov = verdict_of(after, None)
    st, v = c("ev").post(X("/verdicts"), {"label": ov["proposed"]["label"]})
    C.check(st == 200 and len(v["history"]) == 3 and
            v["history"][:2] == ov["history"],
            "a confirmation after the restart adds to the kept history",
            "%s %s" % (st, short(v)))


def main():
    with Server(KVPT) as srv:
        C.section("setup: the simulated exercise", setup, srv)
        if W is None or "x" not in S:
            C.done()
        C.section("playing it through the server", step_play, srv)
        C.section("measures and proposed verdicts", step_measures, srv)
        C.section("observations fold into the verdicts", step_observations,
                  srv)
        C.section("verdicts confirmed and changed", step_verdicts, srv)
        C.section("lessons", step_lessons, srv)
        C.section("corrective actions", step_actions, srv)
        C.section("the after-action report (JSON)", step_aar, srv)
        C.section("the after-action report (PDF)", step_pdf, srv)
        C.section("the after-action report (XLSX)", step_xlsx, srv)
        C.section("replay", step_replay, srv)
        C.section("classification", step_classified, srv)
        C.section("restart", step_restart, srv)
        C.check(srv.alive(), "server still running at the end")
    C.done()


if __name__ == "__main__":
    main()
