#!/usr/bin/env python3
"""Hostile input (docs/api.md, "Conventions" and "Limits"): malformed,
truncated, oversized, too deep, badly encoded, mistyped bodies; wrong
media types; huge headers and uploads; forged attachments; path tricks;
SQL-looking text (stored literally); login throttling; unknown paths and
methods.  Every error is JSON {"error": {"code", "message"}}; afterwards
the server is up and nothing changed.  Also the security headers and the
session cookie's attributes.

    python3 tests/server/test_hostile.py KVPT_BINARY
"""

import json
import os

from common import (Checker, ROLE_A, PW, Server,
                    World, is_error_body, kvpt_binary, short, upload_plan,
                    variant_plan)
from harness import quote_name, raw_exchange, request_bytes

KVPT = kvpt_binary()
C = Checker("test_hostile")
W = None
S = {}
USERS = {"dir": (False, "mat", "director", None),
         "pa": (False, "mat", "player", [ROLE_A]),
         "ev": (False, "mat", "evaluator", None),
         "victim": (False, "none", None, None)}

KIB = 1024
MIB = 1024 * 1024


def X(path=""):
    return "/api/exercises/%s%s" % (W.x, path)


def parse(data):
    try:
        return json.loads(data) if data else None
    except ValueError:
        return data


def raw_json(c, method, path, body, ctype="application/json", extra=None):
    h = {"Content-Type": ctype}
    h.update(extra or {})
    st, hdrs, data = c.raw(method, path, body, h)
    return st, parse(data)


def auth_headers(c):
    return {"Cookie": c.cookie, "X-CSRF-Token": c.csrf}


def exchange(c, method, path, body=b"", headers=None):
    """A raw request on its own connection (large bodies, bad framing)."""
    h = dict(auth_headers(c)) if c else {}
    h.update(headers or {})
    st, hdrs, data = raw_exchange(W.srv.port,
                                  request_bytes(method, path, h, body))
    return st, hdrs, parse(data)


def snapshot():
    """What must not change: users, exercises, the exercise's state and
    log, its assignments, attachments listed nowhere but the feed."""
    d = W.c("dir")
    users = W.admin.get("/api/users")[1]
    exercises = W.admin.get("/api/exercises")[1]
    state = d.get(X("/state"))[1]
    log = d.raw("GET", X("/log"))[2]
    asg = W.admin.get(X("/assignments"))[1]
    obs = d.get(X("/observations"))[1]
    feed = W.events("dir")
    return {"users": users, "exercises": exercises, "state": state,
            "log": log, "assignments": asg, "observations": obs,
            "feed": feed}


def step_setup(srv):
    global W
    W = World(srv, users=USERS)
    for op, obj in (("start", None), ("jump", {"to": "N 07:35"}),
                    ("pause", None)):
        st, body = W.ctl(op, obj)
        C.status((st, body), 200, "director: %s" % op)
    # The "victim" user gets a known display; hostile PATCHes try to change
    # it and must leave it.
    S["before"] = snapshot()


def step_json():
    a = W.admin
    good = {"name": "hop-le", "password": "mot-mat-khau-dai"}
    cases = [
        ("malformed JSON", b'{"name": "x", "password": }'),
        ("truncated JSON", b'{"name": "hop-le", "passw'),
        ("not an object", b'["hop-le", "mot-mat-khau-dai"]'),
        ("trailing garbage", json.dumps(good).encode() + b" xyz"),
        ("nesting depth 100", b'{"name": "hop-le", "password": '
         b'"mot-mat-khau-dai", "display": ' + b"[" * 100 + b"]" * 100 +
         b"}"),
        ("nesting depth 17", b'{"display": ' + b"[" * 16 + b"]" * 16 +
         b', "name": "hop-le", "password": "mot-mat-khau-dai"}'),
        ("invalid UTF-8", b'{"name": "hop-le", "password": '
         b'"mot-mat-khau-dai", "display": "Tr\xe1\xba\xa7n \xff\xfe"}'),
        ("overlong UTF-8 (0xC0 0xAF)", b'{"name": "hop-le", "password": '
         b'"mot-mat-khau-dai", "display": "\xc0\xaf"}'),
        ("UTF-16 surrogate escape alone", b'{"name": "hop-le", "password":'
         b' "mot-mat-khau-dai", "display": "\\ud800"}'),
        ("unknown field", json.dumps(dict(good, vai_tro="admin")).encode()),
        ("wrong type (name a number)", json.dumps(
            {"name": 5, "password": "mot-mat-khau-dai"}).encode()),
        ("wrong type (admin a string)", json.dumps(
            dict(good, admin="yes")).encode()),
        ("missing required field", json.dumps(
            {"password": "mot-mat-khau-dai"}).encode()),
        ("null for a string", json.dumps(dict(good, display=None)).encode()),
        ("empty body", b""),
    ]
    for what, body in cases:
        C.error(raw_json(a, "POST", "/api/users", body), 400, "bad_request",
                "POST /api/users: %s" % what)
    # The same parser guards the player's and the director's endpoints
    # (the clock runs meanwhile, so that actions are otherwise possible).
    C.status(W.ctl("resume"), 200, "director: resume")
    C.error(raw_json(W.c("pa"), "POST", X("/actions"),
                     b'{"kind": "report", "role": '), 400, "bad_request",
            "POST actions: truncated JSON")
    C.error(raw_json(W.c("pa"), "POST", X("/actions"), json.dumps(
        {"kind": "report", "role": ROLE_A, "inject": "th-01",
         "text": 12}).encode()), 400, "bad_request",
        "POST actions: text a number")
    C.error(raw_json(W.c("pa"), "POST", X("/actions"), json.dumps(
        {"kind": "bao-cao", "role": ROLE_A, "inject": "th-01"}).encode()),
        400, "bad_request", "POST actions: unknown kind")
    C.error(raw_json(W.c("pa"), "POST", X("/actions"), json.dumps(
        {"kind": "report", "role": ROLE_A, "inject": "th-01",
         "attachments": ["1"]}).encode()), 400, "bad_request",
        "POST actions: attachment id a string")
    C.error(raw_json(W.c("dir"), "POST", X("/control/speed"),
                     b'{"speed": "60"}'), 400, "bad_request",
            "control/speed: speed a string")
    C.error(raw_json(W.c("dir"), "POST", X("/control/speed"),
                     b'{"speed": 1e999}'), 400, "bad_request",
            "control/speed: speed 1e999")
    C.error(raw_json(W.c("dir"), "POST", X("/control/speed"),
                     b'{"speed": NaN}'), 400, "bad_request",
            "control/speed: NaN")
    C.error(raw_json(W.c("dir"), "POST", X("/control/release"),
                     b'{"inject": "th-01", "by": "x"}'), 400, "bad_request",
            "control/release: unknown field")
    C.error(raw_json(W.c("dir"), "POST", X("/control/teleport"), b"{}"),
            404, "not_found", "control/teleport: unknown op")
    C.error(raw_json(W.c("ev"), "POST", X("/observations"),
                     b'{"criterion": ["lanh-dao"]}'), 400, "bad_request",
            "observations: criterion a list")
    # A player's text is limited to 64 KiB.
    C.error(W.c("pa").post(X("/actions"), {"kind": "report", "role": ROLE_A,
                                           "inject": "th-01",
                                           "text": "á" * (33 * KIB)}),
            {400, 413}, {"bad_request", "too_large"},
            "POST actions: text of 66 KiB")
    C.status(W.ctl("pause"), 200, "director: pause")
    # Content types.
    C.error(raw_json(a, "POST", "/api/users", json.dumps(good).encode(),
                     ctype="text/plain"), 415, "unsupported_media_type",
            "POST /api/users as text/plain")
    C.error(raw_json(a, "POST", "/api/users", json.dumps(good).encode(),
                     ctype="application/x-www-form-urlencoded"), 415,
            "unsupported_media_type", "POST /api/users as a form")
    C.error(raw_json(W.c("dir"), "POST", X("/control/pause"), b"{}",
                     ctype="multipart/form-data; boundary=x"), 415,
            "unsupported_media_type", "control as multipart")
    st, hdrs, data = a.raw("POST", "/api/users", json.dumps(good).encode(),
                           {})
    C.check(st in (400, 415) and is_error_body(parse(data)),
            "POST /api/users without Content-Type -> 415/400 JSON",
            "%s %s" % (st, short(data)))
    C.error(raw_json(a, "POST", "/api/exercises", json.dumps(good).encode()),
            415, "unsupported_media_type", "plan upload as application/json")
    # Body size: 300 KiB of valid JSON.
    big = json.dumps(dict(good, display="x" * (300 * KIB))).encode()
    st, hdrs, body = exchange(a, "POST", "/api/users", big,
                              {"Content-Type": "application/json"})
    C.error((st, body), 413, "too_large", "JSON body of 300 KiB")
    # Bad framing: Content-Length larger than the body, and not a number.
    st, hdrs, body = exchange(a, "POST", "/api/users", b"{}",
                              {"Content-Type": "application/json",
                               "Content-Length": "abc"})
    C.check(st in (400, 411, None), "Content-Length: abc -> 400 (or close)",
            "%s %s" % (st, short(body)))
    st, hdrs, body = exchange(a, "POST", "/api/users", b"{}",
                              {"Content-Type": "application/json",
                               "Content-Length": "-5"})
    C.check(st in (400, None), "Content-Length: -5 -> 400 (or close)",
            "%s %s" % (st, short(body)))


def upload_plan_bytes(c, data):
    st, hdrs, raw = c.raw("POST", "/api/exercises?name=hostile.yaml", data,
                          {"Content-Type": "application/yaml"})
    return st, parse(raw)


def step_sizes():
    a = W.admin
    # Headers over 16 KiB.
    st, hdrs, body = exchange(a, "GET", "/api/me", b"",
                              {"X-Filler": "a" * (20 * KIB)})
    C.check(st in (400, 413, 431), "20 KiB header -> 400/413/431",
            "%s %s" % (st, short(body)))
    C.check(st is None or is_error_body(body),
            "... answered with a JSON error", short(body))
    st, hdrs, body = exchange(a, "GET", "/api/me", b"", {
        "X-F%d" % i: "b" * 200 for i in range(100)})
    C.check(st in (400, 413, 431), "100 headers of 200 bytes -> 400/413/431",
            "%s %s" % (st, short(body)))
    # Plan upload over 4 MiB (a valid plan padded with a comment).
    plan = variant_plan("DT-BIG") + "#" + "x" * (4 * MIB + 10) + "\n"
    st, hdrs, body = exchange(a, "POST", "/api/exercises",
                              plan.encode(),
                              {"Content-Type": "application/yaml"})
    C.error((st, body), 413, "too_large", "plan upload of 4 MiB + 10")
    # Plans that the checker refuses: 422 with the loader's rule.
    base = variant_plan("DT-HOSTILE")
    for what, text, rule in (
            ("a YAML alias", base.replace(
                "  - id: xa-an-phu\n", "  - &xa id: xa-an-phu\n", 1) +
             "\nextra: *xa\n", "yaml-alias"),
            ("nesting of 70 levels", base + "extra: " + "[" * 70 +
             "]" * 70 + "\n", "too-deep"),
            ("invalid UTF-8", base.replace("Xã An Phú", "X\udcff An Phú"),
             "encoding"),
            ("a JSON number", "42\n", None)):
        data = text.encode("utf-8", "surrogateescape")
        st, body = upload_plan_bytes(a, data)
        C.error((st, body), 422, "plan_invalid", "plan upload: %s" % what)
        rules = {d.get("rule") for d in body.get("diagnostics", [])} \
            if isinstance(body, dict) else set()
        if rule:
            C.check(rule in rules, "... diagnostic [%s]" % rule, rules)
    # Attachment over 8 MiB.
    st, hdrs, body = exchange(W.c("pa"), "POST", X("/attachments"),
                              b"a" * (8 * MIB + 1),
                              {"Content-Type": "text/plain",
                               "X-Filename": "lon.txt"})
    C.error((st, body), 413, "too_large", "attachment of 8 MiB + 1")
    # Declared types that the bytes do not match.
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    for ctype, data, what in (
            ("application/pdf", b"MZ\x90\x00 this is an exe", "an EXE as PDF"),
            ("image/png", pdf, "a PDF as PNG"),
            ("image/jpeg", png, "a PNG as JPEG"),
            ("text/plain", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 40,
             "an ELF as plain text"),
            ("application/vnd.openxmlformats-officedocument."
             "wordprocessingml.document", b"hello, not a zip", "text as DOCX")):
        st, hdrs, raw = W.c("pa").raw("POST", X("/attachments"), data, {
            "Content-Type": ctype, "X-Filename": "tep.bin"})
        C.error((st, parse(raw)), {400, 415},
                {"bad_request", "unsupported_media_type"},
                "attachment: %s" % what)
    st, hdrs, raw = W.c("pa").raw("POST", X("/attachments"), b"<html>x", {
        "Content-Type": "text/html", "X-Filename": "x.html"})
    C.error((st, parse(raw)), 415, "unsupported_media_type",
            "attachment of type text/html")
    st, hdrs, raw = W.c("pa").raw("POST", X("/attachments"), png, {
        "Content-Type": "image/png", "X-Filename": "anh.png"})
    C.status((st, parse(raw)), 201, "a real PNG is accepted")
    if st == 201:
        S["png"] = parse(raw)["id"]
    st, hdrs, raw = W.c("pa").raw("POST", X("/attachments"), b"", {
        "Content-Type": "text/plain", "X-Filename": "rong.txt"})
    C.check(st in (201, 400), "empty attachment -> 201/400", st)


def step_paths():
    d = W.c("dir")
    for path in ("/api/exercises/%s/attachments/..%%2F..%%2Fetc%%2Fpasswd"
                 % W.x,
                 "/api/exercises/%s/attachments/../../../etc/passwd" % W.x,
                 "/api/exercises/%s/attachments/1%%00" % W.x,
                 "/api/exercises/%s/attachments/-1" % W.x,
                 "/api/exercises/%s/attachments/1.0" % W.x,
                 "/api/exercises/%s/attachments/0x10" % W.x,
                 "/api/exercises/abc", "/api/exercises/1abc",
                 "/api/exercises/-1", "/api/exercises/0",
                 "/api/exercises/%20" + str(W.x),
                 "/api/exercises/99999999999999999999999",
                 "/api/exercises/%s%%2Fstate" % W.x,
                 "/api/exercises/%s/state/.." % W.x,
                 "/api/../../etc/passwd", "/api/exercises/" + "9" * 5000):
        st, hdrs, data = d.raw("GET", path)
        body = parse(data)
        C.check(st in (400, 404, 414) and is_error_body(body),
                "GET %s -> 400/404 JSON error" % path[:70],
                "%s %s" % (st, short(body)))
        C.check(b"root:" not in data, "no /etc/passwd in the answer")
    # Path tricks in an attachment's name are stored as a name, nothing
    # more: no file appears outside the store.
    evil = "../../../../tmp/kvpt-evil-%d.txt" % os.getpid()
    st, hdrs, raw = W.c("pa").raw("POST", X("/attachments"), b"xin chao\n", {
        "Content-Type": "text/plain", "X-Filename": quote_name(evil)})
    C.check(st in (201, 400), "X-Filename with ../ -> 201 (a name) or 400",
            "%s %s" % (st, short(raw)))
    C.check(not os.path.exists("/tmp/kvpt-evil-%d.txt" % os.getpid()),
            "no file written through the ../ name")
    st, hdrs, raw = W.c("pa").raw("POST", X("/attachments"), b"xin chao\n", {
        "Content-Type": "text/plain", "X-Filename": "a%ZZb"})
    C.check(st in (201, 400), "X-Filename with a bad escape -> 201/400", st)
    st, hdrs, raw = W.c("pa").raw("POST", X("/attachments"), b"xin chao\n", {
        "Content-Type": "text/plain", "X-Filename": "%FF%FE.txt"})
    C.check(st == 400, "X-Filename decoding to bad UTF-8 -> 400", st)
    # Query strings.
    for q in ("after=1&after=2", "limit=%00", "after=9" * 30):
        st, body = d.get(X("/events?" + q))
        C.check(st in (200, 400), "events?%s -> 200/400" % q[:40], st)


def step_sql():
    sqlish = ["Robert'); DROP TABLE users;--", "' OR '1'='1",
              "x\"; DELETE FROM audit; --", "%' UNION SELECT * FROM sessions --"]
    a = W.admin
    for i, disp in enumerate(sqlish):
        st, u = a.post("/api/users", {"name": "sql-%d" % i,
                                      "password": "mot-mat-khau-dai",
                                      "display": disp})
        C.status((st, u), 201, "POST /api/users display %r" % disp)
        S.setdefault("created", []).append("sql-%d" % i)
    st, lst = a.get("/api/users")
    disp = {u.get("name"): u.get("display") for u in lst}
    C.check(all(disp.get("sql-%d" % i) == s for i, s in enumerate(sqlish)),
            "SQL-looking displays stored literally")
    C.check(len(lst) == len(S["before"]["users"]) + len(sqlish),
            "the users table is intact (old users + the new ones)", len(lst))
    # Names outside the alphabet.
    C.error(a.post("/api/users", {"name": "x' OR 1=1 --",
                                  "password": "mot-mat-khau-dai"}),
            400, "bad_request", "user name with SQL")
    # Login with SQL in the name: just a wrong login.
    st, body = W.srv.client().post("/api/login", {
        "user": "admin' --", "password": "x"})
    C.error((st, body), 401, "unauthenticated", "login as \"admin' --\"")
    # Text in an observation and a diagnostics file name.
    W.ctl("resume")
    st, body = W.c("ev").post(X("/observations"), {
        "criterion": "co-che", "text": sqlish[0]})
    C.check(st == 201 and body["observation"].get("text") == sqlish[0],
            "observation text with SQL stored literally", short(body))
    S["obs_event"] = body.get("event") if isinstance(body, dict) else None
    W.ctl("pause")
    broken = variant_plan("DT-SQL").replace("to: ct-ubnd\n",
                                            "to: ct-ubndx\n", 1)
    name = "x';DROP TABLE exercises;--.yaml"
    st, body = upload_plan(a, broken, quote_name(name))
    C.error((st, body), 422, "plan_invalid", "broken plan named with SQL")
    files = {d.get("file") for d in body.get("diagnostics", [])} \
        if isinstance(body, dict) else set()
    C.check(files == {name}, "diagnostics name the file literally", files)


def step_throttle():
    c = W.srv.client()
    sts = []
    for i in range(6):
        st, hdrs, data = c.raw("POST", "/api/login", json.dumps(
            {"user": "victim", "password": "sai-mat-khau-%d" % i}).encode(),
            {"Content-Type": "application/json"})
        sts.append((st, hdrs, parse(data)))
    C.check([s[0] for s in sts[:5]] == [401] * 5,
            "5 bad passwords -> 401 each", [s[0] for s in sts])
    st, hdrs, body = sts[5]
    C.error((st, body), 429, "throttled", "6th bad password")
    ra = (hdrs or {}).get("retry-after", "")
    C.check(ra.isdigit() and 0 < int(ra) <= 300,
            "429 carries Retry-After (1–300 s)", repr(ra))
    st, body = c.post("/api/login", {"user": "victim",
                                     "password": PW % "victim"})
    C.error((st, body), 429, "throttled",
            "the right password during the window is still throttled")
    st, body = W.srv.client().post("/api/login", {"user": "ev",
                                                  "password": PW % "ev"})
    C.status((st, body), 200, "another user can still log in")
    msgs = {json.dumps(s[2].get("error", {}).get("message"))
            for s in sts[:5] if isinstance(s[2], dict)}
    st, body = c.post("/api/login", {"user": "khong-ton-tai",
                                     "password": "bat-ky-mat-khau"})
    C.check(st == 401 and json.dumps(body["error"]["message"]) in msgs,
            "unknown user and wrong password get the same message",
            short(body))


def step_routes():
    a = W.admin
    for path in ("/api/nope", "/api/exercises/%s/nope" % W.x, "/api",
                 "/api/users/1/extra"):
        C.error(a.get(path), 404, "not_found", "GET %s" % path)
    for method, path in (("DELETE", "/api/exercises"),
                         ("PUT", "/api/login"),
                         ("GET", "/api/logout"),
                         ("PATCH", "/api/exercises/%s" % W.x),
                         ("POST", "/api/exercises/%s/state" % W.x),
                         ("DELETE", "/api/audit"),
                         ("PUT", "/api/users")):
        st, hdrs, data = a.raw(method, path, b"{}" if method != "GET"
                               else None,
                               {"Content-Type": "application/json"})
        C.error((st, parse(data)), 405, "method_not_allowed",
                "%s %s" % (method, path))
    st, hdrs, data = a.raw("BREW", "/api/health")
    C.check(st in (400, 405, 501), "method BREW -> 400/405/501", st)


def check_security_headers(method, path, st, hdrs):
    csp = hdrs.get("content-security-policy", "")
    C.check("frame-ancestors 'none'" in csp and "default-src 'self'" in csp,
            "%s %s (%s): CSP default-src 'self'; frame-ancestors 'none'" %
            (method, path, st), csp)
    C.check(hdrs.get("x-content-type-options") == "nosniff",
            "%s %s: nosniff" % (method, path))
    C.check(hdrs.get("referrer-policy") == "no-referrer",
            "%s %s: Referrer-Policy no-referrer" % (method, path))
    C.check("no-store" in hdrs.get("cache-control", ""),
            "%s %s: Cache-Control no-store" % (method, path))


def step_headers():
    c = W.srv.client()
    st, hdrs, data = c.raw("POST", "/api/login", json.dumps(
        {"user": "pa", "password": PW % "pa"}).encode(),
        {"Content-Type": "application/json"})
    C.check(st == 200, "login pa", st)
    sc = hdrs.get("set-cookie", "")
    attrs = [p.strip().lower() for p in sc.split(";")]
    C.check(sc.startswith("kvpt_session=") and len(sc.split(";")[0]) > 40,
            "Set-Cookie kvpt_session=<token> (256 bits)", sc[:60])
    for want in ("httponly", "samesite=strict", "path=/", "max-age=43200"):
        C.check(want in attrs, "cookie has %s" % want, sc)
    C.check(not any(a.startswith("domain") for a in attrs),
            "cookie has no Domain", sc)
    anon = W.srv.client()
    st, hdrs, data = W.c("pa").raw("GET", "/api/me")
    C.check(hdrs.get("content-type") == "application/json; charset=utf-8",
            "JSON answers are application/json; charset=utf-8",
            hdrs.get("content-type"))
    responses = []
    if "png" in S:
        st, hdrs, data = W.c("pa").raw("GET", X("/attachments/%s" % S["png"]))
        C.check(st == 200 and hdrs.get("content-type", "").startswith(
            "image/png") and hdrs.get("content-disposition", "")
            .startswith("attachment"), "attachment download: its type, "
            "Content-Disposition: attachment", short(hdrs))
        responses.append(("GET", "attachment download", st, hdrs, data))
    s = W.c("pa").stream(W.x, last_id=0)
    responses.append(("GET", "…/stream (SSE)", s.status, s.headers, b""))
    s.close()
    for method, path, st, hdrs, data in responses:
        check_security_headers(method, path, st, hdrs)
    for who, method, path in ((anon, "GET", "/api/health"),
                              (anon, "GET", "/api/me"),
                              (anon, "GET", "/api/nope"),
                              (W.c("dir"), "GET", X("/state")),
                              (W.c("dir"), "GET", X("/log")),
                              (W.c("pa"), "GET", X("/observations"))):
        st, hdrs, data = who.raw(method, path)
        check_security_headers(method, path, st, hdrs)
        if st >= 400:
            C.check(hdrs.get("content-type", "").startswith(
                "application/json") and is_error_body(parse(data)),
                "%s %s: the error is application/json" % (method, path))


def step_address_throttle():
    """20 failures from one address within 5 minutes: further attempts
    from it get 429, whatever the user name (last: it locks us out)."""
    st, audit = W.admin.get("/api/audit?after=0&limit=1000")
    now = audit[-1]["at_ms"] if audit else 0
    fails = sum(1 for a in audit if "login" in str(a.get("action")) and
                a.get("status") == 401 and a.get("ip") == "127.0.0.1" and
                a.get("at_ms", 0) > now - 5 * 60 * 1000)
    print("  %d failed logins from 127.0.0.1 so far (audit)" % fails)
    sts = []
    for i in range(20 - fails):
        st, body = W.srv.client().post("/api/login", {
            "user": "khach-%d" % i, "password": "sai-mat-khau-dai"})
        sts.append(st)
    C.check(sts == [401] * (20 - fails),
            "failures %d..20 from one address -> 401" % (fails + 1), sts)
    st, hdrs, data = W.srv.client().raw("POST", "/api/login", json.dumps(
        {"user": "khach-moi", "password": "sai-mat-khau-dai"}).encode(),
        {"Content-Type": "application/json"})
    C.error((st, parse(data)), 429, "throttled",
            "the 21st failure from one address")
    C.check((hdrs or {}).get("retry-after", "").isdigit(),
            "... with Retry-After", hdrs and hdrs.get("retry-after"))
    st, body = W.srv.client().post("/api/login", {"user": "dir",
                                                  "password": PW % "dir"})
    C.error((st, body), 429, "throttled",
            "a right password from that address during the window")
    C.status(W.c("dir").get("/api/me"), 200,
             "open sessions are not affected")


def step_slow_clients():
    """Half-open requests (slowloris) do not stop others being served."""
    import socket
    socks = []
    for i in range(30):
        so = socket.create_connection(("127.0.0.1", W.srv.port), timeout=5)
        so.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: ")
        socks.append(so)
    so = socket.create_connection(("127.0.0.1", W.srv.port), timeout=5)
    so.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Type: application/json\r\nContent-Length: 100\r\n"
               b"\r\n{\"user\": ")
    socks.append(so)
    t0 = __import__("time").time()
    st, body = W.c("dir").get(X("/state"))
    dt = __import__("time").time() - t0
    C.check(st == 200 and dt < 1.0, "served in %.3f s beside 31 stalled "
            "connections" % dt, st)
    for so in socks:
        so.close()


def step_unchanged():
    C.check(W.srv.alive(), "the server survived")
    st, body = W.srv.client().get("/api/health")
    C.status((st, body), 200, "GET /api/health still answers")
    after = snapshot()
    before = S["before"]
    new_users = set(S.get("created", []))
    C.check([u for u in after["users"] if u.get("name") not in new_users] ==
            before["users"], "users unchanged (but the SQL-display ones)")
    C.check(after["exercises"] == before["exercises"],
            "no exercise created or changed", short(after["exercises"]))
    C.check(after["assignments"] == before["assignments"],
            "assignments unchanged")
    # The exercise: only the resume/observation/pause of step_sql happened.
    bl, al = before["log"], after["log"]
    C.check(al.startswith(bl), "the log only grew")
    added = [json.loads(x)["type"] for x in al[len(bl):].decode().splitlines()]
    C.check(added == ["clock.resumed", "clock.paused"] * (len(added) // 2)
            and "action" not in added,
            "no action reached the log from hostile requests", added)
    st, ob = W.c("dir").get(X("/observations"))
    C.check(len(ob) == len(before["observations"]) + 1,
            "one observation added (the SQL-text one)", len(ob))
    C.check(after["state"].get("states") == before["state"].get("states") and
            after["state"].get("status") == "paused",
            "the exercise's states unchanged, still paused")


def main():
    with Server(KVPT) as srv:
        if C.section("setup", step_setup, srv) is None and W is None:
            C.done()
        C.section("JSON bodies", step_json)
        C.section("sizes and types", step_sizes)
        C.section("paths and ids", step_paths)
        C.section("SQL-looking text", step_sql)
        C.section("login throttling", step_throttle)
        C.section("unknown paths, wrong methods", step_routes)
        C.section("security headers, cookie", step_headers)
        C.section("stalled connections", step_slow_clients)
        C.section("login throttling per address", step_address_throttle)
        C.section("nothing changed", step_unchanged)
    C.done()


if __name__ == "__main__":
    main()
