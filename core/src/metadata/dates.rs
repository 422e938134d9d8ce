//! Calendar dates written in prose: `Aug. 15, 2023`, `15 August 2023`,
//! `2023-08-15`. Used for `published` when the event gives no date.

use chrono::NaiveDate;

/// The month of `word`: a full English name or an AP-style abbreviation,
/// with or without its period (`Sept.`, `Aug`, `December`).
pub fn month(word: &str) -> Option<u32> {
    let w = word.strip_suffix('.').unwrap_or(word);
    let m = match w {
        "January" | "Jan" => 1,
        "February" | "Feb" => 2,
        "March" | "Mar" => 3,
        "April" | "Apr" => 4,
        "May" => 5,
        "June" | "Jun" => 6,
        "July" | "Jul" => 7,
        "August" | "Aug" => 8,
        "September" | "Sept" | "Sep" => 9,
        "October" | "Oct" => 10,
        "November" | "Nov" => 11,
        "December" | "Dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// A day of the month, `1` to `31`, possibly followed by an ordinal
/// suffix (`15th`).
pub fn day(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let d: u32 = small_number(digits, 2)?;
    (1..=31).contains(&d).then_some(d)
}

/// A four-digit year in the range news text can plausibly be dated with,
/// possibly closing a sentence (`2020.`).
pub fn year(word: &str) -> Option<i32> {
    let digits = word.trim_end_matches(['.', ';', ':', '!', '?']);
    let y: i32 = small_number(digits, 4)?.try_into().ok()?;
    (1900..=2100).contains(&y).then_some(y)
}

/// Parses 1 to `max_digits` ASCII digits, nothing else.
fn small_number(s: &str, max_digits: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Words after which a date is the publication date.
const PUBLICATION_CUES: &[&str] = &["dated", "filed", "posted", "published", "updated"];

/// The date of a lede that states its own publication date: a full date
/// (day, month and year) opening the text, after at most a weekday
/// (`May 2, 2016 —`, `Monday, May 2, 2016:`), or after a cue such as
/// `Published` or `Updated on`. A date further into a lede is the date of
/// an event (`attacked on Sept. 11, 2012`, `died Friday, March 25`), not
/// of the article, and is ignored.
pub fn publication_date(text: &str) -> Option<NaiveDate> {
    if !has_digits_for_a_date(text) {
        return None;
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    // Each word without surrounding punctuation, trimmed once for the
    // cue checks of the words after it.
    let bare: Vec<&str> = words
        .iter()
        .map(|w| w.trim_matches(|c: char| !crate::text::is_alphanumeric(c)))
        .collect();
    let is = |i: Option<usize>, list: &[&str]| {
        i.and_then(|i| bare.get(i))
            .is_some_and(|w| is_one_of(w, list))
    };
    let cued = |i: usize| {
        is(i.checked_sub(1), PUBLICATION_CUES)
            || (is(i.checked_sub(1), &["on", "at"]) && is(i.checked_sub(2), PUBLICATION_CUES))
    };
    let opening = |i: usize| i == 0 || (i == 1 && crate::text::WEEKDAYS.contains(&words[0]));
    (0..words.len())
        .filter(|&i| opening(i) || cued(i))
        .find_map(|i| date_at(&words, i))
}

/// Every date [`date_at`] reads holds at least this many ASCII digits: a
/// four-digit [`year`], or ten characters of `YYYY-MM-DD` of which at most
/// three (a sign and two dashes) are not digits.
const MIN_DATE_DIGITS: usize = 4;

/// Whether `text` has the digits of a date. Most ledes do not, and
/// counting digits is far cheaper than splitting the lede into words.
fn has_digits_for_a_date(text: &str) -> bool {
    text.bytes().filter(u8::is_ascii_digit).count() >= MIN_DATE_DIGITS
}

/// True when `word`, in any case, is one of `list` (lowercase ASCII
/// words). Compared in place: only ASCII letters can lowercase to ASCII
/// letters other than `k` (the Kelvin sign), and no cue has a `k`, so
/// this is `to_lowercase` and `==` without the allocation.
fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|cue| cue.eq_ignore_ascii_case(word))
}

/// A full date starting at word `i`: `Aug. 15 2023`, `15 August 2023` or
/// `2023-08-15`.
fn date_at(words: &[&str], i: usize) -> Option<NaiveDate> {
    let w = |k: usize| words.get(i + k).copied().unwrap_or("");
    iso_date(w(0))
        .or_else(|| ymd(year(w(2))?, month(w(0))?, day(w(1))?))
        .or_else(|| ymd(year(w(2))?, month(w(1))?, day(w(0))?))
}

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `2023-08-15`, with trailing sentence punctuation allowed.
fn iso_date(word: &str) -> Option<NaiveDate> {
    let w = word.trim_end_matches(['.', ';', ':']);
    if w.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(w, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<String> {
        publication_date(s).map(|d| d.to_string())
    }

    #[test]
    fn dates_that_open_the_lede_or_follow_a_cue() {
        assert_eq!(
            date("Aug. 15, 2023 — The council met."),
            Some("2023-08-15".into())
        );
        assert_eq!(
            date("Tuesday, 3 March 2020: rain"),
            Some("2020-03-03".into())
        );
        assert_eq!(
            date("2019-12-31. Markets closed."),
            Some("2019-12-31".into())
        );
        assert_eq!(
            date("Published on Sept. 1st 2001 by staff"),
            Some("2001-09-01".into())
        );
        assert_eq!(
            date("Story updated July 4, 2020."),
            Some("2020-07-04".into())
        );
    }

    #[test]
    fn dates_of_events_inside_the_lede_are_not_publication_dates() {
        assert_eq!(
            date("Terrorists attacked on Sept. 11, 2012, in Libya."),
            None
        );
        assert_eq!(date("He died Friday, March 25, 2016, at home."), None);
    }

    #[test]
    fn rejects_incomplete_or_impossible_dates() {
        assert_eq!(date("Since October, prices rose."), None);
        assert_eq!(date("Nov. 19 the vote"), None);
        assert_eq!(date("Feb. 30, 2021"), None);
        assert_eq!(date("May 5, 20233"), None);
        assert_eq!(date(""), None);
    }

    #[test]
    fn dates_have_the_digits_the_quick_check_asks_for() {
        for text in ["Jan. 1, 1999", "1 May 2001", "2001-05-01"] {
            let words: Vec<&str> = text.split([' ', ',']).filter(|w| !w.is_empty()).collect();
            assert!(date_at(&words, 0).is_some(), "{text}");
            assert!(has_digits_for_a_date(text), "{text}");
        }
        assert!(!has_digits_for_a_date("Jan. 1, 99: no year"));
    }

    #[test]
    fn cues_match_in_any_case_and_inside_punctuation() {
        assert!(is_one_of("POSTED", PUBLICATION_CUES));
        assert!(!is_one_of("reposted", PUBLICATION_CUES));
        assert_eq!(date("“POSTED: July 4, 2020"), Some("2020-07-04".into()));
        // `is_one_of` relies on this: the Kelvin sign, the only non-ASCII
        // character that lowercases to ASCII, lowercases to `k`.
        assert!(PUBLICATION_CUES.iter().all(|cue| !cue.contains('k')));
    }

    #[test]
    fn parts_of_dates() {
        assert_eq!(
            (month("Sept."), month("May"), month("Mayo")),
            (Some(9), Some(5), None)
        );
        assert_eq!(
            (day("1st"), day("31"), day("32"), day("")),
            (Some(1), Some(31), None, None)
        );
        assert_eq!(
            (year("2020."), year("1850"), year("20a0")),
            (Some(2020), None, None)
        );
    }
}
