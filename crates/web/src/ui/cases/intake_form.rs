//! The intake form as typed: every field a string, so a refused form comes back exactly as
//! it was sent, and the checks that can run before the database, field by field, so each
//! error is shown next to its own input and all of them at once.

use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{CaseDraft, CaseKind, Channel, GeoPoint, NewParty, PartyKind, PartyRole, RiskLevel};
use fengqiao_domain::services::cases::NewCase;
use uuid::Uuid;

/// The input a refusal names, if it names one.
pub fn field_of(e: &DomainError) -> Option<&'static str> {
    match e {
        DomainError::Invalid { field, .. } => Some(field),
        _ => None,
    }
}

/// Party boxes on the form: the applicant, the respondent and one more (another party, or a
/// second person on either side). Enough for almost every case taken in on the spot.
pub const PARTY_SLOTS: usize = 3;

/// One party box as typed. The kind and role come from radio buttons and a select.
#[derive(Debug, Clone, Default)]
pub struct PartySlot {
    pub index: usize,
    pub role: String,
    pub kind: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub resident_id: String,
}

impl PartySlot {
    fn blank(&self) -> bool {
        [&self.name, &self.id_number, &self.phone, &self.resident_id].iter().all(|v| v.trim().is_empty())
    }

    /// The form's name of one of this box's inputs, e.g. `p1_phone`.
    pub fn input(&self, field: &str) -> String {
        format!("p{}_{field}", self.index)
    }
}

#[derive(Debug, Clone, Default)]
pub struct IntakeForm {
    pub kind: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub area_id: String,
    pub address: String,
    pub lon: String,
    pub lat: String,
    pub channel: String,
    pub risk: String,
    pub parties: Vec<PartySlot>,
}

fn default_role(i: usize) -> PartyRole {
    match i {
        0 => PartyRole::Applicant,
        1 => PartyRole::Respondent,
        _ => PartyRole::Other,
    }
}

impl IntakeForm {
    /// Empty party boxes with their usual roles.
    pub fn fresh() -> Self {
        IntakeForm { parties: Self::slots(|_, _| None), ..Default::default() }
    }

    fn slots(get: impl Fn(usize, &str) -> Option<String>) -> Vec<PartySlot> {
        (0..PARTY_SLOTS)
            .map(|i| {
                let v = |f: &str| get(i, f).unwrap_or_default();
                let role = get(i, "role").filter(|r| !r.is_empty()).unwrap_or_else(|| default_role(i).as_str().to_string());
                let kind = get(i, "kind").filter(|k| !k.is_empty()).unwrap_or_else(|| PartyKind::Person.as_str().to_string());
                PartySlot { index: i, role, kind, name: v("name"), id_number: v("id_number"), phone: v("phone"), resident_id: v("resident_id") }
            })
            .collect()
    }

    pub fn from_fields(fields: &[(String, String)]) -> Self {
        let get = |k: &str| fields.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
        IntakeForm {
            kind: get("kind"),
            category: get("category"),
            title: get("title"),
            description: get("description"),
            area_id: get("area_id"),
            address: get("address"),
            lon: get("lon"),
            lat: get("lat"),
            channel: get("channel"),
            risk: get("risk"),
            parties: Self::slots(|i, f| {
                let key = format!("p{i}_{f}");
                fields.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
            }),
        }
    }

    fn point(&self) -> Result<Option<GeoPoint>, DomainError> {
        let (lon, lat) = (self.lon.trim(), self.lat.trim());
        if lon.is_empty() && lat.is_empty() {
            return Ok(None);
        }
        let bad = || DomainError::invalid("point", "error-case-point");
        GeoPoint::new(lon.parse().map_err(|_| bad())?, lat.parse().map_err(|_| bad())?).map(Some)
    }

    fn party(slot: &PartySlot) -> Result<NewParty, DomainError> {
        let resident_id = match slot.resident_id.trim() {
            "" => None,
            s => Some(Uuid::parse_str(s).map_err(|_| DomainError::invalid("resident_id", "error-party-resident"))?),
        };
        let party = NewParty {
            role: PartyRole::parse(&slot.role)?,
            kind: PartyKind::parse(&slot.kind)?,
            resident_id,
            name: slot.name.clone(),
            id_number: Some(slot.id_number.trim().to_string()).filter(|s| !s.is_empty()),
            phone: Some(slot.phone.trim().to_string()).filter(|s| !s.is_empty()),
        };
        party.validate()?;
        Ok(party)
    }

    /// The case as the service takes it, or every problem found, keyed by input name.
    pub fn to_case(&self) -> Result<NewCase, Vec<(String, DomainError)>> {
        let mut problems = Vec::new();
        let mut note = |input: String, e: DomainError| problems.push((input, e));
        let area_id = Uuid::parse_str(self.area_id.trim()).map_err(|_| DomainError::invalid("area_id", "error-area-not-found"));
        let point = self.point();
        let (kind, channel, risk) = (CaseKind::parse(&self.kind), Channel::parse(&self.channel), RiskLevel::parse(&self.risk));
        let mut parties = Vec::new();
        for slot in self.parties.iter().filter(|s| !s.blank()) {
            match Self::party(slot) {
                Ok(p) => parties.push(p),
                Err(e) => note(slot.input(field_of(&e).unwrap_or("name")), e),
            }
        }
        let draft = match (kind, channel, risk, area_id, point) {
            (Ok(kind), Ok(channel), Ok(risk), Ok(area_id), Ok(point)) => {
                let draft = CaseDraft {
                    kind,
                    category: self.category.clone(),
                    title: self.title.clone(),
                    description: self.description.clone(),
                    area_id,
                    address: Some(self.address.clone()),
                    point,
                    channel,
                    risk,
                    reporter_name: None,
                };
                match draft.validate() {
                    Ok(_) => Some(draft),
                    Err(e) => {
                        note(field_of(&e).unwrap_or("title").to_string(), e);
                        None
                    }
                }
            }
            (kind, channel, risk, area_id, point) => {
                for e in [kind.err(), channel.err(), risk.err(), area_id.err(), point.err()].into_iter().flatten() {
                    let input = match field_of(&e) {
                        Some("point") => "lon",
                        Some(f) => f,
                        None => "title",
                    };
                    note(input.to_string(), e);
                }
                None
            }
        };
        match draft {
            Some(draft) if problems.is_empty() => Ok(NewCase { draft, parties }),
            _ => Err(problems),
        }
    }

    /// Where a refusal from the service belongs: the first party box that filled in the
    /// field it names, or the case field of that name.
    pub fn input_for(&self, e: &DomainError) -> String {
        let field = field_of(e).unwrap_or_default();
        let party_field = ["role", "name", "id_number", "phone", "resident_id"].contains(&field);
        match self.parties.iter().find(|s| party_field && !s.blank() && !s.field(field).trim().is_empty()) {
            Some(slot) => slot.input(field),
            None if field == "point" => "lon".to_string(),
            None => field.to_string(),
        }
    }
}

impl PartySlot {
    fn field(&self, name: &str) -> &str {
        match name {
            "role" => &self.role,
            "name" => &self.name,
            "id_number" => &self.id_number,
            "phone" => &self.phone,
            "resident_id" => &self.resident_id,
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_problem_is_named_by_its_input() {
        let f = IntakeForm::from_fields(&fields(&[
            ("kind", "dispute"), ("category", "neighbour"), ("title", "楼上漏水"), ("area_id", &Uuid::nil().to_string()),
            ("channel", "grid_patrol"), ("risk", "ordinary"), ("lon", "111.6"), ("lat", "40.8"),
            ("p0_name", "王秀英"), ("p0_id_number", "150102199003071234"), ("p1_name", "李建国"), ("p1_phone", "12"),
        ]));
        let problems = f.to_case().unwrap_err();
        let inputs: Vec<&str> = problems.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(inputs, ["p0_id_number", "p1_phone"]);
        assert_eq!(f.parties[2].role, "other", "the third box is another party by default");
    }

    #[test]
    fn a_blank_box_is_no_party_and_a_point_needs_both_halves() {
        let base = [("kind", "hazard"), ("category", "gas"), ("title", "燃气味"), ("channel", "hotline"), ("risk", "major")];
        let mut v = fields(&base);
        v.push(("area_id".into(), Uuid::nil().to_string()));
        let ok = IntakeForm::from_fields(&v).to_case().unwrap();
        assert!(ok.parties.is_empty());
        assert_eq!(ok.draft.point, None);
        v.push(("lon".into(), "111.6".into()));
        let problems = IntakeForm::from_fields(&v).to_case().unwrap_err();
        assert_eq!(problems[0].0, "lon");
    }
}
