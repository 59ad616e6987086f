//! The index's fields. A change here needs a new `VERSION`: each version lives in its own
//! directory, so an upgraded node builds a fresh index from the database instead of reading
//! one it does not understand.

use tantivy::schema::{Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing, TextOptions};

use crate::tokens;

pub const VERSION: u32 = 2;

#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub number: Field,
    pub title: Field,
    pub description: Field,
    pub address: Field,
    pub category_name: Field,
    pub grams: Field,
    pub parties: Field,
    /// Every ancestor path of the home area, the area's own included: the scope filter.
    pub scope: Field,
    pub handling: Field,
    pub area_path: Field,
    pub kind: Field,
    pub category: Field,
    /// The code and every parent code: a category filter matches its subcategories.
    pub category_path: Field,
    pub status: Field,
    pub level: Field,
    pub handler: Field,
    /// `open`, `running`, `supervised`, `extension`: the list filters that are yes or no.
    pub flags: Field,
    pub created: Field,
    pub deadline: Field,
    pub lat: Field,
    pub lon: Field,
}

fn text(tokenizer: &str, stored: bool) -> TextOptions {
    text_with(tokenizer, stored, IndexRecordOption::WithFreqs)
}

fn text_with(tokenizer: &str, stored: bool, record: IndexRecordOption) -> TextOptions {
    let o = TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record));
    if stored { o.set_stored() } else { o }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let num = || NumericOptions::default().set_indexed().set_fast();
    let f = Fields {
        id: b.add_text_field("id", STRING | STORED),
        number: b.add_text_field("number", STRING | STORED),
        title: b.add_text_field("title", text(tokens::ZH, true)),
        description: b.add_text_field("description", text(tokens::ZH, true)),
        address: b.add_text_field("address", text(tokens::ZH, true)),
        category_name: b.add_text_field("category_name", text(tokens::ZH, false)),
        // Pairs and threes of units, so a term is found as written without positions (which
        // were the biggest part of the index and of a broad search's time).
        grams: b.add_text_field("grams", text(tokens::GRAMS, false)),
        parties: b.add_text_field("parties", text(tokens::NAMES, true)),
        scope: b.add_text_field("scope", STRING),
        handling: b.add_text_field("handling", STRING),
        area_path: b.add_text_field("area_path", STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        category: b.add_text_field("category", STRING | STORED),
        category_path: b.add_text_field("category_path", STRING),
        status: b.add_text_field("status", STRING | STORED),
        level: b.add_text_field("level", STRING),
        handler: b.add_text_field("handler", STRING),
        flags: b.add_text_field("flags", STRING),
        created: b.add_i64_field("created", num().set_stored()),
        deadline: b.add_i64_field("deadline", num()),
        lat: b.add_f64_field("lat", num()),
        lon: b.add_f64_field("lon", num()),
    };
    (b.build(), f)
}
