//! Account e-mail addresses: the canonical form every lookup and every new account uses, the
//! checks a new address must pass, and the skeletons that tell look-alikes apart.
//!
//! The canonical form is lower case, with the domain's trailing dot dropped and the domain
//! mapped by IDNA (UTS #46) to its Unicode form, so `Alice@S.test.`, `alice@s.test` and the
//! punycode and Unicode spellings of one domain are one address. A new address must keep each
//! part (the local part, each domain label) to one script and hold no invisible character. Two
//! texts whose UTS #39 skeletons are equal read alike (`alıce` with a dotless ı, `аlice` with
//! a Cyrillic а, and `alice`): the skeletons of addresses and nicks are stored for that check.

use unicode_security::{
    GeneralSecurityProfile, MixedScript, general_security_profile::IdentifierType,
};

/// Longest address, in bytes (the `users.email` column).
pub const MAX_LEN: usize = 100;

/// Why an address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not `local@domain`, too long, or a domain IDNA refuses.
    #[error("invalid e-mail address")]
    Malformed,
    /// A part mixes scripts, or holds an invisible or unassigned character.
    #[error(
        "invalid e-mail address: each part must keep to one script, with no invisible characters"
    )]
    Unsafe,
}

/// The canonical form of `email`.
pub fn canonical(email: &str) -> Result<String, AddressError> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@').ok_or(AddressError::Malformed)?;
    let local_ok = !local.is_empty() && !local.chars().any(|c| c.is_whitespace() || c.is_control());
    // One trailing dot names the same (fully qualified) domain.
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let domain_ok =
        !domain.is_empty() && !domain.contains('@') && !domain.split('.').any(str::is_empty);
    if !local_ok || !domain_ok {
        return Err(AddressError::Malformed);
    }
    // No ASCII deny list: domains that mail accepts but STD3 does not (`_dmarc`-style labels)
    // stay valid, as they were before IDNA mapping.
    let ascii = idna::domain_to_ascii_cow(domain.as_bytes(), idna::AsciiDenyList::EMPTY)
        .map_err(|_| AddressError::Malformed)?;
    let (unicode, mapped) = idna::domain_to_unicode(&ascii);
    mapped.map_err(|_| AddressError::Malformed)?;
    let canonical = format!("{local}@{unicode}");
    if canonical.len() > MAX_LEN {
        return Err(AddressError::Malformed);
    }
    Ok(canonical)
}

/// Checks a canonical address for a new account: the local part and each domain label keep
/// to one script (Common characters such as digits and `.` go with any), and the local part
/// holds no invisible (default-ignorable) or unassigned character. IDNA has already mapped
/// such characters out of the domain.
pub fn check_new(canonical: &str) -> Result<(), AddressError> {
    let (local, domain) = canonical.rsplit_once('@').ok_or(AddressError::Malformed)?;
    let hidden = local.chars().any(|c| {
        matches!(
            c.identifier_type(),
            Some(IdentifierType::Default_Ignorable | IdentifierType::Not_Character)
        )
    });
    let single = local.is_single_script() && domain.split('.').all(MixedScript::is_single_script);
    if hidden || !single {
        return Err(AddressError::Unsafe);
    }
    Ok(())
}

/// The local part of a canonical address.
pub fn local_part(canonical: &str) -> &str {
    canonical
        .rsplit_once('@')
        .map_or(canonical, |(local, _)| local)
}

/// The UTS #39 skeleton of `text` in lower case: equal for texts that read alike, whatever
/// their case. Used for addresses and for nicks.
pub fn skeleton(text: &str) -> String {
    unicode_security::skeleton(&text.to_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_has_one_canonical_form() {
        for same in [
            "alice@s.test",
            " Alice@S.TEST ",
            "alice@s.test.",
            "ALICE@s.Test.",
        ] {
            assert_eq!(canonical(same).unwrap(), "alice@s.test", "{same}");
        }
        for same in [
            "bob@bücher.test",
            "bob@BÜCHER.test.",
            "bob@xn--bcher-kva.test",
        ] {
            assert_eq!(canonical(same).unwrap(), "bob@bücher.test", "{same}");
        }
        for kept in ["ops@mail_relay.test", "admin@stratus.local", "x@localhost"] {
            assert_eq!(canonical(kept).unwrap(), kept);
        }
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "no-at",
            "@x",
            "a@",
            "a@.",
            "a@b..c",
            "a@.b",
            "a b@x",
            "a@b@c",
            "a@xn--a.test",
            &format!("{}@x.y", "a".repeat(99)),
        ] {
            assert_eq!(canonical(bad), Err(AddressError::Malformed), "{bad}");
        }
    }

    #[test]
    fn new_addresses_keep_each_part_to_one_script() {
        for fine in [
            "alice.smith+drive@s.test",
            "alıce@s.test",
            "иван@пример.test",
            "たなか@例え.test",
            "user1@x1.test",
        ] {
            let address = canonical(fine).unwrap();
            assert_eq!(check_new(&address), Ok(()), "{fine}");
        }
        for unsafe_ in [
            "аlice@s.test",
            "bob@gοogle.test",
            "al\u{200b}ice@s.test",
            "al\u{ad}ice@s.test",
        ] {
            let address = canonical(unsafe_).unwrap();
            assert_eq!(check_new(&address), Err(AddressError::Unsafe), "{unsafe_}");
        }
    }

    #[test]
    fn look_alikes_share_a_skeleton() {
        let alice = skeleton("alice@s.test");
        for alike in [
            "alıce@s.test",
            "аlice@s.test",
            "alice@ѕ.test",
            "ALICE@s.test",
        ] {
            assert_eq!(skeleton(alike), alice, "{alike}");
        }
        for different in ["alice@t.test", "alice2@s.test", "bob@s.test"] {
            assert_ne!(skeleton(different), alice, "{different}");
        }
        assert_eq!(skeleton("Alice"), skeleton("alıce"));
        assert_eq!(local_part("alice@s.test"), "alice");
    }
}
