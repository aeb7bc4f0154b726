//! Page numbers and the arithmetic of paged listings.

/// Highest page number accepted before any query runs.
pub const MAX_PAGE: u32 = 100_000;

/// A page number from a URL: digits only, 1 to [`MAX_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PageNumber(u32);

impl PageNumber {
    /// The first page.
    pub const FIRST: PageNumber = PageNumber(1);

    /// Parses a path segment or query value such as `2`; `0`, `-1`, `abc`, `+3` and
    /// numbers past [`MAX_PAGE`] are refused.
    pub fn parse(s: &str) -> Option<Self> {
        if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = s.parse().ok()?;
        (1..=MAX_PAGE).contains(&n).then_some(Self(n))
    }

    /// The number, from 1.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// One page of a listing of `total` items shown `per_page` at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Current page.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Items in the whole listing.
    pub total: u64,
}

impl Paging {
    /// The page `page` of a listing.
    pub fn new(page: PageNumber, per_page: u32, total: u64) -> Self {
        Self { page: page.get(), per_page: per_page.max(1), total }
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }

    /// Number of pages; an empty listing still has its first page.
    pub fn last_page(&self) -> u32 {
        let pages = self.total.div_ceil(u64::from(self.per_page)).max(1);
        u32::try_from(pages).unwrap_or(u32::MAX)
    }

    /// Whether this page exists (page 1 always does).
    pub fn exists(&self) -> bool {
        self.page <= self.last_page()
    }

    /// Position of this page's first item, from 1 (0 for an empty listing).
    pub fn first_index(&self) -> u64 {
        if self.total == 0 { 0 } else { self.offset() + 1 }
    }

    /// Position of this page's last item.
    pub fn last_index(&self) -> u64 {
        (self.offset() + u64::from(self.per_page)).min(self.total)
    }

    /// `Viewing results 7 - 12 of 33`.
    pub fn results_line(&self) -> String {
        format!("Viewing results {} - {} of {}", self.first_index(), self.last_index(), self.total)
    }

    /// The previous page number, if any.
    pub fn prev(&self) -> Option<u32> {
        (self.page > 1).then(|| self.page - 1)
    }

    /// The next page number, if any.
    pub fn next(&self) -> Option<u32> {
        (self.page < self.last_page()).then(|| self.page + 1)
    }

    /// Page numbers to link: the first, the last, and two either side of the current
    /// page; `None` stands for a gap.
    pub fn window(&self) -> Vec<Option<u32>> {
        let last = self.last_page();
        let near = self.page.saturating_sub(2).max(1)..=self.page.saturating_add(2).min(last);
        let mut out = Vec::with_capacity(9);
        let mut previous = 0;
        for n in std::iter::once(1).chain(near).chain(std::iter::once(last)) {
            if n <= previous || n > last {
                continue;
            }
            if n > previous + 1 {
                out.push(None);
            }
            out.push(Some(n));
            previous = n;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: u32, total: u64) -> Paging {
        Paging::new(PageNumber::parse(&n.to_string()).expect("valid page"), 6, total)
    }

    #[test]
    fn results_line_matches_the_reference_page() {
        assert_eq!(page(1, 33).results_line(), "Viewing results 1 - 6 of 33");
        assert_eq!(page(2, 33).results_line(), "Viewing results 7 - 12 of 33");
        assert_eq!(page(6, 33).results_line(), "Viewing results 31 - 33 of 33");
        assert_eq!(page(1, 0).results_line(), "Viewing results 0 - 0 of 0");
    }

    #[test]
    fn pages_past_the_last_do_not_exist() {
        assert!(page(6, 33).exists());
        assert!(!page(7, 33).exists());
        assert!(page(1, 0).exists());
    }

    #[test]
    fn bad_page_numbers_are_refused() {
        for bad in ["0", "-1", "abc", "", "+2", "1.5", "999999", "0001000000"] {
            assert_eq!(PageNumber::parse(bad), None, "{bad}");
        }
        assert_eq!(PageNumber::parse("12").map(PageNumber::get), Some(12));
    }

    #[test]
    fn window_shows_ends_and_neighbours_with_gaps() {
        assert_eq!(
            page(6, 100).window(),
            vec![Some(1), None, Some(4), Some(5), Some(6), Some(7), Some(8), None, Some(17)]
        );
        assert_eq!(page(1, 12).window(), vec![Some(1), Some(2)]);
        assert_eq!(page(4, 100).window(), vec![Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), None, Some(17)]);
        assert_eq!(page(17, 100).window(), vec![Some(1), None, Some(15), Some(16), Some(17)]);
        assert_eq!(page(1, 0).window(), vec![Some(1)]);
        assert_eq!(page(2, 54_000).window(), vec![Some(1), Some(2), Some(3), Some(4), None, Some(9000)]);
    }
}
