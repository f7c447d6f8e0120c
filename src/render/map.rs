//! The map of the network, drawn at build time as inline SVG: no script, no tiles, nothing
//! fetched. The land of the world without borders (Natural Earth 1:110m, public domain, in the
//! Equal Earth projection: `data/map/land.txt`) and a point per country with practices or
//! members, each a link to its country page (home and region pages); a country page shows its
//! members with coordinates. `scripts/map_data.mjs` makes the data.
//!
//! The SVG is hidden from assistive technology and its links from the keyboard: a list of the
//! same links beside it is the map's text, so a screen reader meets the countries once.
//! Coordinates are rounded to two decimals (about 1 km) before anything is drawn.

use super::context::{Link, MapPoint, NetworkMap};
use super::*;
use std::sync::LazyLock;

/// The land, as an SVG path in a viewBox [`WIDTH`] × [`HEIGHT`].
const LAND: &str = include_str!("../../data/map/land.txt");
/// Each country's representative point: `code<TAB>longitude<TAB>latitude` lines.
const COUNTRY_POINTS: &str = include_str!("../../data/map/countries.tsv");
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 486.7;
/// A point's radius on the whole world; cropped maps scale it down less than their width.
const RADIUS: f64 = 9.0;

/// Each country's point, projected.
static COUNTRIES: LazyLock<HashMap<&'static str, (f64, f64)>> = LazyLock::new(|| {
    COUNTRY_POINTS
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let code = fields.next()?;
            let lon = fields.next()?.parse().ok()?;
            let lat = fields.next()?.parse().ok()?;
            Some((code, project(lon, lat)))
        })
        .collect()
});

/// Equal Earth (Šavrič, Patterson and Jenny, 2018) into the map's viewBox, y downwards: the
/// formula of `scripts/map_data.mjs`, which drew the land.
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    const A: [f64; 4] = [1.340264, -0.081106, 0.000893, 0.003796];
    const X_MAX: f64 = 2.706_629_731_921_557_5;
    const Y_MAX: f64 = 1.317_362_759_157_413_3;
    let m = 3f64.sqrt() / 2.0;
    let l = lon.to_radians();
    let t = (m * lat.to_radians().sin()).asin();
    let (t2, t6) = (t * t, t.powi(6));
    let x = l * t.cos() / (m * (A[0] + 3.0 * A[1] * t2 + t6 * (7.0 * A[2] + 9.0 * A[3] * t2)));
    let y = t * (A[0] + A[1] * t2 + t6 * (A[2] + A[3] * t2));
    let scale = WIDTH / (2.0 * X_MAX);
    ((x + X_MAX) * scale, (Y_MAX - y) * scale)
}

/// A coordinate as published: two decimals, about 1 km.
pub fn rounded(degrees: f64) -> f64 {
    (degrees * 100.0).round() / 100.0
}

impl Renderer<'_> {
    /// The world map of a language's network, or of one region's countries (cropped to
    /// them): a point and a link per country with practices or members.
    pub(super) fn network_map(&self, lang: &str, region: Option<&str>) -> Option<NetworkMap> {
        let site = self.site;
        let locale = self.locale(lang);
        let mut list: Vec<(Link, Option<(f64, f64)>)> = site
            .groups(lang)
            .countries
            .iter()
            .filter(|(_, c)| !c.practices.is_empty() || !c.members.is_empty())
            .filter(|(code, _)| region.is_none() || site.regions.region_of(code) == region)
            .map(|(code, _)| {
                let link = Link {
                    title: locale.country_name(code),
                    url: site.config.link(&format!("/{lang}/countries/{code}/")),
                };
                (link, COUNTRIES.get(code.as_str()).copied())
            })
            .collect();
        if list.is_empty() {
            return None;
        }
        list.sort_by(|a, b| locale.compare(&a.0.title, &b.0.title));
        let frame = match region {
            None => (0.0, 0.0, WIDTH, HEIGHT),
            Some(region) => {
                let whole_region = site
                    .regions
                    .countries()
                    .filter(|c| site.regions.region_of(c) == Some(region));
                frame(
                    whole_region.filter_map(|c| COUNTRIES.get(c).copied()),
                    40.0,
                    40.0,
                )
            }
        };
        let title = self.t(lang, "map_countries");
        Some(network_map(frame, &list, title))
    }

    /// A country's member institutions with coordinates, on a map cropped to them.
    pub(super) fn members_map(
        &self,
        lang: &str,
        code: &str,
        members: &[&Entry],
    ) -> Option<NetworkMap> {
        let locale = self.locale(lang);
        let mut placed: Vec<(Link, Option<(f64, f64)>)> = members
            .iter()
            .filter_map(|entry| {
                let Kind::Member(m) = &self.site.page(entry).kind else {
                    return None;
                };
                let point = project(rounded(m.lon?), rounded(m.lat?));
                let link = Link {
                    title: self.title(entry),
                    url: self.site.config.link(&entry.path),
                };
                Some((link, Some(point)))
            })
            .collect();
        placed.sort_by(|a, b| locale.compare(&a.0.title, &b.0.title));
        if placed.is_empty() {
            return None;
        }
        let points = placed
            .iter()
            .filter_map(|(_, p)| *p)
            .chain(COUNTRIES.get(code).copied());
        let frame = frame(points, 60.0, 36.0);
        // The country's page lists its members under the map: the map's own list would
        // repeat it (on a large country's page, half of the page's bytes).
        Some(NetworkMap {
            list: Vec::new(),
            ..network_map(frame, &placed, self.t(lang, "map_members"))
        })
    }
}

/// The part of the world to show around `points`: their bounding box, at least `min_width`
/// by `min_height`, with a margin, within the world.
fn frame(
    points: impl Iterator<Item = (f64, f64)>,
    min_width: f64,
    min_height: f64,
) -> (f64, f64, f64, f64) {
    let (mut left, mut top, mut right, mut bottom) = (WIDTH, HEIGHT, 0.0f64, 0.0f64);
    for (x, y) in points {
        (left, top, right, bottom) = (left.min(x), top.min(y), right.max(x), bottom.max(y));
    }
    if left > right {
        return (0.0, 0.0, WIDTH, HEIGHT);
    }
    let grow = |low: f64, high: f64, least: f64| {
        let middle = (low + high) / 2.0;
        let half = ((high - low) * 1.3).max(least) / 2.0;
        (middle - half, middle + half)
    };
    let (left, right) = grow(left, right, min_width);
    let (top, bottom) = grow(top, bottom, min_height);
    (
        left.max(0.0),
        top.max(0.0),
        right.min(WIDTH) - left.max(0.0),
        bottom.min(HEIGHT) - top.max(0.0),
    )
}

/// The map of `frame` (x, y, width, height) with a point per placed link, and the list of
/// every link (the map's text) under `title`.
fn network_map(
    frame: (f64, f64, f64, f64),
    links: &[(Link, Option<(f64, f64)>)],
    title: String,
) -> NetworkMap {
    let (x, y, width, height) = frame;
    // Closer views get relatively larger points, so they stay visible on a phone.
    let radius = RADIUS * (width / WIDTH).powf(0.7);
    let tenth = |v: f64| (v * 10.0).round() / 10.0;
    NetworkMap {
        view_box: format!(
            "{} {} {} {}",
            tenth(x),
            tenth(y),
            tenth(width),
            tenth(height)
        ),
        land: LAND.trim_end(),
        radius: (radius * 100.0).round() / 100.0,
        points: links
            .iter()
            .filter_map(|(link, point)| {
                let (px, py) = (*point)?;
                Some(MapPoint {
                    x: tenth(px),
                    y: tenth(py),
                    name: link.title.clone(),
                    url: link.url.clone(),
                })
            })
            .collect(),
        list: links.iter().map(|(link, _)| link.clone()).collect(),
        title,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_project_where_the_script_drew_the_land() {
        // scripts/map_data.mjs prints Nairobi (36.82, -1.29) at 602.27 248.19.
        let (x, y) = project(36.82, -1.29);
        assert!(
            (x - 602.27).abs() < 0.01 && (y - 248.19).abs() < 0.01,
            "{x} {y}"
        );
        let (x, y) = project(180.0, 0.0);
        assert!(
            (x - WIDTH).abs() < 1e-3 && (y - HEIGHT / 2.0).abs() < 0.1,
            "{x} {y}"
        );
        assert!(COUNTRIES.len() > 230, "{}", COUNTRIES.len());
        assert!(LAND.starts_with('M') && LAND.len() < 30_000);
    }

    #[test]
    fn coordinates_are_rounded_to_about_a_kilometre() {
        assert_eq!(rounded(12.345_678_9), 12.35);
        assert_eq!(rounded(-1.286_389), -1.29);
    }
}
