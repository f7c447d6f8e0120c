//! Locale services for one language, all from CLDR through ICU4X: country names, dates,
//! collation (sorting names) and plural categories. Nothing here is hand-typed.

use icu::collator::{Collator, CollatorBorrowed, options::CollatorOptions};
use icu::datetime::{DateTimeFormatter, fieldsets::YMD, input::Date};
use icu::experimental::displaynames::{DisplayNamesOptions, multi::RegionDisplayNames};
use icu::locale::{Locale as IcuLocale, subtags::Region};
use icu::plurals::{PluralCategory, PluralRules};
use std::cmp::Ordering;

use crate::date::Day;

pub struct Locale {
    pub code: String,
    countries: Option<RegionDisplayNames>,
    dates: Option<DateTimeFormatter<YMD>>,
    collator: Option<CollatorBorrowed<'static>>,
    plurals: Option<PluralRules>,
}

impl Locale {
    /// Loads the data for `code`; a code CLDR does not know falls back to root data.
    pub fn new(code: &str) -> Locale {
        let locale: IcuLocale = code.parse().unwrap_or(icu::locale::locale!("und"));
        Locale {
            code: code.to_string(),
            countries: RegionDisplayNames::try_new(
                (&locale).into(),
                DisplayNamesOptions::default(),
            )
            .ok(),
            dates: DateTimeFormatter::try_new((&locale).into(), YMD::long()).ok(),
            collator: Collator::try_new((&locale).into(), CollatorOptions::default()).ok(),
            plurals: PluralRules::try_new_cardinal((&locale).into()).ok(),
        }
    }

    /// The country's name in this language, or the code in capitals if CLDR has none.
    pub fn country_name(&self, code: &str) -> String {
        let upper = code.to_ascii_uppercase();
        Region::try_from_str(&upper)
            .ok()
            .and_then(|r| self.countries.as_ref()?.of(r).map(str::to_string))
            .unwrap_or(upper)
    }

    pub fn format_date(&self, day: Day) -> String {
        let formatted = Date::try_new_iso(day.year, day.month, day.day)
            .ok()
            .zip(self.dates.as_ref())
            .map(|(date, f)| f.format(&date).to_string());
        formatted.unwrap_or_else(|| day.iso())
    }

    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        match &self.collator {
            Some(c) => c.compare(a, b),
            None => a.cmp(b),
        }
    }

    /// CLDR plural category name (`one`, `few`, `other`, …) for a count.
    pub fn plural_category(&self, n: u64) -> &'static str {
        let category = self
            .plurals
            .as_ref()
            .map_or(PluralCategory::Other, |p| p.category_for(n));
        match category {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_dates_and_sorting_come_from_cldr() {
        let fr = Locale::new("fr");
        assert_eq!(fr.country_name("ke"), "Kenya");
        assert_eq!(fr.country_name("de"), "Allemagne");
        assert_eq!(
            fr.format_date(Day {
                year: 2024,
                month: 3,
                day: 5
            }),
            "5 mars 2024"
        );
        assert_eq!(fr.compare("école", "ezra"), Ordering::Less);
        assert_eq!(fr.plural_category(1), "one");
        assert_eq!(Locale::new("en").plural_category(0), "other");
    }
}
