//! The checks of single front matter values, said once: `parse` runs them on a page and
//! locates a failure in its file; `import` runs them on the cells of a CSV row before it
//! writes the page, and reports a failure at the row. Each takes a value of the key it names
//! and returns it (or `()`), or an [`Invalid`] whose message starts with the key.

use super::{LEVELS, closest_hint};
use crate::date::Day;
use crate::paths;
use crate::regions::RegionTable;
use crate::sanitize;
use crate::sdg;
use std::fmt::Display;
use std::ops::RangeInclusive;

/// Why a value is refused: the message, which starts with its key (`type: "charter" must be
/// public or private`), and what to write instead, where there is more to say.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub message: String,
    pub hint: Option<String>,
}

impl Invalid {
    fn new(message: String) -> Invalid {
        Invalid {
            message,
            hint: None,
        }
    }

    fn with_hint(self, hint: impl Into<String>) -> Invalid {
        Invalid {
            hint: Some(hint.into()),
            ..self
        }
    }
}

/// Latitudes, in decimal degrees.
pub const LATITUDE: RangeInclusive<f64> = -90.0..=90.0;
/// Longitudes, in decimal degrees.
pub const LONGITUDE: RangeInclusive<f64> = -180.0..=180.0;

/// A value of the wrong type: `joined: expected a whole number`.
pub fn wrong_type(key: &str, expected: &str) -> Invalid {
    Invalid::new(format!("{key}: expected {expected}"))
}

/// A value that must pass one of the checks of [`paths`] or [`sanitize`]:
/// `website: "javascript:x": …` otherwise, with `hint`.
pub fn passes<T, E: Display>(
    key: &str,
    value: &str,
    check: impl FnOnce(&str) -> Result<T, E>,
    hint: &str,
) -> Result<T, Invalid> {
    check(value).map_err(|why| {
        Invalid::new(format!("{key}: \"{}\": {why}", value.escape_debug())).with_hint(hint)
    })
}

/// An identifier that becomes a file name (a member id): one safe path segment.
pub fn identifier(key: &str, value: &str) -> Result<(), Invalid> {
    passes(
        key,
        value,
        |id| paths::segment(id).map(|_| ()),
        "an id is letters, digits and `-`, e.g. ke-0042",
    )
}

/// A web address, http or https.
pub fn web_address(key: &str, value: &str) -> Result<(), Invalid> {
    passes(
        key,
        value,
        sanitize::check_web_address,
        "write the full address, e.g. https://school.example.org/",
    )
}

/// One e-mail address.
pub fn email(key: &str, value: &str) -> Result<(), Invalid> {
    passes(
        key,
        value,
        sanitize::check_email,
        "write one address, e.g. aspnet@natcom.example.org",
    )
}

/// One of the [`LEVELS`] of education.
pub fn level(value: &str) -> Result<(), Invalid> {
    if LEVELS.contains(&value) {
        return Ok(());
    }
    Err(Invalid::new(format!("levels: unknown level \"{value}\""))
        .with_hint(closest_hint(value, &LEVELS)))
}

/// A member's `type`: public or private.
pub fn school_type(value: &str) -> Result<(), Invalid> {
    match value {
        "public" | "private" => Ok(()),
        _ => Err(Invalid::new(format!(
            "type: \"{value}\" must be public or private"
        ))),
    }
}

/// A year within [`Day::YEARS`] (the year a member joined).
pub fn year(key: &str, year: i64) -> Result<i64, Invalid> {
    let (first, last) = (*Day::YEARS.start(), *Day::YEARS.end());
    if (i64::from(first)..=i64::from(last)).contains(&year) {
        return Ok(year);
    }
    Err(
        Invalid::new(format!("{key}: {year} is not a plausible year"))
            .with_hint(format!("a year between {first} and {last}")),
    )
}

/// A number within `range`: [`LATITUDE`] or [`LONGITUDE`].
pub fn within(key: &str, number: f64, range: RangeInclusive<f64>) -> Result<f64, Invalid> {
    if range.contains(&number) {
        return Ok(number);
    }
    Err(Invalid::new(format!(
        "{key}: {number} is not between {} and {}",
        range.start(),
        range.end()
    ))
    .with_hint("latitude is -90 to 90 and longitude -180 to 180, in decimal degrees"))
}

/// A country code the region table knows (ISO 3166-1 alpha-2, in any case: `KE`, `ke`).
pub fn country(key: &str, code: &str, regions: &RegionTable) -> Result<(), Invalid> {
    if regions.region_of(&code.to_ascii_lowercase()).is_some() {
        return Ok(());
    }
    let countries: Vec<&str> = regions.countries().collect();
    Err(
        Invalid::new(format!("{key}: unknown country code \"{code}\"")).with_hint(format!(
            "use an ISO 3166-1 alpha-2 code; {}",
            closest_hint(&code.to_ascii_lowercase(), &countries)
        )),
    )
}

/// One of the 169 SDG targets (`4.7`, `4.a`). `written_as_number` says YAML read it as a
/// number, which loses a final zero: `16.10` arrives as 16.1, so a number that may have been
/// a target ending in 0 must be quoted.
pub fn sdg_target(value: &str, written_as_number: bool) -> Result<(), Invalid> {
    let longer = format!("{value}0");
    if written_as_number && sdg::is_target(&longer) {
        return Err(Invalid::new(format!(
            "sdg_targets: {value} may be target {value} or {longer}: YAML reads 16.10 as 16.1"
        ))
        .with_hint(format!("write it in quotes: \"{value}\" or \"{longer}\"")));
    }
    if sdg::is_target(value) {
        return Ok(());
    }
    let goal = sdg::targets_of_goal(value);
    let hint = if goal.is_empty() {
        "a target is written goal.target, with a goal from 1 to 17, e.g. 4.7 or 4.a".to_string()
    } else {
        format!("this goal's targets are {}", goal.join(", "))
    };
    Err(Invalid::new(format!("sdg_targets: \"{value}\" is not an SDG target")).with_hint(hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_start_with_the_key() {
        assert_eq!(
            school_type("charter").map_err(|i| i.message),
            Err("type: \"charter\" must be public or private".into())
        );
        assert_eq!(
            level("primery").map_err(|i| i.hint),
            Err(Some("did you mean `primary`?".into()))
        );
        assert!(year("joined", 99_999).is_err() && year("joined", 1998).is_ok());
        assert!(within("lat", 90.5, LATITUDE).is_err() && within("lon", 90.5, LONGITUDE).is_ok());
        assert!(identifier("id", "ke-0042").is_ok());
        assert!(identifier("id", "ke-/../x").is_err());
        assert!(web_address("website", "javascript:alert(1)").is_err());
        assert!(email("email", "a@b.org").is_ok());
        assert!(sdg_target("4.7", true).is_ok() && sdg_target("4.a", false).is_ok());
        assert!(sdg_target("16.1", false).is_ok());
        assert_eq!(
            sdg_target("16.1", true).map_err(|i| i.hint),
            Err(Some("write it in quotes: \"16.1\" or \"16.10\"".into()))
        );
        assert_eq!(
            sdg_target("4.77", false).map_err(|i| i.hint),
            Err(Some(
                "this goal's targets are 4.1, 4.2, 4.3, 4.4, 4.5, 4.6, 4.7, 4.a, 4.b, 4.c".into()
            ))
        );
        assert!(sdg_target("18.1", false).is_err());
        let regions = RegionTable::built_in();
        assert!(country("country", "ke", &regions).is_ok());
        assert!(country("country", "KE", &regions).is_ok());
        assert_eq!(
            country("country", "KX", &regions).map_err(|i| i.message),
            Err("country: unknown country code \"KX\"".into())
        );
    }
}
