//! Attachments (附件) of a case: photos from a phone camera and PDFs. What a file is comes
//! from its first bytes, never from the name or type its sender claims; a claim that
//! disagrees with the bytes is refused, so a page or a program cannot pass as a photo.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{DomainError, Result};

/// The kinds of file a case accepts, by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum AttachmentType {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/webp")]
    Webp,
    /// HEIF/HEIC, what iPhones take photos in.
    #[serde(rename = "image/heic")]
    Heic,
    #[serde(rename = "application/pdf")]
    Pdf,
}

impl AttachmentType {
    pub const ALL: &'static [AttachmentType] = &[Self::Jpeg, Self::Png, Self::Webp, Self::Heic, Self::Pdf];

    /// The MIME type a download is served with.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Heic => "image/heic",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s).ok_or(DomainError::invalid("files", ATTACHMENT_TYPE))
    }

    /// File name extensions that honestly name this type.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            Self::Png => &["png"],
            Self::Webp => &["webp"],
            Self::Heic => &["heic", "heif", "hif"],
            Self::Pdf => &["pdf"],
        }
    }

    /// MIME types a client may claim for this type (aliases browsers and phones send).
    fn claims(self) -> &'static [&'static str] {
        match self {
            Self::Jpeg => &["image/jpeg", "image/jpg", "image/pjpeg"],
            Self::Png => &["image/png"],
            Self::Webp => &["image/webp"],
            Self::Heic => &["image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence"],
            Self::Pdf => &["application/pdf", "application/x-pdf"],
        }
    }

    /// Pictures a browser can draw in a page; HEIC is a picture most browsers cannot show.
    pub fn is_web_image(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::Webp)
    }

    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }

    /// What the bytes are, by their signature; `None` for anything not accepted.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(Self::Jpeg);
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(Self::Png);
        }
        if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            return Some(Self::Webp);
        }
        // ISO base media: a box size, then `ftyp` and the major brand.
        if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
            let brand = &bytes[8..12];
            if [b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"].iter().any(|b| brand == *b) {
                return Some(Self::Heic);
            }
        }
        // PDF readers accept the header within the first kilobyte; we ask for it first.
        if bytes.starts_with(b"%PDF-") {
            return Some(Self::Pdf);
        }
        None
    }
}

pub const ATTACHMENT_TYPE: &str = "error-attachment-type";
pub const ATTACHMENT_TOO_LARGE: &str = "error-attachment-too-large";

/// The longest file name kept, in characters; longer ones are shortened, extension kept.
pub const FILE_NAME_MAX: usize = 100;

/// A file name as people may see it again: no directories, no control or quoting characters,
/// bounded; `attachment` when nothing is left.
pub fn sanitise_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_control() || matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|' | ';') { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.is_empty() {
        return "attachment".to_string();
    }
    if cleaned.chars().count() <= FILE_NAME_MAX {
        return cleaned;
    }
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.chars().count() <= 10 => (s.to_string(), format!(".{e}")),
        _ => (cleaned.clone(), String::new()),
    };
    let keep = FILE_NAME_MAX - ext.chars().count();
    format!("{}{ext}", stem.chars().take(keep).collect::<String>())
}

/// Checks a file as sent: its bytes must be a type we accept, within `max_bytes`, and the
/// name's extension and the claimed MIME type, when they say anything, must agree with the
/// bytes. Answers the type the file really is.
pub fn check_file(name: &str, claimed: Option<&str>, bytes: &[u8], max_bytes: usize) -> Result<AttachmentType> {
    if bytes.is_empty() {
        return Err(DomainError::invalid("files", "error-attachment-empty"));
    }
    if bytes.len() > max_bytes {
        return Err(DomainError::invalid("files", ATTACHMENT_TOO_LARGE));
    }
    let kind = AttachmentType::sniff(bytes).ok_or(DomainError::invalid("files", ATTACHMENT_TYPE))?;
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if let Some(ext) = ext.filter(|e| !e.is_empty())
        && !kind.extensions().contains(&ext.as_str())
    {
        return Err(DomainError::invalid("files", ATTACHMENT_TYPE));
    }
    let claimed = claimed.map(|c| c.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    // Clients that know nothing say octet-stream; that claims nothing.
    if let Some(c) = claimed.filter(|c| !c.is_empty() && c != "application/octet-stream")
        && !kind.claims().contains(&c.as_str())
    {
        return Err(DomainError::invalid("files", ATTACHMENT_TYPE));
    }
    Ok(kind)
}

/// A file attached to a case. The bytes live in a `BlobStore` under their SHA-256; this is
/// what the database keeps about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    pub id: Uuid,
    pub case_id: Uuid,
    /// The case's home area path, for scoping like every record of the case.
    #[serde(skip)]
    pub area_path: String,
    /// The name it was uploaded under, without directories or unsafe characters.
    #[schema(example = "漏水照片.jpg")]
    pub file_name: String,
    /// What the content is, as sniffed from its bytes.
    pub content_type: AttachmentType,
    pub size_bytes: i64,
    /// Lower-case hex.
    pub sha256: String,
    pub uploader_id: Option<Uuid>,
    pub uploader_name: String,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(AttachmentType::sniff(JPEG), Some(AttachmentType::Jpeg));
        assert_eq!(AttachmentType::sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some(AttachmentType::Png));
        assert_eq!(AttachmentType::sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(AttachmentType::Webp));
        assert_eq!(AttachmentType::sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Some(AttachmentType::Heic));
        assert_eq!(AttachmentType::sniff(b"%PDF-1.7\n"), Some(AttachmentType::Pdf));
        assert_eq!(AttachmentType::sniff(b"\0\0\0\x18ftypisom"), None, "an MP4 is no photo");
        assert_eq!(AttachmentType::sniff(b"MZ\x90\0"), None);
        assert_eq!(AttachmentType::sniff(b"<!doctype html><script>"), None);
        assert_eq!(AttachmentType::sniff(b"<svg onload=alert(1)>"), None);
    }

    #[test]
    fn claims_must_agree_with_the_bytes() {
        let max = 1024;
        assert_eq!(check_file("IMG_0001.JPG", Some("image/jpeg"), JPEG, max).unwrap(), AttachmentType::Jpeg);
        assert_eq!(check_file("photo", None, JPEG, max).unwrap(), AttachmentType::Jpeg);
        assert_eq!(check_file("x.jpeg", Some("application/octet-stream"), JPEG, max).unwrap(), AttachmentType::Jpeg);
        let refused = |name: &str, claim: Option<&str>, bytes: &[u8]| check_file(name, claim, bytes, max).unwrap_err().code();
        assert_eq!(refused("photo.jpg", Some("image/jpeg"), b"MZ\x90\0\x03"), ATTACHMENT_TYPE, "a program named .jpg");
        assert_eq!(refused("photo.jpg", Some("image/jpeg"), b"<html><script>alert(1)</script>"), ATTACHMENT_TYPE);
        assert_eq!(refused("photo.pdf", None, JPEG), ATTACHMENT_TYPE, "extension disagrees");
        assert_eq!(refused("photo.jpg", Some("application/pdf"), JPEG), ATTACHMENT_TYPE, "claimed type disagrees");
        assert_eq!(refused("a.jpg", None, b""), "error-attachment-empty");
        assert_eq!(refused("a.jpg", None, &[JPEG, &[0u8; 2000]].concat()), ATTACHMENT_TOO_LARGE);
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(sanitise_file_name("C:\\Users\\wang\\漏水.jpg"), "漏水.jpg");
        assert_eq!(sanitise_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitise_file_name("a\"b\r\n.jpg"), "a_b__.jpg");
        assert_eq!(sanitise_file_name(".."), "attachment");
        assert_eq!(sanitise_file_name("  "), "attachment");
        let long = format!("{}.jpeg", "照".repeat(300));
        let short = sanitise_file_name(&long);
        assert_eq!(short.chars().count(), FILE_NAME_MAX);
        assert!(short.ends_with(".jpeg"));
    }
}
