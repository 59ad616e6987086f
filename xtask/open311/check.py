"""Open311 against clients and schemas we did not write into the server.

Usage: python3 check.py BASE_URL API_KEY

Runs the `georeport` client from PyPI in JSON and in XML (services, definitions, listing and
reading requests), validates every JSON answer against the JSON Schemas beside this file
(written from the GeoReport v2 specification), checks that JSON and XML answers agree, and
that bad input gets the specification's error shape. Prints TAP.
"""

import json
import pathlib
import sys

import jsonschema
import requests
import xmltodict
from georeport import GeoReport

BASE, KEY = sys.argv[1].rstrip("/"), sys.argv[2]
ROOT = f"{BASE}/open311/v2"
SCHEMAS = {p.name.split(".")[0]: json.loads(p.read_text()) for p in (pathlib.Path(__file__).parent / "schemas").glob("*.json")}
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
results = []


def check(name, fn):
    try:
        fn()
        results.append((True, name, ""))
    except Exception as e:  # every failure is reported, the run goes on
        results.append((False, name, repr(e)))


def valid(schema, doc):
    jsonschema.Draft202012Validator(SCHEMAS[schema], format_checker=FORMATS).validate(doc)


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def same(json_item, xml_item, fields):
    for f in fields:
        j = json_item.get(f)
        x = xml_item.get(f)
        if isinstance(j, bool):
            j = "true" if j else "false"
        if isinstance(j, (int, float)) and not isinstance(j, bool):
            x = float(x) if x is not None else None
            j = float(j)
        if j in ("", None) and x in ("", None):
            continue
        assert j == x, f"{f}: JSON {j!r} != XML {x!r}"


clients = {fmt: GeoReport(ROOT, jurisdiction="1501", output_format=fmt) for fmt in ("json", "xml")}
state = {}


def services():
    js = clients["json"].get_service_list()
    valid("services", js)
    xs = as_list(clients["xml"].get_service_list())
    assert len(js) == len(xs) > 0, (len(js), len(xs))
    for j, x in zip(js, xs):
        same(j, x, ["service_code", "service_name", "metadata", "type", "group"])
    state["services"] = [s["service_code"] for s in js]


def definitions():
    for code in state["services"]:
        d = clients["json"].get_service_definition(code)
        valid("service_definition", d)
        x = clients["xml"].get_service_definition(code)
        assert x["service_code"] == d["service_code"]
        xattrs = as_list(x["attributes"]["attribute"])
        assert [a["code"] for a in d["attributes"]] == [a["code"] for a in xattrs]


def submit():
    form = {"api_key": KEY, "service_code": "demand.heating", "lat": "40.83", "long": "111.61",
            "address_string": "示例小区1号楼", "description": "georeport 检查：暖气不热", "attribute[risk]": "ordinary"}
    r = requests.post(f"{ROOT}/requests.json", data=form, timeout=10)
    assert r.status_code == 201, (r.status_code, r.text)
    body = r.json()
    valid("post_request", body)
    state["id"], state["token"] = body[0]["service_request_id"], body[0]["token"]
    r = requests.post(f"{ROOT}/requests.xml", data=dict(form, description="georeport XML 提交"), timeout=10)
    assert r.status_code == 201, (r.status_code, r.text)
    assert xmltodict.parse(r.content)["service_requests"]["request"]["service_request_id"]


def list_and_read():
    js = clients["json"].get_service_requests()
    valid("service_requests", js)
    assert any(x["service_request_id"] == state["id"] for x in js)
    xs = as_list(clients["xml"].get_service_requests())
    assert len(xs) == len(js)
    for j, x in zip(js, xs):
        same(j, x, ["service_request_id", "status", "service_code", "requested_datetime", "address_id", "lat", "long", "agency_responsible"])
    one = clients["json"].get_service_request(state["id"])
    valid("service_requests", [one])
    xone = clients["xml"].get_service_request(state["id"])
    same(one, xone, list(one.keys()))
    filtered = clients["json"].get_service_requests(service_code="demand.heating", status="open")
    valid("service_requests", filtered)
    assert all(x["service_code"] == "demand.heating" and x["status"] == "open" for x in filtered)


def token():
    r = requests.get(f"{ROOT}/tokens/{state['token']}.json", timeout=10)
    assert r.status_code == 200, r.text
    valid("tokens", r.json())
    assert r.json()[0]["service_request_id"] == state["id"]


def updates():
    r = requests.get(f"{ROOT}/servicerequestupdates.json", timeout=10)
    assert r.status_code == 200, r.text
    valid("updates", r.json())


def errors():
    cases = [
        ("post", "requests", {"service_code": "demand.heating", "address_id": "150103003030"}, 403),
        ("post", "requests", {"api_key": "no-such-key-000000", "service_code": "demand.heating", "address_id": "150103003030"}, 403),
        ("post", "requests", {"api_key": KEY, "service_code": "demand.nothing", "address_id": "150103003030"}, 404),
        ("post", "requests", {"api_key": KEY, "service_code": "demand.heating"}, 400),
        ("post", "requests", {"api_key": KEY, "service_code": "demand.heating", "lat": "39.9", "long": "116.4"}, 400),
        ("post", "requests", {"api_key": KEY, "service_code": "demand.heating", "address_id": "150103003030", "description": "长" * 4001}, 400),
        ("get", "requests", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, 400),
        ("get", "requests", {"start_date": "not-a-date"}, 400),
        ("get", "services", {"jurisdiction_id": "9999"}, 404),
    ]
    for method, what, params, status in cases:
        for fmt in ("json", "xml"):
            url = f"{ROOT}/{what}.{fmt}"
            r = requests.post(url, data=params, timeout=10) if method == "post" else requests.get(url, params=params, timeout=10)
            assert r.status_code == status, (what, params, fmt, r.status_code, r.text[:200])
            if fmt == "json":
                valid("errors", r.json())
            else:
                err = xmltodict.parse(r.content)["errors"]["error"]
                assert int(err["code"]) == status and err["description"]


for name, fn in [("services in JSON and XML", services), ("service definitions", definitions), ("POST requests", submit),
                 ("list and read requests", list_and_read), ("token lookup", token), ("update feed", updates),
                 ("errors in the spec's shape", errors)]:
    check(name, fn)

print(f"1..{len(results)}")
for i, (ok, name, why) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}" + (f"\n# {why}" if why else ""))
passed = sum(1 for ok, _, _ in results if ok)
print(f"# pass {passed}")
print(f"# fail {len(results) - passed}")
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
