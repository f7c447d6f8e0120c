//! Locale services for one language, all from CLDR through ICU4X: country names, dates,
//! collation (sorting names) and plural categories. Nothing here is hand-typed.

use icu::collator::{Collator, CollatorBorrowed, options::CollatorOptions};
use icu::datetime::{DateTimeFormatter, fieldsets::YMD, input::Date};
use icu::experimental::displaynames::{DisplayNamesOptions, multi::RegionDisplayNames};
use icu::list::{ListFormatter, options::ListFormatterOptions, options::ListLength};
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
    lists: Option<ListFormatter>,
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
            plurals: plural_rules(code),
            lists: ListFormatter::try_new_and(
                (&locale).into(),
                ListFormatterOptions::default().with_length(ListLength::Narrow),
            )
            .ok(),
        }
    }

    /// Items listed as this language lists them in little room (CLDR's narrow "and" list):
    /// `Kenya, France` (en, fr), `Kenia y Francia`, `كينيا وفرنسا`, `ケニア、フランス`.
    pub fn list(&self, items: &[String]) -> String {
        match &self.lists {
            Some(formatter) => formatter.format_to_string(items.iter().map(String::as_str)),
            None => items.join(", "),
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
        self.plurals
            .as_ref()
            .map_or("other", |p| category_name(p.category_for(n)))
    }
}

/// The CLDR cardinal plural rules of a language (`None` for a code that does not parse).
pub fn plural_rules(code: &str) -> Option<PluralRules> {
    let locale: IcuLocale = code.parse().ok()?;
    PluralRules::try_new_cardinal((&locale).into()).ok()
}

/// The names of the plural categories a language distinguishes, `other` last.
pub fn plural_categories(rules: &PluralRules) -> Vec<&'static str> {
    rules.categories().map(category_name).collect()
}

/// The name a UI strings file gives a CLDR plural category.
pub fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_joined_as_each_language_joins_them() {
        let items = ["A".to_string(), "B".to_string(), "C".to_string()];
        for (code, joined) in [
            ("en", "A, B, C"),
            ("fr", "A, B, C"),
            ("es", "A, B y C"),
            ("ar", "A وB وC"),
            ("ja", "A、B、C"),
            ("zh", "A、B、C"),
        ] {
            assert_eq!(Locale::new(code).list(&items), joined, "{code}");
        }
    }

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

    #[test]
    fn subtags_get_their_own_cldr_data() {
        let (brazil, portugal) = (Locale::new("pt-br"), Locale::new("pt-pt"));
        assert_eq!(brazil.country_name("ke"), "Quênia");
        assert_eq!(portugal.country_name("ke"), "Quénia");
        assert_eq!(brazil.plural_category(0), "one");
        assert_eq!(portugal.plural_category(0), "other");
        assert_eq!(Locale::new("zh").country_name("ke"), "肯尼亚");
        assert_eq!(Locale::new("zh-hant").country_name("ke"), "肯亞");
    }
}
