"""Writes the server's Open311 OpenAPI document with the demo world's facts filled in, so that
schemathesis can make requests the server accepts and follow the links of the stateful phase.

Usage: python3 fuzz_document.py BASE_URL API_KEY OUT_FILE

The served document is the same for every deployment; only this copy names the demo's key,
its services and one of its grids.
"""

import json
import sys

import requests

base, key, out = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
doc = requests.get(f"{base}/open311/openapi.json", timeout=10).json()
codes = [s["service_code"] for s in requests.get(f"{base}/open311/v2/services.json", timeout=10).json()]
form = doc["components"]["schemas"]["NewRequest"]
form["properties"]["api_key"] = {"type": "string", "enum": [key]}
form["properties"]["service_code"] = {"type": "string", "enum": [c for c in codes if not c.startswith("dispute.")]}
form["properties"]["address_id"] = {"type": "string", "enum": ["150103003030", "150103003030G01"]}
form["required"] = ["api_key", "service_code", "address_id"]
# Free-text contact fields have rules of their own (names, Chinese phone numbers); leave them out.
for field in ["first_name", "last_name", "phone", "email", "device_id", "account_id", "lat", "long", "media_url", "jurisdiction_id"]:
    form["properties"].pop(field, None)
form["additionalProperties"] = False
with open(out, "w") as f:
    json.dump(doc, f, ensure_ascii=False)
