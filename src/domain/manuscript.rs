//! An article as the newsroom edits it: the fields of the editor form, in the words a
//! writer uses (Markdown, names, a local publication time). A revision is a saved
//! manuscript; restoring one loads it back into the editor.

use serde::{Deserialize, Serialize};

/// The editor's fields of one article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Manuscript {
    /// Headline.
    pub title: String,
    /// URL slug as typed; empty means "from the headline".
    pub slug: String,
    /// Subtitle.
    pub dek: String,
    /// Body in Markdown.
    pub body: String,
    /// Hand-written excerpt; empty for the automatic one.
    pub excerpt: String,
    /// Language code.
    pub language: String,
    /// Author names in byline order, one per line or comma-separated.
    pub authors: String,
    /// Country tag slug, or empty.
    pub country: String,
    /// Section tag slug, or empty.
    pub section: String,
    /// Topic names, comma-separated; unknown ones are created.
    pub topics: String,
    /// Featured image address.
    pub featured_image: String,
    /// Its alternative text.
    pub featured_image_alt: String,
    /// Its caption.
    pub featured_image_caption: String,
    /// Title for search engines and social cards, when not the headline.
    pub seo_title: String,
    /// Description for search engines and social cards.
    pub seo_description: String,
}

impl Manuscript {
    /// The byline's names, in order, without blanks or repeats.
    pub fn author_names(&self) -> Vec<String> {
        split_list(&self.authors)
    }

    /// The topic names, in order, without blanks or repeats.
    pub fn topic_names(&self) -> Vec<String> {
        split_list(&self.topics)
    }

    /// The fields that differ between two manuscripts, by label, in form order.
    pub fn changed_fields<'a>(&'a self, other: &'a Self) -> Vec<(&'static str, &'a str, &'a str)> {
        self.fields()
            .into_iter()
            .zip(other.fields())
            .filter(|((_, a), (_, b))| a != b)
            .map(|((label, a), (_, b))| (label, a, b))
            .collect()
    }

    fn fields(&self) -> [(&'static str, &str); 15] {
        [
            ("Headline", &self.title),
            ("Slug", &self.slug),
            ("Dek", &self.dek),
            ("Body", &self.body),
            ("Excerpt", &self.excerpt),
            ("Language", &self.language),
            ("Authors", &self.authors),
            ("Country", &self.country),
            ("Section", &self.section),
            ("Topics", &self.topics),
            ("Featured image", &self.featured_image),
            ("Image alt text", &self.featured_image_alt),
            ("Image caption", &self.featured_image_caption),
            ("SEO title", &self.seo_title),
            ("SEO description", &self.seo_description),
        ]
    }
}

/// Splits a comma- or newline-separated list, trimming and dropping blanks and repeats.
fn split_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in text.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        if !out.iter().any(|seen| seen.eq_ignore_ascii_case(item)) {
            out.push(item.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_split_on_commas_and_lines_without_repeats() {
        let m = Manuscript {
            authors: "Aigerim Sadykova,\n Timur Rakhimov, aigerim sadykova ,".into(),
            ..Default::default()
        };
        assert_eq!(m.author_names(), ["Aigerim Sadykova", "Timur Rakhimov"]);
    }

    #[test]
    fn changed_fields_name_what_differs() {
        let a = Manuscript { title: "Old".into(), body: "Same".into(), ..Default::default() };
        let b = Manuscript { title: "New".into(), body: "Same".into(), ..Default::default() };
        assert_eq!(a.changed_fields(&b), [("Headline", "Old", "New")]);
    }
}
