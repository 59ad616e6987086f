//! The OpenAPI description of the Open311 surface, at `/open311/openapi.json`, so API fuzzers
//! can walk it: every path in both formats, the form-encoded POST, and links from the POST's
//! answer to the request and token reads. Written by hand: utoipa has no way to say
//! `attribute[code]` form fields or a format suffix in a path.

use axum::Json;
use serde_json::{Map, Value, json};

fn error_responses(fmt: &str) -> Value {
    let content = content(fmt, json!({"$ref": "#/components/schemas/Errors"}));
    let mut m = Map::new();
    for (code, what) in [("400", "The request is wrong: a missing or malformed parameter."), ("403", "The api_key is missing, unknown or revoked."),
        ("404", "No such service, request, token or jurisdiction."), ("429", "The key's rate limit is reached.")] {
        m.insert(code.into(), json!({"description": what, "content": content}));
    }
    Value::Object(m)
}

fn content(fmt: &str, schema: Value) -> Value {
    match fmt {
        "json" => json!({"application/json": {"schema": schema}}),
        _ => json!({"text/xml": {"schema": {"type": "string"}}}),
    }
}

fn q(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn jurisdiction() -> Value {
    q("jurisdiction_id", "An area code of this deployment, e.g. 1501 (呼和浩特市).", json!({"type": "string", "pattern": "^[0-9A-Za-z]{2,20}$"}))
}

fn api_key_query() -> Value {
    q("api_key", "Optional on reads: scopes the answer to the key's area and audits the read.", json!({"type": "string"}))
}

fn ok(fmt: &str, description: &str, schema: &str) -> Value {
    let mut r = error_responses(fmt);
    r["200"] = json!({"description": description, "content": content(fmt, json!({"$ref": format!("#/components/schemas/{schema}")}))});
    r
}

fn paths_for(fmt: &str) -> Map<String, Value> {
    let mut p = Map::new();
    let date = json!({"type": "string", "format": "date-time"});
    p.insert(format!("/open311/v2/services.{fmt}"), json!({"get": {
        "operationId": format!("services_{fmt}"), "summary": "List services: the case categories in use.",
        "parameters": [jurisdiction(), api_key_query()], "responses": ok(fmt, "The services.", "Services")}}));
    p.insert(format!("/open311/v2/services/{{service_code}}.{fmt}"), json!({"get": {
        "operationId": format!("service_definition_{fmt}"), "summary": "A service's definition with its attributes.",
        "parameters": [{"name": "service_code", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_.]{0,80}$"}}, jurisdiction(), api_key_query()],
        "responses": ok(fmt, "The definition.", "ServiceDefinition")}}));
    let mut post_responses = error_responses(fmt);
    post_responses["201"] = json!({"description": "Taken in as a case: its number and a token.",
        "content": content(fmt, json!({"$ref": "#/components/schemas/Submitted"}))});
    // Links point into a JSON body; an XML answer has no JSON Pointer to follow.
    if fmt == "json" {
        post_responses["201"]["links"] = json!({
            "GetRequest": {"operationId": "request_json", "parameters": {"service_request_id": "$response.body#/0/service_request_id"}},
            "GetToken": {"operationId": "token_json", "parameters": {"token": "$response.body#/0/token"}}
        });
    }
    p.insert(format!("/open311/v2/requests.{fmt}"), json!({
        "get": {"operationId": format!("requests_{fmt}"), "summary": "Requests submitted from outside, newest first: at most 1,000, within 90 days.",
            "parameters": [
                q("service_request_id", "Case numbers, comma separated; overrides the other filters.", json!({"type": "string"})),
                q("service_code", "Service codes, comma separated.", json!({"type": "string"})),
                q("start_date", "W3C datetime; the window may not exceed 90 days.", date.clone()),
                q("end_date", "W3C datetime.", date.clone()),
                q("status", "open, closed, or both comma separated.", json!({"type": "string", "enum": ["open", "closed", "open,closed"]})),
                jurisdiction(), api_key_query()],
            "responses": ok(fmt, "The requests.", "ServiceRequests")},
        "post": {"operationId": format!("submit_{fmt}"), "summary": "Submit a request (form-encoded; api_key required).",
            "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/NewRequest"}}}},
            "responses": post_responses}}));
    p.insert(format!("/open311/v2/requests/{{service_request_id}}.{fmt}"), json!({"get": {
        "operationId": format!("request_{fmt}"), "summary": "One request, as a list of one.",
        "parameters": [{"name": "service_request_id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9A-Za-z-]{3,40}$"}}, jurisdiction(), api_key_query()],
        "responses": ok(fmt, "The request.", "ServiceRequests")}}));
    p.insert(format!("/open311/v2/tokens/{{token}}.{fmt}"), json!({"get": {
        "operationId": format!("token_{fmt}"), "summary": "The request a token stands for.",
        "parameters": [{"name": "token", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9A-Za-z-]{4,20}$"}}, jurisdiction(), api_key_query()],
        "responses": ok(fmt, "The request id and token.", "Tokens")}}));
    p.insert(format!("/open311/v2/servicerequestupdates.{fmt}"), json!({"get": {
        "operationId": format!("updates_{fmt}"), "summary": "FixMyStreet extension: status changes of submitted requests (default: the last day).",
        "parameters": [q("start_date", "W3C datetime.", date.clone()), q("end_date", "W3C datetime.", date), jurisdiction(), api_key_query()],
        "responses": ok(fmt, "The updates.", "Updates")}}));
    p
}

pub fn open311_document() -> Value {
    let mut paths = paths_for("json");
    paths.extend(paths_for("xml"));
    let nullable_str = json!({"type": "string", "nullable": true});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Fengqiao Open311 GeoReport v2", "version": "2",
            "description": "Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) with the FixMyStreet servicerequestupdates extension. Coordinates are WGS84; convert GCJ-02 points from Chinese map SDKs first."},
        "paths": paths,
        "components": {"schemas": {
            "Errors": {"type": "array", "items": {"type": "object", "required": ["code", "description"],
                "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}},
            "Services": {"type": "array", "items": {"type": "object", "required": ["service_code", "service_name", "metadata", "type"],
                "properties": {"service_code": {"type": "string"}, "service_name": {"type": "string"}, "description": {"type": "string"},
                    "metadata": {"type": "boolean"}, "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                    "keywords": {"type": "string"}, "group": {"type": "string"}}}},
            "ServiceDefinition": {"type": "object", "required": ["service_code", "attributes"], "properties": {
                "service_code": {"type": "string"},
                "attributes": {"type": "array", "items": {"type": "object", "required": ["variable", "code", "datatype", "required", "order", "description"],
                    "properties": {"variable": {"type": "boolean"}, "code": {"type": "string"},
                        "datatype": {"type": "string", "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]},
                        "required": {"type": "boolean"}, "datatype_description": {"type": "string"}, "order": {"type": "integer"}, "description": {"type": "string"},
                        "values": {"type": "array", "items": {"type": "object", "required": ["key", "name"], "properties": {"key": {"type": "string"}, "name": {"type": "string"}}}}}}}}},
            "NewRequest": {"type": "object", "required": ["api_key", "service_code"], "properties": {
                "api_key": {"type": "string"}, "jurisdiction_id": {"type": "string"}, "service_code": {"type": "string"},
                "lat": {"type": "number", "minimum": -90, "maximum": 90}, "long": {"type": "number", "minimum": -180, "maximum": 180},
                "address_string": {"type": "string", "maxLength": 200}, "address_id": {"type": "string"},
                "email": {"type": "string"}, "device_id": {"type": "string"}, "account_id": {"type": "string"},
                "first_name": {"type": "string"}, "last_name": {"type": "string"}, "phone": {"type": "string"},
                "description": {"type": "string", "maxLength": 4000}, "media_url": {"type": "string"},
                "attribute[risk]": {"type": "string", "enum": ["ordinary", "major", "grave"]}, "attribute[respondent]": {"type": "string"}}},
            "Submitted": {"type": "array", "items": {"type": "object", "required": ["service_request_id", "token"], "properties": {
                "service_request_id": {"type": "string"}, "token": {"type": "string"}, "service_notice": {"type": "string"}, "account_id": nullable_str}}},
            "Tokens": {"type": "array", "items": {"type": "object", "required": ["service_request_id", "token"], "properties": {
                "service_request_id": {"type": "string"}, "token": {"type": "string"}}}},
            "ServiceRequests": {"type": "array", "items": {"type": "object", "required": ["service_request_id", "status", "service_code", "requested_datetime"], "properties": {
                "service_request_id": {"type": "string"}, "token": {"type": "string"}, "status": {"type": "string", "enum": ["open", "closed"]},
                "status_notes": {"type": "string"}, "service_name": {"type": "string"}, "service_code": {"type": "string"}, "description": {"type": "string"},
                "agency_responsible": {"type": "string"}, "service_notice": {"type": "string"}, "requested_datetime": {"type": "string", "format": "date-time"},
                "updated_datetime": {"type": "string", "format": "date-time"}, "expected_datetime": {"type": "string", "format": "date-time", "nullable": true},
                "address": nullable_str, "address_id": nullable_str, "zipcode": nullable_str,
                "lat": {"type": "number", "nullable": true}, "long": {"type": "number", "nullable": true}, "media_url": nullable_str}}},
            "Updates": {"type": "array", "items": {"type": "object", "required": ["update_id", "service_request_id", "status", "updated_datetime"], "properties": {
                "update_id": {"type": "string"}, "service_request_id": {"type": "string"}, "status": {"type": "string", "enum": ["open", "closed"]},
                "updated_datetime": {"type": "string", "format": "date-time"}, "description": {"type": "string"}, "media_url": nullable_str}}}
        }}
    })
}

pub async fn serve() -> Json<Value> {
    Json(open311_document())
}
