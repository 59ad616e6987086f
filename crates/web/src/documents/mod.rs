//! Documents the office prints: the 人民调解协议书, as an HTML page for the browser's print
//! dialog and as a PDF made here. Both are drawn from one `AgreementDocument`, so the two
//! can never say different things. The document is Chinese whatever the UI language: it is
//! an official paper.

mod pdf;
pub mod report;
mod report_pdf;

use chrono::NaiveDate;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::PartyKind;
use fengqiao_domain::rules::access::Actor;
use uuid::Uuid;

use crate::AppState;
use crate::i18n::Lang;

pub use pdf::{DEFAULT_FONT, FontError, render as render_pdf};

/// A party as the document names them; ID number and phone masked.
#[derive(Debug, Clone, PartialEq)]
pub struct DocParty {
    /// 申请人 / 被申请人 / 其他当事人.
    pub role: String,
    pub name: String,
    pub organisation: bool,
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

impl DocParty {
    /// The party's line: 申请人：王秀英，身份证号码：150102********1234，联系电话：139****0000
    pub fn line(&self) -> String {
        let mut s = format!("{}：{}", self.role, self.name);
        if let Some(id) = &self.id_number {
            s.push_str(&format!("，身份证号码：{id}"));
        }
        if let Some(p) = &self.phone {
            s.push_str(&format!("，联系电话：{p}"));
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgreementDocument {
    pub case_id: Uuid,
    pub number: String,
    pub committee: String,
    pub parties: Vec<DocParty>,
    pub facts: String,
    pub terms: String,
    pub performance: String,
    pub mediators: Vec<String>,
    /// 2024年5月14日 once everyone has signed; blank lines for the pen before.
    pub date: Option<String>,
}

pub const TITLE: &str = "人民调解协议书";

pub fn chinese_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

impl AgreementDocument {
    pub fn performance_text(&self) -> &str {
        &self.performance
    }

    /// The closing clause: one copy per party and one for the committee.
    pub fn copies_clause(&self) -> String {
        format!(
            "本协议一式{}份，当事人、人民调解委员会各持一份，自各方当事人签名（盖章）、人民调解员签名并加盖人民调解委员会印章之日起生效。",
            self.parties.len() + 1
        )
    }

    /// A text's paragraphs, each set on its own with a first-line indent.
    pub fn paragraphs<'a>(&self, text: &'a str) -> Vec<&'a str> {
        text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect()
    }

    pub fn date_line(&self) -> String {
        self.date.clone().unwrap_or_else(|| "　　　　年　　月　　日".to_string())
    }
}

/// The agreement of a case as a document, for a caller who may see the case.
pub async fn agreement_document(state: &AppState, actor: &Actor, case_id: Uuid) -> Result<AgreementDocument, DomainError> {
    let s = &state.services;
    let f = s.mediation_file(actor, case_id).await?;
    let a = f.agreement.ok_or(DomainError::NotFound("error-agreement-not-found"))?;
    let zh = Lang::ZhCn;
    let parties = a
        .parties
        .iter()
        .filter_map(|ap| f.parties.iter().find(|p| p.id == ap.party_id))
        .map(|p| DocParty {
            role: zh.t(&format!("party-role-{}", p.role.as_str())),
            name: p.name.clone(),
            organisation: p.kind == PartyKind::Organisation,
            id_number: p.id_number.as_ref().map(|x| x.masked.clone()),
            phone: p.phone.as_ref().map(|x| x.masked.clone()),
        })
        .collect();
    let mut performance = a.performance.clone();
    if let Some(due) = a.performance_due {
        performance.push_str(&format!("（履行期限：{}前）", chinese_date(due)));
    }
    Ok(AgreementDocument {
        case_id,
        number: a.number,
        committee: a.committee,
        parties,
        facts: a.facts,
        terms: a.terms,
        performance,
        mediators: a.mediators.into_iter().map(|m| m.name).collect(),
        date: a.effective_on.map(chinese_date),
    })
}

/// The PDF of a document, made off the async threads (subsetting a CJK font takes a while).
pub async fn pdf(state: &AppState, doc: &AgreementDocument) -> Result<Vec<u8>, DomainError> {
    let font = state.config.pdf_font.clone();
    let doc = doc.clone();
    let out = tokio::task::spawn_blocking(move || render_pdf(&doc, &font)).await.map_err(|e| DomainError::Internal(format!("pdf task: {e}")))?;
    out.map_err(|e| {
        tracing::error!(error = %e, "agreement PDF");
        DomainError::Internal(e.to_string())
    })
}

/// A report's PDF, made off the async threads like the agreement's.
pub async fn report_pdf(state: &AppState, doc: &report::ReportDocument) -> Result<Vec<u8>, DomainError> {
    let font = state.config.pdf_font.clone();
    let doc = doc.clone();
    let out = tokio::task::spawn_blocking(move || report_pdf::render(&doc, &font)).await.map_err(|e| DomainError::Internal(format!("pdf task: {e}")))?;
    out.map_err(|e| {
        tracing::error!(error = %e, "report PDF");
        DomainError::Internal(e.to_string())
    })
}
