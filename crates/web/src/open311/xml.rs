//! Open311's XML: the same answers as the JSON, written from the same values. Lists become a
//! wrapper element holding one element per item (`<services><service>`), as the specification's
//! examples show; null becomes an empty element.

use serde_json::Value;

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all; the JSON keeps them.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
}

/// The element name of one item of a list field.
fn item_name(list: &str) -> &str {
    match list {
        "attributes" => "attribute",
        "values" => "value",
        "services" => "service",
        "service_requests" => "request",
        "service_request_updates" => "request_update",
        "errors" => "error",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

/// `<name>…</name>` around what `inner` writes.
fn wrapped(name: &str, out: &mut String, inner: impl FnOnce(&mut String)) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    inner(out);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn element(name: &str, v: &Value, out: &mut String) {
    match v {
        Value::Null => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        Value::Array(items) => wrapped(name, out, |out| {
            let child = item_name(name);
            for i in items {
                element(child, i, out);
            }
        }),
        Value::Object(fields) => wrapped(name, out, |out| {
            for (k, v) in fields {
                element(k, v, out);
            }
        }),
        Value::String(s) => wrapped(name, out, |out| escape(s, out)),
        other => wrapped(name, out, |out| out.push_str(&other.to_string())),
    }
}

/// A whole document whose root element is `root`.
pub fn document(root: &str, v: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    element(root, v, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_wrap_items_and_text_is_escaped() {
        let v = json!([{"service_code": "a<b", "metadata": true, "group": null}]);
        assert_eq!(
            document("services", &v),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service><group/><metadata>true</metadata><service_code>a&lt;b</service_code></service></services>"
        );
        let d = json!({"service_code": "x", "attributes": [{"code": "risk", "values": [{"key": "a", "name": "甲"}]}]});
        assert!(document("service_definition", &d).contains("<attributes><attribute><code>risk</code><values><value><key>a</key><name>甲</name></value></values></attribute></attributes>"));
    }
}
