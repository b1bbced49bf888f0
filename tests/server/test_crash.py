#!/usr/bin/env python3
"""Crash safety (docs/api.md, "Durability"): eight clients post player
actions while the exercise runs at 60×; the server is killed with SIGKILL
mid-stream and restarted on the same database.  Every action that was
answered 201 must be in the log (once), no event seq is duplicated, no
inject is released twice, the clock resumes where real time says it
should, and the exercise goes on.

    python3 tests/server/test_crash.py KVPT_BINARY
"""

import collections
import json
import threading
import time

from common import (Checker, FIXTURE, ROLE_A, ROLE_B, PW, Server, World,
                    kvpt_binary, kvpt_replay, short)

KVPT = kvpt_binary()
C = Checker("test_crash")
SPEED = 60
THREADS = 8
LOAD_SECONDS = 3.0
DOWN_SECONDS = 3.0
TOLERANCE_MS = 2 * 60 * 1000      # ±2 exercise minutes at 60×
USERS = {"dir": (False, "mat", "director", None),
         "pa": (False, "mat", "player", [ROLE_A]),
         "pb": (False, "none", "player", [ROLE_B])}
W = None
S = {}


def X(path=""):
    return "/api/exercises/%s%s" % (W.x, path)


def who_of(n):
    return (("pa", ROLE_A, "th-01") if n % 2 == 0
            else ("pb", ROLE_B, "th-02"))


def worker(n, c, stop, acked, errors):
    who, role, inject = who_of(n)
    i = 0
    while not stop.is_set():
        text = "crash-%d-%d Báo cáo lần %d" % (n, i, i)
        kind = "acknowledge" if i % 3 == 0 else "report"
        try:
            st, body = c.post(X("/actions"), {"kind": kind, "role": role,
                                              "inject": inject,
                                              "text": text})
        except Exception:  # noqa: BLE001 — the server is gone
            return
        if st == 201:
            acked.append((text, body.get("event"), n))
        elif st != 503:
            errors.append("%s %s %s" % (text, st, short(body)))
        i += 1


def step_setup(srv):
    global W
    W = World(srv, users=USERS)
    for op, obj in (("start", None), ("jump", {"to": "N 08:28"})):
        st, body = W.ctl(op, obj)
        C.status((st, body), 200, "director: %s" % op)


def step_load_and_kill(srv):
    stop = threading.Event()
    acked, errors = [], []
    # Every client logs in first (its own session), then the load starts.
    clients = [srv.login(who_of(n)[0], PW % who_of(n)[0])
               for n in range(THREADS)]
    # th-03 falls due at N 08:30, 2 s into the load at 60×.
    C.status(W.ctl("speed", {"speed": SPEED}), 200,
             "director: speed %d" % SPEED)
    threads = [threading.Thread(target=worker,
                                args=(n, clients[n], stop, acked, errors),
                                daemon=True) for n in range(THREADS)]
    for t in threads:
        t.start()
    samples = []
    end = time.time() + LOAD_SECONDS
    while time.time() < end:
        try:
            st, body = W.c("dir").get(X("/state"))
            if st == 200:
                samples.append((body["clock"]["t"], time.time()))
        except Exception:  # noqa: BLE001
            pass
        time.sleep(0.1)
    n_before = len(acked)
    srv.kill9()
    t_kill = time.time()
    stop.set()
    for t in threads:
        t.join(30)
    C.check(n_before >= 50, "at least 50 actions acknowledged before the "
            "kill", n_before)
    C.check(not errors, "no action refused during the load", errors[:5])
    C.check(len(samples) >= 5, "clock sampled during the load",
            len(samples))
    S.update(acked=list(acked), samples=samples, t_kill=t_kill)
    print("  %d actions acknowledged, last clock sample t=%s" %
          (len(acked), samples[-1][0] if samples else None))


def step_restart(srv):
    time.sleep(DOWN_SECONDS)
    srv.plans = [FIXTURE]     # same code as the uploaded one: not loaded
    srv.start()
    d = W.c("dir")
    st, body = d.get(X("/state"))
    if st == 401:        # sessions need not survive; log in again
        W.clients["dir"] = d = srv.login("dir", PW % "dir")
        st, body = d.get(X("/state"))
    real_after = time.time()
    C.status((st, body), 200, "GET state after the restart")
    t_after = body["clock"]["t"]
    t_seen, real_seen = S["samples"][-1]
    t_max = max(t for t, _ in S["samples"])
    expected = t_seen + (real_after - real_seen) * SPEED * 1000
    C.check(t_after >= t_max, "clock after restart (%d) ≥ last seen (%d)" %
            (t_after, t_max))
    C.check(abs(t_after - expected) <= TOLERANCE_MS,
            "clock after restart %d ≈ %d = last seen + real elapsed × %d "
            "(±%d ms)" % (t_after, expected, SPEED, TOLERANCE_MS),
            "off by %d ms" % (t_after - expected))
    C.check(body.get("status") == "running" and
            body["clock"].get("running") is True,
            "still running after the restart", short(body.get("clock")))
    S["t_after"] = t_after
    st, lst = W.admin.get("/api/exercises")
    if st == 401:
        W.admin = srv.login("admin", srv.admin_password)
        st, lst = W.admin.get("/api/exercises")
    C.check(st == 200 and [e.get("id") for e in lst] == [W.x],
            "restarting with --plan of the same code adds no exercise",
            short(lst))


def step_log(srv):
    st, hdrs, data = W.c("dir").raw("GET", X("/log"))
    C.check(st == 200, "GET log after the restart", st)
    objs = [json.loads(x) for x in data.decode().splitlines()]
    seqs = [o["seq"] for o in objs]
    C.check(len(seqs) == len(set(seqs)), "no event seq duplicated",
            [s for s, k in collections.Counter(seqs).items() if k > 1][:10])
    C.check(seqs == list(range(1, len(seqs) + 1)), "log seq 1..n, no gap")
    rel = collections.Counter(o.get("inject") for o in objs
                              if o.get("type") == "inject.released")
    C.check(all(k == 1 for k in rel.values()),
            "each inject released at most once", dict(rel))
    C.check(rel.get("th-03") == 1, "th-03 (due at N 08:30, during the load)"
            " released exactly once", dict(rel))
    texts = collections.Counter(o.get("text") for o in objs
                                if o.get("type") == "action")
    acked = S["acked"]
    missing = [a[0] for a in acked if texts.get(a[0], 0) == 0]
    C.check(not missing, "every acknowledged action (%d) is in the log" %
            len(acked), "%d missing, e.g. %s" % (len(missing), missing[:5]))
    dup = [t for t, k in texts.items() if k > 1 and t]
    C.check(not dup, "no action text logged twice", dup[:5])
    ts = [o["t"] for o in objs]
    C.check(all(a <= b for a, b in zip(ts, ts[1:])), "t never decreases")
    r = kvpt_replay(KVPT, data)
    C.check(r.returncode == 0, "kvpt replay accepts the log after the crash",
            r.stderr[-400:])
    # The seq each 201 returned is that action's feed entry.
    feed = {e["id"]: e for e in W.events("dir")}
    ids = sorted(feed)
    C.check(ids == list(range(1, len(ids) + 1)), "feed ids 1..n, unique")
    wrong = [(text, seq) for text, seq, _ in acked
             if (feed.get(seq) or {}).get("type") != "action" or
             (feed[seq].get("event") or {}).get("text") != text]
    C.check(not wrong, "each 201's event seq names its own action in the "
            "feed", wrong[:5])


def step_continue(srv):
    st, body = W.act("pa", {"kind": "report", "role": ROLE_A,
                            "inject": "th-01", "text": "Sau khi khởi động lại"})
    if st == 401:
        W.clients["pa"] = srv.login("pa", PW % "pa")
        st, body = W.act("pa", {"kind": "report", "role": ROLE_A,
                                "inject": "th-01",
                                "text": "Sau khi khởi động lại"})
    C.status((st, body), 201, "a further action succeeds after the restart")
    time.sleep(1.0)
    st, s = W.c("dir").get(X("/state"))
    C.check(st == 200 and s["clock"]["t"] > S["t_after"],
            "the clock runs on", short(s.get("clock") if isinstance(s, dict)
                                       else s))
    st, body = W.ctl("pause")
    C.status((st, body), 200, "the director can still pause")


def main():
    with Server(KVPT) as srv:
        if C.section("setup", step_setup, srv) is None and W is None:
            C.done()
        C.section("load, then kill -9", step_load_and_kill, srv)
        if C.section("restart on the same database", step_restart,
                     srv) is not None or srv.alive():
            C.section("log after the crash", step_log, srv)
            C.section("the exercise continues", step_continue, srv)
    C.done()


if __name__ == "__main__":
    main()
