//! Case attachments over HTTP, shared by the API and the pages: reading a multipart upload
//! under the per-file limit, and serving a file so that it can never act as a page of ours.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{ATTACHMENT_TOO_LARGE, Attachment, AttachmentType};
use fengqiao_domain::services::cases::{AttachmentSettings, NewAttachment};

/// The form fields that carry files; any other field is text.
pub const FILE_FIELDS: [&str; 2] = ["files", "file"];

/// Longest text field a multipart form may carry (a description is at most 5000 characters).
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// A multipart form read whole: its text fields and its files.
#[derive(Default)]
pub struct AttachmentForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<NewAttachment>,
}

impl AttachmentForm {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn broken(e: MultipartError) -> DomainError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        DomainError::invalid("files", ATTACHMENT_TOO_LARGE)
    } else {
        DomainError::invalid("files", "error-bad-request")
    }
}

/// Reads the form into `out`, stopping at the first file over the limit (413) or the file
/// past the most a case may hold, so an oversize upload is not read to its end first. What
/// was read before a refusal stays in `out`, for the page to show again.
pub async fn read_form(mut form: Multipart, limits: &AttachmentSettings, out: &mut AttachmentForm) -> Result<(), DomainError> {
    while let Some(mut field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if !FILE_FIELDS.contains(&name.as_str()) {
            let mut text = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                text.extend_from_slice(&chunk);
                if text.len() > MAX_TEXT_BYTES {
                    return Err(DomainError::invalid("form", "error-too-large"));
                }
            }
            out.fields.push((name, String::from_utf8(text).map_err(|_| DomainError::invalid("form", "error-bad-request"))?));
            continue;
        }
        let file_name = field.file_name().unwrap_or_default().to_string();
        let claimed_type = field.content_type().map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > limits.max_bytes {
                return Err(DomainError::invalid("files", ATTACHMENT_TOO_LARGE));
            }
        }
        // A file input left empty still sends a part, with no name and no bytes.
        if file_name.is_empty() && bytes.is_empty() {
            continue;
        }
        if out.files.len() == limits.max_per_case {
            return Err(DomainError::invalid("files", "error-attachment-too-many"));
        }
        out.files.push(NewAttachment { file_name, claimed_type, bytes });
    }
    Ok(())
}

/// `filename*` of RFC 6266 in UTF-8, with an ASCII stand-in for old clients.
fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A sandboxed document with no sources at all: even a file that some browser took for a
/// page could run no script and reach nothing of ours.
pub const ATTACHMENT_CSP: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The bytes with the type sniffed at upload. Pictures a browser can show are inline (the
/// case page's thumbnails); PDFs and HEIC photos are downloads.
pub fn serve(a: &Attachment, bytes: Vec<u8>) -> Response {
    let inline = a.content_type.is_web_image();
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.content_type.as_str()));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(ATTACHMENT_CSP));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition(if inline { "inline" } else { "attachment" }, &a.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// For `accept` attributes and messages.
pub fn accepted_types() -> String {
    AttachmentType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn dispositions_quote_nothing_unsafe() {
        assert_eq!(super::disposition("inline", "漏水 \"a\".jpg"), "inline; filename=\"____a_.jpg\"; filename*=UTF-8''%E6%BC%8F%E6%B0%B4%20%22a%22.jpg");
    }
}
