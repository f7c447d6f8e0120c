//! The UNESCO region of each country: built-in data (UNESCO's own grouping, which CLDR does not
//! carry), overridable by `content/_data/regions.yaml` (`ke: africa`). A country code is known
//! when it has a region. Country *names* come from CLDR, in `locale`.

use std::collections::BTreeMap;

pub const REGIONS: [&str; 5] = [
    "africa",
    "arab-states",
    "asia-pacific",
    "europe-north-america",
    "latin-america-caribbean",
];

const BUILT_IN: [(&str, &str); 5] = [
    (
        "africa",
        "ao bf bi bj bw cd cf cg ci cm cv et ga gh gm gn gq gw ke km lr ls mg ml mu mw mz na ne ng rw \
         sc sl sn ss st sz td tg tz ug za zm zw er",
    ),
    (
        "arab-states",
        "ae bh dj dz eg iq jo kw lb ly ma mr om ps qa sa sd so sy tn ye",
    ),
    (
        "asia-pacific",
        "af au bd bn bt ck cn fj fm id in ir jp kh ki kp kr kz kg la lk mh mm mn mv my np nr nu nz pg ph \
         pk pw sb th tj tl to tm tv uz vn vu ws",
    ),
    (
        "europe-north-america",
        "ad al am at az ba be bg by ca ch cy cz de dk ee es fi fr gb ge gr hr hu ie il is it lt lu lv mc \
         md me mk mt nl no pl pt ro rs ru se si sk sm tr ua us va",
    ),
    (
        "latin-america-caribbean",
        "ag ar bb bo br bs bz cl co cr cu dm do ec gd gt gy hn ht jm kn lc mx ni pa pe py sr sv tt uy \
         vc ve aw cw sx vg ky ms",
    ),
];

/// Country code (lowercase ISO 3166-1 alpha-2) to region code.
#[derive(Debug, Clone)]
pub struct RegionTable(BTreeMap<String, String>);

impl RegionTable {
    pub fn built_in() -> Self {
        let mut map = BTreeMap::new();
        for (region, countries) in BUILT_IN {
            for country in countries.split_whitespace() {
                map.insert(country.to_string(), region.to_string());
            }
        }
        RegionTable(map)
    }

    /// Applies `content/_data/regions.yaml`; returns the region codes that are not known.
    pub fn override_with(&mut self, entries: BTreeMap<String, String>) -> Vec<(String, String)> {
        let mut unknown = Vec::new();
        for (country, region) in entries {
            if REGIONS.contains(&region.as_str()) {
                self.0.insert(country.to_lowercase(), region);
            } else {
                unknown.push((country, region));
            }
        }
        unknown
    }

    pub fn region_of(&self, country: &str) -> Option<&str> {
        self.0.get(country).map(String::as_str)
    }

    pub fn countries(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_one_region() {
        let mut seen = std::collections::BTreeSet::new();
        for (_, countries) in BUILT_IN {
            for c in countries.split_whitespace() {
                assert!(seen.insert(c), "{c} is listed twice");
                assert_eq!(c.len(), 2);
            }
        }
        assert!(seen.len() > 180);
    }

    #[test]
    fn data_overrides_a_region() {
        let mut table = RegionTable::built_in();
        let bad = table.override_with([("ke".to_string(), "arab-states".to_string())].into());
        assert!(bad.is_empty());
        assert_eq!(table.region_of("ke"), Some("arab-states"));
    }
}
