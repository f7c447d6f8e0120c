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

/// Today's date as `YYYY-MM-DD` (UTC), for new pages.
pub fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((seconds / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
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

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_517), (2026, 3, 5));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
