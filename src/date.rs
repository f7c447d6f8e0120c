//! Calendar days: the strict `YYYY-MM-DD` dates of front matter, their order, and the
//! arithmetic between days and Unix time that `new` (today's date) and `translations`
//! (commit times) need. It knows nothing of pages.

/// A date as written in front matter, checked to be a real calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    /// The first and last years a date may name: a practice, a school joining the network
    /// or a page's update falls between them.
    pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

    /// A strict `YYYY-MM-DD` (ASCII digits only) naming a real day in [`Day::YEARS`].
    pub fn parse(s: &str) -> Option<Day> {
        let bytes = s.as_bytes();
        let shape = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shape {
            return None;
        }
        let (y, m, d) = (&s[0..4], &s[5..7], &s[8..10]);
        let (year, month, day) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let valid = Day::YEARS.contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days[usize::from(month) - 1];
        valid.then_some(Day { year, month, day })
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`, proleptic Gregorian).
    pub fn days_since_epoch(&self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Day {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Day { year, month, day }
    }

    /// The day a Unix time (seconds) falls on, in UTC.
    pub fn of_unix_seconds(seconds: i64) -> Day {
        Day::from_days_since_epoch(seconds.div_euclid(86_400))
    }

    /// Today, in UTC.
    pub fn today() -> Day {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Day::of_unix_seconds(i64::try_from(seconds).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked() {
        assert!(Day::parse("2024-02-29").is_some());
        assert!(Day::parse("2023-02-29").is_none());
        assert!(Day::parse("2024-13-01").is_none());
        assert!(Day::parse("24-01-01").is_none());
    }

    #[test]
    fn days_round_trip() {
        for days in [0, 11_016, 20_517, -1, -25_567] {
            let day = Day::from_days_since_epoch(days);
            assert_eq!(day.days_since_epoch(), days, "{day:?}");
        }
        assert_eq!(Day::from_days_since_epoch(20_517).iso(), "2026-03-05");
        assert_eq!(Day::from_days_since_epoch(11_016).iso(), "2000-02-29");
    }
}
