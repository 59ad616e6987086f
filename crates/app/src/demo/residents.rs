//! The people in each household, and the building and entrance heads drawn from them.
//!
//! Households follow the shapes a community office actually registers: elderly couples and
//! widows living alone (most common in the old 家属楼), families with children, three
//! generations, young couples, and tenants — the seed's water-bill dispute was between a
//! tenant and a landlord. Heads are older party members and retirees, as the seed says.

use chrono::{Days, NaiveDate};
use fengqiao_domain::model::resident::age_on;
use fengqiao_domain::model::{Building, Household, Person, PersonKind, Relation, Resident};
use fengqiao_domain::ports::RegistryBatch;
use fengqiao_domain::privacy::{Gender, mask_phone};
use rand::Rng;
use uuid::Uuid;

use super::names::{self, Origin};
use super::places::Site;
use super::registry::{PERSON_PHONE_FIELD, PHONE_FIELD, World};

/// A resident with the phone number in clear, kept only in memory so that a head's phone can
/// be protected again under the people-who-serve field.
pub struct Member {
    pub resident: Resident,
    pub phone: Option<String>,
}

/// Someone to be: who they are in the household, before names and numbers are drawn.
struct Draft {
    gender: Gender,
    age: u32,
    relation: Relation,
    origin: Origin,
    surname: &'static str,
}

#[derive(Clone, Copy)]
enum Shape {
    ElderAlone,
    ElderCouple,
    Family,
    ThreeGenerations,
    YoungCouple,
    Single,
    Tenants,
}

const SHAPES: [Shape; 7] =
    [Shape::ElderAlone, Shape::ElderCouple, Shape::Family, Shape::ThreeGenerations, Shape::YoungCouple, Shape::Single, Shape::Tenants];
/// Weights of SHAPES in old family housing and in newer estates.
const OLD_WEIGHTS: [u32; 7] = [14, 24, 26, 12, 6, 6, 12];
const NEW_WEIGHTS: [u32; 7] = [6, 10, 40, 12, 12, 8, 12];

fn other(g: Gender) -> Gender {
    match g {
        Gender::Male => Gender::Female,
        Gender::Female => Gender::Male,
    }
}

impl World<'_> {
    /// Residents of every household in these estates, with a building head for each building
    /// and an entrance head for each entrance where someone fits.
    pub fn residents_and_heads(&mut self, sites: &mut [Site], huimin: bool, batch: &mut RegistryBatch) -> anyhow::Result<()> {
        for site in sites.iter_mut() {
            for block in &mut site.buildings {
                let mut members: Vec<(usize, Member)> = Vec::new();
                for (e, (_, households)) in block.entrances.iter().enumerate() {
                    for h in households {
                        for m in self.household(h, site.old, huimin)? {
                            members.push((e, m));
                        }
                    }
                }
                let building_head = self.pick_head(members.iter().map(|(_, m)| m), None);
                let mut head_resident = None;
                if let Some(i) = building_head {
                    let m = &members[i].1;
                    let p = self.head(m, PersonKind::BuildingHead, &block.building)?;
                    block.building.head_person_id = Some(p.id);
                    head_resident = Some(m.resident.id);
                    batch.people.push(p);
                }
                for (e, (entrance, _)) in block.entrances.iter_mut().enumerate() {
                    let here: Vec<&Member> = members.iter().filter(|(x, _)| *x == e).map(|(_, m)| m).collect();
                    if let Some(i) = self.pick_head(here.iter().copied(), head_resident) {
                        let p = self.head(here[i], PersonKind::EntranceHead, &block.building)?;
                        entrance.head_person_id = Some(p.id);
                        batch.people.push(p);
                    }
                }
                batch.residents.extend(members.into_iter().map(|(_, m)| m.resident));
            }
        }
        Ok(())
    }

    /// Index of the most fitting head among `members`: 55 to 82 years old and not a tenant,
    /// party members first, then retirees; `None` when nobody fits.
    fn pick_head<'m>(&mut self, members: impl Iterator<Item = &'m Member>, exclude: Option<Uuid>) -> Option<usize> {
        let scored: Vec<(usize, u32)> = members
            .enumerate()
            .filter(|(_, m)| Some(m.resident.id) != exclude && m.resident.relation != Relation::Tenant)
            .filter_map(|(i, m)| {
                let age = age_on(m.resident.birth_date, self.today);
                let has = |t: &str| m.resident.tags.iter().any(|x| x == t);
                (55..=82).contains(&age).then(|| (i, 2 * u32::from(has("party_member")) + u32::from(age >= 60) + u32::from(has("veteran"))))
            })
            .collect();
        let best = scored.iter().map(|(_, s)| *s).max()?;
        let top: Vec<usize> = scored.iter().filter(|(_, s)| *s == best).map(|(i, _)| *i).collect();
        Some(top[self.rng.random_range(0..top.len())])
    }

    /// The person who serves as head: the same name as the resident, placed in the building's
    /// grid, reachable at the resident's phone.
    fn head(&mut self, m: &Member, kind: PersonKind, building: &Building) -> anyhow::Result<Person> {
        let phone = m.phone.as_deref().map(|p| self.protect(PERSON_PHONE_FIELD, p, mask_phone(p))).transpose()?;
        Ok(Person {
            id: Uuid::now_v7(),
            name: m.resident.name.clone(),
            kind,
            profession: None,
            organisation: None,
            phone,
            user_id: None,
            area_id: building.area_id,
            area_path: building.area_path.clone(),
            version: 1,
            created_at: self.now,
            updated_at: self.now,
        })
    }

    fn origin(&mut self, huimin: bool) -> Origin {
        // 回民区 is the Hui district; Mongols are about a tenth of Hohhot.
        let (hui, mongol) = if huimin { (22, 8) } else { (5, 12) };
        match self.rng.random_range(0..100) {
            x if x < hui => Origin::Hui,
            x if x < hui + mongol => Origin::Mongol,
            _ => Origin::Han,
        }
    }

    fn drafts(&mut self, old: bool, huimin: bool) -> Vec<Draft> {
        let weights = if old { OLD_WEIGHTS } else { NEW_WEIGHTS };
        let mut pick = self.rng.random_range(0..weights.iter().sum::<u32>());
        let shape = SHAPES.iter().zip(weights).find(|(_, w)| if pick < *w { true } else { pick -= w; false }).map_or(Shape::Family, |(s, _)| *s);
        let origin = self.origin(huimin);
        let family = (origin, names::surname(&mut self.rng, origin));
        let man_first = self.chance(0.8);
        let head_gender = if man_first { Gender::Male } else { Gender::Female };
        let mut out = Vec::new();
        match shape {
            Shape::ElderAlone => {
                let g = if self.chance(0.65) { Gender::Female } else { Gender::Male };
                let age = self.rng.random_range(65..=93);
                out.push(self.draft(family, g, age, Relation::Head, true));
            }
            Shape::ElderCouple | Shape::YoungCouple | Shape::Family | Shape::ThreeGenerations => {
                let head_age: u32 = match shape {
                    Shape::ElderCouple => self.rng.random_range(60..=90),
                    Shape::YoungCouple => self.rng.random_range(25..=38),
                    Shape::Family => self.rng.random_range(30..=55),
                    _ => self.rng.random_range(35..=55),
                };
                let spouse_age = (head_age + self.rng.random_range(0..=4)).saturating_sub(3).max(22);
                out.push(self.draft(family, head_gender, head_age, Relation::Head, true));
                let spouse = self.draft(family, other(head_gender), spouse_age, Relation::Spouse, false);
                // Children take the father's surname.
                let fathers = if man_first { family } else { (spouse.origin, spouse.surname) };
                out.push(spouse);
                let mother_age = if man_first { spouse_age } else { head_age };
                let children = match shape {
                    Shape::Family => self.rng.random_range(1..=2),
                    Shape::ThreeGenerations => 1,
                    _ => 0,
                };
                for _ in 0..children {
                    let gap = self.rng.random_range(23..=36);
                    if mother_age > gap {
                        let g = if self.chance(0.5) { Gender::Male } else { Gender::Female };
                        out.push(self.draft(fathers, g, mother_age - gap, Relation::Child, true));
                    }
                }
                if let Shape::ThreeGenerations = shape {
                    let age = (head_age + self.rng.random_range(24..=32)).min(95);
                    let g = if self.chance(0.6) { Gender::Female } else { Gender::Male };
                    // The head's father shares the surname; the head's mother was born into another.
                    out.push(self.draft(family, g, age, Relation::Parent, g == Gender::Male));
                }
            }
            Shape::Single => {
                let age = self.rng.random_range(22..=59);
                out.push(self.draft(family, head_gender, age, Relation::Head, true));
            }
            Shape::Tenants => {
                for _ in 0..self.rng.random_range(1..=3) {
                    let g = if self.chance(0.55) { Gender::Male } else { Gender::Female };
                    let age = self.rng.random_range(20..=45);
                    out.push(self.draft(family, g, age, Relation::Tenant, false));
                }
            }
        }
        out
    }

    /// Someone of the family (`own_family`), or married or moved into it from another one:
    /// mostly of the same people, sometimes Han.
    fn draft(&mut self, family: (Origin, &'static str), gender: Gender, age: u32, relation: Relation, own_family: bool) -> Draft {
        let (origin, surname) = if own_family {
            family
        } else {
            let o = if self.chance(0.8) { family.0 } else { Origin::Han };
            (o, names::surname(&mut self.rng, o))
        };
        Draft { gender, age, relation, origin, surname }
    }

    /// A birth date that makes someone `age` today, on a random day of their year.
    fn birth(&mut self, age: u32) -> NaiveDate {
        let days = u64::from(age) * 365 + u64::from(age / 4) + self.rng.random_range(1..365);
        self.today.checked_sub_days(Days::new(days)).unwrap_or(self.today)
    }

    fn household(&mut self, h: &Household, old: bool, huimin: bool) -> anyhow::Result<Vec<Member>> {
        let drafts = self.drafts(old, huimin);
        let low_income = self.chance(if old { 0.06 } else { 0.03 });
        let alone = drafts.len() == 1 && drafts[0].age >= 60;
        let mut out = Vec::with_capacity(drafts.len());
        for d in drafts {
            let birth = self.birth(d.age);
            let age = age_on(birth, self.today);
            let name = names::full_name(&mut self.rng, d.origin, d.surname, d.gender, chrono::Datelike::year(&birth));
            let male = d.gender == Gender::Male;
            let id = self.protected_id(birth, male)?;
            let has_phone = match age {
                0..14 => false,
                14..18 => self.chance(0.5),
                18..75 => self.chance(0.93),
                _ => self.chance(0.65),
            };
            let phone = has_phone.then(|| self.mobile());
            let tags = self.tags(age, male, alone, low_income);
            let protected_phone = phone.as_deref().map(|p| self.protect(PHONE_FIELD, p, mask_phone(p))).transpose()?;
            let resident = Resident {
                id: Uuid::now_v7(),
                household_id: h.id,
                area_path: h.area_path.clone(),
                name,
                gender: d.gender,
                birth_date: birth,
                relation: d.relation,
                id_number: Some(id),
                phone: protected_phone,
                tags,
                moved_out: false,
                version: 1,
                created_at: self.now,
                updated_at: self.now,
            };
            out.push(Member { resident, phone });
        }
        Ok(out)
    }

    /// Recorded tags in the order the services keep them (RECORDED_TAGS, then custom ones).
    fn tags(&mut self, age: u32, male: bool, alone: bool, low_income: bool) -> Vec<String> {
        let disabled = self.chance(match age {
            60.. => 0.06,
            14.. => 0.015,
            _ => 0.005,
        });
        let veteran = male && self.chance(match age {
            60.. => 0.08,
            45.. => 0.05,
            _ => 0.0,
        });
        // Old party members are the backbone of the 楼栋长 and 单元长 the seed describes.
        let party = self.chance(match age {
            60.. => 0.22,
            18.. => 0.08,
            _ => 0.0,
        });
        let watch = (alone && (age >= 80 || disabled) && self.chance(0.5)) || (low_income && disabled && self.chance(0.5));
        [(alone, "living_alone"), (disabled, "disabled"), (low_income, "low_income"), (veteran, "veteran"), (party, "party_member"), (watch, "重点关注")]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, t)| t.to_string())
            .collect()
    }
}
