//! Datelines: `KYIV, Ukraine (AP) —`, `WASHINGTON —`, `NEW YORK, Dec. 19
//! (UPI) —` at the start of the first body paragraph.
//!
//! Parsed by hand from a bounded prefix of one paragraph: a place in
//! capitals, optional comma-separated regions and a date, an optional
//! agency in parentheses, then a dash. Anything else is not a dateline,
//! so prose that happens to contain an early dash (`The plan — which …`)
//! is left alone.

use std::ops::Range;

use chrono::NaiveDate;

use super::dates;

/// How far into a paragraph the closing dash of a dateline may be.
const MAX_DATELINE_BYTES: usize = 120;

/// A dateline found at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatelineFound {
    /// The place as written, regions included: `KYIV, Ukraine`.
    pub place: String,
    /// The agency in parentheses: `AP`, `Reuters`.
    pub agency: Option<String>,
    /// The dateline, dash included, in bytes of the text.
    pub range: Range<usize>,
    /// The date when the dateline gives day, month and year.
    pub date: Option<NaiveDate>,
}

/// The dateline at the start of `text[para]`, if there is one.
pub fn parse(text: &str, para: Range<usize>) -> Option<DatelineFound> {
    let p = text.get(para.clone())?;
    let (dash_at, dash_end) = find_dash(p)?;
    let prefix = p[..dash_at].trim_end();
    let (rest, agency) = split_agency(prefix)?;
    let (place, date) = place_and_date(rest, agency.is_some())?;
    Some(DatelineFound {
        place,
        agency: agency.map(str::to_owned),
        range: para.start..para.start + dash_end,
        date,
    })
}

/// The first dash that can close a dateline (`—`, `–`, `―`, `--` or a
/// hyphen between spaces) within [`MAX_DATELINE_BYTES`]: its start and end.
///
/// Only `-` and 0xE2 (the lead byte of the three long dashes) can start
/// one, so memchr jumps between those and nothing is decoded: a space
/// before or after is the byte `b' '`, never part of another character.
fn find_dash(p: &str) -> Option<(usize, usize)> {
    let bytes = p.as_bytes();
    let window = &bytes[..bytes.len().min(MAX_DATELINE_BYTES + 1)];
    memchr::memchr2_iter(b'-', 0xE2, window).find_map(|i| {
        let next = bytes.get(i + 1).copied();
        match &bytes[i..] {
            [0xE2, 0x80, 0x93..=0x95, ..] => Some((i, i + 3)),
            [b'-', ..] if next == Some(b'-') => Some((i, i + 2)),
            [b'-', ..] if (i == 0 || bytes[i - 1] == b' ') && next == Some(b' ') => {
                Some((i, i + 1))
            }
            _ => None,
        }
    })
}

/// Splits `PLACE (Agency)` into the place part and the agency, which must
/// be one to four capitalized words without digits.
fn split_agency(prefix: &str) -> Option<(&str, Option<&str>)> {
    let Some(inner_end) = prefix.strip_suffix(')').map(str::len) else {
        return Some((prefix, None));
    };
    let open = prefix[..inner_end].rfind('(')?;
    let agency = prefix[open + 1..inner_end].trim();
    let words = agency.split_whitespace().count();
    let plausible = (1..=4).contains(&words)
        && agency.chars().next().is_some_and(char::is_uppercase)
        && !agency.chars().any(|c| c.is_ascii_digit());
    plausible.then(|| (prefix[..open].trim_end(), Some(agency)))
}

/// Reads `CITY, Region, Mon. D, YYYY`: the city in capitals (or merely
/// capitalized when an agency vouches for the dateline), then regions and
/// at most one date, in any order.
fn place_and_date(s: &str, has_agency: bool) -> Option<(String, Option<NaiveDate>)> {
    let mut segments = s.split(',').map(str::trim);
    let city = segments.next()?;
    if !is_city(city, has_agency) {
        return None;
    }
    let mut place = city.to_owned();
    let mut month_day: Option<(u32, u32)> = None;
    let mut year = None;
    for seg in segments {
        if let Some(md) = month_day_of(seg) {
            month_day = Some(md);
        } else if let (Some(_), Some(y)) = (month_day, dates::year(seg)) {
            year = Some(y);
        } else if month_day.is_none() && is_region(seg) {
            place.push_str(", ");
            place.push_str(seg);
        } else {
            return None;
        }
    }
    let date = month_day
        .zip(year)
        .and_then(|((m, d), y)| NaiveDate::from_ymd_opt(y, m, d));
    Some((place, date))
}

/// Capitalized labels that open headlines and ledes the way a city opens
/// a dateline: `EXCLUSIVE – Roger Stone: …`.
const NOT_PLACES: &[&str] = &[
    "ANALYSIS",
    "BREAKING",
    "COMMENTARY",
    "EDITORIAL",
    "EXCLUSIVE",
    "LIVE",
    "OPINION",
    "PHOTOS",
    "REVIEW",
    "UPDATE",
    "UPDATED",
    "VIDEO",
    "WATCH",
];

/// Letters, spaces and `.-'’` only, at most four words, with at least two
/// letters; all in capitals unless `lenient` (then only capitalized).
fn is_city(s: &str, lenient: bool) -> bool {
    let allowed = s
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\'' | '’'));
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let shouting = !s.chars().any(char::is_lowercase);
    let capitalized = s.chars().next().is_some_and(char::is_uppercase);
    allowed
        && letters >= 2
        && !NOT_PLACES.contains(&s.to_uppercase().as_str())
        && s.split_whitespace().count() <= 4
        && (shouting || (lenient && capitalized))
}

/// A region after the city: `Ukraine`, `Mass.`, `N.H.`, `South Carolina`.
/// Regions are not written in capitals, except as abbreviations: a second
/// segment in capitals (`IOWA POLLS WRONG, JUST TOO EARLY -`) is a
/// shouted heading, not a dateline.
fn is_region(s: &str) -> bool {
    let abbreviation = s.contains('.');
    let lowercase = s.chars().any(char::is_lowercase);
    (abbreviation || lowercase)
        && s.chars().next().is_some_and(char::is_uppercase)
        && s.split_whitespace().count() <= 4
        && s.chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\'' | '’'))
}

/// `Dec. 19` or `December 19`.
fn month_day_of(seg: &str) -> Option<(u32, u32)> {
    let mut words = seg.split_whitespace();
    let m = dates::month(words.next()?)?;
    let d = dates::day(words.next()?)?;
    words.next().is_none().then_some((m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dl(t: &str) -> Option<(String, Option<String>, String, Option<String>)> {
        parse(t, 0..t.len()).map(|d| {
            (
                d.place,
                d.agency,
                t[d.range].to_owned(),
                d.date.map(|x| x.to_string()),
            )
        })
    }

    #[test]
    fn wire_datelines() {
        assert_eq!(
            dl("KYIV, Ukraine (AP) — The city woke up."),
            Some((
                "KYIV, Ukraine".into(),
                Some("AP".into()),
                "KYIV, Ukraine (AP) —".into(),
                None
            ))
        );
        assert_eq!(
            dl("WASHINGTON — Lawmakers voted."),
            Some(("WASHINGTON".into(), None, "WASHINGTON —".into(), None))
        );
        assert_eq!(
            dl("PORTLAND, Ore. ― Rain.").map(|d| d.0),
            Some("PORTLAND, Ore.".into())
        );
        assert_eq!(
            dl("DALLAS (AP) -- A storm hit."),
            Some((
                "DALLAS".into(),
                Some("AP".into()),
                "DALLAS (AP) --".into(),
                None
            ))
        );
    }

    #[test]
    fn regions_dates_and_agencies_without_capitals() {
        assert_eq!(
            dl("SPRINGFIELD, Mass., Dec. 11 (UPI) — Voters."),
            Some((
                "SPRINGFIELD, Mass.".into(),
                Some("UPI".into()),
                "SPRINGFIELD, Mass., Dec. 11 (UPI) —".into(),
                None
            ))
        );
        assert_eq!(
            dl("LONDON, March 3, 2021 (Reuters) – Markets fell.").map(|d| d.3),
            Some(Some("2021-03-03".into()))
        );
        assert_eq!(
            dl("Lviv (Ukrinform) – Sirens.").map(|d| d.0),
            Some("Lviv".into())
        );
    }

    #[test]
    fn dashes_close_within_the_limit() {
        let at = |n: usize, dash: &str| format!("{}{dash} x", "A".repeat(n));
        assert_eq!(find_dash(&at(MAX_DATELINE_BYTES, "—")), Some((120, 123)));
        assert_eq!(find_dash(&at(MAX_DATELINE_BYTES + 1, "—")), None);
        assert_eq!(find_dash("A “B” ― x"), Some((10, 13)));
        assert_eq!(find_dash("-- x"), Some((0, 2)));
        assert_eq!(find_dash("- x"), Some((0, 1)));
        assert_eq!(find_dash("A -x - y"), Some((5, 6)));
        assert_eq!(find_dash("A-"), None);
    }

    #[test]
    fn prose_with_early_dashes_is_not_a_dateline() {
        assert_eq!(dl("The plan — which failed — was new."), None);
        assert_eq!(dl("Mr. Smith — a veteran — spoke."), None);
        assert_eq!(dl("NATO-led forces moved."), None);
        assert_eq!(dl("A well-known story"), None);
        assert_eq!(dl("Lviv — sirens."), None);
        assert_eq!(dl("EXCLUSIVE – Senator speaks"), None);
        assert_eq!(dl("POLLS NOT WRONG, JUST TOO EARLY - Analysts say"), None);
        assert_eq!(dl(""), None);
        assert_eq!(dl("—"), None);
        assert_eq!(dl("🇺🇦 (AP) — x"), None);
    }
}
