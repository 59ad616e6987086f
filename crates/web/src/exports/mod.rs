//! Lists taken away as XLSX or CSV, shared by the API and the pages.
//!
//! A list is read a page at a time (`Pages`) and each page is written out before the next is
//! read, so a district's list never sits in memory: both writers write front to back (XLSX
//! as a zip streamed entry by entry). Two ways to hand the file over:
//!
//! - `spool` then `spooled`: the whole file is written to a temporary file, recorded, then
//!   streamed. For lists whose audit row states how many rows left (the registry).
//! - `live`: recorded first, answered at once (with the row count in `X-Total-Count`), and
//!   the body follows as pages are read, in either format. The request timeout, which covers only the
//!   wait for the answer's head, then never cuts a large export short. A failure half-way
//!   aborts the body, so a client never mistakes a cut file for a whole one.

pub mod ledger;
pub mod registry;

use std::io::{Seek, Write};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use fengqiao_domain::DomainError;
use fengqiao_sheets::{Cell, CsvWriter, SheetError, XlsxWriter};

/// The file formats a list exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// A list read page by page as rows of cells; `None` at the end.
pub trait Pages: Send {
    fn next_page(&mut self) -> impl Future<Output = Result<Option<Vec<Vec<Cell>>>, DomainError>> + Send;
}

/// What a file is called and what its columns are.
pub struct Sheet {
    /// The sheet's name in the reader's language.
    pub name: String,
    /// The file's name without its extension, in the reader's language.
    pub file: String,
    /// The same in ASCII, for clients that ignore `filename*`.
    pub ascii: String,
    pub headers: Vec<String>,
}

fn failed(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("export: {e}"))
}

/// Either writer, behind one `push_row`.
enum Writer<W: Write> {
    Xlsx(Box<XlsxWriter<W>>),
    Csv(CsvWriter<W>),
}

impl<W: Write + Send> Writer<W> {
    fn new(format: Format, sheet: &Sheet, out: W) -> Result<Self, SheetError> {
        let heads: Vec<&str> = sheet.headers.iter().map(String::as_str).collect();
        Ok(match format {
            Format::Xlsx => Writer::Xlsx(Box::new(XlsxWriter::to(out, &sheet.name, &heads)?)),
            Format::Csv => Writer::Csv(CsvWriter::new(out, &heads)?),
        })
    }

    fn push_row(&mut self, row: &[Cell]) -> Result<(), SheetError> {
        match self {
            Writer::Xlsx(w) => w.push_row(row),
            Writer::Csv(w) => w.push_row(row),
        }
    }

    fn finish(self) -> Result<W, SheetError> {
        match self {
            Writer::Xlsx(w) => w.finish_into(),
            Writer::Csv(w) => w.finish(),
        }
    }
}

/// Writes every page into a temporary file, rewound for reading; answers it and the rows written.
pub async fn spool(format: Format, sheet: &Sheet, pages: &mut impl Pages) -> Result<(std::fs::File, usize), DomainError> {
    let mut file = tempfile::tempfile().map_err(failed)?;
    let mut writer = Writer::new(format, sheet, std::io::BufWriter::new(file.try_clone().map_err(failed)?)).map_err(failed)?;
    let mut rows = 0;
    while let Some(page) = pages.next_page().await? {
        for row in &page {
            writer.push_row(row).map_err(failed)?;
        }
        rows += page.len();
    }
    writer.finish().map_err(failed)?.flush().map_err(failed)?;
    file.rewind().map_err(failed)?;
    Ok((file, rows))
}

fn file_body(file: std::fs::File) -> Body {
    Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file)))
}

/// A spooled file as the answer; record the export before calling this, so that a file
/// that could not be recorded does not leave.
pub fn spooled(file: std::fs::File, format: Format, sheet: &Sheet) -> Response {
    attachment(file_body(file), format, sheet, None)
}

type Chunk = Result<Bytes, std::io::Error>;

/// Answers at once with `total` in `X-Total-Count`; the body follows as pages are read. The
/// caller has recorded the export already.
pub fn live(format: Format, sheet: Sheet, pages: impl Pages + 'static, total: i64) -> Response {
    // Two chunks in flight at most: memory stays flat however slow the reader is.
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(2);
    let title = Sheet { name: String::new(), file: sheet.file.clone(), ascii: sheet.ascii.clone(), headers: Vec::new() };
    tokio::spawn(async move {
        let result = stream(format, &sheet, pages, &tx).await;
        if let Err(e) = result {
            tracing::error!(error = %e, "export failed half-way; the download is aborted");
            let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
        }
    });
    attachment(Body::from_stream(Received(rx)), format, &title, Some(total))
}

/// The body's side of the channel. A receiver answers `None` however often it is asked after
/// the end, which the layers that poll a body once more (compression) need.
struct Received(tokio::sync::mpsc::Receiver<Chunk>);

impl futures_util::Stream for Received {
    type Item = Chunk;

    fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Chunk>> {
        self.0.poll_recv(cx)
    }
}

/// Sent, or the reader went away (which ends the export quietly).
async fn send(tx: &tokio::sync::mpsc::Sender<Chunk>, bytes: Vec<u8>) -> Result<bool, DomainError> {
    Ok(tx.send(Ok(Bytes::from(bytes))).await.is_ok())
}

/// What a writer has written and the body has not yet taken. A zip writer keeps its
/// destination to itself until the end, so the destination is shared instead.
#[derive(Clone, Default)]
struct Outbox(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Outbox {
    fn take(&self) -> Vec<u8> {
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // The next page's bytes need about as much room: made once, not grown by doubling.
        let room = held.capacity();
        std::mem::replace(&mut *held, Vec::with_capacity(room))
    }
}

impl Write for Outbox {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes the pages as they are read and hands on what each page produced: for CSV the
/// page's rows, for XLSX the compressed sheet so far (the head of the file leaves with the
/// first pages, its sheet list at the end).
async fn stream(format: Format, sheet: &Sheet, mut pages: impl Pages, tx: &tokio::sync::mpsc::Sender<Chunk>) -> Result<(), DomainError> {
    let outbox = Outbox::default();
    let mut writer = Writer::new(format, sheet, outbox.clone()).map_err(failed)?;
    while let Some(page) = pages.next_page().await? {
        for row in &page {
            writer.push_row(row).map_err(failed)?;
        }
        let bytes = outbox.take();
        if !bytes.is_empty() && !send(tx, bytes).await? {
            return Ok(());
        }
    }
    writer.finish().map_err(failed)?;
    let bytes = outbox.take();
    if !bytes.is_empty() {
        send(tx, bytes).await?;
    }
    Ok(())
}

/// `filename*` of RFC 6266 / 5987: UTF-8, percent-encoded, so Chinese names survive.
fn rfc5987(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn attachment(body: Body, format: Format, sheet: &Sheet, total: Option<i64>) -> Response {
    let ext = format.as_str();
    let disposition = format!("attachment; filename=\"{}.{ext}\"; filename*=UTF-8''{}.{ext}", sheet.ascii, rfc5987(&sheet.file));
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(n) = total {
        h.insert("x-total-count", HeaderValue::from(n));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_chinese() {
        assert_eq!(rfc5987("居民 a.xlsx"), "%E5%B1%85%E6%B0%91%20a.xlsx");
    }
}
