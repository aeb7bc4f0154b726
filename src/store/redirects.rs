//! How every engine compares old addresses: a redirect is stored and looked up under
//! one key, so the address a browser sends finds the one a WordPress export wrote.

/// An old address as stored and looked up: percent-escapes decoded (a browser sends
/// `%D0%BF` where a WordPress export wrote `%d0%bf`; both are `п`), letters lowercased
/// (WordPress answers its addresses in any case) and runs of slashes collapsed.
pub(crate) fn redirect_key(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok()));
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                i += 3;
            }
            None => {
                if !(bytes[i] == b'/' && decoded.last() == Some(&b'/')) {
                    decoded.push(bytes[i]);
                }
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::redirect_key;

    #[test]
    fn old_addresses_compare_decoded_and_in_any_case() {
        assert_eq!(redirect_key("/%D0%BF%D1%80%D0%B8/"), "/при/");
        assert_eq!(redirect_key("/%d0%bf%d1%80%d0%b8/"), "/при/");
        assert_eq!(redirect_key("//Greek//x/"), "/greek/x/");
        assert_eq!(redirect_key("/100%/"), "/100%/");
        assert_eq!(redirect_key("/?p=12"), "/?p=12");
    }
}
