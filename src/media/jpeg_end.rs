//! Whether a JPEG's bytes reach its end-of-image marker. The JPEG decoder fills in what
//! a cut-off file lacks with grey instead of failing, so an interrupted upload would be
//! stored as a half-grey picture; walking the segments to the end marker catches it.

/// Whether `bytes` (starting with the start-of-image marker) run through every segment
/// to the end-of-image marker. Segments are skipped by their lengths, so a thumbnail
/// inside the EXIF block, with an end marker of its own, does not count.
pub(super) fn reaches_end(bytes: &[u8]) -> bool {
    let mut at = 2;
    loop {
        // A marker: one or more 0xFF, then its code.
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&code) = bytes.get(at) else { return false };
        at += 1;
        match code {
            0xD9 => return true,
            // Markers without a length: restart markers and the (repeated) start.
            0x01 | 0xD0..=0xD8 => {}
            _ => {
                let Some(length) = bytes.get(at..at + 2).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]]))) else {
                    return false;
                };
                at += length;
                if code == 0xDA {
                    // Entropy-coded data runs to the next marker that is neither a
                    // stuffed 0xFF00 nor a restart marker.
                    loop {
                        let Some(offset) = bytes.get(at..).and_then(|rest| rest.iter().position(|b| *b == 0xFF)) else {
                            return false;
                        };
                        at += offset;
                        match bytes.get(at + 1) {
                            None => return false,
                            Some(0x00 | 0xD0..=0xD7 | 0xFF) => at += 1,
                            Some(_) => break,
                        }
                    }
                }
            }
        }
        if at > bytes.len() {
            return false;
        }
        if bytes.get(at) != Some(&0xFF) {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::process_tests::{jpeg, jpeg_with_exif};

    #[test]
    fn whole_files_reach_the_end_and_cut_ones_do_not() {
        let whole = jpeg(64, 48);
        assert!(reaches_end(&whole));
        assert!(reaches_end(&jpeg_with_exif(64, 48, 1)));
        for cut in [whole.len() - 2, whole.len() / 2, 20] {
            assert!(!reaches_end(&whole[..cut]), "cut at {cut}");
        }
    }
}
