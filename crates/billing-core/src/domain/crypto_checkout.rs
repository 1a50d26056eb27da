//! The crypto checkout's rules, apart from the browser: the server's clock
//! (so a countdown stays right on a device whose clock is off), the
//! countdown and what it announces, the payment's progress and what is
//! left to send, the verdict the page shows for each status code, when a
//! watched payment ended, and readable timeline events.

use super::calendar;
use super::crypto::{StatusCategory, StatusCode};
use super::locale::{pick_polish, Locale};
use super::money::ExactAmount;
use super::polling::PollConfig;

/// How often a crypto charge is read again. Blocks come every few seconds
/// to minutes, and a quote lives 15 minutes, so checks start soon, back off
/// to at most 10 s, and give up only after 30 minutes of watching.
pub const POLL_CONFIG: PollConfig = PollConfig {
    first_delay_ms: 1_000,
    base_interval_ms: 2_500,
    growth_percent: 150,
    jitter_percent: 20,
    cap_ms: 10_000,
    deadline_ms: 30 * 60 * 1000,
    max_retry_after_ms: 60_000,
};
// Watching must outlast a quote's 15 minutes.
const _: () = assert!(POLL_CONFIG.deadline_ms > 15 * 60 * 1000);

/// The server's clock as seen from this device: the device's time plus an
/// offset learnt from a server timestamp. Countdowns to a server-given
/// `expiresAt` use it, so a device clock that is minutes off does not show
/// minutes that are not there (or hide minutes that are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerClock {
    offset_ms: i64,
}

impl ServerClock {
    /// No sample yet: trust the device.
    pub const DEVICE: ServerClock = ServerClock { offset_ms: 0 };

    pub const fn with_offset_ms(offset_ms: i64) -> Self {
        Self { offset_ms }
    }

    /// From a server time stamped while a request was in flight: the server
    /// read its clock somewhere between `sent_ms` and `received_ms` (device
    /// time), so the middle is the best guess, off by at most half the
    /// round trip.
    pub fn from_sample(server_ms: i64, sent_ms: i64, received_ms: i64) -> Self {
        let (early, late) = if sent_ms <= received_ms {
            (sent_ms, received_ms)
        } else {
            (received_ms, sent_ms)
        };
        let midpoint = early + (late - early) / 2;
        Self {
            offset_ms: server_ms.saturating_sub(midpoint),
        }
    }

    /// From an HTTP `Date` header. The header has whole seconds, so the
    /// server's time was somewhere in the half-open second after it; the
    /// middle of that second is used.
    pub fn from_http_date(header: &str, sent_ms: i64, received_ms: i64) -> Option<Self> {
        let seconds = parse_http_date(header)?;
        Some(Self::from_sample(
            seconds.saturating_add(500),
            sent_ms,
            received_ms,
        ))
    }

    pub const fn offset_ms(self) -> i64 {
        self.offset_ms
    }

    /// The server's time now, from the device's time now.
    pub const fn now_ms(self, device_ms: i64) -> i64 {
        device_ms.saturating_add(self.offset_ms)
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// An HTTP date in the one form servers must send (RFC 9110's IMF-fixdate,
/// `Sun, 06 Nov 1994 08:49:37 GMT`), as milliseconds since the epoch. The
/// obsolete forms are refused: a clock sample is optional, a wrong one is
/// worse than none.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let text = text.trim();
    let (_weekday, rest) = text.split_once(", ")?;
    let rest = rest.strip_suffix(" GMT")?;
    let mut parts = rest.split(' ');
    let (day, month, year, time) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || day.len() != 2 || year.len() != 4 || time.len() != 8 {
        return None;
    }
    let number = |s: &str| -> Option<u32> {
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let day = number(day)?;
    let month = u32::try_from(MONTHS.iter().position(|m| *m == month)? + 1).ok()?;
    let year = i64::from(number(year)?);
    let mut clock = time.split(':');
    let (hour, minute, second) = (
        number(clock.next()?)?,
        number(clock.next()?)?,
        number(clock.next()?)?,
    );
    if clock.next().is_some()
        || day == 0
        || day > calendar::days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = calendar::days_from_civil(year, month, day);
    let seconds = days * 86_400 + i64::from(hour * 3_600 + minute * 60 + second.min(59));
    Some(seconds * 1_000)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` for `unix_ms` (the mock's `Date`).
pub fn http_date(unix_ms: u64) -> String {
    let t = calendar::UtcParts::from_unix_ms(unix_ms);
    let days = unix_ms / 86_400_000;
    let weekday = WEEKDAYS[usize::try_from(days % 7).unwrap_or(0)];
    let month = MONTHS[usize::try_from(t.month.saturating_sub(1)).unwrap_or(0) % 12];
    format!(
        "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT",
        t.day, t.year, t.hour, t.minute, t.second
    )
}

/// The server's time a charge's countdown reads: never before the charge
/// was made, so a clock estimate a few hundred milliseconds early cannot
/// show more time than the quote ever had.
pub fn countdown_now_ms(server_now_ms: i64, created_at_ms: i64) -> i64 {
    server_now_ms.max(created_at_ms)
}

/// How long a quote has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLeft {
    /// Whole seconds, rounded up: "0:01" shows until the very end.
    Left {
        secs: u64,
    },
    Expired,
}

impl TimeLeft {
    pub fn until(expires_at_ms: i64, server_now_ms: i64) -> Self {
        let left_ms = expires_at_ms.saturating_sub(server_now_ms);
        if left_ms <= 0 {
            return Self::Expired;
        }
        let secs = u64::try_from(left_ms).unwrap_or(u64::MAX).div_ceil(1_000);
        Self::Left { secs }
    }

    pub const fn is_expired(self) -> bool {
        matches!(self, Self::Expired)
    }

    /// `14:05`, or `1:02:03` past an hour; `0:00` once expired.
    pub fn clock_text(self) -> String {
        let secs = match self {
            Self::Left { secs } => secs,
            Self::Expired => 0,
        };
        let (hours, minutes, seconds) = (secs / 3_600, secs / 60 % 60, secs % 60);
        if hours > 0 {
            format!("{hours}:{minutes:02}:{seconds:02}")
        } else {
            format!("{minutes}:{seconds:02}")
        }
    }

    /// The sentence a screen reader hears. It changes only at a few
    /// thresholds, so a live region does not read out every second.
    pub fn announcement(self) -> &'static str {
        match self {
            Self::Expired => "The quote has expired.",
            Self::Left { secs } if secs <= 60 => "Less than a minute left to pay.",
            Self::Left { secs } if secs <= 5 * 60 => "Less than 5 minutes left to pay.",
            Self::Left { .. } => "",
        }
    }
}

impl TimeLeft {
    /// [`Self::announcement`] in `locale`.
    pub fn announcement_in(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::En, _) => self.announcement(),
            (Locale::Pl, Self::Expired) => "Wycena wygasła.",
            (Locale::Pl, Self::Left { secs }) if secs <= 60 => {
                "Na zapłatę została mniej niż minuta."
            }
            (Locale::Pl, Self::Left { secs }) if secs <= 5 * 60 => {
                "Na zapłatę zostało mniej niż 5 minut."
            }
            (Locale::Pl, Self::Left { .. }) => "",
        }
    }
}

/// What arrived in the chosen coin against what is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentProgress {
    /// The quote's amount.
    pub due: ExactAmount,
    /// Settled plus still confirming.
    pub received: ExactAmount,
    /// What the server says is still to send.
    pub outstanding: ExactAmount,
    /// Received beyond what was due, if anything.
    pub overpaid_by: Option<ExactAmount>,
    /// The least confirmed transaction's confirmations, and how many the
    /// coin needs; `None` before any transaction.
    pub confirmations: Option<Confirmations>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirmations {
    pub seen: u32,
    pub required: Option<u32>,
}

impl Confirmations {
    /// `2 of 3 confirmations`; without a known requirement, `2 confirmations`.
    pub fn text(self) -> String {
        let noun = |n: u32| {
            if n == 1 {
                "confirmation"
            } else {
                "confirmations"
            }
        };
        match self.required {
            Some(required) => format!("{} of {required} {}", self.seen, noun(required)),
            None => format!("{} {}", self.seen, noun(self.seen)),
        }
    }
}

impl Confirmations {
    /// [`Self::text`] in `locale`: `2 z 3 potwierdzeń`, `1 potwierdzenie`.
    pub fn text_in(self, locale: Locale) -> String {
        if locale == Locale::En {
            return self.text();
        }
        let noun = |n: u32| {
            pick_polish(
                u64::from(n),
                "potwierdzenie",
                "potwierdzenia",
                "potwierdzeń",
            )
        };
        match self.required {
            // "z" takes the genitive: singular after 1, plural otherwise.
            Some(1) => format!("{} z 1 potwierdzenia", self.seen),
            Some(required) => format!("{} z {required} potwierdzeń", self.seen),
            None => format!("{} {}", self.seen, noun(self.seen)),
        }
    }
}

impl PaymentProgress {
    /// From a payment's figures as the server sent them. Amounts that do not
    /// add up (an overflow) count as nothing received beyond `settled`.
    pub fn new(
        due: &ExactAmount,
        settled: &ExactAmount,
        pending: &ExactAmount,
        outstanding: &ExactAmount,
        least_confirmations: Option<u32>,
        required: Option<u32>,
    ) -> Self {
        let received = settled
            .checked_add(pending)
            .unwrap_or(*settled)
            .normalized();
        let overpaid_by = received
            .checked_sub(due)
            .filter(ExactAmount::is_positive)
            .map(|extra| extra.normalized());
        Self {
            due: *due,
            received,
            outstanding: outstanding.normalized(),
            overpaid_by,
            confirmations: least_confirmations.map(|seen| Confirmations { seen, required }),
        }
    }

    /// Nothing has arrived yet.
    pub fn nothing_received(&self) -> bool {
        !self.received.is_positive()
    }
}

/// What the buyer is asked to send for a quote of `due`: once part has
/// arrived, only what the server still expects; before that, or once
/// nothing is outstanding, the quote's amount.
pub fn amount_to_send(progress: Option<&PaymentProgress>, due: ExactAmount) -> ExactAmount {
    progress
        .filter(|p| p.outstanding.is_positive() && !p.nothing_received())
        .map_or(due, |p| p.outstanding)
}

/// How a payment the page watched while it was open came to an end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Paid,
    /// Failed or errored: final, and not paid.
    NotPaid,
}

/// Whether the status moving from `before` to `now` ends a payment: only a
/// move from a status still followed to a final one does, so a page opened
/// on a charge that had already ended says nothing.
pub fn payment_ended(before: Option<StatusCode>, now: Option<StatusCode>) -> Option<Ended> {
    let now = now?;
    if !before.is_some_and(StatusCode::should_poll) {
        return None;
    }
    if now.is_paid() {
        Some(Ended::Paid)
    } else if now.is_terminal() {
        Some(Ended::NotPaid)
    } else {
        None
    }
}

/// How a verdict looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Waiting,
    Progress,
    Success,
    Warning,
    Danger,
    Unknown,
}

impl Tone {
    /// The CSS/test name of the tone.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Progress => "progress",
            Self::Success => "success",
            Self::Warning => "warning",
            Self::Danger => "danger",
            Self::Unknown => "unknown",
        }
    }
}

/// What to offer once the verdict is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Keep the payment details up: the buyer still has to send coins.
    Pay,
    /// Wait: the network or the provider is working on it.
    Wait,
    /// Nothing arrived and the quote is void: a fresh quote is safe.
    Requote,
    /// Paid: show the receipt.
    Receipt,
    /// Money moved but the payment did not complete: talk to the seller;
    /// a new quote would ask for the money again.
    ContactSeller,
}

/// The page's headline for a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub tone: Tone,
    pub title: String,
    pub detail: String,
    pub next: NextStep,
}

/// Decides what the buyer is told, in English; see [`verdict_in`].
pub fn verdict(
    code: StatusCode,
    progress: Option<&PaymentProgress>,
    ticker: &str,
    expired: bool,
) -> Verdict {
    verdict_in(code, progress, ticker, expired, Locale::En)
}

/// Decides what the buyer is told, worded in `locale`. `progress` is for the
/// coin being paid in, `ticker` its symbol, and `expired` whether the
/// quote's time is up by the server's clock (the status may not say so
/// until the next read). Only 300, 310 and 320 are ever called paid; an
/// unnamed 3xx and a code outside every range are "unknown" and the page
/// keeps checking.
/// Amounts keep every digit, with the locale's decimal separator.
pub fn verdict_in(
    code: StatusCode,
    progress: Option<&PaymentProgress>,
    ticker: &str,
    expired: bool,
    locale: Locale,
) -> Verdict {
    let polish = locale == Locale::Pl;
    let tr = |en: &'static str, pl: &'static str| if polish { pl } else { en };
    let make = |tone, title: &str, detail: String, next| Verdict {
        tone,
        title: title.to_owned(),
        detail,
        next,
    };
    let amount = |a: &ExactAmount| a.display_locale(locale);
    let described = |code: StatusCode| code.description_in(locale).to_owned();
    let nothing_received = progress.is_none_or(PaymentProgress::nothing_received);
    let quote_expired = || {
        make(
            Tone::Warning,
            tr("Quote expired", "Wycena wygasła"),
            tr(
                "The time to pay ran out before any payment arrived. Get a new quote to pay at \
                 today's rate.",
                "Czas na zapłatę minął, zanim dotarła jakakolwiek płatność. Pobierz nową \
                 wycenę, aby zapłacić po dzisiejszym kursie.",
            )
            .to_owned(),
            NextStep::Requote,
        )
    };
    match code.get() {
        // The server may not say so until its next answer.
        100 if expired && nothing_received => quote_expired(),
        410 => quote_expired(),
        105 => {
            let detail = match progress {
                Some(p) if p.outstanding.is_positive() => {
                    let (received, outstanding) = (amount(&p.received), amount(&p.outstanding));
                    if polish {
                        format!(
                            "Dotarło {received} {ticker}. Wyślij jeszcze {outstanding} {ticker} \
                             na ten sam adres, aby dokończyć płatność."
                        )
                    } else {
                        format!(
                            "{received} {ticker} arrived. Send {outstanding} {ticker} more to \
                             the same address to complete the payment."
                        )
                    }
                }
                _ => described(code),
            };
            let next = if expired {
                NextStep::ContactSeller
            } else {
                NextStep::Pay
            };
            make(
                Tone::Warning,
                tr("Partially paid", "Częściowo opłacona"),
                detail,
                next,
            )
        }
        200 => {
            let detail = match progress.and_then(|p| p.confirmations) {
                Some(confirmations) if polish => format!(
                    "Twoja płatność pojawiła się w sieci: {} do tej pory.",
                    confirmations.text_in(locale)
                ),
                Some(confirmations) => format!(
                    "Your payment was seen on the network: {} so far.",
                    confirmations.text_in(locale)
                ),
                None => described(code),
            };
            let title = tr("Confirming payment", "Potwierdzanie płatności");
            make(Tone::Progress, title, detail, NextStep::Wait)
        }
        310 => {
            let detail = match progress.and_then(|p| p.overpaid_by.as_ref()) {
                Some(extra) if polish => format!(
                    "Płatność zakończona. Wysłano o {} {ticker} więcej, niż było trzeba; \
                     skontaktuj się ze sprzedawcą, aby odzyskać różnicę.",
                    amount(extra)
                ),
                Some(extra) => format!(
                    "Your payment is complete. You sent {} {ticker} more than required; \
                     contact the seller to get the difference back.",
                    amount(extra)
                ),
                None => described(code),
            };
            make(
                Tone::Success,
                tr("Paid", "Opłacona"),
                detail,
                NextStep::Receipt,
            )
        }
        405 => {
            let detail = match progress {
                Some(p) => {
                    let (received, due) = (amount(&p.received), amount(&p.due));
                    if polish {
                        format!(
                            "Czas minął, a dotarło {received} z {due} {ticker}. Skontaktuj się \
                             ze sprzedawcą w sprawie zwrotu tego, co dotarło."
                        )
                    } else {
                        format!(
                            "The time ran out with {received} of {due} {ticker} received. \
                             Contact the seller about a refund of what arrived."
                        )
                    }
                }
                None => described(code),
            };
            let title = tr("Underpaid", "Niedopłata");
            make(Tone::Danger, title, detail, NextStep::ContactSeller)
        }
        417 => make(
            Tone::Warning,
            tr("Under review", "W weryfikacji"),
            tr(
                "You sent more than required, so the payment is being reviewed by hand. The \
                 seller will contact you.",
                "Wysłano więcej, niż było trzeba, więc płatność jest sprawdzana ręcznie. \
                 Sprzedawca się z Tobą skontaktuje.",
            )
            .to_owned(),
            NextStep::ContactSeller,
        ),
        420 => make(
            Tone::Danger,
            tr("Paid too late", "Opłacona za późno"),
            tr(
                "Your payment arrived after the quote expired, so it was not accepted \
                 automatically. Contact the seller to complete the purchase or get a refund.",
                "Płatność dotarła po wygaśnięciu wyceny, więc nie została przyjęta \
                 automatycznie. Skontaktuj się ze sprzedawcą, aby dokończyć zakup lub otrzymać \
                 zwrot.",
            )
            .to_owned(),
            NextStep::ContactSeller,
        ),
        450 => make(
            Tone::Warning,
            if polish {
                code.label_in(locale)
            } else {
                "Refunded"
            },
            described(code),
            NextStep::ContactSeller,
        ),
        _ => {
            let label = code.label_in(locale);
            let title = match (code.name().is_some(), polish) {
                (true, _) => label.to_owned(),
                (false, true) => format!("{label} (kod {code})"),
                (false, false) => format!("{label} (code {code})"),
            };
            let (tone, next) = match code.category() {
                StatusCategory::Pending => (Tone::Waiting, NextStep::Pay),
                StatusCategory::Processing => (Tone::Progress, NextStep::Wait),
                StatusCategory::Paid => (Tone::Success, NextStep::Receipt),
                StatusCategory::Failed | StatusCategory::Error if nothing_received => {
                    (Tone::Danger, NextStep::Requote)
                }
                StatusCategory::Failed | StatusCategory::Error => {
                    (Tone::Danger, NextStep::ContactSeller)
                }
                StatusCategory::Unknown => (Tone::Unknown, NextStep::Wait),
            };
            Verdict {
                tone,
                title,
                detail: described(code),
                next,
            }
        }
    }
}

/// A timeline event's type (`BITCOIN_TRANSACTION_CONFIRMED`) in words, in
/// English; see [`event_label_in`].
pub fn event_label(event_type: &str) -> String {
    event_label_in(event_type, Locale::En)
}

/// A timeline event's type in words, in `locale`. Types are an open set:
/// unknown ones are turned into words as they are.
pub fn event_label_in(event_type: &str, locale: Locale) -> String {
    let polish = locale == Locale::Pl;
    let tr = |en: &str, pl: &str| if polish { pl } else { en }.to_owned();
    let coin_event = |suffix: &str| {
        event_type
            .strip_suffix(suffix)
            .filter(|coin| !coin.is_empty())
            .map(coin_name)
    };
    if let Some(coin) = coin_event("_TRANSACTION_CREATED") {
        return tr(
            "{coin} payment seen on the network",
            "{coin}: płatność widoczna w sieci",
        )
        .replace("{coin}", &coin);
    }
    if let Some(coin) = coin_event("_TRANSACTION_CONFIRMED") {
        return tr(
            "{coin} payment confirmed by a block",
            "{coin}: płatność potwierdzona w bloku",
        )
        .replace("{coin}", &coin);
    }
    if let Some(coin) = coin_event("_TRANSACTION_FAILED") {
        return tr("{coin} payment failed", "{coin}: płatność nieudana").replace("{coin}", &coin);
    }
    match event_type {
        "CHARGE_CREATED" => tr("Charge created", "Utworzono płatność"),
        "CHARGE_EXPIRED" => tr("Quote expired", "Wycena wygasła"),
        "CHARGE_REVIEW" => tr("Sent for review", "Przekazano do weryfikacji"),
        "CHARGE_REFUNDED" => tr("Payment refunded", "Płatność zwrócona"),
        "CHARGE_ERROR" => tr("Provider error", "Błąd operatora"),
        other => humanize(other),
    }
}

/// `BITCOINCASH` -> `Bitcoin Cash` for known coins, else `Dogecoin`.
fn coin_name(upper: &str) -> String {
    let lower = upper.to_ascii_lowercase();
    match super::crypto::currency_info(&lower) {
        Some(info) => info.name.to_owned(),
        None => humanize(upper),
    }
}

/// `SOME_EVENT` -> `Some event`; at most 60 characters, control
/// characters dropped.
fn humanize(raw: &str) -> String {
    let words: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(60)
        .map(|c| {
            if c == '_' {
                ' '
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let words = words.trim();
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Event".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> ExactAmount {
        ExactAmount::parse(text).expect("test amount")
    }

    fn progress(due: &str, settled: &str, pending: &str, outstanding: &str) -> PaymentProgress {
        PaymentProgress::new(
            &amount(due),
            &amount(settled),
            &amount(pending),
            &amount(outstanding),
            Some(1),
            Some(2),
        )
    }

    #[test]
    fn the_polling_configuration_is_valid_and_outlives_a_quote() {
        assert_eq!(POLL_CONFIG.validate(), Ok(()));
    }

    #[test]
    fn a_server_sample_gives_the_offset_from_the_middle_of_the_round_trip() {
        // The device is 5 minutes behind the server; the round trip took 400 ms.
        let clock = ServerClock::from_sample(1_000_000_200, 999_700_000, 999_700_400);
        assert_eq!(clock.offset_ms(), 300_000);
        assert_eq!(clock.now_ms(999_800_000), 1_000_100_000);
        // Swapped times are not a negative round trip.
        let swapped = ServerClock::from_sample(10_000, 9_000, 8_000);
        assert_eq!(swapped.offset_ms(), 1_500);
    }

    #[test]
    fn http_dates_round_trip_and_bad_ones_are_refused() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        assert_eq!(http_date(784_111_777_000), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        for ms in [0_u64, 951_782_400_000, 1_763_900_000_999, 4_102_444_799_000] {
            let text = http_date(ms);
            assert_eq!(
                parse_http_date(&text),
                Some((ms / 1000 * 1000) as i64),
                "{text}"
            );
        }
        for bad in [
            "",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nox 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:4a:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_date_header_is_read_as_the_middle_of_its_second() {
        let clock =
            ServerClock::from_http_date("Thu, 01 Jan 1970 00:01:00 GMT", 1_000, 1_000).unwrap();
        assert_eq!(clock.offset_ms(), 60_500 - 1_000);
        assert_eq!(ServerClock::from_http_date("yesterday", 0, 0), None);
    }

    #[test]
    fn the_countdown_rounds_up_and_ends_expired() {
        let expires = 1_000_000;
        assert_eq!(
            TimeLeft::until(expires, expires - 900_000),
            TimeLeft::Left { secs: 900 }
        );
        assert_eq!(
            TimeLeft::until(expires, expires - 899_001).clock_text(),
            "15:00"
        );
        assert_eq!(TimeLeft::until(expires, expires - 1).clock_text(), "0:01");
        assert_eq!(TimeLeft::until(expires, expires), TimeLeft::Expired);
        assert_eq!(TimeLeft::until(expires, expires + 5).clock_text(), "0:00");
        assert_eq!(TimeLeft::Left { secs: 3_723 }.clock_text(), "1:02:03");
        assert_eq!(TimeLeft::Left { secs: 65 }.clock_text(), "1:05");
    }

    #[test]
    fn a_device_clock_that_is_off_does_not_move_the_countdown() {
        let created_on_server = 1_700_000_000_000_i64;
        let expires = created_on_server + 15 * 60_000;
        // The device is 7 minutes behind; the create request took 200 ms.
        let device_sent = created_on_server - 7 * 60_000 - 100;
        let clock = ServerClock::from_sample(created_on_server, device_sent, device_sent + 200);
        let device_now = device_sent + 200 + 60_000;
        let left = TimeLeft::until(expires, clock.now_ms(device_now));
        assert_eq!(left.clock_text(), "14:00");
        // Trusting the device would have shown 21 minutes.
        assert_eq!(TimeLeft::until(expires, device_now).clock_text(), "21:00");
    }

    #[test]
    fn announcements_change_only_at_thresholds() {
        let said = |secs| TimeLeft::Left { secs }.announcement();
        assert_eq!(said(900), "");
        assert_eq!(said(301), "");
        assert_eq!(said(300), said(61));
        assert_ne!(said(300), said(60));
        assert_eq!(said(60), said(1));
        assert_eq!(TimeLeft::Expired.announcement(), "The quote has expired.");
    }

    #[test]
    fn progress_adds_pending_to_settled_and_spots_overpayment() {
        let p = progress("0.029366", "0.01", "0.005", "0.014366");
        assert_eq!(p.received.to_string(), "0.015");
        assert_eq!(p.outstanding.to_string(), "0.014366");
        assert_eq!(p.overpaid_by, None);
        assert!(!p.nothing_received());
        let over = progress("0.5", "0.55", "0", "0");
        assert_eq!(
            over.overpaid_by.map(|a| a.to_string()),
            Some("0.05".to_owned())
        );
        assert!(progress("1", "0", "0", "1").nothing_received());
        assert_eq!(
            Confirmations {
                seen: 1,
                required: Some(3)
            }
            .text(),
            "1 of 3 confirmations"
        );
        assert_eq!(
            Confirmations {
                seen: 1,
                required: None
            }
            .text(),
            "1 confirmation"
        );
    }

    #[test]
    fn underpaid_says_exactly_how_much_more_to_send() {
        let p = progress("0.029366", "0.014683", "0", "0.014683");
        let v = verdict(StatusCode::UNDERPAID, Some(&p), "BTC", false);
        assert_eq!(v.tone, Tone::Warning);
        assert_eq!(v.next, NextStep::Pay);
        assert!(v.detail.contains("Send 0.014683 BTC more"), "{}", v.detail);
        // Once the time is up, more coins would arrive late: no more paying.
        let late = verdict(StatusCode::UNDERPAID, Some(&p), "BTC", true);
        assert_eq!(late.next, NextStep::ContactSeller);
    }

    #[test]
    fn only_paid_codes_lead_to_a_receipt() {
        for raw in 0..=1000_u16 {
            let v = verdict(StatusCode::new(raw), None, "BTC", false);
            let paid = [300, 310, 320].contains(&raw);
            assert_eq!(v.next == NextStep::Receipt, paid, "code {raw}");
            assert_eq!(v.tone == Tone::Success, paid, "code {raw}");
        }
    }

    #[test]
    fn every_locale_makes_the_same_decision_in_its_own_words() {
        let part = progress("0.02", "0.005", "0", "0.015");
        for raw in [
            100, 105, 110, 200, 300, 310, 320, 330, 400, 405, 410, 417, 420, 450, 500, 999,
        ] {
            for expired in [false, true] {
                let code = StatusCode::new(raw);
                let en = verdict(code, Some(&part), "BTC", expired);
                let pl = verdict_in(code, Some(&part), "BTC", expired, Locale::Pl);
                assert_eq!((en.tone, en.next), (pl.tone, pl.next), "code {raw}");
                assert_ne!(en.title, pl.title, "code {raw} has a Polish title");
            }
        }
        let pl = verdict_in(StatusCode::new(105), Some(&part), "BTC", false, Locale::Pl);
        assert_eq!(pl.title, "Częściowo opłacona");
        assert!(
            pl.detail.contains("Wyślij jeszcze 0,015 BTC"),
            "{}",
            pl.detail
        );
        let en = verdict(StatusCode::new(105), Some(&part), "BTC", false);
        assert!(en.detail.contains("Send 0.015 BTC more"), "{}", en.detail);
        let unknown = verdict_in(StatusCode::new(999), None, "BTC", false, Locale::Pl);
        assert!(unknown.title.ends_with("(kod 999)"), "{}", unknown.title);
    }

    #[test]
    fn unknown_codes_say_so_and_keep_checking() {
        let v = verdict(StatusCode::new(999), None, "BTC", false);
        assert_eq!(v.tone, Tone::Unknown);
        assert_eq!(v.next, NextStep::Wait);
        assert!(v.title.contains("999"), "{}", v.title);
        let success_unnamed = verdict(StatusCode::new(330), None, "BTC", false);
        assert_eq!(success_unnamed.title, "Status unknown (code 330)");
        assert_eq!(success_unnamed.tone, Tone::Unknown, "never shown as paid");
        assert_eq!(success_unnamed.next, NextStep::Wait);
    }

    #[test]
    fn a_new_quote_is_offered_only_when_nothing_arrived() {
        let none = progress("1", "0", "0", "1");
        let some = progress("1", "0.5", "0", "0.5");
        let expired_pending = verdict(StatusCode::PENDING, Some(&none), "ETH", true);
        assert_eq!(expired_pending.next, NextStep::Requote);
        assert_eq!(expired_pending.title, "Quote expired");
        assert_eq!(
            verdict(StatusCode::TIMEOUT, None, "ETH", true).next,
            NextStep::Requote
        );
        assert_eq!(
            verdict(StatusCode::FAILURE, Some(&none), "ETH", false).next,
            NextStep::Requote
        );
        assert_eq!(
            verdict(StatusCode::FAILURE, Some(&some), "ETH", false).next,
            NextStep::ContactSeller
        );
        for late in [
            StatusCode::LATE,
            StatusCode::REVIEW,
            StatusCode::UNDERPAID_EXPIRED,
        ] {
            assert_eq!(
                verdict(late, Some(&some), "ETH", true).next,
                NextStep::ContactSeller
            );
        }
        // Not expired yet: keep paying.
        assert_eq!(
            verdict(StatusCode::PENDING, Some(&none), "ETH", false).next,
            NextStep::Pay
        );
    }

    #[test]
    fn confirming_shows_confirmations_and_overpaid_shows_the_extra() {
        let p = progress("0.86392", "0", "0.86392", "0");
        let v = verdict(StatusCode::PROCESSING, Some(&p), "ETH", false);
        assert!(v.detail.contains("1 of 2 confirmations"), "{}", v.detail);
        let over = progress("0.5", "0.55", "0", "0");
        let v = verdict(StatusCode::OVERPAID, Some(&over), "ETH", false);
        assert!(
            v.detail.contains("0.05 ETH more than required"),
            "{}",
            v.detail
        );
        let late = verdict(
            StatusCode::UNDERPAID_EXPIRED,
            Some(&progress("1", "0.4", "0", "0.6")),
            "LTC",
            true,
        );
        assert!(late.detail.contains("0.4 of 1 LTC"), "{}", late.detail);
    }

    #[test]
    fn timeline_events_read_as_words() {
        assert_eq!(event_label("CHARGE_CREATED"), "Charge created");
        assert_eq!(
            event_label("BITCOIN_TRANSACTION_CREATED"),
            "Bitcoin payment seen on the network"
        );
        assert_eq!(
            event_label("BITCOINCASH_TRANSACTION_CONFIRMED"),
            "Bitcoin Cash payment confirmed by a block"
        );
        assert_eq!(
            event_label("DOGECOIN_TRANSACTION_FAILED"),
            "Dogecoin payment failed"
        );
        assert_eq!(event_label("PAYOUT_SENT"), "Payout sent");
        assert_eq!(event_label("_TRANSACTION_CREATED"), "Transaction created");
        assert_eq!(event_label(""), "Event");
        assert_eq!(event_label("A\u{7}B"), "Ab");
        assert!(event_label(&"X".repeat(500)).len() <= 60);
    }

    #[test]
    fn timeline_events_read_in_polish() {
        let pl = |event: &str| event_label_in(event, Locale::Pl);
        assert_eq!(pl("CHARGE_EXPIRED"), "Wycena wygasła");
        assert_eq!(
            pl("BITCOIN_TRANSACTION_CONFIRMED"),
            "Bitcoin: płatność potwierdzona w bloku"
        );
        // A coin name is inserted as it is, never read as a template.
        assert_eq!(
            pl("{COIN}_TRANSACTION_FAILED"),
            format!("{}: płatność nieudana", coin_name("{COIN}"))
        );
        assert_eq!(
            pl("PAYOUT_SENT"),
            "Payout sent",
            "unknown types are worded as sent"
        );
    }
}
