#!/usr/bin/env python3
"""Server-Sent Events (docs/api.md, "Live updates"): live delivery within
1 s, reconnection with Last-Event-ID and with ?after= (exactly the missed
entries, in order, no duplicates, then the live ones), ids strictly
increasing.  The exercise is loaded with `kvpt serve --plan`.

    python3 tests/server/test_sse.py KVPT_BINARY
"""

import time

from common import (Checker, FIXTURE, FIXTURE_CODE, ROLE_A, Server, World,
                    kvpt_binary, short)

KVPT = kvpt_binary()
C = Checker("test_sse")
W = None
USERS = {"dir": (False, "mat", "director", None),
         "pa": (False, "mat", "player", [ROLE_A])}
SEEN = []      # every id the player's streams delivered, in order


def X(path=""):
    return "/api/exercises/%s%s" % (W.x, path)


def read_until(s, pred, timeout, what):
    """Read events until pred(event) holds; returns (events read, the
    matching one or None)."""
    got = []
    end = time.time() + timeout
    while time.time() < end:
        e = s.poll(max(0.01, end - time.time()))
        if e is None:
            break
        got.append(e)
        if pred(e):
            return got, e
    C.check(False, what, "read %s" % [(g[0], g[1]) for g in got])
    return got, None


def step_setup(srv):
    global W
    W = World(srv, users=USERS, upload=False)
    st, lst = W.admin.get("/api/exercises")
    mine = [e for e in lst if e.get("code") == FIXTURE_CODE] \
        if isinstance(lst, list) else []
    C.check(st == 200 and len(mine) == 1,
            "kvpt serve --plan loaded the fixture as an exercise", short(lst))
    W.x = mine[0]["id"]
    W.assign(W.x, "dir", "director")
    W.assign(W.x, "pa", "player", [ROLE_A])
    st, body = W.ctl("start")
    C.status((st, body), 200, "director starts the exercise")


def step_live():
    s = W.c("pa").stream(W.x)
    C.check(s.status == 200, "player opens the stream", s.status)
    C.check(s.headers.get("content-type", "").startswith(
        "text/event-stream"), "Content-Type: text/event-stream",
        s.headers.get("content-type"))
    time.sleep(0.3)   # let the server register the connection
    t0 = time.time()
    st, body = W.ctl("release", {"inject": "th-01"})
    C.status((st, body), 200, "director releases th-01 by hand")
    got, e = read_until(
        s, lambda e: e[1] == "inject.released" and
        (e[2].get("event") or {}).get("inject") == "th-01", 1.0,
        "player receives inject.released th-01 within 1 s")
    if e:
        dt = time.time() - t0
        C.check(dt <= 1.0, "delivered %.3f s after the request (≤ 1 s)"
                % dt)
        C.check(e[0] == e[2].get("id") and e[1] == e[2].get("type") and
                (e[2].get("event") or {}).get("how") == "manual" and
                isinstance(e[2].get("at_ms"), int),
                "id:/event:/data: agree; data = {id, at_ms, type, event}",
                short(e[2]))
    SEEN.extend(g[0] for g in got)
    # Acting, the player sees its own action arrive too.
    st, body = W.act("pa", {"kind": "acknowledge", "role": ROLE_A,
                            "inject": "th-01"})
    C.status((st, body), 201, "player acknowledges th-01")
    got, e = read_until(s, lambda e: e[0] == body.get("event"), 1.0,
                        "the player's own action arrives on its stream")
    SEEN.extend(g[0] for g in got)
    s.close()


def cause_events():
    """While the player is away: a jump (releases th-02 to role B only,
    th-03 to role A, expectations missed), a manual release, an action."""
    for op, obj in (("jump", {"to": "N 08:50"}),
                    ("release", {"inject": "th-04"}),
                    ("speed", {"speed": 2})):
        st, body = W.ctl(op, obj)
        C.status((st, body), 200, "director: %s while the player is away"
                 % op)
    st, body = W.act("pa", {"kind": "report", "role": ROLE_A,
                            "inject": "th-03",
                            "text": "Báo cáo qua đường khác"})
    C.status((st, body), 201, "player acts through another connection")


def reconnect(kind):
    last = SEEN[-1]
    if kind == "Last-Event-ID":
        cause_events()
    else:
        for op, obj in (("pause", None), ("resume", None),
                        ("release", {"inject": "th-05"})):
            C.status(W.ctl(op, obj), 200, "director: %s while away" % op)
    st, page = W.c("pa").get(X("/events?after=%d&limit=1000" % last))
    missed = [e["id"] for e in page["events"]] if st == 200 else []
    C.check(len(missed) >= 3, "the player missed several entries", missed)
    if kind == "Last-Event-ID":
        s = W.c("pa").stream(W.x, last_id=last)
    else:
        s = W.c("pa").stream(W.x, after=last)
    C.check(s.status == 200, "reconnect with %s %d" % (kind, last), s.status)
    got = []
    while len(got) < len(missed):
        e = s.poll(2.0)
        if e is None:
            break
        got.append(e)
    ids = [g[0] for g in got]
    C.check(ids == missed, "%s: exactly the missed entries, in order" % kind,
            "got %s want %s" % (ids, missed))
    C.check(all(g[2] == p for g, p in zip(got, page["events"])),
            "%s: the replayed entries equal /events'" % kind)
    extra = s.poll(0.5)
    C.check(extra is None, "%s: nothing more before a live entry" % kind,
            extra and (extra[0], extra[1]))
    SEEN.extend(ids)
    # Live entries continue on the same connection.
    st, body = W.ctl("pause")
    C.status((st, body), 200, "director pauses (a live, public entry)")
    got, e = read_until(s, lambda e: e[1] == "clock.paused", 1.0,
                        "%s: the live clock.paused arrives within 1 s" % kind)
    C.check(len(got) == 1 and e and e[0] == body.get("last_event"),
            "%s: it is the next entry, id = last_event" % kind,
            "%s last_event %s" % ([(g[0], g[1]) for g in got],
                                  (body or {}).get("last_event")))
    SEEN.extend(g[0] for g in got)
    st, body = W.ctl("resume")
    got, e = read_until(s, lambda e: e[1] == "clock.resumed", 1.0,
                        "%s: clock.resumed arrives" % kind)
    SEEN.extend(g[0] for g in got)
    s.close()


def step_ids():
    C.check(all(a < b for a, b in zip(SEEN, SEEN[1:])),
            "ids over every connection strictly increasing", SEEN)
    feed = W.events("pa")
    C.check([e["id"] for e in feed] == SEEN,
            "the streams together delivered the player's whole feed, once",
            "stream %s feed %s" % (SEEN, [e["id"] for e in feed]))
    # Two streams at once get the same entries.
    s1 = W.c("pa").stream(W.x, last_id=SEEN[-1])
    s2 = W.c("pa").stream(W.x, after=SEEN[-1])
    time.sleep(0.2)
    st, body = W.ctl("pause")
    a = s1.poll(1.0)
    b = s2.poll(1.0)
    C.check(a is not None and b is not None and a == b and
            a[1] == "clock.paused",
            "two connections get the same live entry", "%s / %s" % (a, b))
    if a:
        SEEN.append(a[0])
    s1.close()
    s2.close()
    # A bad Last-Event-ID / after is refused or treated as 0, never 5xx.
    for h in ("abc", "-5"):
        s = W.c("pa").stream(W.x, last_id=h)
        C.check(s.status in (200, 400), "Last-Event-ID %r -> 200/400" % h,
                s.status)
        s.close()


def step_ping():
    """An idle stream gets a comment line (': ping') every 15 s."""
    s = W.c("pa").stream(W.x, last_id=SEEN[-1])
    t0 = time.time()
    e = s.poll(16.5)
    C.check(e is None, "no entry on an idle stream", e and e[:2])
    pings = [c for t, c in s.comments if c.strip() == ": ping"]
    C.check(pings, "an idle stream gets ': ping' within 16.5 s",
            "comments %s after %.1f s" % (s.comments, time.time() - t0))
    st, body = W.ctl("resume")
    e = s.poll(1.0)
    C.check(e is not None and e[1] == "clock.resumed",
            "the stream still delivers after the idle time",
            e and e[:2])
    if e:
        SEEN.append(e[0])
    s.close()


def main():
    with Server(KVPT, plans=[FIXTURE]) as srv:
        if C.section("setup", step_setup, srv) is None and W is None:
            C.done()
        C.section("live delivery", step_live)
        C.section("reconnect with Last-Event-ID", reconnect, "Last-Event-ID")
        C.section("reconnect with ?after=", reconnect, "after")
        C.section("ids", step_ids)
        C.section("keep-alive ping", step_ping)
        C.check(srv.alive(), "server still running at the end")
    C.done()


if __name__ == "__main__":
    main()
