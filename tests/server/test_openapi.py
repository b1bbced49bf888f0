#!/usr/bin/env python3
"""docs/openapi.json against itself and against the running server.

1. The document is checked as an OpenAPI 3.0 document, for the parts of
   the specification it uses: every $ref resolves, every operation has
   responses with descriptions, every path template parameter is declared,
   operation ids are unique, security schemes exist, state-changing
   operations carry the CSRF token.
2. A real `kvpt serve` is started (tests/server/harness.py) with the test
   plan tests/server/fixture.yaml; users, assignments and an exercise are
   set up, and EVERY operation of the document is called at least once
   with a success and at least once with a documented error (where the
   document has one).  Each answer's status must be one the document
   lists for that operation and its body must validate against the
   documented schema (a small JSON-schema validator for the subset the
   document uses is below).  The preparation endpoints (committees,
   tasks, the document workflow, rehearsals, findings, readiness, the
   roll-up, calendar, exports, the MSEL import) need a plan that fixes
   day N to a date, with committees and a child exercise: the test
   uploads examples/thai-binh-2023/plan.yaml and its child
   huyen-kien-xuong.yaml through the API.  The evaluation endpoints
   (measures, verdicts, lessons, the after-action report as JSON, PDF
   and XLSX, the replay) are called on the fixture's exercise once it
   has ended, and the report of the province exercise, whose finding
   became a corrective action.
3. GET /api/openapi.json must be exactly docs/openapi.json (as JSON).

Usage: test_openapi.py KVPT_BINARY.  Standard library only.  Failures are
collected so that one run lists every disagreement; exit status 1 if any.
"""

import json
import os
import re
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from harness import FIXTURE, Client, Server  # noqa: E402

DOC_PATH = os.path.join(ROOT, "docs", "openapi.json")
# A parent plan (day N fixed, committees, documents) and its child.
EX_PARENT = os.path.join(ROOT, "examples", "thai-binh-2023", "plan.yaml")
EX_CHILD = os.path.join(ROOT, "examples", "thai-binh-2023",
                        "huyen-kien-xuong.yaml")
FIXTURE_CODE = "DT-AN-PHU-TEST"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch",
           "trace")
WRITE_METHODS = ("post", "put", "patch", "delete")

# docs/api.md, "Conventions": the error codes each status may carry; and
# "Preparation (before N-day)": 409 workflow, blocked, shared_clock, 422
# dependency_cycle, import_invalid; and 500 internal (a report could not
# be made).
STATUS_CODES = {
    400: {"bad_request"}, 401: {"unauthenticated"},
    403: {"forbidden", "csrf"}, 404: {"not_found"},
    405: {"method_not_allowed"},
    409: {"conflict", "refused", "state", "workflow", "blocked",
          "shared_clock"},
    413: {"too_large"}, 415: {"unsupported_media_type"},
    422: {"plan_invalid", "dependency_cycle", "import_invalid"},
    429: {"throttled"}, 431: {"too_large"}, 500: {"internal"},
    503: {"unavailable"},
}

# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049"
    "454e44ae426082")

failures = []
notes = []
checks = 0


def check(cond, what, detail=None):
    global checks
    checks += 1
    if cond:
        print("  ok   " + what)
    else:
        msg = what if detail is None else "%s -- %s" % (what, detail)
        print("  FAIL " + msg)
        failures.append(msg)
    sys.stdout.flush()
    return bool(cond)


def note(msg):
    if msg not in notes:
        notes.append(msg)


def short(v, n=300):
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "..."


# ---------------------------------------------------------------------------
# The document and a JSON-schema validator for the subset it uses.

def load_doc():
    with open(DOC_PATH, encoding="utf-8") as f:
        return json.load(f)


def resolve(doc, ref):
    if not ref.startswith("#/"):
        raise KeyError("external $ref %s" % ref)
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[part]
    return node


def deref(doc, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(doc, node["$ref"])
        seen += 1
        if seen > 50:
            raise ValueError("$ref loop")
    return node


def type_ok(v, t):
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, list)
    if t == "string":
        return isinstance(v, str)
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    raise ValueError("unknown type %r" % t)


def validate(doc, v, schema, where="$", extra=None):
    """Errors (list of strings) of value v against schema.  Properties not
    named by an open object schema are appended to `extra`."""
    errs = []
    if isinstance(schema, dict) and "$ref" in schema:
        return validate(doc, v, deref(doc, schema), where, extra)
    if schema is True or schema == {}:
        return errs
    if v is None:
        if schema.get("nullable"):
            return errs
        if not any(k in schema for k in ("type", "allOf", "anyOf", "oneOf",
                                         "enum", "properties")):
            return errs
        return ["%s: null is not allowed" % where]
    for sub in schema.get("allOf", ()):
        errs += validate(doc, v, sub, where, extra)
    if "anyOf" in schema:
        res = [validate(doc, v, s, where, []) for s in schema["anyOf"]]
        if all(res):
            errs.append("%s: matches none of anyOf (%s)" %
                        (where, " | ".join("; ".join(r) for r in res)))
        else:
            i = next(i for i, r in enumerate(res) if not r)
            validate(doc, v, schema["anyOf"][i], where, extra)
    if "oneOf" in schema:
        res = [validate(doc, v, s, where, []) for s in schema["oneOf"]]
        n = sum(1 for r in res if not r)
        if n != 1:
            errs.append("%s: matches %d of oneOf (%s)" %
                        (where, n, " | ".join("; ".join(r) for r in res)))
        else:
            i = next(i for i, r in enumerate(res) if not r)
            validate(doc, v, schema["oneOf"][i], where, extra)
    t = schema.get("type")
    if t is not None and not type_ok(v, t):
        return errs + ["%s: expected %s, got %s" %
                       (where, t, short(v, 80))]
    if "enum" in schema and v not in schema["enum"]:
        errs.append("%s: %s not in %s" % (where, short(v, 80),
                                          schema["enum"]))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if "minimum" in schema and v < schema["minimum"]:
            errs.append("%s: %s < minimum %s" % (where, v, schema["minimum"]))
        if "maximum" in schema and v > schema["maximum"]:
            errs.append("%s: %s > maximum %s" % (where, v, schema["maximum"]))
    if isinstance(v, str):
        if "minLength" in schema and len(v) < schema["minLength"]:
            errs.append("%s: shorter than %d" % (where, schema["minLength"]))
        if "maxLength" in schema and len(v) > schema["maxLength"]:
            errs.append("%s: longer than %d" % (where, schema["maxLength"]))
        if "pattern" in schema and not re.search(schema["pattern"], v):
            errs.append("%s: %r does not match %s" %
                        (where, v, schema["pattern"]))
    if isinstance(v, dict):
        props = schema.get("properties", {})
        for r in schema.get("required", ()):
            if r not in v:
                errs.append("%s: missing required %r" % (where, r))
        ap = schema.get("additionalProperties")
        for k, val in v.items():
            if k in props:
                errs += validate(doc, val, props[k], "%s.%s" % (where, k),
                                 extra)
            elif ap is False:
                errs.append("%s: unexpected property %r" % (where, k))
            elif isinstance(ap, dict):
                errs += validate(doc, val, ap, "%s.%s" % (where, k), extra)
            elif props and extra is not None and "allOf" not in schema:
                extra.append("%s.%s" % (where, k))
    if isinstance(v, list) and "items" in schema:
        for i, item in enumerate(v):
            errs += validate(doc, item, schema["items"],
                             "%s[%d]" % (where, i), extra)
    return errs


# ---------------------------------------------------------------------------
# 1. The document itself.

SCHEMA_TYPES = {"object", "array", "string", "integer", "number", "boolean"}


def walk(node, where="#"):
    yield where, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, "%s/%s" % (where, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, "%s/%d" % (where, i))


def check_schema_shape(doc, s, where, errs):
    if not isinstance(s, dict):
        errs.append("%s: schema is not an object" % where)
        return
    if "$ref" in s:
        return
    t = s.get("type")
    if t is not None and t not in SCHEMA_TYPES:
        errs.append("%s: bad type %r" % (where, t))
    if t == "array" and "items" not in s:
        errs.append("%s: array without items" % where)
    if "enum" in s and (not isinstance(s["enum"], list) or not s["enum"]):
        errs.append("%s: empty enum" % where)
    if "required" in s:
        if not isinstance(s["required"], list) or not s["required"]:
            errs.append("%s: required must be a non-empty list" % where)
        elif "properties" in s:
            for r in s["required"]:
                if r not in s["properties"]:
                    errs.append("%s: required %r is not a property" %
                                (where, r))
    for k, sub in s.get("properties", {}).items():
        check_schema_shape(doc, sub, where + "/properties/" + k, errs)
    if isinstance(s.get("items"), dict):
        check_schema_shape(doc, s["items"], where + "/items", errs)
    if isinstance(s.get("additionalProperties"), dict):
        check_schema_shape(doc, s["additionalProperties"],
                           where + "/additionalProperties", errs)
    for comb in ("allOf", "anyOf", "oneOf"):
        if comb in s:
            if not isinstance(s[comb], list) or not s[comb]:
                errs.append("%s: %s must be a non-empty list" %
                            (where, comb))
            else:
                for i, sub in enumerate(s[comb]):
                    check_schema_shape(doc, sub,
                                       "%s/%s/%d" % (where, comb, i), errs)


def check_document(doc):
    print("== the document")
    check(re.match(r"^3\.0\.\d+$", str(doc.get("openapi", ""))),
          "openapi is 3.0.x", doc.get("openapi"))
    info = doc.get("info", {})
    check(isinstance(info.get("title"), str) and
          isinstance(info.get("version"), str), "info has title and version")
    check(isinstance(doc.get("paths"), dict) and doc["paths"],
          "paths is a non-empty object")

    bad = []
    for where, node in walk(doc):
        if isinstance(node, dict) and "$ref" in node:
            if not isinstance(node["$ref"], str):
                bad.append("%s: $ref is not a string" % where)
                continue
            try:
                resolve(doc, node["$ref"])
            except (KeyError, IndexError, TypeError):
                bad.append("%s: %s does not resolve" % (where, node["$ref"]))
            if len(node) != 1:
                bad.append("%s: $ref with sibling keys (ignored in 3.0)" %
                           where)
    check(not bad, "every $ref resolves and stands alone", "; ".join(bad))

    comps = doc.get("components", {})
    errs = []
    for name, s in comps.get("schemas", {}).items():
        check_schema_shape(doc, s, "#/components/schemas/" + name, errs)
    need = ["User", "Assignment", "Clock", "Diagnostic", "Exercise",
            "ExerciseSummary", "Inject", "Expectation", "Event",
            "Observation", "AuditRecord", "Error", "AttachmentInfo",
            "Committees", "Task", "Comment", "DocumentDetail",
            "DocumentVersion", "Diff", "Rehearsal", "Finding", "Summary",
            "Readiness", "Rollup", "MselPreview", "Measures", "Evaluation",
            "Verdict", "VerdictCreate", "Lesson", "LessonCreate",
            "LessonPatch", "AfterActionReport", "Replay"]
    missing = [n for n in need if n not in comps.get("schemas", {})]
    check(not missing, "components hold the shared schemas", missing)

    schemes = comps.get("securitySchemes", {})
    for name, sc in schemes.items():
        if sc.get("type") not in ("apiKey", "http", "oauth2",
                                  "openIdConnect"):
            errs.append("securityScheme %s: bad type" % name)
        if sc.get("type") == "apiKey" and (
                sc.get("in") not in ("query", "header", "cookie")
                or not sc.get("name")):
            errs.append("securityScheme %s: apiKey needs in and name" % name)
    check(schemes.get("session", {}).get("in") == "cookie" and
          schemes.get("session", {}).get("name") == "kvpt_session",
          "security scheme: cookie kvpt_session")
    check(schemes.get("csrf", {}).get("in") == "header" and
          schemes.get("csrf", {}).get("name") == "X-CSRF-Token",
          "security scheme: header X-CSRF-Token")

    def sec_names(reqs, where):
        out = set()
        for req in reqs:
            for n in req:
                if n not in schemes:
                    errs.append("%s: unknown security scheme %s" % (where, n))
                out.add(n)
        return out

    default_sec = sec_names(doc.get("security", []), "#/security")
    opids = set()
    n_ops = 0
    for path, item in doc["paths"].items():
        if not path.startswith("/"):
            errs.append("path %s does not start with /" % path)
        tmpl = set(re.findall(r"\{([^}]+)\}", path))
        path_params = [deref(doc, p) for p in item.get("parameters", [])]
        for method, opd in item.items():
            if method == "parameters":
                continue
            if method not in METHODS:
                errs.append("%s: unknown key %s" % (path, method))
                continue
            n_ops += 1
            w = "%s %s" % (method.upper(), path)
            oid = opd.get("operationId")
            if not oid or oid in opids:
                errs.append("%s: missing or duplicate operationId" % w)
            opids.add(oid)
            params = path_params + [deref(doc, p)
                                    for p in opd.get("parameters", [])]
            seen = set()
            for p in params:
                key = (p.get("name"), p.get("in"))
                if key in seen:
                    errs.append("%s: parameter %s twice" % (w, key))
                seen.add(key)
                if p.get("in") not in ("path", "query", "header", "cookie"):
                    errs.append("%s: parameter %s: bad in" % (w, key))
                if "schema" not in p and "content" not in p:
                    errs.append("%s: parameter %s without schema" % (w, key))
                else:
                    check_schema_shape(doc, p.get("schema", {}),
                                       w + " parameter " + str(p.get("name")),
                                       errs)
                if p.get("in") == "path":
                    if p.get("required") is not True:
                        errs.append("%s: path parameter %s not required" %
                                    (w, p.get("name")))
                    if p.get("name") not in tmpl:
                        errs.append("%s: path parameter %s not in the path" %
                                    (w, p.get("name")))
            declared = {p.get("name") for p in params if p.get("in") == "path"}
            for t in tmpl - declared:
                errs.append("%s: path parameter {%s} not declared" % (w, t))
            rs = opd.get("responses")
            if not isinstance(rs, dict) or not rs:
                errs.append("%s: no responses" % w)
                rs = {}
            for code, r in rs.items():
                if code != "default" and not re.match(r"^[1-5](\d\d|XX)$",
                                                      code):
                    errs.append("%s: bad response key %s" % (w, code))
                r = deref(doc, r)
                if not isinstance(r.get("description"), str):
                    errs.append("%s %s: response without description" %
                                (w, code))
                for mt, m in r.get("content", {}).items():
                    if "schema" in m:
                        check_schema_shape(doc, m["schema"],
                                           "%s %s %s" % (w, code, mt), errs)
            if not any(c.startswith("2") for c in rs):
                errs.append("%s: no success response" % w)
            if "requestBody" in opd:
                rb = deref(doc, opd["requestBody"])
                if not rb.get("content"):
                    errs.append("%s: requestBody without content" % w)
                for mt, m in rb.get("content", {}).items():
                    check_schema_shape(doc, m.get("schema", {}),
                                       "%s request %s" % (w, mt), errs)
            sec = sec_names(opd["security"], w) if "security" in opd \
                else default_sec
            if sec and "401" not in rs:
                errs.append("%s: needs a session but lists no 401" % w)
            if not sec and "401" in rs and path != "/api/login":
                errs.append("%s: no session needed but lists 401" % w)
            if method in WRITE_METHODS and path != "/api/login":
                if "csrf" not in sec:
                    errs.append("%s: changes state without csrf security" % w)
                if ("X-CSRF-Token", "header") not in seen:
                    errs.append("%s: no X-CSRF-Token header parameter" % w)
                if "403" not in rs:
                    errs.append("%s: changes state but lists no 403 (csrf)" %
                                w)
    check(not errs, "document structure (%d operations)" % n_ops,
          "; ".join(errs))
    return n_ops


# ---------------------------------------------------------------------------
# 2. Calling the server.

class Api:
    """Calls operations of the document and checks each answer against it;
    records which operations were seen answering success and error."""

    def __init__(self, doc, port):
        self.doc = doc
        self.port = port
        self.cov = {}
        for path, item in doc["paths"].items():
            for method in item:
                if method in METHODS:
                    self.cov[(method, path)] = {"success": [], "error": []}

    def op(self, method, tmpl):
        return self.doc["paths"][tmpl][method.lower()]

    def call(self, c, method, tmpl, args=None, query="", body=None,
             raw=None, ctype=None, headers=None, expect=None, what="",
             check_request=False):
        """One request.  body: a JSON value (sent as application/json);
        raw: bytes sent with Content-Type ctype.  expect: the status (int or
        set) this case should give.  Returns (status, headers, parsed)."""
        method = method.upper()
        path = tmpl.format(**(args or {})) + query
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        elif raw is not None:
            data = raw
            if ctype:
                h["Content-Type"] = ctype
        elif method in ("POST", "PUT", "PATCH"):
            data = b""
        label = "%s %s%s" % (method, tmpl, (" [%s]" % what) if what else "")
        opd = self.op(method.lower(), tmpl)
        if check_request and body is not None and "requestBody" in opd:
            rb = deref(self.doc, opd["requestBody"])
            sch = rb["content"]["application/json"]["schema"]
            e = validate(self.doc, body, sch)
            check(not e, "%s: the test's request matches the document" %
                  label, "; ".join(e))
        try:
            st, hdrs, out = c.raw(method, path, data, h)
        except Exception as e:  # noqa: BLE001
            check(False, label, "request failed: %s" % e)
            return None, {}, None
        return st, hdrs, self.answer(method, tmpl, st, hdrs, out, expect,
                                     label)

    def answer(self, method, tmpl, st, hdrs, out, expect, label):
        opd = self.op(method.lower(), tmpl)
        rs = opd["responses"]
        parsed = out
        ctype = hdrs.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json" and out:
            try:
                parsed = json.loads(out)
            except ValueError:
                parsed = out
        if expect is not None:
            exp = expect if isinstance(expect, (set, tuple, list)) \
                else {expect}
            check(st in exp, "%s -> %s" % (label, "/".join(
                str(e) for e in sorted(exp))),
                "got %s %s" % (st, short(parsed)))
        documented = str(st) in rs or "default" in rs
        ok = check(documented, "%s: status %s is documented" % (label, st),
                   "documented: %s; body %s" % (sorted(rs), short(parsed)))
        if not documented:
            return parsed
        r = deref(self.doc, rs.get(str(st), rs.get("default")))
        content = r.get("content")
        if not content:
            ok &= check(not out, "%s: %s has no body" % (label, st),
                        short(out))
        else:
            ok &= check(ctype in content, "%s: Content-Type %s documented"
                        % (label, ctype), "documented: %s" % list(content))
            if ctype == "application/json" and ctype in content:
                extra = []
                e = validate(self.doc, parsed, content[ctype]["schema"],
                             "$", extra)
                ok &= check(not e, "%s: body matches the schema" % label,
                            "; ".join(e[:8]) + " -- body " + short(parsed))
                for x in extra:
                    note("%s %s: undocumented field %s" %
                         (method, tmpl, re.sub(r"\[\d+\]", "[]", x)))
        if st >= 400 and isinstance(parsed, dict) and \
                isinstance(parsed.get("error"), dict) and st in STATUS_CODES:
            code = parsed["error"].get("code")
            ok &= check(code in STATUS_CODES[st],
                        "%s: error code fits %s" % (label, st),
                        "got %r" % code)
        if ok:
            kind = "success" if st < 400 else "error"
            self.cov[(method.lower(), tmpl)][kind].append(st)
        return parsed


def anon(port):
    return Client(port)


def no_csrf(c):
    """The same session without the CSRF token."""
    d = Client(c.port)
    d.cookie = c.cookie
    return d


def login(api, name, password, expect=200, what="login"):
    c = Client(api.port)
    st, _, body = api.call(c, "POST", "/api/login",
                           body={"user": name, "password": password},
                           expect=expect, what=what,
                           check_request=(expect == 200))
    if st == 200 and isinstance(body, dict):
        c.csrf = body.get("csrf")
    return c


def fixture_variant(code):
    with open(FIXTURE, encoding="utf-8") as f:
        text = f.read()
    return text.replace("code: " + FIXTURE_CODE, "code: " + code)


def run_live(doc, kvpt):
    with Server(kvpt, plans=[FIXTURE]) as srv:
        api = Api(doc, srv.port)
        try:
            scenario(api, srv, doc)
        except Exception as e:  # noqa: BLE001
            traceback.print_exc()
            failures.append("scenario stopped: %s: %s" %
                            (type(e).__name__, e))
        return api


def scenario(api, srv, doc):
    A = api.call
    port = srv.port
    X = "/api/exercises/{x}"

    print("== other")
    A(anon(port), "GET", "/api/health", expect=200)
    st, _, body = A(anon(port), "GET", "/api/openapi.json", expect=200)
    check(body == doc, "GET /api/openapi.json is docs/openapi.json",
          "differs (rebuild kvpt after editing the document?)"
          if isinstance(body, dict) else short(body))
    big = {"X-Padding": "p" * (20 * 1024)}      # over 16 KiB, under 64 KiB
    A(anon(port), "GET", "/api/health", headers=big, expect=431,
      what="headers over 16 KiB")
    A(anon(port), "GET", "/api/openapi.json", headers=big, expect=431,
      what="headers over 16 KiB")

    print("== session")
    A(anon(port), "POST", "/api/login",
      body={"user": "admin", "password": "wrong-password-1"}, expect=401,
      what="wrong password")
    A(anon(port), "POST", "/api/login",
      body={"user": "admin", "password": "x", "remember": True},
      expect=400, what="unknown field")
    A(anon(port), "POST", "/api/login", raw=b"user=admin",
      ctype="application/x-www-form-urlencoded", expect=415,
      what="form body")
    for i in range(5):
        A(anon(port), "POST", "/api/login",
          body={"user": "ghost", "password": "wrong-password-%d" % i},
          expect=401, what="ghost %d" % (i + 1))
    st, hdrs, _ = A(anon(port), "POST", "/api/login",
                    body={"user": "ghost", "password": "wrong-password-6"},
                    expect=429, what="6th failure")
    if st == 429:
        check(hdrs.get("retry-after", "").isdigit(),
              "429 carries Retry-After", hdrs.get("retry-after"))
    admin = login(api, "admin", srv.admin_password)
    A(anon(port), "GET", "/api/me", expect=401, what="no session")
    st, _, me = A(admin, "GET", "/api/me", expect=200)

    print("== users")
    users = {}
    spec = [("dir", "director"), ("dir2", "director"), ("ctl", "controller"),
            ("pa", "player"), ("pb", "player"), ("ev", "evaluator"),
            ("ob", "observer"), ("out", None), ("tmp", None)]
    for name, _ in spec:
        st, _, u = A(admin, "POST", "/api/users",
                     body={"name": name, "password": "pw-%s-0123456" % name,
                           "display": "User %s" % name,
                           "clearance": "tuyet-mat"},
                     expect=201, what=name, check_request=True)
        users[name] = u["id"] if st == 201 else 0
    A(admin, "POST", "/api/users",
      body={"name": "dir", "password": "pw-again-0123456"}, expect=409,
      what="name taken")
    A(admin, "POST", "/api/users",
      body={"name": "Bad Name", "password": "pw-bad-0123456"}, expect=400,
      what="bad name")
    A(admin, "POST", "/api/users",
      body={"name": "shortpw", "password": "short"}, expect=400,
      what="short password")
    A(no_csrf(admin), "POST", "/api/users",
      body={"name": "nocsrf", "password": "pw-nocsrf-0123456"}, expect=403,
      what="no CSRF token")
    st, _, body = A(admin, "POST", "/api/users",
                    body={"name": "origin", "password": "pw-origin-0123456"},
                    headers={"Origin": "http://evil.example"}, expect=403,
                    what="foreign Origin")
    if st == 403 and isinstance(body, dict):
        check(body.get("error", {}).get("code") == "csrf",
              "foreign Origin: code csrf", short(body))
    A(admin, "GET", "/api/users", expect=200)
    A(admin, "PATCH", "/api/users/{u}", {"u": users["tmp"]},
      body={"display": "Temporary user", "clearance": "mat"}, expect=200,
      check_request=True)
    A(admin, "PATCH", "/api/users/{u}", {"u": 999999},
      body={"display": "nobody"}, expect=404, what="no such user")
    A(admin, "PATCH", "/api/users/{u}", {"u": users["tmp"]},
      body={"nickname": "t"}, expect=400, what="unknown field")

    print("== exercises")
    st, _, lst = A(admin, "GET", "/api/exercises", expect=200)
    x = None
    for e in lst if isinstance(lst, list) else []:
        if isinstance(e, dict) and e.get("code") == FIXTURE_CODE:
            x = e.get("id")
    if not check(x is not None, "the --plan exercise is listed", short(lst)):
        return
    A(anon(port), "GET", "/api/exercises", expect=401, what="no session")
    up = fixture_variant("DT-AN-PHU-OPENAPI").encode()
    A(admin, "POST", "/api/exercises", query="?name=plan.yaml", raw=up,
      ctype="application/yaml", expect=201)
    A(admin, "POST", "/api/exercises", query="?name=plan.yaml", raw=up,
      ctype="application/yaml", expect=409, what="code exists")
    broken = fixture_variant("DT-BROKEN").replace(
        "to: cht-qs\n", "to: cht-qs-khong-co\n", 1).encode()
    A(admin, "POST", "/api/exercises", query="?name=broken.yaml", raw=broken,
      ctype="application/yaml", expect=422, what="plan with errors")
    A(admin, "POST", "/api/exercises", raw=up, ctype="image/png",
      expect=415, what="wrong Content-Type")
    A(admin, "GET", X, {"x": x}, expect=200, what="admin")
    A(admin, "GET", X, {"x": 999999}, expect=404, what="no such exercise")

    print("== assignments")
    U = X + "/assignments/{u}"
    for name, kind in spec:
        if kind is None:
            continue
        obj = {"kind": kind}
        if kind == "player":
            obj["roles"] = ["cht-qs"] if name == "pa" else ["ct-ubnd"]
        A(admin, "PUT", U, {"x": x, "u": users[name]}, body=obj,
          expect=200, what=name, check_request=True)
    A(admin, "PUT", U, {"x": x, "u": users["tmp"]},
      body={"kind": "player"}, expect=400, what="player without roles")
    A(admin, "PUT", U, {"x": x, "u": users["tmp"]},
      body={"kind": "observer", "roles": ["cht-qs"]}, expect=400,
      what="roles for an observer")
    A(admin, "PUT", U, {"x": x, "u": users["tmp"]},
      body={"kind": "captain"}, expect=400, what="bad kind")
    A(admin, "PUT", U, {"x": x, "u": 999999}, body={"kind": "observer"},
      expect=404, what="no such user")
    A(admin, "PUT", U, {"x": x, "u": users["tmp"]},
      body={"kind": "observer"}, expect=200, what="tmp")
    A(admin, "DELETE", U, {"x": x, "u": users["tmp"]}, expect=204)
    A(admin, "DELETE", U, {"x": x, "u": users["tmp"]}, expect=404,
      what="not assigned")
    A(admin, "GET", X + "/assignments", {"x": x}, expect=200)

    c = {}
    for name, _ in spec:
        c[name] = login(api, name, "pw-%s-0123456" % name, what=name)
    A(c["dir"], "PUT", U, {"x": x, "u": users["dir2"]},
      body={"kind": "observer"}, expect=403,
      what="director changes a director")
    A(c["dir"], "DELETE", U, {"x": x, "u": users["dir2"]}, expect=403,
      what="director removes a director")
    A(c["pa"], "DELETE", U, {"x": x, "u": users["ob"]}, expect=403,
      what="player")
    A(c["ctl"], "GET", X + "/assignments", {"x": x}, expect=403,
      what="controller")
    A(c["pa"], "GET", "/api/users", expect=403, what="player")
    A(c["dir"], "POST", "/api/exercises", raw=up, ctype="application/yaml",
      expect=403, what="not an administrator")
    A(c["pa"], "GET", "/api/exercises", expect=200, what="player")
    A(c["pa"], "GET", "/api/me", expect=200, what="player")
    A(c["dir"], "GET", X, {"x": x}, expect=200, what="director")
    A(c["pa"], "GET", X, {"x": x}, expect=200, what="player")
    A(c["out"], "GET", X, {"x": x}, expect=404, what="not assigned")
    A(c["dir"], "GET", X + "/plan", {"x": x}, expect=200)
    A(c["pa"], "GET", X + "/plan", {"x": x}, expect=403, what="player")
    A(c["pa"], "GET", X + "/log", {"x": x}, expect=403, what="player")

    print("== control")
    C = X + "/control/{op}"

    def ctl(op, body=None, expect=200, what=None, who="dir",
            check_request=True):
        return A(c[who], "POST", C, {"x": x, "op": op},
                 body=body if body is not None else {}, expect=expect,
                 what=what or op, check_request=check_request)

    ctl("pause", expect=409, what="pause before start")
    ctl("start", {"at": "N 07:00"})
    ctl("start", expect=409, what="start twice")
    ctl("speed", {"speed": 60})
    ctl("speed", {"speed": 0}, expect=400, what="speed 0",
        check_request=False)
    ctl("speed", {"speed": 1}, who="ctl", what="speed by controller")
    ctl("pause")
    ctl("pause", expect=409, what="pause twice")
    ctl("resume")
    ctl("resume", expect=409, what="resume while running")
    ctl("release", {"inject": "th-01"})
    ctl("release", {"inject": "th-01"}, expect=409, what="release twice")
    ctl("release", {"inject": "th-99"}, expect={400, 404, 409},
        what="no such inject")
    ctl("hold", {"inject": "th-05"})
    ctl("cancel", {"inject": "th-06"})
    ctl("cancel", {"inject": "th-06"}, expect=409, what="cancel twice")
    ctl("release", {"inject": "th-04"})
    ctl("pause", expect=403, who="pa", what="by a player")
    ctl("pause", {"extra": 1}, expect=400, what="unknown field",
        check_request=False)
    A(c["dir"], "POST", C, {"x": 999999, "op": "pause"}, body={},
      expect=404, what="no such exercise")

    print("== attachments")
    AT = X + "/attachments"
    st, _, att = A(c["pa"], "POST", AT, {"x": x}, raw=PNG,
                   ctype="image/png",
                   headers={"X-Filename": "s%C6%A1%20%C4%91%E1%BB%93.png"},
                   expect=201)
    att_id = att.get("id") if st == 201 and isinstance(att, dict) else 999
    A(c["ob"], "POST", AT, {"x": x}, raw=PNG, ctype="image/png",
      headers={"X-Filename": "a.png"}, expect=403, what="observer")
    A(c["pa"], "POST", AT, {"x": x}, raw=b"MZ\x90\x00",
      ctype="application/x-msdownload", headers={"X-Filename": "a.exe"},
      expect=415, what="type not accepted")
    A(c["pa"], "POST", AT, {"x": x}, raw=b"plain text, not a PNG",
      ctype="image/png", headers={"X-Filename": "a.png"},
      expect={400, 415}, what="bytes do not match the type")
    A(c["pa"], "POST", AT, {"x": x}, raw=PNG, ctype="image/png",
      expect=400, what="no X-Filename")
    st, hdrs, _ = A(c["pa"], "GET", AT + "/{a}", {"x": x, "a": att_id},
                    expect=200, what="uploader")
    if st == 200:
        check(hdrs.get("content-disposition", "").startswith("attachment"),
              "attachment: Content-Disposition attachment",
              hdrs.get("content-disposition"))
    A(c["dir"], "GET", AT + "/{a}", {"x": x, "a": att_id}, expect=200,
      what="director")
    A(c["ob"], "GET", AT + "/{a}", {"x": x, "a": att_id}, expect=403,
      what="observer")
    A(c["dir"], "GET", AT + "/{a}", {"x": x, "a": 999999}, expect=404,
      what="no such attachment")

    print("== actions")
    AC = X + "/actions"
    A(c["pa"], "POST", AC, {"x": x},
      body={"kind": "acknowledge", "role": "cht-qs", "inject": "th-01"},
      expect=201, what="acknowledge", check_request=True)
    A(c["pa"], "POST", AC, {"x": x},
      body={"kind": "report", "role": "cht-qs", "inject": "th-01",
            "text": "Đã triển khai lực lượng.", "attachments": [att_id]},
      expect=201, what="report", check_request=True)
    A(c["pb"], "POST", AC, {"x": x},
      body={"kind": "acknowledge", "role": "ct-ubnd", "inject": "th-04"},
      expect=201, what="acknowledge th-04", check_request=True)
    st, _, body = A(c["pb"], "POST", AC, {"x": x},
                    body={"kind": "transition", "role": "ct-ubnd",
                          "machine": "defense", "body": "xa-an-phu",
                          "state": "wartime"},
                    expect=409, what="refused transition",
                    check_request=True)
    if st == 409 and isinstance(body, dict):
        check(body.get("error", {}).get("code") == "refused" and
              isinstance(body["error"].get("rule"), str),
              "refusal: code refused with rule", short(body))
    A(c["pa"], "POST", AC, {"x": x},
      body={"kind": "report", "role": "ct-ubnd", "text": "x"}, expect=403,
      what="another's role")
    A(c["ev"], "POST", AC, {"x": x},
      body={"kind": "report", "role": "cht-qs", "text": "x"}, expect=403,
      what="evaluator")
    A(c["pa"], "POST", AC, {"x": x},
      body={"kind": "report", "role": "cht-qs", "mood": "ok"}, expect=400,
      what="unknown field")
    A(c["pa"], "POST", AC, {"x": x},
      body={"kind": "dance", "role": "cht-qs"}, expect=400, what="bad kind")
    A(no_csrf(c["pa"]), "POST", AC, {"x": x},
      body={"kind": "report", "role": "cht-qs", "text": "x"}, expect=403,
      what="no CSRF token")

    print("== observations")
    OB = X + "/observations"
    A(c["ev"], "POST", OB, {"x": x},
      body={"criterion": "lanh-dao", "activity": "th-01",
            "body": "xa-an-phu", "score": "Khá", "strengths": "Nhanh",
            "weaknesses": "Chưa đủ", "text": "Báo cáo kịp thời."},
      expect=201, check_request=True)
    A(c["pa"], "POST", OB, {"x": x}, body={"criterion": "lanh-dao"},
      expect=403, what="player")
    A(c["ev"], "POST", OB, {"x": x}, body={"text": "no criterion"},
      expect=400, what="no criterion")
    A(c["ev"], "POST", OB, {"x": x},
      body={"criterion": "lanh-dao", "score": "Tuyệt vời"}, expect=400,
      what="score not in the scale")
    A(c["ev"], "GET", OB, {"x": x}, expect=200)
    A(c["pa"], "GET", OB, {"x": x}, expect=403, what="player")

    print("== reading")
    for who in ("dir", "pa", "ob"):
        A(c[who], "GET", X + "/state", {"x": x}, expect=200, what=who)
    A(c["out"], "GET", X + "/state", {"x": x}, expect=404,
      what="not assigned")
    A(admin, "GET", X + "/state", {"x": x}, expect=403,
      what="unassigned admin")
    for who in ("dir", "pa", "ev"):
        A(c[who], "GET", X + "/injects", {"x": x}, expect=200, what=who)
    A(c["ob"], "GET", X + "/injects", {"x": x}, expect=403, what="observer")
    for who in ("dir", "pa", "ob"):
        A(c[who], "GET", X + "/expectations", {"x": x}, expect=200,
          what=who)
    A(anon(port), "GET", X + "/expectations", {"x": x}, expect=401,
      what="no session")
    for path in ("/activities", "/documents"):
        for who in ("dir", "pa", "ob"):
            A(c[who], "GET", X + path, {"x": x}, expect=200, what=who)
        A(admin, "GET", X + path, {"x": x}, expect=403,
          what="unassigned admin")
    for who in ("dir", "pa", "ob", "ev"):
        A(c[who], "GET", X + "/events", {"x": x}, query="?after=0&limit=1000",
          expect=200, what=who)
    st, _, page = A(c["dir"], "GET", X + "/events", {"x": x},
                    query="?after=2&limit=3", expect=200, what="page")
    if st == 200 and isinstance(page, dict):
        ids = [e.get("id") for e in page.get("events", [])]
        check(ids == [3, 4, 5] and page.get("next") == 5 and
              page.get("last", 0) >= 5,
              "events page: entries 3-5, next 5, last >= 5", short(page))
    # Page through as a player: next until next == last.
    after, seen, rounds = 0, [], 0
    while rounds < 100:
        rounds += 1
        st, _, page = A(c["pa"], "GET", X + "/events", {"x": x},
                        query="?after=%d&limit=2" % after, expect=200,
                        what="player page")
        if st != 200 or not isinstance(page, dict):
            break
        seen += [e.get("id") for e in page.get("events", [])]
        if page.get("next") == page.get("last"):
            break
        if not page.get("next", 0) > after:
            check(False, "events: next moves forward", short(page))
            break
        after = page["next"]
    check(seen == sorted(set(seen)) and seen,
          "events: paging by next gives increasing ids", seen)
    A(c["dir"], "GET", X + "/events", {"x": x}, query="?limit=0",
      expect=400, what="limit 0")
    A(c["dir"], "GET", X + "/events", {"x": x}, query="?after=abc",
      expect=400, what="after not a number")
    st, hdrs, _ = A(c["dir"], "GET", X + "/log", {"x": x}, expect=200)
    if st == 200:
        _, _, raw = c["dir"].raw("GET", "/api/exercises/%s/log" % x)
        lines = raw.decode("utf-8", "replace").splitlines()
        good = True
        for ln in lines:
            try:
                good &= isinstance(json.loads(ln), dict)
            except ValueError:
                good = False
        check(lines and good, "log: one JSON object a line",
              short(raw))
    A(c["dir"], "GET", X + "/plan", {"x": x}, expect=200, what="again")

    print("== stream")
    stream_case(api, c["dir"], x, None, "director")
    stream_case(api, c["dir"], x, 1, "director, Last-Event-ID 1")
    stream_case(api, c["dir"], x, None, "director, ?after=2", after=2)
    stream_case(api, c["pa"], x, None, "player")
    stream_case(api, c["out"], x, None, "not assigned", expect=404)
    stream_case(api, anon(port), x, None, "no session", expect=401)

    print("== audit")
    A(admin, "GET", "/api/audit", expect=200)
    A(admin, "GET", "/api/audit", query="?after=3&limit=5", expect=200,
      what="page")
    A(admin, "GET", "/api/audit", query="?limit=0", expect=400,
      what="limit 0")
    A(c["dir"], "GET", "/api/audit", expect=403, what="director")

    print("== control, to the end")
    ctl("jump", {"to": "N 09:00"})
    ctl("jump", {"to": "N 08:00"}, expect={400, 409}, what="jump back")
    ctl("end")
    ctl("end", expect=409, what="end twice")
    A(c["pa"], "POST", AC, {"x": x},
      body={"kind": "report", "role": "cht-qs", "inject": "th-01",
            "text": "late"},
      expect=409, what="after the end")

    prep(api, srv, admin, users, c, x)
    evaluation(api, srv, admin, c, x)

    print("== logout")
    t = login(api, "tmp", "pw-tmp-0123456", what="tmp")
    A(no_csrf(t), "POST", "/api/logout", expect=403, what="no CSRF token")
    A(t, "POST", "/api/logout", expect=204)
    A(t, "GET", "/api/me", expect=401, what="after logout")
    A(anon(port), "POST", "/api/logout", expect=401, what="no session")
    A(admin, "PATCH", "/api/users/{u}", {"u": users["tmp"]},
      body={"disabled": True}, expect=200, what="disable",
      check_request=True)


def error_code(st, body, status, code, what):
    """The answer had this status and error code."""
    if st == status:
        got = body.get("error", {}).get("code") \
            if isinstance(body, dict) else None
        check(got == code, "%s: code %s" % (what, code), short(body))


def prep(api, srv, admin, users, c, x_fix):
    """The preparation endpoints (docs/api.md, "Preparation (before
    N-day)") on a parent plan with day N fixed and its child."""
    A = api.call
    port = srv.port
    X = "/api/exercises/{x}"

    print("== preparation: a parent and a child plan")
    ids = {}
    for key, path in (("tb", EX_PARENT), ("kx", EX_CHILD)):
        with open(path, "rb") as f:
            data = f.read()
        st, _, body = A(admin, "POST", "/api/exercises",
                        query="?name=" + os.path.basename(path), raw=data,
                        ctype="application/yaml", expect=201, what=key)
        ids[key] = body.get("id") if st == 201 and \
            isinstance(body, dict) else None
    if not check(ids["tb"] and ids["kx"], "both plans uploaded", ids):
        return
    tb, kx = ids["tb"], ids["kx"]
    U = X + "/assignments/{u}"
    roles = {"pa": ["cht-qs"], "pb": ["ct-ubnd"]}  # in both plans
    for xx in (tb, kx):
        for name, kind in (("dir", "director"), ("ctl", "controller"),
                           ("pa", "player"), ("pb", "player"),
                           ("ev", "evaluator"), ("ob", "observer")):
            obj = {"kind": kind}
            if kind == "player":
                obj["roles"] = roles[name]
            A(admin, "PUT", U, {"x": xx, "u": users[name]}, body=obj,
              expect=200, what="%s in %s" % (name, xx))

    print("== criteria and the verdict scale")
    CF = X + "/evaluation/config"
    cfg = {"scale": ["Giỏi", "Khá", "Đạt", "Không đạt"],
           "criteria": [{"id": "lanh-dao", "name": "Lãnh đạo, chỉ đạo",
                         "weight": 2},
                        {"id": "hiep-dong", "name": "Hiệp đồng"}]}
    A(c["dir"], "PUT", CF, {"x": kx}, body=cfg, expect=200,
      check_request=True)
    A(c["dir"], "PUT", CF, {"x": kx}, body={"scale": ["Một"],
                                             "criteria": cfg["criteria"]},
      expect=400, what="a scale of one word")
    A(c["ev"], "PUT", CF, {"x": kx}, body=cfg, expect=403,
      what="an evaluator")
    st, _, ex = A(c["dir"], "GET", X, {"x": kx}, expect=200,
                  what="the child after its config")
    check(st == 200 and ex.get("scale") == cfg["scale"] and
          [k["id"] for k in ex.get("criteria", [])] == ["lanh-dao",
                                                       "hiep-dong"],
          "the exercise now has the committee's scale and criteria",
          short(ex.get("scale")))

    print("== multi-level")
    st, _, ex = A(c["dir"], "GET", X, {"x": kx}, expect=200, what="child")
    if st == 200:
        check((ex.get("parent") or {}).get("id") == tb and
              ex.get("children") == [] and ex.get("rehearsal") is None,
              "child: parent is the province exercise", short(ex))
    st, _, ex = A(c["pa"], "GET", X, {"x": tb}, expect=200, what="parent")
    if st == 200:
        check(ex.get("parent") is None and
              [k.get("id") for k in ex.get("children", [])] == [kx],
              "parent: one child", short(ex.get("children")))
    st, _, body = A(c["dir"], "POST", X + "/control/{op}",
                    {"x": kx, "op": "start"}, body={}, expect=409,
                    what="start a child")
    error_code(st, body, 409, "shared_clock", "start a child")
    st, _, body = A(c["ev"], "GET", X + "/rollup", {"x": tb}, expect=200)
    if st == 200:
        check([k.get("code") for k in body.get("children", [])] ==
              ["DT-KVPT-KX-2023"], "roll-up: the child", short(body))
    A(c["pa"], "GET", X + "/rollup", {"x": tb}, expect=403, what="player")
    A(c["out"], "GET", X + "/rollup", {"x": tb}, expect=404,
      what="not assigned")

    print("== committees")
    st, _, body = A(c["pa"], "GET", X + "/committees", {"x": tb},
                    expect=200, what="player")
    if st == 200:
        check((body.get("standing_agency") or {}).get("id") ==
              "bchqs-tinh" and body.get("committees"),
              "committees: standing agency and committees",
              short(body))
    A(c["ob"], "GET", X + "/committees", {"x": kx}, expect=200,
      what="observer, child")
    A(admin, "GET", X + "/committees", {"x": tb}, expect=403,
      what="unassigned admin")
    A(anon(port), "GET", X + "/committees", {"x": tb}, expect=401,
      what="no session")

    st, _, att = A(c["pa"], "POST", X + "/attachments", {"x": tb}, raw=PNG,
                   ctype="image/png", headers={"X-Filename": "so-do.png"},
                   expect=201, what="for the preparation")
    att = att.get("id") if st == 201 and isinstance(att, dict) else 999999

    print("== tasks")
    T = X + "/tasks"
    TT = T + "/{t}"
    st, _, t1 = A(c["dir"], "POST", T, {"x": tb},
                  body={"title": "Hoàn thành báo cáo chuẩn bị",
                        "description": "Gửi Ban Tổ chức trước N-3.",
                        "assignee_body": "bchqs-tinh", "due": "N-3",
                        "attachments": [], "depends_on": []},
                  expect=201, what="to a body", check_request=True)
    t1 = t1.get("id") if st == 201 else 999998
    st, _, t2 = A(c["ctl"], "POST", T, {"x": tb},
                  body={"title": "Duyệt sơ đồ", "due": "2023-10-08 17:00",
                        "assignee_person": "hoang-minh-duc",
                        "depends_on": [t1]},
                  expect=201, what="to a person, depending",
                  check_request=True)
    t2 = t2.get("id") if st == 201 else 999997
    if st == 201:
        check(t2 != t1, "tasks: new ids")
    A(c["pa"], "POST", T, {"x": tb},
      body={"title": "x", "assignee_body": "bchqs-tinh", "due": "N-3"},
      expect=403, what="player")
    A(c["dir"], "POST", T, {"x": tb},
      body={"title": "x", "assignee_body": "bchqs-tinh", "due": "mai"},
      expect=400, what="bad due date")
    A(c["dir"], "POST", T, {"x": tb},
      body={"title": "x", "assignee_body": "khong-co", "due": "N-3"},
      expect=400, what="unknown body")
    A(c["dir"], "POST", T, {"x": tb}, body={"title": "x", "due": "N-3"},
      expect=400, what="no assignee")
    A(c["dir"], "POST", T, {"x": x_fix},
      body={"title": "x", "assignee_body": "bchqs-xa", "due": "N-3"},
      expect=400, what="plan without day N's date")
    A(no_csrf(c["dir"]), "POST", T, {"x": tb},
      body={"title": "x", "assignee_body": "bchqs-tinh", "due": "N-3"},
      expect=403, what="no CSRF token")
    st, _, body = A(c["pa"], "GET", T, {"x": tb}, expect=200, what="player")
    if st == 200:
        check(sorted(t.get("id") for t in body.get("tasks", [])) ==
              sorted([t1, t2]), "tasks: the player sees their body's and "
              "person's tasks", short(body))
    st, _, body = A(c["pb"], "GET", T, {"x": tb}, expect=200,
                    what="another player")
    if st == 200:
        check(body.get("tasks") == [], "tasks: not another body's",
              short(body))
    A(c["ob"], "GET", T, {"x": tb}, query="?mine=1", expect=200,
      what="observer, mine")
    A(admin, "GET", T, {"x": tb}, expect=403, what="unassigned admin")

    st, _, body = A(c["pa"], "PATCH", TT, {"x": tb, "t": t2},
                    body={"status": "done"}, expect=409,
                    what="done while blocked", check_request=True)
    error_code(st, body, 409, "blocked", "done while blocked")
    st, _, body = A(c["dir"], "PATCH", TT, {"x": tb, "t": t1},
                    body={"depends_on": [t2]}, expect=422,
                    what="a dependency cycle", check_request=True)
    error_code(st, body, 422, "dependency_cycle", "a dependency cycle")
    st, _, body = A(c["dir"], "PATCH", TT, {"x": tb, "t": t1},
                    body={"depends_on": [t1]}, expect=422,
                    what="depends on itself")
    error_code(st, body, 422, "dependency_cycle", "depends on itself")
    A(c["pa"], "PATCH", TT, {"x": tb, "t": t1}, body={"title": "khác"},
      expect=403, what="assignee changes the title")
    A(c["ob"], "PATCH", TT, {"x": tb, "t": t1}, body={"status": "doing"},
      expect=403, what="observer")
    A(c["pb"], "PATCH", TT, {"x": tb, "t": t1}, body={"status": "doing"},
      expect=404, what="a task the player does not see")
    A(c["dir"], "PATCH", TT, {"x": tb, "t": 999999},
      body={"status": "doing"}, expect=404, what="no such task")
    A(c["dir"], "PATCH", TT, {"x": tb, "t": t1},
      body={"status": "finished"}, expect=400, what="bad status")
    A(c["dir"], "PATCH", TT, {"x": tb, "t": t1},
      body={"title": "Hoàn thành báo cáo kết quả chuẩn bị",
            "due": "N-4 17:00"}, expect=200, what="director edits",
      check_request=True)
    A(c["dir"], "PATCH", TT, {"x": tb, "t": t1}, body={"attachments": [att]},
      expect=400, what="an attachment someone else uploaded")
    A(c["pa"], "PATCH", TT, {"x": tb, "t": t1}, body={"status": "doing"},
      expect=200, what="assignee", check_request=True)
    st, _, body = A(c["pa"], "PATCH", TT, {"x": tb, "t": t1},
                    body={"status": "done"}, expect=200, what="done")
    st, _, body = A(c["pa"], "PATCH", TT, {"x": tb, "t": t2},
                    body={"status": "done"}, expect=200,
                    what="done, no longer blocked")
    if st == 200:
        check(body.get("blocked") is False and body.get("status") == "done",
              "task: done and not blocked", short(body))

    C = TT + "/comments"
    st, _, body = A(c["pa"], "POST", C, {"x": tb, "t": t1},
                    body={"text": "Đã gửi bản dự thảo.",
                          "attachments": [att]},
                    expect=201, check_request=True)
    if st == 201:
        check([a.get("id") for a in body.get("attachments", [])] == [att],
              "comment: its attachment", short(body))
    A(c["ev"], "POST", C, {"x": tb, "t": t1}, body={"text": "Tốt."},
      expect=201, what="evaluator")
    A(c["ob"], "POST", C, {"x": tb, "t": t1}, body={"text": "x"},
      expect=403, what="observer")
    A(c["ev"], "POST", C, {"x": tb, "t": t1}, body={"text": ""},
      expect=400, what="no text")
    A(c["pb"], "POST", C, {"x": tb, "t": t1}, body={"text": "x"},
      expect=404, what="a task the player does not see")

    print("== the document workflow")
    D = X + "/documents/{d}"
    doc = "bc-chuan-bi"          # owner bchqs-tinh (pa's body), a draft
    st, _, body = A(c["pa"], "GET", D, {"x": tb, "d": doc}, expect=200,
                    what="owner body player")
    if st == 200:
        check(body.get("workflow_status") == "draft" and
              "version" in body.get("allowed", []),
              "document: a draft the owner may write", short(body))
    A(c["pb"], "GET", D, {"x": tb, "d": doc}, expect=404,
      what="not issued, another body")
    A(c["dir"], "GET", D, {"x": tb, "d": "khong-co"}, expect=404,
      what="no such document")
    V = D + "/versions"
    A(c["ev"], "POST", V, {"x": tb, "d": doc}, body={"text": "x"},
      expect=403, what="evaluator")
    A(c["pb"], "POST", V, {"x": tb, "d": doc}, body={"text": "x"},
      expect=404, what="a document the player does not see")
    A(c["pa"], "POST", V, {"x": tb, "d": doc}, body={"text": 5},
      expect=400, what="text not a string")
    st, _, body = A(c["pa"], "POST", V, {"x": tb, "d": doc},
                    body={"text": "Báo cáo\nDòng hai\nDòng ba\n",
                          "note": "Bản đầu", "attachments": [att]},
                    expect=201, what="version 1", check_request=True)
    if st == 201:
        check(body.get("n") == 1, "version: number 1", short(body))
    A(c["dir"], "POST", V, {"x": tb, "d": doc},
      body={"text": "Báo cáo\nDòng 2\nDòng ba\nDòng bốn\n"}, expect=201,
      what="version 2", check_request=True)
    st, _, body = A(c["pa"], "GET", V + "/{n}", {"x": tb, "d": doc, "n": 1},
                    expect=200)
    if st == 200:
        check(body.get("text") == "Báo cáo\nDòng hai\nDòng ba\n",
              "version 1: its text", short(body))
    A(c["pa"], "GET", V + "/{n}", {"x": tb, "d": doc, "n": 9}, expect=404,
      what="no such version")
    DF = D + "/diff"
    st, _, body = A(c["ctl"], "GET", DF, {"x": tb, "d": doc},
                    query="?from=1&to=2", expect=200)
    if st == 200:
        check(body.get("added") == 2 and body.get("removed") == 1,
              "diff: 2 added, 1 removed", short(body))
    A(c["ob"], "GET", DF, {"x": tb, "d": doc}, expect=200,
      what="default: the last two")
    A(c["ctl"], "GET", DF, {"x": tb, "d": doc}, query="?from=0&to=2",
      expect=400, what="version 0")
    W = D + "/workflow"

    def step(who, name, expect, what=None, reason=None, check_request=None):
        obj = {"step": name}
        if reason is not None:
            obj["reason"] = reason
        return A(c[who], "POST", W, {"x": tb, "d": doc}, body=obj,
                 expect=expect, what=what or "%s by %s" % (name, who),
                 check_request=(expect == 200 if check_request is None
                                else check_request))

    st, _, body = step("ctl", "approve", 409, "approve a draft")
    error_code(st, body, 409, "workflow", "approve a draft")
    step("pa", "appraise", 403, "appraise by the owner")
    step("ctl", "version", 400, "version is not a step",
         check_request=False)
    st, _, body = step("ctl", "appraise", 200)
    if st == 200:
        check(body.get("workflow_status") == "appraised",
              "workflow: appraised", short(body))
    step("ctl", "approve", 403, "approve by a controller")
    step("dir", "return", 400, "return without a reason")
    step("dir", "return", 200, reason="Bổ sung số liệu.")
    step("ctl", "appraise", 200, "appraise again")
    step("dir", "approve", 200)
    st, _, body = A(c["pa"], "POST", V, {"x": tb, "d": doc},
                    body={"text": "x"}, expect=409,
                    what="a version of an approved document")
    error_code(st, body, 409, "workflow", "version of an approved document")
    step("pa", "issue", 200, "issue by the owner")
    st, _, body = A(c["pb"], "GET", D, {"x": tb, "d": doc}, expect=200,
                    what="issued: every player")
    if st == 200:
        check([h.get("step") for h in body.get("history", [])] ==
              ["version", "version", "appraise", "return", "appraise",
               "approve", "issue"], "document: the history",
              short(body.get("history")))
    st, _, body = A(c["pb"], "GET", X + "/documents", {"x": tb},
                    expect=200, what="after the workflow")
    if st == 200:
        row = [r for r in body if r.get("id") == doc]
        check(row and row[0].get("workflow_status") == "issued" and
              row[0].get("versions") == 2,
              "documents: workflow status and number of versions",
              short(row))

    print("== rehearsals")
    RH = X + "/rehearsals"
    st, _, body = A(c["dir"], "POST", RH, {"x": tb},
                    body={"kind": "luyen-tap-co-che", "phases": ["gd-1"]},
                    expect=201, check_request=True)
    run = body.get("id") if st == 201 else None
    if st == 201:
        check(body.get("round") == 1 and body.get("phases") == ["gd-1"],
              "rehearsal: round 1 of phase gd-1", short(body))
    A(c["ctl"], "POST", RH, {"x": tb}, body={"kind": "tong-duyet"},
      expect=403, what="controller")
    A(c["dir"], "POST", RH, {"x": tb}, body={"kind": "dien-tap-that"},
      expect=400, what="bad kind", check_request=False)
    A(c["dir"], "POST", RH, {"x": tb},
      body={"kind": "tong-duyet", "phases": ["gd-9"]}, expect=400,
      what="unknown phase")
    A(c["ob"], "GET", RH, {"x": tb}, expect=200, what="observer")
    A(c["pa"], "GET", RH, {"x": tb}, expect=403, what="player")
    if not check(run, "a rehearsal run"):
        return
    A(c["dir"], "POST", RH, {"x": run}, body={"kind": "tong-duyet"},
      expect=409, what="from a run")
    st, _, body = A(c["dir"], "GET", X, {"x": run}, expect=200,
                    what="a rehearsal run")
    if st == 200:
        check(((body.get("rehearsal") or {}).get("of") or {}).get("id")
              == tb, "run: rehearsal of the exercise",
              short(body.get("rehearsal")))
    A(c["dir"], "POST", X + "/control/{op}", {"x": run, "op": "start"},
      body={}, expect=200, what="start the run")

    print("== findings")
    F = X + "/findings"
    st, _, f1 = A(c["ev"], "POST", F, {"x": run},
                  body={"text": "Báo cáo chậm 20 phút.",
                        "severity": "high", "body": "bchqs-tinh"},
                  expect=201, what="on the run", check_request=True)
    if st == 201:
        check(f1.get("t_text") is not None and
              (f1.get("run") or {}).get("id") == run,
              "finding: exercise time of the run", short(f1))
    f1 = f1.get("id") if st == 201 else 999999
    A(c["ctl"], "POST", F, {"x": tb},
      body={"text": "Thiếu sơ đồ.", "severity": "low"}, expect=201,
      what="on the exercise", check_request=True)
    A(c["pa"], "POST", F, {"x": run},
      body={"text": "x", "severity": "low"}, expect=403, what="player")
    A(c["ev"], "POST", F, {"x": run},
      body={"text": "x", "severity": "grave"}, expect=400,
      what="bad severity", check_request=False)
    A(c["ev"], "POST", F, {"x": run},
      body={"text": "x", "severity": "low", "body": "khong-co"},
      expect=400, what="unknown body")
    st, _, body = A(c["ob"], "GET", F, {"x": tb}, expect=200,
                    what="the exercise's")
    if st == 200:
        check(len(body) == 2, "findings: both", short(body))
    st, _, body = A(c["dir"], "GET", F, {"x": run}, expect=200,
                    what="the run's")
    if st == 200:
        check([f.get("id") for f in body] == [f1], "findings: the run's",
              short(body))
    A(c["pa"], "GET", F, {"x": tb}, expect=403, what="player")
    FT = F + "/{f}/task"
    st, _, body = A(c["dir"], "POST", FT, {"x": tb, "f": f1},
                    body={"assignee_body": "bchqs-tinh", "due": "N-2"},
                    expect=201, check_request=True)
    if st == 201:
        check(body.get("finding") == f1, "task: records the finding",
              short(body))
    A(c["dir"], "POST", FT, {"x": tb, "f": f1},
      body={"assignee_body": "bchqs-tinh", "due": "N-2"}, expect=409,
      what="a second task")
    A(c["ev"], "POST", FT, {"x": tb, "f": f1},
      body={"assignee_body": "bchqs-tinh", "due": "N-2"}, expect=403,
      what="evaluator")
    A(c["dir"], "POST", FT, {"x": tb, "f": 999999},
      body={"assignee_body": "bchqs-tinh", "due": "N-2"}, expect=404,
      what="no such finding")

    print("== readiness")
    st, _, body = A(c["ob"], "GET", X + "/readiness", {"x": tb},
                    expect=200, what="observer")
    if st == 200:
        check(body.get("n_date") == "2023-10-10" and
              [k.get("id") for k in body.get("children", [])] == [kx] and
              body.get("overall", {}).get("findings_open", 0) >= 2,
              "readiness: day N, the child, open findings",
              short(body.get("overall")))
    A(c["dir"], "GET", X + "/readiness", {"x": run}, expect=200,
      what="from a run")
    A(c["pa"], "GET", X + "/readiness", {"x": tb}, expect=403,
      what="player")

    print("== calendar and exports")
    CAL = X + "/calendar.ics"
    for who, q in (("pa", "?mine=1"), ("dir", "")):
        st, _, body = A(c[who], "GET", CAL, {"x": tb}, query=q,
                        expect=200, what=who + (" mine" if q else ""))
        if st == 200:
            check(isinstance(body, bytes) and
                  body.startswith(b"BEGIN:VCALENDAR"),
                  "calendar: an iCalendar file (%s)" % who, short(body))
    A(c["dir"], "GET", CAL, {"x": x_fix}, expect=409,
      what="plan without day N's date")
    A(admin, "GET", CAL, {"x": tb}, expect=403, what="unassigned admin")
    for name, ok_who, no_who in (("plan", "ev", "ob"), ("tasks", "ob", "pa"),
                                 ("readiness", "dir", "pb")):
        path = X + "/export/%s.xlsx" % name
        st, hdrs, body = A(c[ok_who], "GET", path, {"x": tb}, expect=200,
                           what=ok_who)
        if st == 200:
            check(isinstance(body, bytes) and body.startswith(b"PK\x03\x04")
                  and "attachment" in hdrs.get("content-disposition", ""),
                  "%s.xlsx: a workbook, as an attachment" % name,
                  short(hdrs.get("content-disposition")))
        A(c[no_who], "GET", path, {"x": tb}, expect=403, what=no_who)

    print("== MSEL import")
    M = X + "/import/msel"
    good = ("Mã;Thời điểm;Tiêu đề;Nơi nhận;Yêu cầu;Thời hạn\n"
            "th-msel-1;N 08:40;Cháy kho vật tư;cht-qs;báo cáo;30m\n"
            ";N 09:10;Mất liên lạc với xã Vũ Ninh;ct-ubnd;;\n")
    bad = good + ";N 99:00;Giờ sai;khong-co;;\n"
    st, _, body = A(c["dir"], "POST", M, {"x": kx}, query="?dry_run=1",
                    body={"csv": good, "file_name": "lich.csv"},
                    expect=200, what="dry run", check_request=True)
    if st == 200:
        check(body.get("errors") == 0 and body.get("committed") is False
              and len(body.get("rows", [])) == 2,
              "preview: 2 rows, no error, not committed", short(body))
    A(c["dir"], "POST", M, {"x": kx}, query="?dry_run=1",
      body={"csv": bad, "mapping": {"text": None}}, expect=200,
      what="dry run with errors", check_request=True)
    st, _, body = A(c["dir"], "POST", M, {"x": kx}, body={"csv": bad},
                    expect=422, what="errors")
    error_code(st, body, 422, "import_invalid", "errors")
    A(c["dir"], "POST", M, {"x": kx}, query="?dry_run=1",
      body={"csv": "Mã;Thời điểm;Tiêu đề;Nơi nhận\n;N 08:40;" +
            "x" * 9000 + ";cht-qs\n"}, expect=413, what="a field over 8 KiB")
    A(c["dir"], "POST", M, {"x": kx}, query="?dry_run=1",
      body={"csv": good, "sheet": 1}, expect=400, what="unknown field")
    A(c["dir"], "POST", M, {"x": kx}, query="?dry_run=1",
      body={"csv": "a;b\n1;2\n"}, expect=400, what="no column for at")
    A(c["ctl"], "POST", M, {"x": kx}, query="?dry_run=1",
      body={"csv": good}, expect=403, what="controller")
    A(c["dir"], "POST", M, {"x": run}, query="?dry_run=1",
      body={"csv": good}, expect=409, what="into a rehearsal run")
    st, _, body = A(c["dir"], "POST", M, {"x": kx},
                    body={"csv": good, "file_name": "lich.csv"}, expect=200,
                    what="commit", check_request=True)
    if st == 200:
        check(body.get("committed") is True and
              isinstance(body.get("file"), str),
              "import: committed into a new file", short(body))
        st, _, inj = A(c["dir"], "GET", X + "/injects", {"x": kx},
                       expect=200, what="after the import")
        check(st == 200 and "th-msel-1" in [i.get("id") for i in inj],
              "import: the new inject is in the plan",
              short(inj) if st == 200 else st)


def evaluation(api, srv, admin, c, x):
    """The evaluation endpoints (docs/api.md, "Evaluation and the
    after-action report") on the fixture's exercise, which has ended with
    an observation, and the report of the province exercise, which has a
    corrective action (the task made from a finding)."""
    A = api.call
    port = srv.port
    X = "/api/exercises/{x}"
    print("== evaluation")
    st, _, ev = A(c["ev"], "GET", X + "/evaluation", {"x": x}, expect=200)
    A(c["ob"], "GET", X + "/evaluation", {"x": x},
      query="?until=N%2008%3A00", expect=200, what="until")
    A(c["ev"], "GET", X + "/evaluation", {"x": x},
      query="?until=h%C3%B4m%20qua", expect=400, what="until not a time")
    A(c["pa"], "GET", X + "/evaluation", {"x": x}, expect=403,
      what="player")
    A(anon(port), "GET", X + "/evaluation", {"x": x}, expect=401,
      what="no session")
    A(c["ev"], "GET", X + "/evaluation", {"x": 999999}, expect=404,
      what="no such exercise")

    print("== verdicts")
    V = X + "/verdicts"
    overall = (ev or {}).get("verdicts", [{}])[0] if st == 200 else {}
    label = (overall.get("proposed") or {}).get("label")
    if label:
        A(c["ev"], "POST", V, {"x": x}, body={"label": label}, expect=200,
          what="the proposed word", check_request=True)
    A(c["dir"], "POST", V, {"x": x},
      body={"label": "Khá", "reason": "Tổ đánh giá thống nhất."},
      expect=200, what="a word with a reason", check_request=True)
    A(c["ev"], "POST", V, {"x": x}, body={"label": "Xuất sắc"},
      expect=400, what="not a word of the scale")
    A(c["ev"], "POST", V, {"x": x}, body={"label": "Khá", "body": "x-y"},
      expect=400, what="unknown body")
    A(c["pa"], "POST", V, {"x": x}, body={"label": "Khá"}, expect=403,
      what="player")
    A(no_csrf(c["ev"]), "POST", V, {"x": x}, body={"label": "Khá"},
      expect=403, what="no CSRF token")

    print("== lessons")
    L = X + "/lessons"
    st, _, l1 = A(c["ev"], "POST", L, {"x": x},
                  body={"text": "Báo cáo phải kịp thời, đủ số liệu.",
                        "body": "xa-an-phu", "criterion": "thoi-gian"},
                  expect=201, check_request=True)
    l1 = l1.get("id") if st == 201 and isinstance(l1, dict) else 999999
    A(c["ctl"], "POST", L, {"x": x},
      body={"text": "Hiệp đồng giữa các lực lượng chặt chẽ hơn."},
      expect=201, what="controller", check_request=True)
    A(c["ev"], "POST", L, {"x": x}, body={"text": ""}, expect=400,
      what="empty text")
    A(c["ob"], "POST", L, {"x": x}, body={"text": "x"}, expect=403,
      what="observer")
    A(c["ob"], "GET", L, {"x": x}, expect=200, what="observer")
    A(c["pa"], "GET", L, {"x": x}, expect=403, what="player")
    LL = L + "/{l}"
    A(c["dir"], "PATCH", LL, {"x": x, "l": l1},
      body={"n": 2, "text": "Báo cáo phải kịp thời, đủ nội dung."},
      expect=200, check_request=True)
    A(c["dir"], "PATCH", LL, {"x": x, "l": l1}, body={"n": 3}, expect=400,
      what="n beyond the lessons")
    A(c["dir"], "PATCH", LL, {"x": x, "l": 999999}, body={"text": "x"},
      expect=404, what="no such lesson")
    A(c["pa"], "PATCH", LL, {"x": x, "l": l1}, body={"text": "x"},
      expect=403, what="player")

    A(c["dir"], "PUT", X + "/evaluation/config", {"x": x},
      body={"scale": ["Giỏi", "Khá"],
            "criteria": [{"id": "a", "name": "A"}]},
      expect=409, what="after observations were recorded")

    print("== the after-action report")
    st, _, lst = A(admin, "GET", "/api/exercises", expect=200,
                   what="to find the province exercise")
    tb = next((e.get("id") for e in lst if isinstance(e, dict) and
               e.get("code") == "DT-KVPT-TB-2023"), None) \
        if isinstance(lst, list) else None
    st, _, body = A(c["ev"], "GET", X + "/aar", {"x": x}, expect=200)
    if st == 200 and isinstance(body, dict):
        check(len(body.get("lessons", [])) == 2 and
              len(body.get("observations", [])) >= 1,
              "aar: the lessons and the observations", short(body))
    if check(tb, "the province exercise is on the server"):
        st, _, body = A(c["dir"], "GET", X + "/aar", {"x": tb}, expect=200,
                        what="with a corrective action")
        if st == 200 and isinstance(body, dict):
            check(any(t.get("corrective") is True
                      for t in body.get("actions", [])),
                  "aar: the corrective action", short(body.get("actions")))
    A(c["ob"], "GET", X + "/aar", {"x": x}, expect=200, what="observer")
    A(c["pa"], "GET", X + "/aar", {"x": x}, expect=403, what="player")
    for ext, magic in (("pdf", b"%PDF-"), ("xlsx", b"PK\x03\x04")):
        path = X + "/aar." + ext
        st, hdrs, body = A(c["ev"], "GET", path, {"x": x}, expect=200)
        if st == 200:
            check(isinstance(body, bytes) and body.startswith(magic) and
                  "attachment" in hdrs.get("content-disposition", ""),
                  "aar.%s: the file, as an attachment" % ext,
                  short(hdrs.get("content-disposition")))
        A(c["pa"], "GET", path, {"x": x}, expect=403, what="player")
        A(anon(port), "GET", path, {"x": x}, expect=401, what="no session")

    print("== replay")
    R = X + "/replay"
    st, _, body = A(c["ev"], "GET", R, {"x": x}, query="?t=N%2008%3A00",
                    expect=200)
    A(c["ob"], "GET", R, {"x": x}, query="?t=N%2008%3A00&role=cht-qs",
      expect=200, what="with a role's inbox")
    A(c["ev"], "GET", R, {"x": x}, query="?t=mai", expect=400,
      what="t not a time")
    A(c["ev"], "GET", R, {"x": x}, query="?t=N%2008%3A00&role=khong-co",
      expect=400, what="unknown role")
    A(c["pa"], "GET", R, {"x": x}, query="?t=N%2008%3A00", expect=403,
      what="player")


def stream_case(api, client, x, last_id, what, expect=200, after=None):
    tmpl = "/api/exercises/{x}/stream"
    label = "GET %s [%s]" % (tmpl, what)
    try:
        s = client.stream(x, last_id, after=after)
    except Exception as e:  # noqa: BLE001
        check(False, label, "request failed: %s" % e)
        return
    try:
        st, hdrs = s.status, s.headers
        if st != 200:
            api.answer("GET", tmpl, st, hdrs, s.body, expect, label)
            return
        # A 200 stream has no end: check status and type here, not the body.
        check(st == expect, "%s -> %s" % (label, expect), "got %s" % st)
        rs = api.op("get", tmpl)["responses"]
        ctype = hdrs.get("content-type", "").split(";")[0].strip()
        ok = check(ctype == "text/event-stream" and
                   ctype in deref(api.doc, rs["200"]).get("content", {}),
                   "%s: Content-Type text/event-stream" % label, ctype)
        try:
            eid, etype, data = s.next()
        except Exception as e:  # noqa: BLE001
            check(False, "%s: a first event" % label, str(e))
            return
        extra = []
        errs = validate(api.doc, data, {"$ref": "#/components/schemas/Event"},
                        "$", extra)
        for e in extra:
            note("GET %s: undocumented field %s" % (tmpl, e))
        ok &= check(not errs, "%s: first event's data is an Event" % label,
                    "; ".join(errs) + " -- " + short(data))
        ok &= check(isinstance(data, dict) and eid == data.get("id") and
                    etype == data.get("type"),
                    "%s: id and event lines match the data" % label,
                    "id %r event %r data %s" % (eid, etype, short(data)))
        skip = last_id if last_id is not None else after
        if skip is not None:
            ok &= check(eid is not None and eid == skip + 1,
                        "%s: starts right after %s" % (label, skip),
                        "first id %r" % eid)
        if ok:
            api.cov[("get", tmpl)]["success"].append(200)
    finally:
        s.close()


# ---------------------------------------------------------------------------

def main():
    if len(sys.argv) < 2:
        sys.exit("usage: %s KVPT_BINARY" % sys.argv[0])
    kvpt = os.path.abspath(sys.argv[1])
    doc = load_doc()
    n_ops = check_document(doc)

    t0 = time.time()
    api = run_live(doc, kvpt)

    print("\n== coverage")
    no_error = []
    for (method, path), seen in sorted(api.cov.items(),
                                       key=lambda kv: (kv[0][1], kv[0][0])):
        has_err = any(k.startswith("4") or k.startswith("5")
                      for k in api.op(method, path)["responses"])
        print("  %-6s %-46s success %-14s error %s" % (
            method.upper(), path, ",".join(map(str, sorted(set(
                seen["success"])))) or "-",
            ",".join(map(str, sorted(set(seen["error"])))) or "-"))
        check(seen["success"], "%s %s: a success answer checked" %
              (method.upper(), path))
        if has_err:
            check(seen["error"], "%s %s: an error answer checked" %
                  (method.upper(), path))
        else:
            no_error.append("%s %s" % (method.upper(), path))
    n_cases = sum(len(v["success"]) + len(v["error"])
                  for v in api.cov.values())
    print("\n%d operations, %d answers checked against the document "
          "(%.1f s)" % (n_ops, n_cases, time.time() - t0))
    if no_error:
        print("operations without a documented error: " + ", ".join(no_error))
    if notes:
        print("\nnotes (fields the server sends that the document does not "
              "name):")
        for n in notes:
            print("  - " + n)
    print()
    if failures:
        print("test_openapi: %d of %d checks FAILED:" % (len(failures),
                                                         checks))
        for f in failures:
            print("  - " + f)
        sys.exit(1)
    print("test_openapi: all %d checks passed" % checks)


if __name__ == "__main__":
    main()
