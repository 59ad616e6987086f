//! One case from intake to where it stands, step by step through the workflow's own rules
//! (`rules::workflow::apply`): the demo's histories are ones the platform itself could have
//! written, so they replay, and every figure is counted from them.

use anyhow::Context as _;
use chrono::{DateTime, Duration, Timelike, Utc};
use fengqiao_domain::model::case::{
    Case, CaseAction, CaseDraft, CaseKind, CaseNumber, CaseStatus, CategoryTree, Channel, HandlingLevel, Outcome, Party, PartnerRoom,
    RiskLevel, Satisfaction, TimelineEntry,
};
use fengqiao_domain::model::Area;
use fengqiao_domain::ports::CaseHistory;
use fengqiao_domain::rules::access::Actor;
use fengqiao_domain::rules::calendar::local_date;
use fengqiao_domain::rules::deadline::Deadlines;
use fengqiao_domain::rules::workflow::{self, Context};
use rand::Rng;
use rand::rngs::StdRng;
use uuid::Uuid;

use super::plan::Ending;
use super::staff::Office;
use crate::messages::Explain;

/// Where a case stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Runs to the end: concluded with this outcome, checked, visited and closed.
    Closed(Outcome),
    /// Stops at this status on the way (recent cases, backlog).
    At(CaseStatus),
}

impl Stop {
    pub fn of(ending: Ending, resolved: bool, rng: &mut StdRng) -> Stop {
        if resolved {
            let outcome = if rng.random_bool(0.7) { Outcome::ResolvedByAgreement } else { Outcome::ResolvedOtherwise };
            return Stop::Closed(outcome);
        }
        match ending {
            Ending::Concluded(o) => Stop::Closed(o),
            Ending::Backlog => Stop::At(CaseStatus::Backlog),
            Ending::Open => Stop::At(CaseStatus::InProgress),
        }
    }
}

/// What a case is about, before it is taken in.
pub struct Brief {
    pub kind: CaseKind,
    pub category: String,
    pub title: String,
    pub description: String,
    pub address: String,
    pub channel: Channel,
    pub risk: RiskLevel,
    pub reporter_name: Option<String>,
    pub at: DateTime<Utc>,
    pub number: CaseNumber,
    /// Referred to a partner room, which mediates it and records the outcome.
    pub referral: Option<Referral>,
    /// Whether it may go up a tier (the seed's own stories stay where they are told).
    pub may_escalate: bool,
    /// The moment of generation: a history stops at its last step before it, so a case taken
    /// in last week is still being worked on.
    pub until: Option<DateTime<Utc>>,
}

/// A partner room (诉调对接) and the invited mediator who takes the case there.
#[derive(Debug, Clone)]
pub struct Referral {
    pub room: PartnerRoom,
    /// The room as the note names it: 新城区“法院+工会”劳动争议诉调工作室.
    pub name: String,
    pub mediator: String,
}

/// The offices a case can pass through, lowest first: the community's, the street's and the
/// district's for a case in a grid; the district's alone for a case at district level.
pub struct Chain<'a> {
    pub offices: Vec<(HandlingLevel, &'a Office)>,
}

impl Chain<'_> {
    fn at(&self, level: HandlingLevel) -> anyhow::Result<&Office> {
        self.offices.iter().find(|(l, _)| *l == level).map(|(_, o)| *o).context("no office at this tier")
    }
}

struct Walk<'a> {
    case: Case,
    timeline: Vec<TimelineEntry>,
    now: DateTime<Utc>,
    deadlines: &'a Deadlines,
    until: Option<DateTime<Utc>>,
    /// A step fell after `until`: this and every later step are left undone.
    cut: bool,
}

impl Walk<'_> {
    /// The next step, `hours` of office time later.
    fn step(&mut self, rng: &mut StdRng, actor: &Actor, action: CaseAction, hours: std::ops::Range<f64>) -> anyhow::Result<()> {
        if self.cut {
            return Ok(());
        }
        let hours = rng.random_range(hours);
        let next = office_time(self.deadlines, self.now, hours, rng);
        if self.until.is_some_and(|until| next > until) {
            self.cut = true;
            return Ok(());
        }
        self.now = next;
        let ctx = Context { actor, now: self.now, deadlines: self.deadlines };
        let t = workflow::apply(&self.case, &action, &ctx).explained().with_context(|| format!("demo case {}: {:?}", self.case.number, action.kind()))?;
        self.case = t.case;
        self.timeline.push(t.entry);
        Ok(())
    }
}

/// `hours` later, moved into office hours (08:30–18:00 on a working day, Asia/Shanghai).
fn office_time(deadlines: &Deadlines, from: DateTime<Utc>, hours: f64, rng: &mut StdRng) -> DateTime<Utc> {
    let mut t = from + Duration::minutes((hours * 60.0) as i64 + 1);
    loop {
        let local_hour = (t.hour() + 8) % 24;
        let working = deadlines.calendar.is_working_day(local_date(t)).unwrap_or(true);
        if working && (9..18).contains(&local_hour) {
            return t;
        }
        // To 09:xx the next morning (01:xx UTC), then check that day.
        let next_day = if local_hour >= 9 { t + Duration::days(1) } else { t };
        let date = local_date(next_day);
        t = fengqiao_domain::rules::calendar::start_of_day(date) + Duration::minutes(9 * 60 + rng.random_range(0..50));
    }
}

#[allow(clippy::too_many_arguments)]
pub fn walk(
    rng: &mut StdRng,
    brief: Brief,
    mut parties: Vec<Party>,
    area: &Area,
    chain: &Chain<'_>,
    stop: Stop,
    categories: &CategoryTree,
    deadlines: &Deadlines,
) -> anyhow::Result<CaseHistory> {
    let home = chain.offices[0].1;
    let draft = CaseDraft {
        kind: brief.kind,
        category: brief.category.clone(),
        title: brief.title.clone(),
        description: brief.description.clone(),
        area_id: area.id,
        address: Some(brief.address.clone()),
        point: None,
        channel: brief.channel,
        risk: brief.risk,
        reporter_name: brief.reporter_name.clone(),
    };
    let ctx = Context { actor: &home.mediator, now: brief.at, deadlines };
    let (mut case, mut entry) = workflow::report(&draft, area, categories, brief.number.clone(), &ctx).explained()?;
    // Keyed by time like live intakes (v7), so lists in id order are in intake order.
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, brief.at.timestamp() as u64, brief.at.timestamp_subsec_nanos());
    case.id = Uuid::new_v7(ts);
    entry.case_id = case.id;
    for p in &mut parties {
        p.case_id = case.id;
    }
    let mut w = Walk { case, timeline: vec![entry], now: brief.at, deadlines, until: brief.until, cut: false };
    let office = |w: &Walk| chain.at(w.case.handling_level);

    if stop == Stop::At(CaseStatus::Reported) {
        return Ok(finish(w, parties));
    }
    w.step(rng, &office(&w)?.head.clone(), CaseAction::Accept { note: None }, 0.5..6.0)?;
    if stop == Stop::At(CaseStatus::Accepted) {
        return Ok(finish(w, parties));
    }
    let handler = home.mediator.clone();
    assign(&mut w, rng, &home.head, &handler)?;
    if stop == Stop::At(CaseStatus::Assigned) {
        return Ok(finish(w, parties));
    }
    w.step(rng, &handler, CaseAction::Start { note: None }, 1.0..20.0)?;
    if stop == Stop::At(CaseStatus::InProgress) {
        return Ok(finish(w, parties));
    }
    if stop == Stop::At(CaseStatus::Backlog) {
        let reason = "涉及历史遗留问题，需待老旧小区改造项目统筹解决".to_string();
        w.step(rng, &home.head, CaseAction::PutInBacklog { reason }, 24.0..200.0)?;
        return Ok(finish(w, parties));
    }
    let Stop::Closed(outcome) = stop else { unreachable!("the other stops returned above") };

    // Big matters go up a tier (大事不出街道), rarely to the district.
    let mut handler = handler;
    if brief.may_escalate && brief.kind == CaseKind::Dispute && brief.referral.is_none() && chain.offices.len() > 1 && rng.random_bool(0.07) {
        let reason = "涉及多方主体，社区调解未果，提请街道协调".to_string();
        w.step(rng, &home.head, CaseAction::Escalate { reason }, 24.0..120.0)?;
        if rng.random_bool(0.1) {
            let street = office(&w)?.head.clone();
            let reason = "涉及区级职能部门，提请区矛盾纠纷调处中心".to_string();
            w.step(rng, &street, CaseAction::Escalate { reason }, 24.0..72.0)?;
        }
        let tier = office(&w)?.clone();
        assign(&mut w, rng, &tier.head, &tier.mediator)?;
        w.step(rng, &tier.mediator, CaseAction::Start { note: None }, 1.0..20.0)?;
        handler = tier.mediator;
    }

    let summary = summary(outcome);
    if let Some(Referral { room, name, mediator }) = &brief.referral {
        let note = Some(format!("转{name}，由特邀调解员{mediator}诉前调解"));
        w.step(rng, &handler, CaseAction::Refer { room: *room, note }, 8.0..40.0)?;
        let note = Some(format!("{mediator}：{summary}"));
        w.step(rng, &handler, CaseAction::RecordReferralOutcome { outcome: Some(outcome), note }, 40.0..200.0)?;
    } else {
        // Most within the limit; a few late, as in any office.
        let hours = if rng.random_bool(0.05) { rng.random_range(150.0..300.0) } else { rng.random_range(4.0..60.0) };
        w.step(rng, &handler, CaseAction::Conclude { outcome, summary: summary.to_string() }, hours..hours + 1.0)?;
    }
    let head = office(&w)?.head.clone();
    w.step(rng, &head, CaseAction::Verify { confirmed: true, note: Some("经核查，办理情况属实".into()) }, 2.0..30.0)?;
    // Those left without a solution are the ones who say so on the visit.
    let dissatisfied = if outcome.is_resolved() { 0 } else { 25 };
    let satisfaction = match rng.random_range(0..100) {
        n if n < dissatisfied => Satisfaction::Dissatisfied,
        n if n < dissatisfied + (100 - dissatisfied) * 86 / 100 => Satisfaction::Satisfied,
        _ => Satisfaction::BasicallySatisfied,
    };
    if satisfaction == Satisfaction::Dissatisfied {
        // A dissatisfied party reopens the case: handled once more, then checked and visited again.
        let note = Some("电话回访当事人，对处理结果不满意，重新办理".to_string());
        w.step(rng, &head, CaseAction::FollowUp { satisfaction, note }, 8.0..60.0)?;
        let summary = format!("再次上门沟通，{summary}");
        w.step(rng, &handler, CaseAction::Conclude { outcome, summary }, 8.0..80.0)?;
        w.step(rng, &head, CaseAction::Verify { confirmed: true, note: Some("经核查，办理情况属实".into()) }, 2.0..30.0)?;
    }
    let satisfaction = if satisfaction == Satisfaction::Dissatisfied { Satisfaction::BasicallySatisfied } else { satisfaction };
    let note = Some("电话回访当事人".to_string());
    w.step(rng, &head, CaseAction::FollowUp { satisfaction, note }, 8.0..60.0)?;
    w.step(rng, &head, CaseAction::Close { note: None }, 1.0..24.0)?;
    Ok(finish(w, parties))
}

fn assign(w: &mut Walk, rng: &mut StdRng, head: &Actor, handler: &Actor) -> anyhow::Result<()> {
    let action = CaseAction::Assign { handler_id: handler.user_id, handler_name: handler.display_name.clone(), note: None };
    w.step(rng, head, action, 0.2..3.0)
}

fn finish(w: Walk, parties: Vec<Party>) -> CaseHistory {
    CaseHistory { case: w.case, parties, timeline: w.timeline }
}

fn summary(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::ResolvedByAgreement => "经调解，双方自愿达成调解协议，当场履行。",
        Outcome::ResolvedOtherwise => "经现场协调处理，问题已解决，当事人认可。",
        Outcome::ReferredToLitigation => "调解不成，已告知当事人依法通过诉讼途径解决。",
        Outcome::Withdrawn => "申请人撤回调解申请。",
        Outcome::Unresolved => "多次调解未能达成一致，已做好解释疏导工作。",
        Outcome::Duplicate => "与已登记事件为同一事项，按重复件办结。",
    }
}
