//! UTC calendar arithmetic on Unix milliseconds, shared by every place that
//! reads or writes a date: RFC 3339 timestamps (LiveChat), ISO times with
//! milliseconds (Bidali), `yyyy-MM-dd HH:mm:ss` (plans) and the mock's
//! billing periods. Proleptic Gregorian calendar, after H. Hinnant's
//! `days_from_civil` / `civil_from_days`; a full date library would cost the
//! wasm bundle far more than these few functions.

use super::locale::Locale;

pub const DAY_MS: u64 = 86_400_000;
/// 9999-12-31T23:59:59Z: the last instant the four-digit formats can write.
pub const MAX_MS: u64 = 253_402_300_799_000;

/// Days since 1970-01-01 of a date (month 1-12, day 1-31).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let month = i64::from(month);
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month 1-12, day 1-31) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// UTC calendar fields of a Unix time in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcParts {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

impl UtcParts {
    /// Times past year 9999 are clamped to its last second.
    pub fn from_unix_ms(unix_ms: u64) -> Self {
        let unix_ms = unix_ms.min(MAX_MS);
        let days = i64::try_from(unix_ms / DAY_MS).unwrap_or(0);
        let of_day = unix_ms % DAY_MS;
        let (year, month, day) = civil_from_days(days);
        let narrow = |v: u64| u32::try_from(v).unwrap_or(0);
        Self {
            year,
            month,
            day,
            hour: narrow(of_day / 3_600_000),
            minute: narrow(of_day / 60_000 % 60),
            second: narrow(of_day / 1_000 % 60),
            millis: narrow(of_day % 1_000),
        }
    }
}

/// `2017-10-20T13:31:27Z`, as the LiveChat Billing API writes dates.
pub fn rfc3339_seconds(unix_ms: u64) -> String {
    let t = UtcParts::from_unix_ms(unix_ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// `2019-04-09T16:02:38.835Z`, as Bidali writes times.
pub fn rfc3339_millis(unix_ms: u64) -> String {
    let t = UtcParts::from_unix_ms(unix_ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis
    )
}

/// `2024-02-29 23:59:59`, as the plans gateway writes `createDate`.
pub fn gateway_datetime(unix_ms: u64) -> String {
    let t = UtcParts::from_unix_ms(unix_ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// The same time of day `months` calendar months later; the day is clamped
/// to the month's length (Jan 31 + 1 month = Feb 28 or 29).
pub fn add_months(unix_ms: u64, months: u32) -> u64 {
    let unix_ms = unix_ms.min(MAX_MS);
    let time_of_day = unix_ms % DAY_MS;
    let (year, month, day) = civil_from_days(i64::try_from(unix_ms / DAY_MS).unwrap_or(0));
    let index = year * 12 + i64::from(month) - 1 + i64::from(months);
    let new_year = index.div_euclid(12);
    let new_month = u32::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    let new_day = day.min(days_in_month(new_year, new_month));
    let days = u64::try_from(days_from_civil(new_year, new_month, new_day)).unwrap_or(0);
    days.saturating_mul(DAY_MS)
        .saturating_add(time_of_day)
        .min(MAX_MS)
}

/// Abbreviated month names, January first: CLDR's `MMM` for en and pl.
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_PL: [&str; 12] = [
    "sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru",
];

/// The abbreviated name of a month (1-12) in a locale.
pub fn month_abbreviation(month: u32, locale: Locale) -> &'static str {
    let names = match locale {
        Locale::En => &MONTHS_EN,
        Locale::Pl => &MONTHS_PL,
    };
    let index = usize::try_from(month.clamp(1, 12) - 1).unwrap_or(0);
    names[index]
}

/// A calendar date the way both locales write it in full text:
/// `23 Nov 2026`, `23 lis 2026`.
pub fn format_date(year: i64, month: u32, day: u32, locale: Locale) -> String {
    format!("{day} {} {year}", month_abbreviation(month, locale))
}

/// The date of an RFC 3339 text as written (`2026-11-23T...` is 23 Nov 2026
/// whatever its offset), so a charge dated the 23rd reads the 23rd; `None`
/// when the text does not start with a valid `yyyy-MM-dd`.
pub fn format_date_prefix(text: &str, locale: Locale) -> Option<String> {
    let date = text.get(..10)?;
    let mut parts = date.splitn(3, '-');
    let year: i64 = parse_digits(parts.next()?, 4)?;
    let month: u32 = parse_digits(parts.next()?, 2)?;
    let day: u32 = parse_digits(parts.next()?, 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(format_date(year, month, day, locale))
}

fn parse_digits<T: std::str::FromStr>(text: &str, len: usize) -> Option<T> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// Date and 24-hour time of a Unix time, shifted by the viewer's UTC offset
/// in minutes (east positive): `23 Nov 2026, 18:05` / `23 lis 2026, 18:05`.
pub fn format_date_time(unix_ms: u64, offset_minutes: i32, locale: Locale) -> String {
    let t = UtcParts::from_unix_ms(shift(unix_ms, offset_minutes));
    format!(
        "{}, {:02}:{:02}",
        format_date(t.year, t.month, t.day, locale),
        t.hour,
        t.minute
    )
}

/// The 24-hour time of day with seconds (`18:05:09`) in the viewer's offset:
/// the same in both locales.
pub fn format_time(unix_ms: u64, offset_minutes: i32) -> String {
    let t = UtcParts::from_unix_ms(shift(unix_ms, offset_minutes));
    format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second)
}

fn shift(unix_ms: u64, offset_minutes: i32) -> u64 {
    let offset_ms = i64::from(offset_minutes) * 60_000;
    let shifted = i64::try_from(unix_ms)
        .unwrap_or(i64::MAX)
        .saturating_add(offset_ms);
    u64::try_from(shifted).unwrap_or(0)
}
