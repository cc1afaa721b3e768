use super::*;

fn raw(hex_bytes: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex_bytes[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn h(text: &str) -> MerkleHash {
    MerkleHash::from_hex(text).unwrap()
}

#[test]
fn hex_form_reverses_every_eight_byte_group() {
    // data_hash.rs::test_hash_hex_string_endianness: raw [22,175,58,132,4,75,131,214,190,153,...].
    let mut bytes = [0u8; 32];
    bytes[..10].copy_from_slice(&[22, 175, 58, 132, 4, 75, 131, 214, 190, 153]);
    let text = MerkleHash::from_raw(bytes).hex();
    assert!(text.starts_with("d6834b04843aaf16"), "{text}");
    assert_eq!(&text[30..32], "be");
    assert_eq!(&text[28..30], "99");

    let chunk = MerkleHash::from_raw(raw(
        "55e1d337533e144588eea970130feb9960d93d3b634a11e589f01b19bc3d67ee",
    ));
    assert_eq!(
        chunk.hex(),
        "45143e5337d3e15599eb0f1370a9ee88e5114a633b3dd960ee673dbc191bf089"
    );
    assert_eq!(chunk.to_string(), chunk.hex());
}

#[test]
fn hex_round_trip_and_parsing_rules() {
    let text = "45143e5337d3e15599eb0f1370a9ee88e5114a633b3dd960ee673dbc191bf089";
    assert_eq!(h(text).hex(), text);
    assert_eq!(h(&text.to_uppercase()), h(text));
    assert_eq!(text.parse::<MerkleHash>().unwrap(), h(text));
    assert_eq!(
        MerkleHash::from_hex(&text[..63]),
        Err(ParseHashError::Length(63))
    );
    assert_eq!(
        MerkleHash::from_hex(&format!("{text}0")),
        Err(ParseHashError::Length(65))
    );
    let bad = format!("g{}", &text[1..]);
    assert_eq!(MerkleHash::from_hex(&bad), Err(ParseHashError::Digit('g')));
    // Multi-byte characters must not panic on a char boundary.
    let wide = format!("é{}", &text[2..]);
    assert!(MerkleHash::from_hex(&wide).is_err());
    assert_eq!(MerkleHash::ZERO.hex(), "0".repeat(64));
}

#[test]
fn order_follows_the_hex_strings() {
    let texts = [
        "0000000000000000000000000000000000000000000000000000000000000001",
        "00000000000000ff000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "45143e5337d3e15599eb0f1370a9ee88e5114a633b3dd960ee673dbc191bf089",
        "ff00000000000000000000000000000000000000000000000000000000000000",
    ];
    for pair in texts.windows(2) {
        assert!(h(pair[0]) < h(pair[1]), "{} < {}", pair[0], pair[1]);
    }
}

#[test]
fn sha256_is_stored_with_words_reversed() {
    // SHA-256 of "Hello, World!" and its bytes in the shard of reference §9.4.
    let digest = raw("dffd6021bb2bd5b0af676290809ec3a53191dd81c7f70a4b28688a362182986f");
    let stored = MerkleHash::from_be_bytes(digest);
    assert_eq!(
        stored.as_bytes(),
        &raw("b0d52bbb2160fddfa5c39e80906267af4b0af7c781dd91316f988221368a6828")
    );
    assert_eq!(
        stored.hex(),
        "dffd6021bb2bd5b0af676290809ec3a53191dd81c7f70a4b28688a362182986f"
    );
    assert_eq!(stored.to_be_bytes(), digest);
}

#[test]
fn chunk_hash_vectors() {
    assert_eq!(
        chunk_hash(b"").hex(),
        "e0f2cf784e7e5f10c34f84af150e9a5ff9664216debad915364d741049870f67"
    );
    let hello = chunk_hash(b"Hello, World!");
    assert_eq!(
        hello.hex(),
        "45143e5337d3e15599eb0f1370a9ee88e5114a633b3dd960ee673dbc191bf089"
    );
    let mut streaming = ChunkHasher::new();
    streaming.update(b"Hello, ");
    streaming.update(b"World!");
    assert_eq!(streaming.finish(), hello);
    // finish starts a new chunk.
    assert_eq!(streaming.finish(), chunk_hash(b""));
}

#[test]
fn verification_range_hash_vector() {
    let hello = chunk_hash(b"Hello, World!");
    let range = verification_range_hash(&[hello]);
    assert_eq!(
        range.hex(),
        "cfd20c714b3845a2c9ddbb009247d43d211f6377bc7e97b3a725f85684142812"
    );
    assert_eq!(
        range.as_bytes(),
        &raw("a245384b710cd2cf3dd4479200bbddc9b3977ebc77631f211228148456f825a7")
    );
}

#[test]
fn hmac_of_zero_with_zero_key() {
    assert_eq!(
        MerkleHash::ZERO.hmac(&[0; 32]).hex(),
        "638a6bc391964a85939d48f008e8bdbae6a7975e7ca2d87a3ce2492f4e4d8a4c"
    );
}

#[test]
fn global_dedup_eligibility_uses_word_three() {
    assert!(MerkleHash::ZERO.is_global_dedup_eligible());
    let mut bytes = [0u8; 32];
    bytes[0] = 0xff; // word 0 does not matter
    assert!(MerkleHash::from_raw(bytes).is_global_dedup_eligible());
    bytes[25] = 0x04; // 1024 in word 3
    assert!(MerkleHash::from_raw(bytes).is_global_dedup_eligible());
    bytes[25] = 0x02; // 512 in word 3
    assert!(!MerkleHash::from_raw(bytes).is_global_dedup_eligible());
}
