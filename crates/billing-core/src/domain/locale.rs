//! The page's language: which one to use, Polish plural forms and plain
//! number formatting. Money is formatted in `money`, dates in `calendar`;
//! the texts themselves live in the `i18n` catalog.

/// A language the widget speaks. English is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Pl,
}

/// The `locale` setting of the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LocaleSetting {
    /// Follow the `?lang=` parameter, then the browser's languages.
    #[default]
    Auto,
    Fixed(Locale),
}

/// A non-breaking space: CLDR pl groups thousands with it and puts it
/// between an amount and its currency, so neither is split across lines.
pub const NBSP: char = '\u{a0}';

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Pl];

    /// The BCP 47 tag for `<html lang>`.
    pub const fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Pl => "pl",
        }
    }

    /// An exact code as the configuration or `?lang=` gives it (`en`, `pl`,
    /// any case); anything else is `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "pl" => Some(Self::Pl),
            _ => None,
        }
    }

    /// A browser language tag (`pl-PL`, `en_US`, `PL`); only its primary
    /// subtag counts, so `plx` is not Polish.
    pub fn from_language_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        Self::from_code(primary)
    }

    /// Decimal separator of plain numbers.
    pub const fn decimal_separator(self) -> char {
        match self {
            Self::En => '.',
            Self::Pl => ',',
        }
    }
}

impl LocaleSetting {
    /// `"auto"`, `"en"` or `"pl"`; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.trim().eq_ignore_ascii_case("auto") {
            return Some(Self::Auto);
        }
        Locale::from_code(raw).map(Self::Fixed)
    }
}

/// The language of the page, most explicit first: a valid `?lang=` value,
/// then a fixed configuration setting, then the first browser language the
/// widget speaks, else English.
pub fn choose_locale<S: AsRef<str>>(
    query_lang: Option<&str>,
    setting: LocaleSetting,
    browser_languages: &[S],
) -> Locale {
    if let Some(locale) = query_lang.and_then(Locale::from_code) {
        return locale;
    }
    if let LocaleSetting::Fixed(locale) = setting {
        return locale;
    }
    browser_languages
        .iter()
        .find_map(|tag| Locale::from_language_tag(tag.as_ref()))
        .unwrap_or_default()
}

/// The `lang` query parameter of a query string (with or without `?`).
pub fn query_lang(query: &str) -> Option<String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "lang")
        .map(|(_, value)| value.into_owned())
}

/// CLDR plural categories Polish uses for whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolishPlural {
    /// 1: "1 opłata".
    One,
    /// 2-4, 22-24, 32-34... but not 12-14: "2 opłaty".
    Few,
    /// 0, 5-21, 25-31...: "5 opłat".
    Many,
}

pub fn polish_plural(n: u64) -> PolishPlural {
    let (last, last_two) = (n % 10, n % 100);
    if n == 1 {
        PolishPlural::One
    } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
        PolishPlural::Few
    } else {
        PolishPlural::Many
    }
}

/// Picks the Polish form for `n`: `pick_polish(n, "opłata", "opłaty", "opłat")`.
pub fn pick_polish<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    match polish_plural(n) {
        PolishPlural::One => one,
        PolishPlural::Few => few,
        PolishPlural::Many => many,
    }
}

/// `text` in Polish quotation marks („…”), control characters escaped so
/// nothing invisible reaches the page.
pub fn polish_quoted(text: &str) -> String {
    let mut quoted = String::from('\u{201e}');
    for c in text.chars() {
        if c.is_control() {
            quoted.extend(c.escape_default());
        } else {
            quoted.push(c);
        }
    }
    quoted.push('\u{201d}');
    quoted
}

/// Digits of a whole number grouped the locale's way: `12,345` in English;
/// in Polish (CLDR's minimum grouping of 2) `1234` stays whole and `12 345`
/// is grouped with non-breaking spaces.
pub fn group_digits(value: u64, locale: Locale) -> String {
    let digits = value.to_string();
    let (separator, min_len) = match locale {
        Locale::En => (',', 4),
        Locale::Pl => (NBSP, 5),
    };
    if digits.len() < min_len {
        return digits;
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(ch);
    }
    out
}

/// A count or other whole number as text: `1,234` / `1234`, `12,345` /
/// `12 345`.
pub fn format_count(value: u64, locale: Locale) -> String {
    group_digits(value, locale)
}
