//! A listing card as a template object: its fields made template values once, each
//! found by one `match` on its name. Serialised instead, a card becomes a map in which a
//! template finds a field by comparing the name asked for with each field's in turn, and
//! the home page asks some five hundred times.

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, Serde};

use super::views::{Card, Link};

/// The card's fields by name, in the order the serialised [`Card`] has them.
const FIELDS: &[&str] = &[
    "lang", "picture", "url", "title", "datetime", "date", "country", "authors", "excerpt", "dek", "section", "image",
];

/// [`Card`]'s fields as template values.
#[derive(Debug)]
struct CardObject {
    lang: Value,
    picture: Value,
    url: Value,
    title: Value,
    datetime: Value,
    date: Value,
    country: Value,
    authors: Value,
    excerpt: Value,
    dek: Value,
    section: Value,
    image: Value,
}

impl CardObject {
    fn field(&self, name: &str) -> Option<&Value> {
        Some(match name {
            "lang" => &self.lang,
            "picture" => &self.picture,
            "url" => &self.url,
            "title" => &self.title,
            "datetime" => &self.datetime,
            "date" => &self.date,
            "country" => &self.country,
            "authors" => &self.authors,
            "excerpt" => &self.excerpt,
            "dek" => &self.dek,
            "section" => &self.section,
            "image" => &self.image,
            _ => return None,
        })
    }
}

impl Object for CardObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.field(key.as_str()?).cloned()
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.field(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(FIELDS)
    }
}

/// A link as a template value, `none` when there is none.
fn link_value(link: Option<&Link>) -> Value {
    link.map_or(Value::from(()), |link| Value::from(Serde(link)))
}

impl Card {
    /// The card as a template value, with the same fields as the serialised card.
    pub fn into_value(self) -> Value {
        Value::from_object(CardObject {
            lang: Value::from(self.lang),
            picture: self.picture.as_ref().map_or(Value::from(()), |picture| Value::from(Serde(picture))),
            url: Value::from(self.url),
            title: Value::from(self.title),
            datetime: Value::from(self.datetime),
            date: Value::from(self.date),
            country: link_value(self.country.as_ref()),
            authors: Value::from(Serde(&self.authors)),
            excerpt: Value::from(self.excerpt),
            dek: Value::from(self.dek),
            section: link_value(self.section.as_ref()),
            image: Value::from(self.image),
        })
    }
}

/// A search result's card: a listing card's fields, and its excerpt with the matched
/// words marked as `excerpt_html`.
#[derive(Debug)]
struct MarkedCardObject {
    card: Value,
    excerpt_html: Value,
}

impl MarkedCardObject {
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "excerpt_html" => Some(self.excerpt_html.clone()),
            _ => self.card.get_attr(name).ok().filter(|value| !value.is_undefined()),
        }
    }
}

impl Object for MarkedCardObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.field(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.field(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(FIELDS.iter().chain(&["excerpt_html"]).map(|name| Value::from(*name)).collect())
    }
}

/// `card` (a template object made by [`Card::into_value`]) with `excerpt_html`, its
/// excerpt as HTML with the matched words marked, as one more field.
pub fn marked_card(card: Value, excerpt_html: String) -> Value {
    Value::from_object(MarkedCardObject { card, excerpt_html: Value::from_safe_string(excerpt_html) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::views::PictureView;

    fn link(url: &str, name: &str) -> Link {
        Link { url: url.to_owned(), name: name.to_owned() }
    }

    fn card(with_everything: bool) -> Card {
        Card {
            lang: "ru".to_owned(),
            picture: with_everything.then(|| PictureView {
                webp_srcset: "/media/a-480.webp 480w".to_owned(),
                srcset: "/media/a-480.jpg 480w".to_owned(),
                mime: "image/jpeg".to_owned(),
                src: "/media/a-480.jpg".to_owned(),
                width: 480,
                height: 320,
                alt: "Дамба на Нарыне".to_owned(),
            }),
            url: "/naryn-dam/".to_owned(),
            title: "Плотина на Нарыне & <её> \"каскад\"".to_owned(),
            datetime: "2025-12-05T10:00:00+05:00".to_owned(),
            date: "05 December 2025".to_owned(),
            country: with_everything.then(|| link("/country/kyrgyzstan/", "Kyrgyzstan")),
            authors: if with_everything {
                vec![link("/author/aida/", "Aida"), link("/author/timur/", "Timur")]
            } else {
                Vec::new()
            },
            excerpt: "Первые слова текста...".to_owned(),
            dek: with_everything.then(|| "A dek".to_owned()),
            section: with_everything.then(|| link("/section/economy/", "Economy")),
            image: with_everything.then(|| "/media/a.jpg".to_owned()),
        }
    }

    #[test]
    fn a_card_object_has_the_fields_and_values_of_the_serialised_card() {
        for with_everything in [true, false] {
            let serialised = Value::from(Serde(card(with_everything)));
            let object = card(with_everything).into_value();
            let names: Vec<String> = serialised.try_iter().into_iter().flatten().map(|k| k.to_string()).collect();
            assert_eq!(names, FIELDS, "a new field of Card belongs in FIELDS and CardObject");
            for name in FIELDS {
                let expected = serialised.get_attr(name).unwrap_or_else(|e| panic!("{e}"));
                let found = object.get_attr(name).unwrap_or_else(|e| panic!("{e}"));
                assert!(!expected.is_undefined(), "field {name}");
                assert_eq!(found, expected, "field {name}");
            }
            let listed: Vec<String> = object.try_iter().into_iter().flatten().map(|k| k.to_string()).collect();
            assert_eq!(listed, FIELDS);
            assert!(object.get_attr("nonexistent").is_ok_and(|v| v.is_undefined()));
        }
    }

    #[test]
    fn a_template_renders_a_card_object_as_it_renders_the_serialised_card() {
        let mut env = minijinja::Environment::new();
        let source = "{{ c.title }}|{% if c.picture %}{{ c.picture.alt }} {{ c.picture.width }}{% endif %}|\
                      {% if c.country %}{{ c.country.name }}{% endif %}|\
                      {% for a in c.authors %}{{ a.name }}{% if not loop.last %}, {% endif %}{% endfor %}|\
                      {{ c.dek or 'no dek' }}|{{ c.authors | length }}|{{ c | length }}";
        env.add_template("card.html", source).unwrap_or_else(|e| panic!("{e}"));
        let template = env.get_template("card.html").unwrap_or_else(|e| panic!("{e}"));
        for with_everything in [true, false] {
            let render = |c: Value| template.render(minijinja::context! { c }).unwrap_or_else(|e| panic!("{e}"));
            let by_serde = render(Value::from(Serde(card(with_everything))));
            assert!(by_serde.starts_with("Плотина на Нарыне &amp; &lt;её&gt;"), "{by_serde}");
            assert_eq!(render(card(with_everything).into_value()), by_serde);
        }
    }

    #[test]
    fn a_marked_card_has_the_cards_fields_and_its_marked_excerpt_unescaped() {
        let marked = marked_card(card(true).into_value(), "<mark>Первые</mark> слова".to_owned());
        let names: Vec<String> = marked.try_iter().into_iter().flatten().map(|k| k.to_string()).collect();
        assert_eq!(names[..FIELDS.len()], *FIELDS);
        assert_eq!(names[FIELDS.len()..], ["excerpt_html"]);
        let mut env = minijinja::Environment::new();
        env.add_template("card.html", "{{ c.title }}|{{ c.country.name }}|{{ c.excerpt_html }}|{{ c.nothing }}")
            .unwrap_or_else(|e| panic!("{e}"));
        let html = env
            .get_template("card.html")
            .and_then(|t| t.render(minijinja::context! { c => marked }))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(html, "Плотина на Нарыне &amp; &lt;её&gt; &quot;каскад&quot;|Kyrgyzstan|<mark>Первые</mark> слова|");
    }
}
