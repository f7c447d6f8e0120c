//! Authoring commands beside the build: [`scaffold`] writes new pages and translations,
//! [`import`] turns directory exports (CSV) into member and coordinator pages,
//! [`translations`] reports which pages are missing or out of date in each language. They
//! read and write `content/` only; none of them builds the site.

pub mod import;
pub mod scaffold;
pub mod translations;

use crate::search::analysis::fold;

/// A file name from a title: folded to ASCII where possible, words joined by `-`.
/// `Jardins de la paix à Dakar` → `jardins-de-la-paix-a-dakar`.
pub fn slugify(title: &str) -> String {
    let folded = fold(title);
    let mut slug = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_folded_and_hyphenated() {
        assert_eq!(
            slugify("Jardins de la paix à Dakar"),
            "jardins-de-la-paix-a-dakar"
        );
        assert_eq!(
            slugify("  Water: a shared resource! "),
            "water-a-shared-resource"
        );
        assert_eq!(slugify("Œuvre"), "oeuvre");
    }
}
