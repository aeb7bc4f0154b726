//! Random secrets handed to a browser or a person (session cookies, CSRF tokens, reset
//! links), and the digests under which the store keeps them.

use sha2::{Digest, Sha256};

/// Random bytes in a secret: 256 bits, beyond guessing.
const SECRET_BYTES: usize = 32;

/// A fresh random secret as 64 lowercase hexadecimal digits.
pub fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(hex(&bytes))
}

/// SHA-256 of a secret in hexadecimal: what the store keeps. The secrets are long and
/// random, so a fast digest is enough and a leaked database opens no session.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Whether a secret sent back has the shape of one we hand out, checked before any
/// lookup so that junk never reaches the store.
pub fn well_formed(secret: &str) -> bool {
    secret.len() == SECRET_BYTES * 2 && secret.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Compares two secrets in time that depends only on their length.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_well_formed_and_stored_as_digests() {
        let a = generate().expect("random");
        let b = generate().expect("random");
        assert!(well_formed(&a) && well_formed(&b));
        assert_ne!(a, b);
        assert_ne!(digest(&a), a);
        assert!(well_formed(&digest(&a)));
        assert!(!well_formed("abc") && !well_formed(&"G".repeat(64)));
    }

    #[test]
    fn comparison_is_exact() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
