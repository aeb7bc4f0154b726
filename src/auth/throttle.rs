//! How many failed sign-ins are allowed before the door closes for a while: counted per
//! account (a guessed password) and per address (one machine trying many accounts).

use std::net::IpAddr;

use jiff::SignedDuration;

/// Failures are counted over this window.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// Failed sign-ins to one account within the window before it is locked.
pub const PER_ACCOUNT: u64 = 5;

/// Failed sign-ins from one address within the window before it is locked out.
pub const PER_ADDRESS: u64 = 20;

/// The counter key of an account.
pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

/// The counter key of a client address. IPv6 clients are counted by their /64, which
/// one machine can otherwise fill with fresh addresses.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_neighbours_share_a_counter() {
        let a: IpAddr = "2001:db8:1:2::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        assert_eq!(address_key(a), address_key(b));
        assert_eq!(address_key("10.0.0.1".parse().expect("ip")), "ip:10.0.0.1");
    }
}
