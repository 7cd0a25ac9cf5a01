//! Public object ids (hashids), wire-compatible with Cloudreve v4.
//!
//! Every object id that leaves the server (outside the admin API) is the standard
//! Hashids encoding of the pair `[database id, kind code]`, built with the default
//! Hashids alphabet, minimum length 0 and one salt for all kinds: the site setting
//! `hash_id_salt`. Decoding checks that exactly two numbers come out, that the second
//! one is the expected [`IdKind`], and that re-encoding gives back the very same
//! string, so a tampered or foreign id is rejected instead of being mapped to some
//! other row.
//!
//! The encoding itself is done by the `harsh` crate. Its decoder sums the digits of
//! a segment without overflow checks, so overly long input would panic in builds
//! with overflow checks; [`HashIds::decode`] therefore screens the input first (see
//! [`MAX_ID`]).

use std::fmt;

use harsh::Harsh;
use thiserror::Error;

/// Separator characters of the standard Hashids algorithm. With the default
/// alphabet all of them are used as separators, whatever the salt.
const SEPARATORS: &[u8] = b"cfhistuCFHISTU";

/// Number of characters a Hashids "digit" can take with the default alphabet:
/// 62 characters, minus 14 separators, minus ceil(48 / 12) = 4 guards.
const DIGIT_BASE: u64 = 44;

/// Longest run of digits a valid id segment may have. 44^11 fits in a `u64`, so
/// a segment of at most 11 digits can never overflow while it is summed up.
const MAX_SEGMENT_DIGITS: usize = 11;

/// Largest database id that can be encoded: `44^11 - 1` (about 1.2 × 10^18),
/// i.e. the largest value whose Hashids segment has at most 11 digits.
/// Database sequences never get anywhere near it; [`HashIds::encode`] returns an
/// empty string (which never decodes) for ids outside `0..=MAX_ID`.
pub const MAX_ID: i64 = {
    let mut value: u64 = 1;
    let mut i = 0;
    while i < MAX_SEGMENT_DIGITS {
        value *= DIGIT_BASE;
        i += 1;
    }
    (value - 1) as i64
};

/// Upper bound on the length of a string worth trying to decode. A valid id is at
/// most 1 lottery character + 11 digits + 1 separator + 1 kind digit long.
const MAX_ENCODED_LEN: usize = 1 + MAX_SEGMENT_DIGITS + 1 + 1;

/// The kind of object an id refers to. The discriminant is the type code that is
/// encoded as the second number of the hashid (Cloudreve's `hashid` type codes).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// A share link (`share.id`, `/s/:id`).
    Share = 0,
    /// A user (`user.id`, JWT `sub`).
    User = 1,
    /// A file or folder row (`file.id`).
    File = 2,
    /// Legacy folder ids (Cloudreve v3).
    Folder = 3,
    /// Legacy tag ids (Cloudreve v3).
    Tag = 4,
    /// A storage policy.
    Policy = 5,
    /// A direct ("source") link, `/f/:id/:name`.
    SourceLink = 6,
    /// A user group.
    Group = 7,
    /// A blob / file version (`primary_entity`, version ids, ETags).
    Entity = 8,
    /// An audit log event.
    AuditLog = 9,
    /// A storage node.
    Node = 10,
    /// A background task.
    Task = 11,
    /// A WebDAV account.
    DavAccount = 12,
    /// A payment (paid edition in Cloudreve; reserved).
    Payment = 13,
    /// A snapshot of a folder (Stratus extension).
    Snapshot = 14,
    /// A snapshot schedule (Stratus extension).
    SnapshotSchedule = 15,
    /// A sync client's app password (Stratus extension).
    AppPassword = 16,
    /// A key of the S3 endpoint (Stratus extension).
    S3Key = 17,
}

impl IdKind {
    /// Every kind, in code order.
    pub const ALL: [IdKind; 18] = [
        IdKind::Share,
        IdKind::User,
        IdKind::File,
        IdKind::Folder,
        IdKind::Tag,
        IdKind::Policy,
        IdKind::SourceLink,
        IdKind::Group,
        IdKind::Entity,
        IdKind::AuditLog,
        IdKind::Node,
        IdKind::Task,
        IdKind::DavAccount,
        IdKind::Payment,
        IdKind::Snapshot,
        IdKind::SnapshotSchedule,
        IdKind::AppPassword,
        IdKind::S3Key,
    ];

    /// The numeric type code encoded in the hashid.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The kind with the given type code, if any.
    pub fn from_code(code: u64) -> Option<IdKind> {
        IdKind::ALL
            .iter()
            .copied()
            .find(|k| u64::from(k.code()) == code)
    }
}

/// Why a public id could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum IdError {
    /// The string is not a valid hashid for this site: empty, wrong characters,
    /// too long, tampered with, not exactly two numbers, or an id outside the
    /// supported range.
    #[error("malformed id")]
    Malformed,
    /// The string is a valid hashid, but for another kind of object
    /// (Cloudreve's "mismatched ID type").
    #[error("mismatched id type: expected {expected:?}, found type code {found}")]
    WrongKind {
        /// The kind the caller asked for.
        expected: IdKind,
        /// The type code actually found in the id.
        found: u64,
    },
}

/// Encoder/decoder of public ids for one site salt.
///
/// Cheap to clone. `Debug` does not print the salt.
#[derive(Clone)]
pub struct HashIds {
    harsh: Harsh,
}

impl fmt::Debug for HashIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HashIds").finish_non_exhaustive()
    }
}

impl HashIds {
    /// Builds the codec from the site salt (setting `hash_id_salt`), with the
    /// default Hashids alphabet and minimum length 0.
    pub fn new(salt: &str) -> HashIds {
        let harsh = Harsh::builder()
            .salt(salt.as_bytes())
            .length(0)
            .build()
            // Only a custom alphabet can make the builder fail; the default one is valid.
            .expect("the default Hashids alphabet is valid");
        HashIds { harsh }
    }

    /// Encodes `[id, kind]`.
    ///
    /// Ids outside `0..=`[`MAX_ID`] cannot be represented; for them the result is
    /// the empty string, which [`HashIds::decode`] always rejects.
    pub fn encode(&self, id: i64, kind: IdKind) -> String {
        match u64::try_from(id) {
            Ok(value) if id <= MAX_ID => self.harsh.encode(&[value, u64::from(kind.code())]),
            _ => String::new(),
        }
    }

    /// Decodes a public id of the given kind back into the database id.
    pub fn decode(&self, input: &str, kind: IdKind) -> Result<i64, IdError> {
        if !plausible(input) {
            return Err(IdError::Malformed);
        }
        // harsh verifies that re-encoding the numbers reproduces `input`.
        let numbers = self.harsh.decode(input).map_err(|_| IdError::Malformed)?;
        let [value, code] = numbers[..] else {
            return Err(IdError::Malformed);
        };
        let id = i64::try_from(value).map_err(|_| IdError::Malformed)?;
        if id > MAX_ID {
            return Err(IdError::Malformed);
        }
        if code != u64::from(kind.code()) {
            return Err(IdError::WrongKind {
                expected: kind,
                found: code,
            });
        }
        // Belt and braces: the canonical form must be exactly what we were given.
        if self.encode(id, kind) != input {
            return Err(IdError::Malformed);
        }
        Ok(id)
    }
}

/// Cheap screening before handing the input to harsh: non-empty, short, ASCII
/// alphanumeric, and no run of non-separator characters long enough to overflow
/// harsh's digit sum. The first run may be one character longer because its first
/// character is the "lottery" character, not a digit.
fn plausible(input: &str) -> bool {
    let bytes = input.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_ENCODED_LEN {
        return false;
    }
    if !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    bytes
        .split(|b| SEPARATORS.contains(b))
        .enumerate()
        .all(|(i, run)| {
            let limit = if i == 0 {
                MAX_SEGMENT_DIGITS + 1
            } else {
                MAX_SEGMENT_DIGITS
            };
            run.len() <= limit
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN_SALT: &str = "stratus-golden-salt";

    fn golden() -> HashIds {
        HashIds::new(GOLDEN_SALT)
    }

    #[test]
    fn golden_vectors() {
        let h = golden();
        let cases: &[(i64, IdKind, &str)] = &[
            (1, IdKind::Share, "6vS1"),
            (1, IdKind::User, "w8Sx"),
            (1, IdKind::File, "jMS2"),
            (42, IdKind::File, "e4uv"),
            (7, IdKind::Policy, "q6fe"),
            (3, IdKind::Entity, "EkTP"),
            (1_000_000, IdKind::File, "wLQOlcL"),
            (99, IdKind::Task, "zLpiY"),
            (5, IdKind::DavAccount, "21sv"),
        ];
        for &(id, kind, expected) in cases {
            assert_eq!(h.encode(id, kind), expected, "encode({id}, {kind:?})");
            assert_eq!(h.decode(expected, kind), Ok(id), "decode({expected})");
        }
    }

    #[test]
    fn kind_codes() {
        for (i, kind) in IdKind::ALL.iter().enumerate() {
            assert_eq!(usize::from(kind.code()), i);
            assert_eq!(IdKind::from_code(i as u64), Some(*kind));
        }
        assert_eq!(IdKind::from_code(18), None);
        assert_eq!(IdKind::Payment.code(), 13);
    }

    #[test]
    fn round_trips() {
        let h = HashIds::new("some other salt with 64 characters or so, it does not matter");
        let ids = [
            0,
            1,
            2,
            9,
            10,
            43,
            44,
            45,
            1000,
            123_456_789,
            1 << 40,
            MAX_ID - 1,
            MAX_ID,
        ];
        for kind in IdKind::ALL {
            for id in ids {
                let s = h.encode(id, kind);
                assert!(!s.is_empty());
                assert!(s.len() <= MAX_ENCODED_LEN, "{s} too long");
                assert_eq!(h.decode(&s, kind), Ok(id), "{id} {kind:?} -> {s}");
            }
        }
    }

    #[test]
    fn unencodable_ids_give_empty_string() {
        let h = golden();
        assert_eq!(h.encode(-1, IdKind::File), "");
        assert_eq!(h.encode(MAX_ID + 1, IdKind::File), "");
        assert_eq!(h.encode(i64::MAX, IdKind::File), "");
    }

    #[test]
    fn salt_matters() {
        let a = HashIds::new("salt-a");
        let b = HashIds::new("salt-b");
        let s = a.encode(12345, IdKind::File);
        assert_ne!(s, b.encode(12345, IdKind::File));
        assert_ne!(b.decode(&s, IdKind::File), Ok(12345));
    }

    #[test]
    fn wrong_kind_rejected() {
        let h = golden();
        assert_eq!(
            h.decode("jMS2", IdKind::User),
            Err(IdError::WrongKind {
                expected: IdKind::User,
                found: 2
            })
        );
        assert!(matches!(
            h.decode("6vS1", IdKind::File),
            Err(IdError::WrongKind { .. })
        ));
    }

    #[test]
    fn tampered_ids_rejected() {
        let h = golden();
        let original = h.encode(1_000_000, IdKind::File);
        let alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890";
        let mut accepted = 0;
        for pos in 0..original.len() {
            for &c in alphabet {
                let mut bytes = original.as_bytes().to_vec();
                if bytes[pos] == c {
                    continue;
                }
                bytes[pos] = c;
                let tampered = String::from_utf8(bytes).unwrap();
                if let Ok(id) = h.decode(&tampered, IdKind::File) {
                    // Hashids is not a MAC: a few substitutions are other valid ids.
                    // They must then be canonical and decode to a different row.
                    assert_ne!(id, 1_000_000);
                    assert_eq!(h.encode(id, IdKind::File), tampered);
                    accepted += 1;
                }
            }
        }
        // The overwhelming majority of single-character changes is rejected.
        assert!(
            accepted * 20 < original.len() * alphabet.len(),
            "{accepted}"
        );

        // A concrete one-character tamper of a golden vector.
        assert_eq!(h.decode("jMS3", IdKind::File), Err(IdError::Malformed));
        assert_eq!(h.decode("jMSx", IdKind::File), Err(IdError::Malformed));
    }

    #[test]
    fn garbage_rejected() {
        let h = golden();
        let long_digits = "x".repeat(30);
        let garbage = [
            "",
            " ",
            "jMS2 ",
            " jMS2",
            "jM-S2",
            "j",
            "é€",
            "😀😀😀😀",
            "../../etc/passwd",
            "null",
            "0",
            "%6A%4D%53%32",
            "jMS2jMS2",
            "JMS2",
            long_digits.as_str(),
            // Long runs that would overflow harsh's digit sum.
            "zzzzzzzzzzzzzzzzzzzzzz",
            "Qzzzzzzzzzzzzc1",
            "azzzzzzzzzzzz",
            // Panics inside harsh (digit-sum overflow) if not screened out first.
            "awaaaaaaaaaaa",
        ];
        for g in garbage {
            assert_eq!(h.decode(g, IdKind::File), Err(IdError::Malformed), "{g:?}");
        }
    }

    #[test]
    fn single_number_and_triples_rejected() {
        let h = golden();
        let harsh = Harsh::builder().salt(GOLDEN_SALT).build().unwrap();
        let single = harsh.encode(&[2]);
        let triple = harsh.encode(&[1, 2, 3]);
        assert_eq!(h.decode(&single, IdKind::File), Err(IdError::Malformed));
        assert_eq!(h.decode(&triple, IdKind::Share), Err(IdError::Malformed));
    }

    #[test]
    fn fuzz_never_panics() {
        use rand::{Rng, SeedableRng};
        let h = golden();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890";
        for _ in 0..20_000 {
            let len = rng.random_range(0..=16);
            let s: String = (0..len)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
                .collect();
            if let Ok(id) = h.decode(&s, IdKind::File) {
                assert_eq!(h.encode(id, IdKind::File), s);
            }
        }
    }

    #[test]
    fn debug_hides_salt() {
        let h = HashIds::new("super-secret-salt");
        assert!(!format!("{h:?}").contains("super-secret"));
    }
}
