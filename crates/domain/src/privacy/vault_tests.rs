use super::*;

fn key_b64(fill: u8) -> String {
    STANDARD.encode([fill; KEY_LEN])
}

fn ring(entries: &[(&str, u8)], index_fill: u8) -> Vault {
    let keys: Vec<String> = entries
        .iter()
        .map(|(id, f)| format!("{id}:{}", key_b64(*f)))
        .collect();
    Vault::from_config(&keys, &key_b64(index_fill)).unwrap()
}

fn internal_message(r: Result<impl fmt::Debug>) -> String {
    match r {
        Err(DomainError::Internal(m)) => m,
        other => panic!("expected an internal error, got {other:?}"),
    }
}

#[test]
fn round_trip_and_format() {
    let v = Vault::for_tests();
    for plain in ["11010519491231002X", "13812345678", "", "张三丰 · 𠀾"] {
        let stored = v.encrypt("id_number", plain).unwrap();
        let (id, b64) = stored.split_once(':').unwrap();
        assert_eq!(id, "test");
        assert!(
            b64.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(
            URL_SAFE_NO_PAD.decode(b64).unwrap().len(),
            NONCE_LEN + plain.len() + TAG_LEN
        );
        assert!(!stored.contains(plain) || plain.is_empty());
        assert_eq!(v.decrypt("id_number", &stored).unwrap(), plain);
    }
}

#[test]
fn nonces_are_fresh() {
    let v = Vault::for_tests();
    let a = v.encrypt("phone", "13812345678").unwrap();
    let b = v.encrypt("phone", "13812345678").unwrap();
    assert_ne!(a, b);
}

#[test]
fn the_field_is_bound() {
    let v = Vault::for_tests();
    let stored = v.encrypt("phone", "13812345678").unwrap();
    let msg = internal_message(v.decrypt("id_number", &stored));
    assert!(
        msg.starts_with("personal data cannot be decrypted"),
        "{msg}"
    );
    assert!(!msg.contains("13812345678"));
}

#[test]
fn tampering_is_detected() {
    let v = Vault::for_tests();
    let stored = v.encrypt("id_number", "11010519491231002X").unwrap();
    let (id, b64) = stored.split_once(':').unwrap();
    let blob = URL_SAFE_NO_PAD.decode(b64).unwrap();
    // Every byte (nonce, ciphertext and tag) is covered.
    for i in 0..blob.len() {
        let mut bad = blob.clone();
        bad[i] ^= 0x01;
        let tampered = format!("{id}:{}", URL_SAFE_NO_PAD.encode(&bad));
        let msg = internal_message(v.decrypt("id_number", &tampered));
        assert!(
            msg.starts_with("personal data cannot be decrypted"),
            "{msg}"
        );
    }
    let truncated = format!(
        "{id}:{}",
        URL_SAFE_NO_PAD.encode(&blob[..NONCE_LEN + TAG_LEN - 1])
    );
    assert!(internal_message(v.decrypt("id_number", &truncated)).contains("too short"));
    assert!(internal_message(v.decrypt("id_number", "no colon")).contains("malformed"));
    assert!(internal_message(v.decrypt("id_number", "test:!!!")).contains("malformed"));
    assert!(
        internal_message(v.decrypt("id_number", "nokey:AAAA"))
            .contains("'nokey' is not configured")
    );
}

#[test]
fn rotation() {
    let old = ring(&[("k1", 1)], 9);
    let stored = old.encrypt("id_number", "11010519491231002X").unwrap();
    assert!(!old.needs_rotation(&stored));

    let new = ring(&[("k2", 2), ("k1", 1)], 9);
    assert_eq!(new.current_key_id(), "k2");
    assert_eq!(
        new.decrypt("id_number", &stored).unwrap(),
        "11010519491231002X"
    );
    assert!(new.needs_rotation(&stored));

    let rotated = new.reencrypt("id_number", &stored).unwrap();
    assert!(rotated.starts_with("k2:"));
    assert!(!new.needs_rotation(&rotated));
    assert_eq!(new.reencrypt("id_number", &rotated).unwrap(), rotated);

    // Once k1 is retired, only the rotated value is readable.
    let newest = ring(&[("k2", 2)], 9);
    assert_eq!(
        newest.decrypt("id_number", &rotated).unwrap(),
        "11010519491231002X"
    );
    assert!(
        internal_message(newest.decrypt("id_number", &stored)).contains("'k1' is not configured")
    );
    // The wrong field also fails during rotation, rather than re-encrypting under a new label.
    assert!(new.reencrypt("phone", &stored).is_err());
    // Rotation keeps the blind index: it has its own key.
    assert_eq!(
        old.blind_index("id_number", "x"),
        new.blind_index("id_number", "x")
    );
}

#[test]
fn same_key_id_with_different_bytes_fails_to_decrypt() {
    let a = ring(&[("k1", 1)], 9);
    let b = ring(&[("k1", 3)], 9);
    let stored = a.encrypt("phone", "13812345678").unwrap();
    assert!(internal_message(b.decrypt("phone", &stored)).contains("authentication failed"));
}

#[test]
fn blind_index_is_stable_and_field_specific() {
    let v = Vault::for_tests();
    let a = v.blind_index("id_number", "11010519491231002X");
    assert_eq!(
        a,
        Vault::for_tests().blind_index("id_number", "11010519491231002X")
    );
    assert_eq!(a.len(), 64);
    assert!(
        a.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_ne!(a, v.blind_index("phone", "11010519491231002X"));
    assert_ne!(a, v.blind_index("id_number", "11010519491231002x"));
    // The field/value boundary is unambiguous.
    assert_ne!(v.blind_index("ab", "c"), v.blind_index("a", "bc"));
    // A different index key gives unrelated hashes; demo and test vaults differ.
    assert_ne!(
        a,
        ring(&[("k1", 1)], 8).blind_index("id_number", "11010519491231002X")
    );
    assert_ne!(
        a,
        Vault::demo().blind_index("id_number", "11010519491231002X")
    );
    // Plain SHA-256 of the value is not what is stored.
    assert_ne!(a, hex::encode(Sha256::digest("11010519491231002X")));
}

#[test]
fn config_errors_are_clear_and_leak_nothing() {
    let good = format!("k1:{}", key_b64(1));
    let idx = key_b64(9);
    let cases: Vec<(Vec<String>, String, &str)> = vec![
        (vec![], idx.clone(), "no encryption key"),
        (
            vec!["k1".into()],
            idx.clone(),
            "key #1 is not in the form ID:BASE64",
        ),
        (
            vec![format!(":{}", key_b64(1))],
            idx.clone(),
            "key #1 has an invalid id",
        ),
        (
            vec![format!("a b:{}", key_b64(1))],
            idx.clone(),
            "key #1 has an invalid id",
        ),
        (
            vec![good.clone(), "k2:not base64!".into()],
            idx.clone(),
            "key 'k2' is not valid base64",
        ),
        (
            vec![format!("k1:{}", STANDARD.encode([1u8; 16]))],
            idx.clone(),
            "must be 32 bytes, got 16",
        ),
        (
            vec![good.clone(), format!("k1:{}", key_b64(2))],
            idx.clone(),
            "key id 'k1' is listed twice",
        ),
        (vec![good.clone()], String::new(), "no index key"),
        (
            vec![good.clone()],
            "%%%".into(),
            "the index key is not valid base64",
        ),
        (
            vec![good.clone()],
            STANDARD.encode([9u8; 31]),
            "the index key must be 32 bytes, got 31",
        ),
        (vec![good.clone()], key_b64(1), "index key must differ"),
    ];
    for (keys, index, want) in cases {
        let msg = internal_message(Vault::from_config(&keys, &index));
        assert!(msg.contains(want), "{keys:?}: {msg}");
        assert!(
            msg.starts_with("personal-data key configuration: "),
            "{msg}"
        );
        for k in keys.iter().chain([&index]) {
            if let Some((_, b64)) = k.split_once(':') {
                assert!(b64.len() < 8 || !msg.contains(b64), "{msg} leaks {b64}");
            }
        }
        assert!(!msg.contains(&key_b64(1)) && !msg.contains(&key_b64(9)));
    }
}

#[test]
fn config_accepts_common_spellings() {
    let raw = [7u8; KEY_LEN];
    let idx_raw = [8u8; KEY_LEN];
    let flavours = [
        STANDARD.encode(raw),
        STANDARD_NO_PAD.encode(raw),
        URL_SAFE_NO_PAD.encode(raw),
    ];
    let reference = ring(&[("k1", 7)], 8);
    let stored = reference.encrypt("phone", "13812345678").unwrap();
    for b64 in flavours {
        let keys = vec![format!("  k1:{b64} ")];
        for index in [
            STANDARD.encode(idx_raw),
            format!("idx:{}", URL_SAFE.encode(idx_raw)),
        ] {
            let v = Vault::from_config(&keys, &index).unwrap();
            assert_eq!(v.decrypt("phone", &stored).unwrap(), "13812345678");
            assert_eq!(
                v.blind_index("phone", "1"),
                reference.blind_index("phone", "1")
            );
        }
    }
}

#[test]
fn generated_keys_are_usable_and_distinct() {
    let a = Vault::generate_key();
    let b = Vault::generate_key();
    assert_ne!(a, b);
    let (id, b64) = a.split_once(':').unwrap();
    assert!(valid_key_id(id) && id.starts_with('k'), "{id}");
    assert_eq!(STANDARD.decode(b64).unwrap().len(), KEY_LEN);
    let v = Vault::from_config(std::slice::from_ref(&a), &b).unwrap();
    assert_eq!(v.current_key_id(), id);
    assert!(!v.is_insecure());
    let stored = v.encrypt("id_number", "x").unwrap();
    assert_eq!(v.decrypt("id_number", &stored).unwrap(), "x");
}

#[test]
fn debug_does_not_leak_keys() {
    let keys = VaultKeys {
        current: ("k2".into(), [0xAB; KEY_LEN]),
        previous: vec![("k1".into(), [0xCD; KEY_LEN])],
        index_key: [0xEF; KEY_LEN],
    };
    let dbg_keys = format!("{keys:?} {keys:#?}");
    let vault = Vault::new(keys).unwrap();
    let dbg_vault = format!("{vault:?} {vault:#?}");
    for dbg in [&dbg_keys, &dbg_vault] {
        assert!(
            dbg.contains("k2") && dbg.contains("k1") && dbg.contains("<redacted>"),
            "{dbg}"
        );
        for byte in [0xABu8, 0xCD, 0xEF] {
            for needle in [
                hex::encode([byte; 4]),
                STANDARD.encode([byte; 6]),
                format!("{byte}, {byte}"),
            ] {
                assert!(
                    !dbg.to_lowercase().contains(&needle.to_lowercase()),
                    "{dbg} leaks {needle}"
                );
            }
        }
    }
}

#[test]
fn insecure_vaults_are_deterministic_and_flagged() {
    let a = Vault::for_tests();
    let stored = a.encrypt("phone", "13812345678").unwrap();
    assert_eq!(
        Vault::for_tests().decrypt("phone", &stored).unwrap(),
        "13812345678"
    );
    assert!(a.is_insecure() && Vault::demo().is_insecure());
    assert_eq!(Vault::demo().current_key_id(), "demo");
    assert!(Vault::demo().decrypt("phone", &stored).is_err());
}
