//! How every engine answers an [`ArticleQuery`]: a query that is one of the site's own
//! listings reads that listing's index, a query by language alone reads the language
//! index, and only a mix of conditions needs the general statement.

use jiff::Timestamp;

use super::{ArticleQuery, ListingFilter};

/// How a query is best answered.
pub(crate) enum QueryPlan<'a> {
    /// By a listing the site's archives already use.
    Listing(ListingFilter),
    /// By the language index, with this language code.
    Language(&'a str),
    /// By the general statement.
    General,
}

/// The plan for `query`.
pub(crate) fn plan(query: &ArticleQuery) -> QueryPlan<'_> {
    let ArticleQuery { tags, author, language, from, until } = query;
    match (tags.as_slice(), author, language, from.is_some() || until.is_some()) {
        ([], None, None, false) => QueryPlan::Listing(ListingFilter::All),
        ([tag], None, None, false) => QueryPlan::Listing(ListingFilter::Tag(*tag)),
        ([], Some(author), None, false) => QueryPlan::Listing(ListingFilter::Author(*author)),
        ([], None, None, true) => QueryPlan::Listing(ListingFilter::Period {
            from: from.unwrap_or(Timestamp::MIN),
            until: until.unwrap_or(Timestamp::MAX),
        }),
        ([], None, Some(language), false) => QueryPlan::Language(language.as_str()),
        _ => QueryPlan::General,
    }
}
