//! Accounts made from the command line and the newsroom alike, and the one-time links
//! that let a person choose their password.

use jiff::{SignedDuration, Timestamp};

use crate::auth::secret;
use crate::store::Store;

/// Days a link made for a new account stays valid.
pub const INVITE_DAYS: i64 = 7;

/// Days a password-reset link stays valid.
pub const RESET_DAYS: i64 = 1;

/// Makes a one-time link that sets the password of account `user_id`, valid for
/// `days`: the link's path (`/admin/password/…`). Only its digest is stored.
pub async fn password_link(store: &dyn Store, user_id: i64, now: Timestamp, days: i64) -> anyhow::Result<String> {
    let token = secret::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let expires = now.checked_add(SignedDuration::from_hours(24 * days))?;
    store.add_password_reset(&secret::digest(&token), user_id, expires).await?;
    Ok(format!("/admin/password/{token}"))
}

/// A password hash nobody knows the password of, for an account whose person sets
/// their own through a link.
pub fn unusable_password_hash() -> anyhow::Result<String> {
    let random = secret::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let password = crate::domain::account::Password::given(&random)?;
    Ok(crate::auth::password::hash_password(&password)?)
}
