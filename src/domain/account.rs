//! The people who sign in to the newsroom: their roles and what each role may do, and
//! the shapes of their sign-in details.

use std::fmt;

use serde::Serialize;

/// A newsroom role, as in Ghost: each one may do everything the one below it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Writes drafts; cannot publish or upload.
    Contributor,
    /// Writes, uploads and publishes their own articles.
    Author,
    /// Publishes and edits anything; manages tags, authors and redirects.
    Editor,
    /// Everything an editor does, and manages the newsroom's accounts.
    Administrator,
    /// The newsroom's first account; cannot be removed.
    Owner,
}

impl Role {
    /// Every role, from the most trusted.
    pub const ALL: [Role; 5] = [Role::Owner, Role::Administrator, Role::Editor, Role::Author, Role::Contributor];

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Administrator => "administrator",
            Self::Editor => "editor",
            Self::Author => "author",
            Self::Contributor => "contributor",
        }
    }

    /// The name shown in the newsroom.
    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Administrator => "Administrator",
            Self::Editor => "Editor",
            Self::Author => "Author",
            Self::Contributor => "Contributor",
        }
    }

    /// Whether this role may make articles public (its own, for an author).
    pub fn can_publish(self) -> bool {
        self >= Self::Author
    }

    /// Whether this role may edit and publish articles that are not its own.
    pub fn can_edit_others(self) -> bool {
        self >= Self::Editor
    }

    /// Whether this role may upload images.
    pub fn can_upload(self) -> bool {
        self >= Self::Author
    }

    /// Whether this role may manage tags, author profiles and redirects.
    pub fn can_manage_site(self) -> bool {
        self >= Self::Editor
    }

    /// Whether this role may add and remove accounts.
    pub fn can_manage_users(self) -> bool {
        self >= Self::Administrator
    }

    /// Whether an account of this role may give an account the role `other`: never a
    /// role above its own, and the owner is made only once.
    pub fn can_grant(self, other: Role) -> bool {
        self.can_manage_users() && other <= self && other != Self::Owner
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An e-mail address as an account's sign-in name: trimmed, lowercased, one `@` with
/// something on both sides, no spaces or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Longest address accepted, in bytes (RFC 5321's limit).
    pub const MAX_LEN: usize = 254;

    /// Accepts a plausible address.
    pub fn parse(s: &str) -> Option<Self> {
        let lower = s.trim().to_lowercase();
        let (local, domain) = lower.split_once('@')?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && lower.len() <= Self::MAX_LEN
            && !lower.chars().any(|c| c.is_whitespace() || c.is_control());
        ok.then_some(Self(lower))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed, never printed.
#[derive(Clone)]
pub struct Password(String);

/// Why a new password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than [`Password::MIN_CHARS`].
    #[error("a password needs at least {} characters", Password::MIN_CHARS)]
    TooShort,
    /// Longer than [`Password::MAX_BYTES`].
    #[error("a password can be at most {} bytes long", Password::MAX_BYTES)]
    TooLong,
}

impl Password {
    /// Fewest characters of a new password.
    pub const MIN_CHARS: usize = 10;
    /// Most bytes hashed: a longer one is refused rather than made to cost the server.
    pub const MAX_BYTES: usize = 1024;

    /// A password given to sign in with: any length up to the limit.
    pub fn given(s: &str) -> Result<Self, PasswordError> {
        if s.len() > Self::MAX_BYTES {
            return Err(PasswordError::TooLong);
        }
        Ok(Self(s.to_owned()))
    }

    /// A password chosen for an account: long enough to resist guessing.
    pub fn new(s: &str) -> Result<Self, PasswordError> {
        let password = Self::given(s)?;
        if s.chars().count() < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        Ok(password)
    }

    /// The password's bytes, for hashing.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// An account as the newsroom shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Store identity.
    pub id: i64,
    /// Sign-in address.
    pub email: Email,
    /// Display name.
    pub name: String,
    /// What the account may do.
    pub role: Role,
    /// The author profile the account writes under.
    pub author_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_trust() {
        assert!(!Role::Contributor.can_publish());
        assert!(!Role::Contributor.can_upload());
        assert!(Role::Author.can_publish() && !Role::Author.can_edit_others());
        assert!(Role::Editor.can_edit_others() && !Role::Editor.can_manage_users());
        assert!(Role::Administrator.can_manage_users());
    }

    #[test]
    fn nobody_grants_a_role_above_their_own_or_a_second_owner() {
        assert!(Role::Administrator.can_grant(Role::Editor));
        assert!(Role::Administrator.can_grant(Role::Administrator));
        assert!(!Role::Administrator.can_grant(Role::Owner));
        assert!(!Role::Owner.can_grant(Role::Owner));
        assert!(!Role::Editor.can_grant(Role::Author));
    }

    #[test]
    fn roles_round_trip_through_their_stored_spelling() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Aigerim@Example.KZ ").map(|e| e.0), Some("aigerim@example.kz".to_owned()));
        for bad in ["", "no-at-sign", "@example.kz", "a@b", "a@.kz", "a b@example.kz", "a@example.kz."] {
            assert_eq!(Email::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn new_passwords_need_ten_characters_and_never_print() {
        assert_eq!(Password::new("short").err(), Some(PasswordError::TooShort));
        assert!(Password::new("долгий пароль").is_ok());
        assert_eq!(Password::given(&"x".repeat(2000)).err(), Some(PasswordError::TooLong));
        assert_eq!(format!("{:?}", Password::given("secret").ok()), "Some(Password(…))");
    }
}
