//! Personal data: validation, masking and protection at rest.
//!
//! Under PIPL (2021) an identity number is sensitive personal information: it must be
//! collected for a stated purpose, protected strictly (encryption, access control), and every
//! processing of it logged. Phone numbers get the same treatment because, with a name, they
//! identify and reach a person. Hence the split of this module:
//! - validated newtypes (`IdNumber`, `Phone`, `PersonName`) that normalise, so that one person's
//!   data always produces the same keyed hash and duplicates are found without decrypting;
//! - masks, the only form screens and ordinary exports show;
//! - the `Vault`, which encrypts the full value and computes the keyed hash.
//!
//! Who may reveal a full value, and the audit record of each reveal, belong to the services:
//! this module has no notion of users or permissions, and nothing here logs plaintext.

mod id_number;
mod mask;
mod name;
mod phone;
mod vault;

pub use id_number::{Gender, IdNumber, check_char, synthetic_id};
pub use mask::{mask_id, mask_name, mask_phone};
pub use name::PersonName;
pub use phone::{Phone, PhoneKind};
pub use vault::{Vault, VaultKeys};
