use proptest::prelude::*;

use super::*;
use crate::hash::chunk_hash;

/// The hashes `MerkleHash::random_from_seed(i)` of xet-core's reference table (0 is all-zero).
const SEEDED: [&str; 8] = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "cfc5d07f6f03c29bbf424132963fe08d19a37d5757aaf520bf08119f05cd56d6",
    "c3e67584b5c4fc2a89837ec39e40f2c8a6bb0b2987ac94cd4b31e5fbdd210a72",
    "0d2beb91b9196929a5ddec9f6e306924ddf4a24268e3e59fd8464738d525af37",
    "adf8773496a9b7319b2e50dc98093f344053b17d8ad37100b9c07d9805988784",
    "4ac202caf347fc1e9c874b1ef6a1c5e619141eb775a6f43f0f0124ccd0060d9e",
    "b3b28636f65c149ea52eb1f94669466f70f033b54cea792824c696ba6ef3c389",
    "0e2c1a002aae913d2c0fc8ddfa4e9e14b7b311b3b0d458726d5d9f6a6318013c",
];

fn h(text: &str) -> MerkleHash {
    MerkleHash::from_hex(text).unwrap()
}

/// The leaf list xet-core builds from seed indices: hash `SEEDED[i]`, size `100 * i`.
fn leaves(seeds: &[usize]) -> Vec<(MerkleHash, u64)> {
    seeds
        .iter()
        .map(|&i| (h(SEEDED[i]), 100 * i as u64))
        .collect()
}

fn streamed(items: &[(MerkleHash, u64)]) -> MerkleBuilder {
    let mut builder = MerkleBuilder::new();
    for &(hash, size) in items {
        builder.push(hash, size);
    }
    builder
}

/// `aggregated_hashes.rs::test_correctness`: (leaves, xorb hash, file hash with zero salt).
#[test]
fn xet_core_reference_table() {
    let doubled: Vec<usize> = (0..8).flat_map(|i| [i, i]).collect();
    let cases: Vec<(Vec<usize>, &str, &str)> = vec![
        (vec![], SEEDED[0], SEEDED[0]),
        (
            vec![0],
            SEEDED[0],
            "638a6bc391964a85939d48f008e8bdbae6a7975e7ca2d87a3ce2492f4e4d8a4c",
        ),
        (
            vec![1],
            SEEDED[1],
            "8e16257caa3fe079d484d872a8975264b2ff683b0d6db9028cc7c0f968a45661",
        ),
        (
            vec![1, 2, 3],
            "71ec1275fca074724e2dd666921b3277c7cee603e4d025bcab2d4050015be2bc",
            "54e55dccc6653c612bdb5576c5d3cb34bb31bc4e100248abccf4c908b3ef7715",
        ),
        (
            vec![1; 4],
            "89f2ada89ff8c96763c6b25010e6dd76a4c05b1466207633ea559acf2093211b",
            "2cdba690d0e09563596e0cda626d43eb4c96ef1e994fe72d9b2f5a83cfcd36dd",
        ),
        (
            vec![1, 2, 1, 2],
            "90f8313ef12df385d237a067aded02562c35ded12116e32eba401dbc86c38031",
            "284ea045e5a579e99c21ec597c20de1fc0c09e7168162aac00db8f61b3d82dbb",
        ),
        (
            vec![1, 2, 1, 2, 3, 4],
            "52c826f99507aa05d0b45e9837fa1709e0485425cfbcb1e80db3905cf98b3ee9",
            "91d21684db364c8883ab8209fa5eb2e781cf07f37e1fa43e731c30839afe422f",
        ),
        (
            vec![0, 1, 0, 1],
            "e1755c85be07fd6b7a8d7becc85e6d8c5f507f2a3d38b316bcb6f97855e72188",
            "207caf24fce045ac6d873b4c6186a5a435d600d103e1ae345e55ddf1f4b7f7ef",
        ),
        (
            vec![0, 1, 0, 1, 0],
            "f36c6a6374a567efd36ed087aeb680b57e3af4e0b5b8e7be2593df4cb647a2de",
            "ab2f46d31855e1133b3b5b70e78f841394a648710a208923b221c1a8a0572a1f",
        ),
        (
            vec![1, 0],
            "e8660f81494ca836a58e395c1395ef97870ed71e2b113eec1fab6b3361f46dd6",
            "274d92f7e2acebaa2b8d63c0b5e7a4fc15814a606e3e3825d55609e671bcc5d9",
        ),
        (
            vec![3, 4, 5, 3],
            "73b9dc802ab03a0855c66823a18d95c2a785af594535756abf405038b6270cb8",
            "c7d5be75ef5ec12888027ad305141e4109e599494477661177475c84e12de48b",
        ),
        (
            vec![3, 4, 5, 5, 5],
            "2c1fd1eca47e284512fcb40fcf45a1874939f9b91c774d46aeba5d004d9d263d",
            "0799ba7ee2c3fed173a8e8d832cd13970ddc16070ffbc8aa6dcd77476f66dc73",
        ),
        (
            (0..8).collect(),
            "f62abe77e3fb9c954fe52b0028027ddc90c064c45951a4fd2211d87e5c0011db",
            "d1b068be5bbdb38992269e8efe61f601881e39f7a7585fd76883cc6ea5c23b44",
        ),
        (
            (0..64).map(|i| i % 8).collect(),
            "6554007c9b5d0a5e7918f79596a1b68815c1407535585435f5735db761f21b88",
            "a8640ab81d48854e00078e12b1ea8be5d90be0ffb5f73a15b7009981d093ddd8",
        ),
        (
            vec![1; 32],
            "0a0123c1617921883b7e13902095fcb86676e77c49120c33b233003b0af0e0a6",
            "53af4711fd1d5e5bdc7f931b6be932314d8d673cb16ad2482f6f5222eaf9e63d",
        ),
        (
            (0..8).chain([1, 1, 1, 1]).collect(),
            "e7fc30b73ec9930593f80fe777b334e9d3bb73e45e6a79fa5784b2603446158b",
            "69e1af2fd6023ce133e0d1b90e32d1d42ef79f5a710f2b0accfc3a735e98de9d",
        ),
        (
            doubled,
            "636c65db520ec16e8166f9ec7a0cf9f74b26369077ac60160ec0221c86bc9f77",
            "6a90ad0d6f5246ac61f1de898c6944c03e14004a1368e6fb23387108c4d039e0",
        ),
    ];
    for (seeds, xorb, file) in cases {
        let items = leaves(&seeds);
        assert_eq!(xorb_hash(&items).hex(), xorb, "xorb hash of {seeds:?}");
        assert_eq!(file_hash(&items).hex(), file, "file hash of {seeds:?}");
        assert_eq!(streamed(&items).finish().hex(), xorb, "streamed {seeds:?}");
        assert_eq!(
            streamed(&items).finish_file_hash(&[0; 32]).hex(),
            file,
            "streamed file hash of {seeds:?}"
        );
    }
}

#[test]
fn xet_core_reference_salted() {
    // (leaves, salt, file hash): salts are given in hex form, used as their raw bytes.
    let cases: [(Vec<usize>, &str, &str); 4] = [
        (
            vec![],
            "c1cdea79b61cd4776c9f3f8e08767fd5f42e33f9cec8c13d01b947901fad1954",
            SEEDED[0],
        ),
        (
            vec![0],
            "f4aa7219b7bc6145df344b930c1cf63680037e13236f4b3b8f439aba1520d443",
            "3e44e4a200e05a69afc979eb2e0507817e4f0ddff128a97e563c0e05fed3bd25",
        ),
        (
            vec![1],
            "285371a6a3c8c4e561469c97766c46f0b9799bd8ea51a4ad27a082df8c28b7da",
            "6c18994ed5e6a223aeff68a6e386dbba7b3c25de076245dc77892b4ad49ac978",
        ),
        (
            vec![1, 2, 3],
            "b286606709ef32a1cfede1e603a39f83fef56772d8234c0e35d8920071d80b69",
            "337f1f046e4cfc1057f0f3edbd87cf977fdfaf3c2b0c0031ca2d1d2a34aa2270",
        ),
    ];
    for (seeds, salt, file) in cases {
        let items = leaves(&seeds);
        let salt = h(salt).to_raw();
        assert_eq!(file_hash_with_salt(&items, &salt).hex(), file, "{seeds:?}");
        assert_eq!(streamed(&items).finish_file_hash(&salt).hex(), file);
    }
}

#[test]
fn two_one_byte_chunks() {
    // Reference §9.3: xorb of chunks b"a", b"b".
    let items = [(chunk_hash(b"a"), 1), (chunk_hash(b"b"), 1)];
    assert_eq!(
        xorb_hash(&items).hex(),
        "ded050f282247a53bae90e1cfabaa3925af9a6bad275c69ae5c5182d09055ba2"
    );
}

#[test]
fn single_chunk_xorb_is_the_chunk_but_file_is_not() {
    let hello = chunk_hash(b"Hello, World!");
    assert_eq!(xorb_hash(&[(hello, 13)]), hello);
    assert_eq!(
        file_hash(&[(hello, 13)]).hex(),
        "2028081f8fc86d0698acffb85c902a410549c3ffcc45a0b6ed666e1032d17157"
    );
}

fn arb_items() -> impl Strategy<Value = Vec<(MerkleHash, u64)>> {
    // Small byte alphabet for byte 24 so that `hash % 4 == 0` cuts are frequent and rare runs occur.
    let leaf = (any::<[u8; 32]>(), 0u8..8, 0u64..200_000).prop_map(|(mut bytes, low, size)| {
        bytes[24] = (bytes[24] & !7) | low;
        (MerkleHash::from_raw(bytes), size)
    });
    prop::collection::vec(leaf, 0..400)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn streaming_equals_batch(items in arb_items()) {
        let builder = streamed(&items);
        prop_assert_eq!(builder.len(), items.len() as u64);
        prop_assert_eq!(builder.clone().finish(), aggregated_hash(&items));
        prop_assert_eq!(builder.finish_file_hash(&[0; 32]), file_hash(&items));
    }

    #[test]
    fn runs_without_cuts_make_groups_of_nine(n in 0usize..200) {
        // Every hash odd in word 3: no cut, so groups are exactly nine wide.
        let mut bytes = [0u8; 32];
        bytes[24] = 1;
        let items = vec![(MerkleHash::from_raw(bytes), 1u64); n];
        prop_assert_eq!(streamed(&items).finish(), aggregated_hash(&items));
    }
}
