//! Passwords are stored as Argon2id PHC strings (`$argon2id$v=19$m=…`), with the
//! parameters the `argon2` crate recommends. Hashing is deliberately slow, so callers on
//! the async runtime run it on a blocking thread.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::domain::account::Password;

/// Hashing failed (the random source or the parameters); nothing to show a user.
#[derive(Debug, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

/// Hashes a password with a fresh random salt.
pub fn hash_password(password: &Password) -> Result<String, HashError> {
    Argon2::default().hash_password(password.expose()).map(|h| h.to_string()).map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the stored `hash`. A malformed hash matches nothing.
pub fn verify_password(password: &Password, hash: &str) -> bool {
    Argon2::default().verify_password(password.expose(), hash).is_ok()
}

/// A hash that matches no password, verified against when an account does not exist so
/// that a wrong address takes as long to refuse as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: LazyLock<String> = LazyLock::new(|| {
        Password::given("no account has this password").ok().and_then(|p| hash_password(&p).ok()).unwrap_or_default()
    });
    &DECOY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_and_verifies_only_its_password() {
        let right = Password::new("correct horse battery").expect("valid");
        let wrong = Password::new("incorrect horse battery").expect("valid");
        let hash = hash_password(&right).expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&right, &hash));
        assert!(!verify_password(&wrong, &hash));
        assert!(!verify_password(&right, "not a hash"));
        assert!(!verify_password(&right, decoy_hash()));
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        let p = Password::new("correct horse battery").expect("valid");
        assert_ne!(hash_password(&p).expect("hashes"), hash_password(&p).expect("hashes"));
    }
}
