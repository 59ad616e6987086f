//! Encryption of personal data at rest, and keyed hashes ("blind indexes") for exact lookup.
//!
//! Why each choice:
//! - AES-256-GCM authenticates as well as encrypts, so a value altered in the database fails
//!   loudly instead of decrypting to garbage. Nonces are random; at 2^32 values per key the
//!   collision risk becomes material, far beyond a city's registry, and rotation resets it.
//! - The field name is associated data: a ciphertext copied from the phone column into the ID
//!   column does not decrypt, so a storage bug cannot silently show one as the other.
//! - Every stored value names its key (`<key_id>:<base64url(nonce || ciphertext+tag)>`), so old
//!   keys can stay configured as "previous" while `fengqiao keys rotate` re-encrypts.
//! - The blind index is an HMAC with a key of its own, so the database alone cannot be
//!   searched by hashing all ~10^10 plausible ID numbers, and leaking the index key does not
//!   reveal the encryption keys (or the reverse). The field name is hashed in, so an ID number
//!   and a phone number never share an index value.

use std::fmt;

use aes_gcm::aead::{Aead, Nonce, Payload};
use aes_gcm::{Aes256Gcm, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::{DomainError, Result};

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const MAX_KEY_ID: usize = 32;

/// Raw key material, as handed to [`Vault::new`]. The bytes are wiped when this is dropped.
pub struct VaultKeys {
    /// Encrypts everything new.
    pub current: (String, [u8; KEY_LEN]),
    /// Only decrypt, until rotation has moved every value to `current`.
    pub previous: Vec<(String, [u8; KEY_LEN])>,
    /// Keys the blind index; not rotatable without every plaintext, so it has no id.
    pub index_key: [u8; KEY_LEN],
}

impl Drop for VaultKeys {
    fn drop(&mut self) {
        self.current.1.zeroize();
        for (_, k) in &mut self.previous {
            k.zeroize();
        }
        self.index_key.zeroize();
    }
}

impl fmt::Debug for VaultKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let previous: Vec<&str> = self.previous.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("VaultKeys")
            .field("current", &self.current.0)
            .field("previous", &previous)
            .field("index_key", &"<redacted>")
            .finish()
    }
}

/// A data key ready for use. The expanded AES key schedule is wiped on drop by `aes-gcm`.
struct DataKey {
    id: String,
    cipher: Aes256Gcm,
}

pub struct Vault {
    current: DataKey,
    previous: Vec<DataKey>,
    index_key: Zeroizing<[u8; KEY_LEN]>,
    insecure: bool,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let previous: Vec<&str> = self.previous.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("Vault")
            .field("current", &self.current.id)
            .field("previous", &previous)
            .field("index_key", &"<redacted>")
            .field("insecure", &self.insecure)
            .finish()
    }
}

fn config_error(msg: impl fmt::Display) -> DomainError {
    DomainError::Internal(format!("personal-data key configuration: {msg}"))
}

fn undecryptable(why: impl fmt::Display) -> DomainError {
    DomainError::Internal(format!("personal data cannot be decrypted: {why}"))
}

/// Key ids end up in every stored value and in messages, so they are short and plain.
fn valid_key_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_KEY_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Operators paste keys from many tools; any standard base64 flavour is accepted.
fn decode_key(b64: &str) -> Option<Zeroizing<Vec<u8>>> {
    let b64 = b64.trim();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(b64).ok())
        .map(Zeroizing::new)
}

fn to_key(what: &str, bytes: &[u8]) -> Result<[u8; KEY_LEN]> {
    bytes.try_into().map_err(|_| {
        config_error(format!(
            "{what} must be {KEY_LEN} bytes, got {}",
            bytes.len()
        ))
    })
}

impl Vault {
    pub fn new(keys: VaultKeys) -> Result<Self> {
        let all = std::iter::once(&keys.current).chain(&keys.previous);
        let mut seen: Vec<&str> = Vec::new();
        for (id, bytes) in all {
            if !valid_key_id(id) {
                return Err(config_error(format!(
                    "a key id must be 1-{MAX_KEY_ID} characters of A-Z, a-z, 0-9, '-', '_', '.'"
                )));
            }
            if seen.contains(&id.as_str()) {
                return Err(config_error(format!("key id '{id}' is listed twice")));
            }
            if *bytes == keys.index_key {
                return Err(config_error(
                    "the index key must differ from the encryption keys",
                ));
            }
            seen.push(id);
        }
        let data_key = |(id, bytes): &(String, [u8; KEY_LEN])| -> Result<DataKey> {
            let cipher = Aes256Gcm::new_from_slice(bytes)
                .map_err(|_| config_error(format!("key '{id}' has the wrong length")))?;
            Ok(DataKey {
                id: id.clone(),
                cipher,
            })
        };
        Ok(Vault {
            current: data_key(&keys.current)?,
            previous: keys.previous.iter().map(data_key).collect::<Result<_>>()?,
            index_key: Zeroizing::new(keys.index_key),
            insecure: false,
        })
    }

    /// Builds the key ring from configuration: each entry is `ID:BASE64_32_BYTES`, the first is
    /// current. The index key is base64 too; an `ID:` in front is ignored, so the output of
    /// [`Vault::generate_key`] can be used for it. Errors name the problem and the key id,
    /// never key material.
    pub fn from_config(keys: &[String], index_key: &str) -> Result<Self> {
        if keys.is_empty() {
            return Err(config_error("no encryption key is configured"));
        }
        let mut parsed = Vec::with_capacity(keys.len());
        for (i, entry) in keys.iter().enumerate() {
            let n = i + 1;
            let (id, b64) = entry
                .trim()
                .split_once(':')
                .ok_or_else(|| config_error(format!("key #{n} is not in the form ID:BASE64")))?;
            if !valid_key_id(id) {
                return Err(config_error(format!(
                    "key #{n} has an invalid id (1-{MAX_KEY_ID} characters of A-Z, a-z, 0-9, '-', '_', '.')"
                )));
            }
            let bytes = decode_key(b64)
                .ok_or_else(|| config_error(format!("key '{id}' is not valid base64")))?;
            parsed.push((id.to_string(), to_key(&format!("key '{id}'"), &bytes)?));
        }
        let index_b64 = index_key.trim();
        let index_b64 = index_b64.split_once(':').map_or(index_b64, |(_, b64)| b64);
        if index_b64.is_empty() {
            return Err(config_error("no index key is configured"));
        }
        let index_bytes = decode_key(index_b64)
            .ok_or_else(|| config_error("the index key is not valid base64"))?;
        let mut parsed = parsed.into_iter();
        let current = parsed.next().expect("checked non-empty");
        Vault::new(VaultKeys {
            current,
            previous: parsed.collect(),
            index_key: to_key("the index key", &index_bytes)?,
        })
    }

    /// A fresh key in configuration form, `k20260601-3fa9:BASE64`, for operators. The id
    /// carries the date so that a key ring reads oldest-last at a glance.
    pub fn generate_key() -> String {
        let mut rng = rand::rng();
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill_bytes(key.as_mut());
        let day = super::id_number::today_in_china().format("%Y%m%d");
        format!(
            "k{day}-{:04x}:{}",
            rng.next_u32() & 0xffff,
            STANDARD.encode(key.as_ref())
        )
    }

    /// Deterministic keys for unit and integration tests. INSECURE: the keys are derived from
    /// a public string; never use this for real residents' data.
    pub fn for_tests() -> Self {
        Self::insecure("test")
    }

    /// Deterministic keys for `fengqiao demo`, whose data is synthetic. INSECURE, like
    /// [`Vault::for_tests`]; [`Vault::is_insecure`] lets the application refuse it in production.
    pub fn demo() -> Self {
        Self::insecure("demo")
    }

    fn insecure(label: &str) -> Self {
        let derive = |purpose: &str| -> [u8; KEY_LEN] {
            Sha256::digest(format!("fengqiao insecure {label} key: {purpose}")).into()
        };
        let mut vault = Vault::new(VaultKeys {
            current: (label.to_string(), derive("data")),
            previous: Vec::new(),
            index_key: derive("index"),
        })
        .expect("fixed keys are well formed");
        vault.insecure = true;
        vault
    }

    pub fn is_insecure(&self) -> bool {
        self.insecure
    }

    pub fn current_key_id(&self) -> &str {
        &self.current.id
    }

    pub fn encrypt(&self, field: &str, plaintext: &str) -> Result<String> {
        let mut nonce_bytes = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce_bytes);
        let nonce = Nonce::<Aes256Gcm>::from(nonce_bytes);
        let aad = associated_data(field);
        let sealed = self
            .current
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| DomainError::Internal("personal data cannot be encrypted".into()))?;
        let mut blob = Vec::with_capacity(NONCE_LEN + sealed.len());
        blob.extend_from_slice(&nonce_bytes);
        blob.extend_from_slice(&sealed);
        Ok(format!(
            "{}:{}",
            self.current.id,
            URL_SAFE_NO_PAD.encode(blob)
        ))
    }

    pub fn decrypt(&self, field: &str, stored: &str) -> Result<String> {
        let (id, b64) = stored
            .split_once(':')
            .ok_or_else(|| undecryptable("malformed value"))?;
        let key = self.key(id).ok_or_else(|| {
            if valid_key_id(id) {
                undecryptable(format!("key '{id}' is not configured"))
            } else {
                undecryptable("malformed key id")
            }
        })?;
        let blob = URL_SAFE_NO_PAD
            .decode(b64)
            .map_err(|_| undecryptable("malformed value"))?;
        if blob.len() < NONCE_LEN + TAG_LEN {
            return Err(undecryptable("value too short"));
        }
        let (nonce_bytes, sealed) = blob.split_at(NONCE_LEN);
        let nonce = Nonce::<Aes256Gcm>::try_from(nonce_bytes).expect("split at nonce length");
        let aad = associated_data(field);
        let plain = key.cipher.decrypt(&nonce, Payload { msg: sealed, aad: &aad }).map_err(|_| {
            undecryptable(format!(
                "authentication failed for field '{field}' (wrong field or key, or the value was altered)"
            ))
        })?;
        String::from_utf8(plain).map_err(|_| undecryptable("not UTF-8"))
    }

    /// Lower-case hex HMAC-SHA256 of the field name and the value. Callers pass the
    /// normalised form (`IdNumber::as_str`, `Phone::as_str`): the index matches exact strings.
    pub fn blind_index(&self, field: &str, normalised: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.index_key.as_ref())
            .expect("HMAC takes keys of any length");
        mac.update(b"fengqiao/blind-index/v1\0");
        // Length-prefixed so that no (field, value) pair can be read as another.
        mac.update(&(field.len() as u64).to_be_bytes());
        mac.update(field.as_bytes());
        mac.update(normalised.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// True when `stored` was not encrypted with the current key (or is malformed, which
    /// rotation will then report).
    pub fn needs_rotation(&self, stored: &str) -> bool {
        stored.split_once(':').map(|(id, _)| id) != Some(self.current.id.as_str())
    }

    /// Re-encrypts under the current key. A value already under it is returned unchanged, so
    /// running rotation twice writes nothing the second time.
    pub fn reencrypt(&self, field: &str, stored: &str) -> Result<String> {
        if !self.needs_rotation(stored) {
            return Ok(stored.to_string());
        }
        let plain = Zeroizing::new(self.decrypt(field, stored)?);
        self.encrypt(field, &plain)
    }

    fn key(&self, id: &str) -> Option<&DataKey> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == id)
    }
}

/// Versioned so that a future format can refuse values of this one instead of misreading them.
fn associated_data(field: &str) -> Vec<u8> {
    format!("fengqiao/pii/v1/{field}").into_bytes()
}

#[cfg(test)]
#[path = "vault_tests.rs"]
mod tests;
