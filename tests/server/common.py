"""Shared helpers of the server tests: a checker that keeps going after a
failure (so that one run lists every disagreement with docs/api.md), and
the setup most tests need (users, the fixture exercise, assignments).

Standard library only."""

import json
import os
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import FIXTURE, Server  # noqa: E402,F401

FIXTURE_CODE = "DT-AN-PHU-TEST"
PW = "mat-khau-%s-2024"          # password of user %s (>= 10 characters)

# The fixture's roles, injects and their addressees (tests/server/fixture.yaml).
ROLE_A = "cht-qs"      # played by a person cleared for Mật
ROLE_B = "ct-ubnd"
INJECT_TO = {"th-01": {"cht-qs"}, "th-02": {"ct-ubnd"}, "th-03": {"cht-qs"},
             "th-04": {"cht-qs", "ct-ubnd"}, "th-05": {"cht-qs"},
             "th-06": {"bi-thu"}}
CLASSIFIED = {"th-03"}
CLASSIFIED_DOCS = {"kh-phong-thu"}
EXPECTATION_INJECT = {"th-01-tn": "th-01", "th-01-bc": "th-01",
                      "th-02-qd": "th-02", "th-02-tt": "th-02",
                      "th-03-tn": "th-03", "th-04-tn": "th-04",
                      "th-05-ml": "th-05", "th-06-qd": "th-06"}

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options",
                    "referrer-policy", "cache-control")


class Checker:
    """check() prints each assertion; failures are collected, not raised,
    so a run reports every discrepancy.  section() runs a step and turns
    an exception into a failure."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.count = 0

    def check(self, cond, what, detail=None):
        self.count += 1
        if cond:
            print("  ok   %s" % what)
        else:
            msg = what if detail is None else "%s -- %s" % (what, detail)
            print("  FAIL %s" % msg)
            self.failures.append(msg)
        sys.stdout.flush()
        return bool(cond)

    def section(self, title, fn, *args):
        print("== %s" % title)
        sys.stdout.flush()
        try:
            return fn(*args)
        except Exception as e:  # a broken step is a failure, go on
            tb = traceback.format_exc()
            print(tb)
            self.failures.append("%s: exception %s: %s" %
                                 (title, type(e).__name__, e))
            return None

    def status(self, resp, expected, what):
        """resp = (status, body); expected = int or set of ints."""
        st, body = resp[0], resp[1]
        exp = expected if isinstance(expected, (set, tuple, list)) \
            else {expected}
        return self.check(st in exp, "%s -> %s" % (what, "/".join(
            str(e) for e in sorted(exp))), "got %s %s" % (st, short(body)))

    def error(self, resp, status, code, what):
        """An error answer: the status (int or set) and the JSON shape
        {"error": {"code", "message"}} with this code (or one of them)."""
        ok = self.status(resp, status, what)
        body = resp[1]
        codes = code if isinstance(code, (set, tuple, list)) else {code}
        shape = is_error_body(body)
        self.check(shape, "%s: body is {\"error\": {\"code\", \"message\"}}"
                   % what, "got %s" % short(body))
        if shape and code is not None:
            self.check(body["error"]["code"] in codes,
                       "%s: error code %s" % (what, "/".join(sorted(codes))),
                       "got %r" % body["error"]["code"])
        return ok

    def done(self):
        print()
        if self.failures:
            print("%s: %d of %d checks FAILED:" %
                  (self.name, len(self.failures), self.count))
            for f in self.failures:
                print("  - " + f)
            sys.exit(1)
        print("%s: all %d checks passed" % (self.name, self.count))
        sys.exit(0)


def is_error_body(body):
    return (isinstance(body, dict) and isinstance(body.get("error"), dict)
            and isinstance(body["error"].get("code"), str)
            and isinstance(body["error"].get("message"), str)
            and body["error"]["message"] != "")


def short(v, n=300):
    s = v if isinstance(v, str) else (
        v.decode("utf-8", "replace") if isinstance(v, bytes)
        else json.dumps(v, ensure_ascii=False))
    return s if len(s) <= n else s[:n] + "…"


def kvpt_binary():
    if len(sys.argv) < 2:
        sys.exit("usage: %s KVPT_BINARY" % sys.argv[0])
    return os.path.abspath(sys.argv[1])


def variant_plan(code, renames=()):
    """The fixture as text with another exercise code (and ids renamed)."""
    with open(FIXTURE, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("code: " + FIXTURE_CODE, "code: " + code)
    for a, b in renames:
        text = text.replace(a, b)
    return text


def upload_plan(client, text, name=None):
    path = "/api/exercises"
    if name:
        path += "?name=" + name
    st, hdrs, data = client.raw("POST", path, text.encode("utf-8"),
                                {"Content-Type": "application/yaml"})
    try:
        body = json.loads(data) if data else None
    except ValueError:
        body = data
    return st, body


def kvpt_replay(kvpt, log_bytes, plan=FIXTURE):
    """Run `kvpt replay PLAN LOG` on a log fetched from the server;
    returns the finished process."""
    d = tempfile.mkdtemp(prefix="kvpt-log-")
    path = os.path.join(d, "log.jsonl")
    with open(path, "wb") as f:
        f.write(log_bytes)
    return subprocess.run([kvpt, "replay", plan, path], capture_output=True,
                          text=True)


def kvpt_check_json(kvpt, text, name):
    """Diagnostics of `kvpt check --format json` for this text saved as
    NAME (in a temp directory, reported as its bare name)."""
    d = tempfile.mkdtemp(prefix="kvpt-chk-")
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    r = subprocess.run([kvpt, "check", "--format", "json", name], cwd=d,
                       capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"raw": r.stdout}


class World:
    """Users, one exercise from the fixture and assignments, created
    through the API as an administrator would."""

    # name: (admin, clearance, assignment kind or None, roles)
    USERS = {
        "dir":    (False, "mat",  "director",   None),
        "ctl":    (False, "none", "controller", None),   # not cleared!
        "pa":     (False, "mat",  "player",     [ROLE_A]),
        "pa-nc":  (False, "none", "player",     [ROLE_A]),  # same role,
        "pb":     (False, "none", "player",     [ROLE_B]),  # not cleared
        "ev":     (False, "mat",  "evaluator",  None),
        "ob":     (False, "mat",  "observer",   None),
        "nobody": (False, "mat",  None,         None),
        "adm2":   (True,  "none", None,         None),
    }

    def __init__(self, srv, users=None, upload=True):
        self.srv = srv
        self.admin = srv.login("admin", srv.admin_password)
        self.users = {}       # name -> User
        self.clients = {}     # name -> logged-in Client
        spec = users if users is not None else self.USERS
        for name, (adm, clr, _, _) in spec.items():
            st, u = self.admin.post("/api/users", {
                "name": name, "password": PW % name, "admin": adm,
                "clearance": clr, "display": "Người dùng %s" % name})
            if st != 201:
                raise RuntimeError("POST /api/users %s: %s %s" %
                                   (name, st, u))
            self.users[name] = u
        self.x = None
        if upload:
            st, body = upload_plan(self.admin,
                                   open(FIXTURE, encoding="utf-8").read(),
                                   "fixture.yaml")
            if st != 201:
                raise RuntimeError("upload fixture: %s %s" % (st, body))
            self.x = body["id"]
            for name, (_, _, kind, roles) in spec.items():
                if kind:
                    self.assign(self.x, name, kind, roles)
        for name in spec:
            self.clients[name] = srv.login(name, PW % name)

    def uid(self, name):
        return self.users[name]["id"]

    def assign(self, x, name, kind, roles=None, by=None):
        obj = {"kind": kind}
        if roles is not None:
            obj["roles"] = roles
        st, body = (by or self.admin).put(
            "/api/exercises/%s/assignments/%s" % (x, self.uid(name)), obj)
        if st != 200:
            raise RuntimeError("assign %s %s: %s %s" % (name, kind, st, body))
        return body

    def c(self, name):
        return self.clients[name]

    def ctl(self, op, obj=None, who="dir", x=None):
        return self.c(who).post("/api/exercises/%s/control/%s" %
                                (x or self.x, op), obj or {})

    def act(self, who, obj, x=None):
        return self.c(who).post("/api/exercises/%s/actions" % (x or self.x),
                                obj)

    def events(self, who, after=0, x=None):
        """Every feed entry `who` may see after `after`, paging."""
        out = []
        while True:
            st, body = self.c(who).get("/api/exercises/%s/events?after=%d"
                                       "&limit=1000" % (x or self.x, after))
            if st != 200:
                raise RuntimeError("events %s: %s %s" % (who, st, body))
            out += body["events"]
            if not body["events"]:
                return out
            after = body["events"][-1]["id"]


def ev_inject(e):
    """The inject an inject.* feed entry is about, else None."""
    inner = e.get("event") or {}
    if e.get("type", "").startswith("inject."):
        return inner.get("inject")
    return None


def soffice_csv(data, name, tmp):
    """Convert an XLSX (bytes) with LibreOffice, headless, to one CSV per
    sheet; returns {sheet name: [rows]}."""
    import csv
    import glob
    import shutil
    import tempfile
    if not shutil.which("soffice"):
        raise RuntimeError("soffice (LibreOffice) is not installed; "
                           "scripts/install-deps installs it")
    d = tempfile.mkdtemp(dir=tmp)
    src = os.path.join(d, name)
    with open(src, "wb") as f:
        f.write(data)
    subprocess.run(["soffice", "--headless", "--norestore",
                    "-env:UserInstallation=file://%s/lo" % d,
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,"
                    "76,1,,0,false,true,true,false,false,-1",
                    "--outdir", d, src], check=True, timeout=300,
                   capture_output=True)
    out = {}
    stem = name.rsplit(".", 1)[0]
    for f in glob.glob(os.path.join(d, stem + "-*.csv")):
        sheet = os.path.basename(f)[len(stem) + 1:-4]
        with open(f, encoding="utf-8", newline="") as fh:
            out[sheet] = list(csv.reader(fh))
    return out
