//! Signing in to the newsroom: password hashing, the random secrets behind sessions,
//! CSRF and reset links, and the sign-in throttle's rules.

pub mod password;
pub mod secret;
pub mod throttle;
