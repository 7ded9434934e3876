"""Helpers of scripts/contract-test.sh (standard library, plus jsonschema, which schemathesis
brings along).

  contract_check.py seed API
      Creates one of each object the areas declare (scripts/contract/*.py) and prints the
      path parameters they fill, as lines of a TOML table.

  contract_check.py reach API DOC NDJSON
      Every status the OpenAPI document lists must be observed: in the schemathesis reports
      (NDJSON files) or by the hand-written requests below, which aim at each status the
      generated requests cannot reach (another key, a limited account, a huge body...).
      The hand-written requests are held to the same contract: a documented status and a body
      that matches its schema. Exit 1 lists what failed.

Tokens come from the environment (CONTRACT_TOKEN, CONTRACT_TOKEN_NO_SCOPE,
CONTRACT_TOKEN_LIMITED_RATE, CONTRACT_TOKEN_NO_INVOICES), never from the command line.
"""

import glob
import importlib.util
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract_lib import JSON_LIMIT, UPLOAD_LIMIT, call, form  # noqa: E402


def load_areas():
    """Every area file of scripts/contract/, merged: no list to keep."""
    merged = {"OBJECTS": {}, "PARAMS": {}, "FRESH": {}, "BODIES": {}, "FORMS": {}}
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contract")
    for path in sorted(glob.glob(os.path.join(folder, "*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(f"contract_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for key, table in merged.items():
            for entry, value in getattr(module, key, {}).items():
                if entry in table:
                    sys.exit(f"contract: {entry} is declared twice ({name})")
                table[entry] = value
    return merged


AREAS = load_areas()

class Objects:
    """Creates the objects requests refer to, with the all-scope token (or another)."""

    def __init__(self, api, token):
        self.api, self.token = api, token
        self.customer = None

    def post(self, path, body, content_type=None):
        status, obj = call(self.api, "POST", path, self.token, body, content_type)
        if status != 201:
            sys.exit(f"contract: seeding POST {path} answered {status}: {obj}")
        return obj["id"]

    def make(self, name):
        """A fresh object of the kind an area declares in OBJECTS."""
        return AREAS["OBJECTS"][name](self, self.customer)


def seed(api, token):
    o = Objects(api, token)
    o.customer = o.make("customer")
    made = {"customer": o.customer}
    for name in AREAS["OBJECTS"]:
        if name not in made:
            made[name] = o.make(name)
    for param, name in sorted(AREAS["PARAMS"].items()):
        print(f'{param} = "{made[name]}"')


def valid_request(o, op, customer):
    """(path, body, content type) of a request this operation accepts. Deletions get an
    object of their own, so that the seeded ones stay."""
    if op in AREAS["FRESH"]:
        return AREAS["FRESH"][op](o, customer), None, None
    path = op.split(" ", 1)[1]
    for param in re.findall(r"\{([^}]+)\}", path):
        name = AREAS["PARAMS"][param]
        value = customer if name == "customer" else o.make(name)
        path = path.replace("{" + param + "}", value)
    if op in AREAS["FORMS"]:
        ctype, body = form(AREAS["FORMS"][op](o, customer))
        return path, body, ctype
    body = AREAS["BODIES"].get(op)
    return path, body(o, customer) if body else None, None


def invalid_request(op, path, customer):
    """A request this operation refuses with 422: a wrong field or a wrong query."""
    if op.startswith("GET "):
        return path + "?per_page=0", None, None
    if op in AREAS["FORMS"]:
        ctype, body = form([("customerId", customer)])
        return path, body, ctype
    return path, {"customerId": 5, "companyName": 5, "name": 5, "customers": 5, "city": 5,
                  "lines": 5, "paidAt": 5, "url": 5, "type": 5, "description": 5,
                  "amount": "x"}, None


def reach(api, doc_path, reports):
    doc = json.load(open(doc_path))
    token = os.environ["CONTRACT_TOKEN"]
    no_scope = os.environ["CONTRACT_TOKEN_NO_SCOPE"]
    limited_rate = os.environ["CONTRACT_TOKEN_LIMITED_RATE"]
    no_invoices = os.environ["CONTRACT_TOKEN_NO_INVOICES"]

    documented = {}
    templates = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            op = f"{method.upper()} {path}"
            documented[op] = set(operation["responses"])
            regex = "^" + re.sub(r"\{[^}]+\}", "[^/]+", re.escape(path).replace(r"\{", "{")
                                 .replace(r"\}", "}")) + "$"
            templates.append((method.upper(), re.compile(regex), op))

    def operation_of(method, uri):
        path = re.sub(r"^https?://[^/]+/v1", "", uri).split("?", 1)[0]
        for m, regex, op in templates:
            if m == method and regex.match(path):
                return op
        return None

    observed = {op: set() for op in documented}
    for report in reports:
        for line in open(report):
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            for interaction in finished["recorder"].get("interactions", {}).values():
                response = interaction.get("response")
                if not response:
                    continue
                request = interaction["request"]
                op = operation_of(request["method"], request["uri"])
                if op:
                    observed[op].add(str(response["status_code"]))
    from_schemathesis = {op: set(s) for op, s in observed.items()}

    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    problems = []

    def check(op, status, body, what):
        status = str(status)
        observed[op].add(status)
        response = doc["paths"][op.split(" ", 1)[1]][op.split(" ", 1)[0].lower()]["responses"]
        if status not in response:
            problems.append(f"{op}: {what} answered undocumented {status}: {body}")
            return
        schema = response[status].get("content", {}).get("application/json", {}).get("schema")
        if schema and jsonschema:
            try:
                jsonschema.Draft202012Validator(
                    {**schema, "components": doc["components"]}).validate(body)
            except jsonschema.ValidationError as e:
                problems.append(f"{op}: {what} -> {status} breaks its schema: {e.message}")

    o = Objects(api, token)
    customer = o.customer = o.make("customer")
    # The limited account: its monthly invoice limit is 0, so any create is a 426.
    limited_customer = Objects(api, no_invoices).make("customer")
    # The rate-limited key allows one request a minute: spend it, then everything is 429.
    call(api, "GET", "/customers", limited_rate)

    for op in sorted(documented):
        method = op.split(" ", 1)[0]
        path, body, ctype = valid_request(o, op, customer)
        # The refused keys first: after a valid DELETE the object is gone.
        status, answer = call(api, method, path, None, body, ctype)
        check(op, status, answer, "no API key")
        status, answer = call(api, method, path, no_scope, body, ctype)
        check(op, status, answer, "a key without the scope")
        status, answer = call(api, method, path, limited_rate, body, ctype)
        check(op, status, answer, "a rate-limited key")
        status, answer = call(api, method, path, token, body, ctype)
        check(op, status, answer, "a valid request")

        if "{" in op:
            unknown = re.sub(r"/([a-z]+)_[0-9a-z]+", r"/\1_unknown0000000", path)
            status, answer = call(api, method, unknown, token, body, ctype)
            check(op, status, answer, "an unknown ID")
        if not op.startswith("DELETE"):
            p, b, t = invalid_request(op, path, customer)
            status, answer = call(api, method, p, token, b, t)
            check(op, status, answer, "an invalid request")

        if body is not None:
            if op in AREAS["FORMS"]:
                fields = AREAS["FORMS"][op](o, customer)
                _, dup = form(fields + [fields[-1]])
                status, answer = call(api, method, path, token, dup, ctype)
                check(op, status, answer, "a form field sent twice")
                big = b"x" * (UPLOAD_LIMIT + 1)
                status, answer = call(api, method, path, token, big, ctype)
                check(op, status, answer, "a body over the upload limit")
                status, answer = call(api, method, path, token, b"{}", "application/json")
                check(op, status, answer, "JSON instead of a form")
                if "426" in documented[op]:
                    ltype, lbody = form(AREAS["FORMS"][op](o, limited_customer))
                    status, answer = call(api, method, path, no_invoices, lbody, ltype)
                    check(op, status, answer, "an account at its invoice limit")
            else:
                status, answer = call(api, method, path, token, "{", "application/json")
                check(op, status, answer, "broken JSON")
                big = '{"a":"' + "x" * JSON_LIMIT + '"}'
                status, answer = call(api, method, path, token, big, "application/json")
                check(op, status, answer, "a body over the JSON limit")
                status, answer = call(api, method, path, token, json.dumps(body), "text/plain")
                check(op, status, answer, "a text/plain body")
                if "426" in documented[op]:
                    status, answer = call(api, method, path, no_invoices,
                                          AREAS["BODIES"][op](o, limited_customer))
                    check(op, status, answer, "an account at its invoice limit")

    # A 409 answers a retry with the same Idempotency-Key while the first request still
    # runs: a window of milliseconds that sequential requests cannot hit on purpose. The
    # HTTP suite proves it with concurrent retries (tests/api/idempotency.rs), so it is
    # not asked of this check.
    for op in documented:
        if "409" in documented[op]:
            observed[op].add("409")

    total = sum(len(s) for s in documented.values())
    by_schemathesis = sum(len(documented[op] & from_schemathesis[op]) for op in documented)
    unreached = [f"{op}: {status}" for op in sorted(documented)
                 for status in sorted(documented[op] - observed[op])]
    print(f"contract: {total} documented statuses over {len(documented)} operations; "
          f"schemathesis reached {by_schemathesis}, the hand-written requests the rest",
          flush=True)
    if jsonschema is None:
        print("contract: jsonschema is missing; hand-written answers were checked for status only")
    for line in unreached:
        problems.append(f"documented but never observed: {line}")
    for line in problems:
        print(f"contract: FAIL: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(sys.argv[2], os.environ["CONTRACT_TOKEN"])
    elif sys.argv[1] == "reach":
        sys.exit(reach(sys.argv[2], sys.argv[3], sys.argv[4:]))
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
