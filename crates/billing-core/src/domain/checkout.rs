//! The return page after LiveChat's confirmation page: what to do next, the
//! status timeline, the exactly-once activation log, and refund estimates.
//!
//! The shell performs the effects (fetch, localStorage, timers); everything
//! here is a pure decision over plain values, so a reload, a second tab or a
//! clock moved back are all testable natively.

use super::locale::Locale;
use super::ordering::{millis_key, sort_by_key, Direction};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::calendar::{UtcParts, DAY_MS};
use super::charge::{validate_id, ChargeKind, DirectChargeStatus, RecurrentChargeStatus};
use super::money::Cents;

// ---------------------------------------------------------------------------
// Activation log
// ---------------------------------------------------------------------------

/// One claimed activation. `done: false` means the activate request may
/// still be on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationEntry {
    charge_kind: ChargeKind,
    charge_id: String,
    at_ms: u64,
    done: bool,
}

impl ActivationEntry {
    pub fn charge_kind(&self) -> ChargeKind {
        self.charge_kind
    }

    pub fn charge_id(&self) -> &str {
        &self.charge_id
    }

    /// When it was claimed, or when it finished once `done`.
    pub fn at_ms(&self) -> u64 {
        self.at_ms
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    fn is(&self, kind: ChargeKind, id: &str) -> bool {
        self.charge_kind == kind && self.charge_id == id
    }

    fn ttl_ms(&self) -> u64 {
        if self.done {
            ActivationLog::DONE_TTL_MS
        } else {
            ActivationLog::IN_FLIGHT_TTL_MS
        }
    }

    /// Within its TTL on either side of `now`: an entry far in the future
    /// (the clock moved back) is as stale as an old one, so it cannot block
    /// a charge forever.
    fn is_live(&self, now_ms: u64) -> bool {
        let ttl = self.ttl_ms();
        self.at_ms.saturating_add(ttl) > now_ms && self.at_ms <= now_ms.saturating_add(ttl)
    }

    fn state(&self) -> ActivationState {
        if self.done {
            ActivationState::Done { at_ms: self.at_ms }
        } else {
            ActivationState::InFlight {
                since_ms: self.at_ms,
            }
        }
    }
}

/// Where an activation stands, as far as this browser knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationState {
    /// A page sent (or is about to send) the activate request.
    InFlight { since_ms: u64 },
    /// The activate request succeeded (or the server said it already had).
    Done { at_ms: u64 },
}

/// Why [`ActivationLog::claim`] refused: another page owns the activation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimRefused {
    #[error("another page is activating this charge (since {since_ms})")]
    InFlight { since_ms: u64 },
    #[error("this charge was already activated (at {at_ms})")]
    AlreadyActivated { at_ms: u64 },
    /// Such an id could not be stored and read back, so it is never claimed.
    #[error("the charge id is not valid")]
    InvalidId,
}

/// Activations claimed by this browser, shared by its tabs through
/// localStorage, so an accepted charge is activated exactly once even across
/// a reload or a second tab. The shell reads the log, claims, writes it back
/// before sending the request, then marks it done or releases it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivationLog {
    entries: Vec<ActivationEntry>,
}

/// The stored shape, versioned so a future format is not misread.
#[derive(Serialize)]
struct StoredLog<'a> {
    v: u32,
    entries: &'a [ActivationEntry],
}

const FORMAT_VERSION: u32 = 1;

impl ActivationLog {
    pub const STORAGE_KEY: &'static str = "billing-widget.activations";
    /// An unfinished claim older than this may be taken over: the page that
    /// made it was closed or its request is lost.
    pub const IN_FLIGHT_TTL_MS: u64 = 60_000;
    /// A finished activation is forgotten after this; by then the charge has
    /// long left `accepted`, so it will not be activated again.
    pub const DONE_TTL_MS: u64 = 7 * DAY_MS;
    /// Bounds the stored size; the oldest entries go first.
    pub const MAX_ENTRIES: usize = 50;

    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the stored text. Anything unreadable is an empty log, and a bad
    /// entry is skipped rather than losing the good ones: storage can be
    /// edited by hand or written by an older version.
    pub fn from_json(text: &str) -> Self {
        let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) else {
            return Self::default();
        };
        if root.get("v").and_then(Value::as_u64) != Some(u64::from(FORMAT_VERSION)) {
            return Self::default();
        }
        let Some(Value::Array(raw)) = root.get("entries") else {
            return Self::default();
        };
        let mut log = Self::default();
        for value in raw.iter().take(Self::MAX_ENTRIES.saturating_mul(4)) {
            let Ok(entry) = ActivationEntry::deserialize(value) else {
                continue;
            };
            if validate_id(&entry.charge_id).is_err() {
                continue;
            }
            // A duplicate keeps its newest record.
            match log
                .entries
                .iter_mut()
                .find(|e| e.is(entry.charge_kind, &entry.charge_id))
            {
                Some(existing) if existing.at_ms >= entry.at_ms => {}
                Some(existing) => *existing = entry,
                None => log.entries.push(entry),
            }
        }
        log.trim();
        log
    }

    pub fn to_json(&self) -> String {
        let stored = StoredLog {
            v: FORMAT_VERSION,
            entries: &self.entries,
        };
        // Plain strings, integers and booleans: serialising cannot fail.
        serde_json::to_string(&stored).unwrap_or_default()
    }

    pub fn entries(&self) -> &[ActivationEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The name of the Web Lock one tab at a time holds while it activates
    /// the charge `id` (the log alone reaches other tabs late).
    pub fn lock_name(kind: ChargeKind, id: &str) -> String {
        format!("{}:{}:{id}", Self::STORAGE_KEY, kind.param())
    }

    /// Takes the right to activate. `Ok` means: write the log back, then send
    /// the activate request. A stale claim (past its TTL, or from the future)
    /// is taken over.
    pub fn claim(&mut self, kind: ChargeKind, id: &str, now_ms: u64) -> Result<(), ClaimRefused> {
        if validate_id(id).is_err() {
            return Err(ClaimRefused::InvalidId);
        }
        self.forget_stale(now_ms);
        if let Some(state) = self.state_of(kind, id, now_ms) {
            return Err(match state {
                ActivationState::InFlight { since_ms } => ClaimRefused::InFlight { since_ms },
                ActivationState::Done { at_ms } => ClaimRefused::AlreadyActivated { at_ms },
            });
        }
        self.upsert(kind, id, now_ms, false);
        Ok(())
    }

    /// The activate request succeeded, or the server answered that the charge
    /// was already activated. Recorded even without a claim (another tab's
    /// claim may have been taken over meanwhile).
    pub fn mark_done(&mut self, kind: ChargeKind, id: &str, now_ms: u64) {
        if validate_id(id).is_err() {
            return;
        }
        self.forget_stale(now_ms);
        self.upsert(kind, id, now_ms, true);
    }

    /// The activate request was refused with no effect (e.g. a 4xx other
    /// than "already activated"): another attempt may claim at once. A
    /// finished activation is never released.
    pub fn release(&mut self, kind: ChargeKind, id: &str) {
        self.entries.retain(|e| e.done || !e.is(kind, id));
    }

    /// The live state of a charge; `None` when nobody holds it, so this page
    /// may claim it.
    pub fn state_of(&self, kind: ChargeKind, id: &str, now_ms: u64) -> Option<ActivationState> {
        self.entries
            .iter()
            .find(|e| e.is(kind, id))
            .filter(|e| e.is_live(now_ms))
            .map(ActivationEntry::state)
    }

    fn forget_stale(&mut self, now_ms: u64) {
        self.entries.retain(|e| e.is_live(now_ms));
    }

    fn upsert(&mut self, kind: ChargeKind, id: &str, at_ms: u64, done: bool) {
        match self.entries.iter_mut().find(|e| e.is(kind, id)) {
            Some(entry) => {
                entry.at_ms = at_ms;
                entry.done = done;
            }
            None => self.entries.push(ActivationEntry {
                charge_kind: kind,
                charge_id: id.to_owned(),
                at_ms,
                done,
            }),
        }
        self.trim_keeping(kind, id);
    }

    fn trim(&mut self) {
        if self.entries.len() > Self::MAX_ENTRIES {
            // Newest first; the sort is stable, so ties keep their order.
            sort_by_key(&mut self.entries, Direction::Descending, |e| {
                millis_key(e.at_ms)
            });
            self.entries.truncate(Self::MAX_ENTRIES);
        }
    }

    /// Trims, never dropping the entry just written (its time may be older
    /// than others' when the clock moved back).
    fn trim_keeping(&mut self, kind: ChargeKind, id: &str) {
        if self.entries.len() <= Self::MAX_ENTRIES {
            return;
        }
        let Some(index) = self.entries.iter().position(|e| e.is(kind, id)) else {
            self.trim();
            return;
        };
        let kept = self.entries.remove(index);
        sort_by_key(&mut self.entries, Direction::Descending, |e| {
            millis_key(e.at_ms)
        });
        self.entries.truncate(Self::MAX_ENTRIES - 1);
        self.entries.insert(0, kept);
    }
}

// ---------------------------------------------------------------------------
// What the return page does next
// ---------------------------------------------------------------------------

/// The next step of the return page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnAction {
    /// Pending: the buyer has not confirmed yet. Show the confirmation link
    /// and a "check again" button; polling would only wait on a person.
    AwaitBuyer,
    /// Accepted and nobody activated it: claim in the [`ActivationLog`],
    /// then activate.
    Activate,
    /// Activation done or in flight elsewhere, processing, or a status this
    /// widget does not know: poll with `PollSchedule`, whose deadline bounds
    /// an unknown status.
    Poll,
    /// Nothing more for this page to wait for.
    Finished(Outcome),
}

/// How the purchase ended, as far as the return page is concerned. A
/// subscription that is active, past due or frozen lives on, but the page
/// has nothing more to wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Paid,
    PaymentFailed,
    Declined,
    Active,
    Trial { ends_at_ms: u64 },
    PastDue,
    Frozen,
    Cancelled,
}

impl Outcome {
    pub fn title(&self) -> &'static str {
        match self {
            Outcome::Paid => "Payment complete",
            Outcome::PaymentFailed => "Payment failed",
            Outcome::Declined => "Purchase declined",
            Outcome::Active => "Subscription active",
            Outcome::Trial { .. } => "Free trial started",
            Outcome::PastDue => "Payment overdue",
            Outcome::Frozen => "Subscription frozen",
            Outcome::Cancelled => "Subscription cancelled",
        }
    }

    /// One or two sentences for the buyer: what happened and what to do next.
    pub fn message(&self) -> String {
        match self {
            Outcome::Paid => {
                "Your payment went through and the purchase is ready to use. You can close this page."
                    .to_owned()
            }
            Outcome::PaymentFailed => "LiveChat could not collect the payment, so the purchase was not completed. Check the payment method in LiveChat's billing settings, then buy again."
                .to_owned(),
            Outcome::Declined => "You declined the purchase on LiveChat's confirmation page, so nothing was charged. You can start a new purchase at any time."
                .to_owned(),
            Outcome::Active => "Your subscription is active and the first payment went through. It renews automatically until you cancel it."
                .to_owned(),
            Outcome::Trial { ends_at_ms } => format!(
                "Your free trial runs until {} (UTC). You will not be charged before then; cancel before that date to pay nothing.",
                readable_date(*ends_at_ms)
            ),
            Outcome::PastDue => "A payment for this subscription is overdue. Access continues for now; update the payment method in LiveChat's billing settings so the next attempt succeeds."
                .to_owned(),
            Outcome::Frozen => "LiveChat could not collect the payment, so the subscription is frozen. Update the payment method in LiveChat's billing settings, then subscribe again."
                .to_owned(),
            Outcome::Cancelled => "This subscription was cancelled and will not renew. Any refund for unused time goes back the way you paid."
                .to_owned(),
        }
    }

    /// [`Self::title`] in `locale`.
    pub fn title_in(&self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::En, _) => self.title(),
            (Locale::Pl, Outcome::Paid) => "Płatność zakończona",
            (Locale::Pl, Outcome::PaymentFailed) => "Płatność nieudana",
            (Locale::Pl, Outcome::Declined) => "Zakup odrzucony",
            (Locale::Pl, Outcome::Active) => "Subskrypcja aktywna",
            (Locale::Pl, Outcome::Trial { .. }) => "Rozpoczęto bezpłatny okres próbny",
            (Locale::Pl, Outcome::PastDue) => "Zaległa płatność",
            (Locale::Pl, Outcome::Frozen) => "Subskrypcja zamrożona",
            (Locale::Pl, Outcome::Cancelled) => "Subskrypcja anulowana",
        }
    }

    /// [`Self::message`] in `locale`.
    pub fn message_in(&self, locale: Locale) -> String {
        if locale == Locale::En {
            return self.message();
        }
        match self {
            Outcome::Paid => "Płatność została zrealizowana, a zakup jest gotowy do użycia. \
                              Możesz zamknąć tę stronę."
                .to_owned(),
            Outcome::PaymentFailed => "LiveChat nie mógł pobrać płatności, więc zakup nie został \
                                       zrealizowany. Sprawdź metodę płatności w ustawieniach \
                                       rozliczeń LiveChat i kup ponownie."
                .to_owned(),
            Outcome::Declined => "Zakup został odrzucony na stronie potwierdzenia LiveChat, więc \
                                  nic nie pobrano. Nowy zakup możesz zacząć w każdej chwili."
                .to_owned(),
            Outcome::Active => "Subskrypcja jest aktywna, a pierwsza płatność została \
                                zrealizowana. Odnawia się automatycznie, dopóki jej nie anulujesz."
                .to_owned(),
            Outcome::Trial { ends_at_ms } => {
                let t = super::calendar::UtcParts::from_unix_ms(*ends_at_ms);
                format!(
                    "Bezpłatny okres próbny trwa do {} (UTC). Do tego czasu nic nie zapłacisz; \
                     anuluj przed tą datą, aby nie płacić wcale.",
                    super::calendar::format_date(t.year, t.month, t.day, locale)
                )
            }
            Outcome::PastDue => "Płatność za tę subskrypcję jest zaległa. Dostęp na razie trwa; \
                                 zaktualizuj metodę płatności w ustawieniach rozliczeń LiveChat, \
                                 aby kolejna próba się powiodła."
                .to_owned(),
            Outcome::Frozen => "LiveChat nie mógł pobrać płatności, więc subskrypcja została \
                                zamrożona. Zaktualizuj metodę płatności w ustawieniach rozliczeń \
                                LiveChat i zasubskrybuj ponownie."
                .to_owned(),
            Outcome::Cancelled => "Ta subskrypcja została anulowana i nie zostanie odnowiona. \
                                   Ewentualny zwrot za niewykorzystany czas wróci tą samą drogą, \
                                   którą zapłacono."
                .to_owned(),
        }
    }

    /// The buyer got what they paid for (or a free trial of it).
    pub fn is_good(&self) -> bool {
        matches!(
            self,
            Outcome::Paid | Outcome::Active | Outcome::Trial { .. }
        )
    }
}

/// `8 May 2024`: unambiguous in every locale, unlike `05/08/2024`.
fn readable_date(unix_ms: u64) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let t = UtcParts::from_unix_ms(unix_ms);
    let month = usize::try_from(t.month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|m| MONTHS.get(m))
        .copied()
        .unwrap_or("January");
    format!("{} {month} {}", t.day, t.year)
}

/// An accepted charge is activated by this page only if no page holds it.
fn accepted_action(activation: Option<ActivationState>) -> ReturnAction {
    match activation {
        None => ReturnAction::Activate,
        Some(_) => ReturnAction::Poll,
    }
}

pub fn direct_action(
    status: &DirectChargeStatus,
    activation: Option<ActivationState>,
) -> ReturnAction {
    match status {
        DirectChargeStatus::Pending => ReturnAction::AwaitBuyer,
        DirectChargeStatus::Accepted => accepted_action(activation),
        DirectChargeStatus::Processed | DirectChargeStatus::Unknown(_) => ReturnAction::Poll,
        DirectChargeStatus::Success => ReturnAction::Finished(Outcome::Paid),
        DirectChargeStatus::Failed => ReturnAction::Finished(Outcome::PaymentFailed),
        DirectChargeStatus::Declined => ReturnAction::Finished(Outcome::Declined),
    }
}

/// An activate request was refused with 409 and the charge, read again, is
/// in `status`. Activation is allowed from `accepted` only, so a charge
/// still accepted (the gateway has not moved it yet) or past that point was
/// activated by someone else. Any other status (pending, declined, unknown)
/// means it never was, and the page follows that status instead.
pub fn direct_conflict_means_activated(status: &DirectChargeStatus) -> bool {
    DirectChargeStatus::Accepted.can_reach(status)
}

/// [`direct_conflict_means_activated`] for a subscription.
pub fn recurrent_conflict_means_activated(status: &RecurrentChargeStatus) -> bool {
    RecurrentChargeStatus::Accepted.can_reach(status)
}

/// Whether a direct charge in `status` has been activated, as its detail
/// page's timeline shows it: past activation by its status, or (still
/// `accepted`) when this browser's log says it finished activating it.
/// `logged` reads the log only when the status cannot tell.
pub fn direct_activated(
    status: &DirectChargeStatus,
    logged: impl FnOnce() -> Option<ActivationState>,
) -> bool {
    use DirectChargeStatus as S;
    match status {
        S::Processed | S::Success | S::Failed => true,
        S::Accepted => matches!(logged(), Some(ActivationState::Done { .. })),
        S::Pending | S::Declined | S::Unknown(_) => false,
    }
}

/// [`direct_activated`] for a subscription. A status this widget does not
/// know is judged by the log alone.
pub fn recurrent_activated(
    status: &RecurrentChargeStatus,
    logged: impl FnOnce() -> Option<ActivationState>,
) -> bool {
    use RecurrentChargeStatus as S;
    match status {
        S::Processed | S::Active | S::PastDue | S::Frozen | S::Cancelled => true,
        S::Accepted | S::Unknown(_) => matches!(logged(), Some(ActivationState::Done { .. })),
        S::Pending | S::Declined => false,
    }
}

/// An active subscription whose trial has not ended yet.
pub fn in_trial(
    status: &RecurrentChargeStatus,
    trial_ends_at_ms: Option<u64>,
    now_ms: u64,
) -> bool {
    *status == RecurrentChargeStatus::Active && trial_ends_at_ms.is_some_and(|end| end > now_ms)
}

pub fn recurrent_action(
    status: &RecurrentChargeStatus,
    trial_ends_at_ms: Option<u64>,
    now_ms: u64,
    activation: Option<ActivationState>,
) -> ReturnAction {
    match status {
        RecurrentChargeStatus::Pending => ReturnAction::AwaitBuyer,
        RecurrentChargeStatus::Accepted => accepted_action(activation),
        RecurrentChargeStatus::Processed | RecurrentChargeStatus::Unknown(_) => ReturnAction::Poll,
        RecurrentChargeStatus::Active => match trial_ends_at_ms {
            Some(ends_at_ms) if in_trial(status, trial_ends_at_ms, now_ms) => {
                ReturnAction::Finished(Outcome::Trial { ends_at_ms })
            }
            _ => ReturnAction::Finished(Outcome::Active),
        },
        RecurrentChargeStatus::PastDue => ReturnAction::Finished(Outcome::PastDue),
        RecurrentChargeStatus::Frozen => ReturnAction::Finished(Outcome::Frozen),
        RecurrentChargeStatus::Cancelled => ReturnAction::Finished(Outcome::Cancelled),
        RecurrentChargeStatus::Declined => ReturnAction::Finished(Outcome::Declined),
    }
}

// ---------------------------------------------------------------------------
// Status timeline
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Done,
    Current,
    Upcoming,
    Failed,
}

/// One line of the ordered status list; `key` is stable for tests and
/// `data-testid`s, `label` is for the buyer (English; [`Self::label_in`]
/// gives the page's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineStep {
    pub key: &'static str,
    pub label: &'static str,
    polish: &'static str,
    pub state: StepState,
}

/// A step's label in each language the widget speaks.
#[derive(Debug, Clone, Copy)]
struct StepLabel {
    en: &'static str,
    pl: &'static str,
}

const fn words(en: &'static str, pl: &'static str) -> StepLabel {
    StepLabel { en, pl }
}

pub const STEP_CREATED: &str = "created";
pub const STEP_CONFIRMED: &str = "confirmed";
pub const STEP_ACTIVATED: &str = "activated";
pub const STEP_PROCESSING: &str = "processing";
/// Last step of a one-time charge.
pub const STEP_PAID: &str = "paid";
/// Last step of a subscription.
pub const STEP_SUBSCRIPTION: &str = "subscription";

impl TimelineStep {
    /// The step's label in `locale`.
    pub fn label_in(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.label,
            Locale::Pl => self.polish,
        }
    }
}

const CONFIRMED_LABEL: StepLabel = words("Confirmed by you", "Potwierdzone przez Ciebie");
const DECLINED_LABEL: StepLabel = words("Declined by you", "Odrzucone przez Ciebie");
const ACTIVATED_LABEL: StepLabel = words("Activated", "Aktywowana");

/// How far a charge got: steps before `at` are done, `at` itself has
/// `state`, the rest are upcoming. `None`: only what is certain is done,
/// nothing is current (an unknown status).
struct Progress {
    at: usize,
    state: Option<StepState>,
}

fn build(steps: [(&'static str, StepLabel); 5], progress: Progress) -> Vec<TimelineStep> {
    steps
        .into_iter()
        .enumerate()
        .map(|(i, (key, label))| {
            let state = match i.cmp(&progress.at) {
                std::cmp::Ordering::Less => StepState::Done,
                std::cmp::Ordering::Equal => progress.state.unwrap_or(StepState::Upcoming),
                std::cmp::Ordering::Greater => StepState::Upcoming,
            };
            TimelineStep {
                key,
                label: label.en,
                polish: label.pl,
                state,
            }
        })
        .collect()
}

/// Where an unknown status is drawn: what the activation flag proves is
/// done, nothing current, never the final step.
fn unknown_progress(activated: bool) -> Progress {
    Progress {
        at: if activated { 3 } else { 1 },
        state: None,
    }
}

/// created, confirmed, activated, processing, paid.
pub fn direct_timeline(status: &DirectChargeStatus, activated: bool) -> Vec<TimelineStep> {
    use DirectChargeStatus as S;
    let confirmed = if *status == S::Declined {
        DECLINED_LABEL
    } else {
        CONFIRMED_LABEL
    };
    let last = if *status == S::Failed {
        words("Payment failed", "Płatność nieudana")
    } else {
        words("Paid", "Opłacona")
    };
    let progress = match status {
        S::Pending => Progress {
            at: 1,
            state: Some(StepState::Current),
        },
        S::Declined => Progress {
            at: 1,
            state: Some(StepState::Failed),
        },
        S::Accepted if !activated => Progress {
            at: 2,
            state: Some(StepState::Current),
        },
        S::Accepted | S::Processed => Progress {
            at: 3,
            state: Some(StepState::Current),
        },
        S::Failed => Progress {
            at: 4,
            state: Some(StepState::Failed),
        },
        S::Success => Progress { at: 5, state: None },
        S::Unknown(_) => unknown_progress(activated),
    };
    build(
        [
            (STEP_CREATED, words("Order created", "Zamówienie utworzone")),
            (STEP_CONFIRMED, confirmed),
            (STEP_ACTIVATED, ACTIVATED_LABEL),
            (
                STEP_PROCESSING,
                words("Processing payment", "Przetwarzanie płatności"),
            ),
            (STEP_PAID, last),
        ],
        progress,
    )
}

/// created, confirmed, activated, processing, then the subscription's state
/// ("Active", "Free trial", "Payment overdue", "Frozen", "Cancelled").
pub fn recurrent_timeline(
    status: &RecurrentChargeStatus,
    activated: bool,
    in_trial: bool,
) -> Vec<TimelineStep> {
    use RecurrentChargeStatus as S;
    let confirmed = if *status == S::Declined {
        DECLINED_LABEL
    } else {
        CONFIRMED_LABEL
    };
    let last = match status {
        S::PastDue => words("Payment overdue", "Zaległa płatność"),
        S::Frozen => words("Frozen", "Zamrożona"),
        S::Cancelled => words("Cancelled", "Anulowana"),
        _ if in_trial => words("Free trial", "Bezpłatny okres próbny"),
        _ => words("Active", "Aktywna"),
    };
    let progress = match status {
        S::Pending => Progress {
            at: 1,
            state: Some(StepState::Current),
        },
        S::Declined => Progress {
            at: 1,
            state: Some(StepState::Failed),
        },
        S::Accepted if !activated => Progress {
            at: 2,
            state: Some(StepState::Current),
        },
        S::Accepted | S::Processed => Progress {
            at: 3,
            state: Some(StepState::Current),
        },
        // Running, or ended on purpose: every step happened.
        S::Active | S::Cancelled => Progress { at: 5, state: None },
        S::PastDue | S::Frozen => Progress {
            at: 4,
            state: Some(StepState::Failed),
        },
        S::Unknown(_) => unknown_progress(activated),
    };
    build(
        [
            (
                STEP_CREATED,
                words("Subscription created", "Subskrypcja utworzona"),
            ),
            (STEP_CONFIRMED, confirmed),
            (STEP_ACTIVATED, ACTIVATED_LABEL),
            (STEP_PROCESSING, words("Processing", "Przetwarzanie")),
            (STEP_SUBSCRIPTION, last),
        ],
        progress,
    )
}

// ---------------------------------------------------------------------------
// Refunds
// ---------------------------------------------------------------------------

/// `paid x remaining / period`, rounded down, so a refund never exceeds what
/// was paid. Zero for an empty period or a negative amount. Integer maths:
/// `i64 x u64` fits in `u128`.
pub fn proportional_refund(paid: Cents, remaining_ms: u64, period_ms: u64) -> Cents {
    if period_ms == 0 {
        return Cents::ZERO;
    }
    let Ok(paid) = u128::try_from(paid.get()) else {
        return Cents::ZERO;
    };
    let remaining = u128::from(remaining_ms.min(period_ms));
    // At most `paid`, so it fits back into i64.
    i64::try_from(paid * remaining / u128::from(period_ms))
        .map(Cents::new)
        .unwrap_or(Cents::ZERO)
}

/// What cancelling now would give back for the current period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundEstimate {
    pub amount: Cents,
    /// Whole or partial days left in the period (rounded up, so "0 days"
    /// only when nothing is left).
    pub days_left: u64,
    pub period_days: u64,
}

/// The refund for cancelling now, as the gateway computes it. `None` when
/// no paid period is running: not active (past due and frozen periods were
/// not collected), in a free trial, or dates missing or inverted.
///
/// `period_price` is what the period cost; pass the developer's share after
/// commission to predict the ledger's refund line instead.
pub fn refund_estimate(
    status: &RecurrentChargeStatus,
    period_price: Cents,
    current_charge_at_ms: Option<u64>,
    next_charge_at_ms: Option<u64>,
    trial_ends_at_ms: Option<u64>,
    now_ms: u64,
) -> Option<RefundEstimate> {
    if *status != RecurrentChargeStatus::Active {
        return None;
    }
    let start = current_charge_at_ms?;
    let end = next_charge_at_ms?;
    if end <= start {
        return None;
    }
    // The trial is a period of its own that was never charged.
    if trial_ends_at_ms.is_some_and(|trial_end| end <= trial_end || now_ms < trial_end) {
        return None;
    }
    let period_ms = end - start;
    // Before the period (clock behind) counts as all of it left, as the
    // gateway does.
    let remaining_ms = end.saturating_sub(now_ms.max(start));
    Some(RefundEstimate {
        amount: proportional_refund(period_price, remaining_ms, period_ms),
        days_left: remaining_ms.div_ceil(DAY_MS),
        period_days: period_ms.div_ceil(DAY_MS),
    })
}

/// The terms of a purchase made in the Agent App's own payment window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentTerms {
    OneTime { quantity: u32 },
    Subscription { months: u32, trial_days: u32 },
}

/// A purchase for the Agent App's own payment window
/// (`register_transaction_pending`), as the official SDK describes one: the
/// host creates and confirms the charge, then says `transaction_accepted`
/// with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntent<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub price: Cents,
    pub per_account: bool,
    pub test: bool,
    pub terms: IntentTerms,
    /// An absolute image URL: the host requires an icon.
    pub icon: &'a str,
}

impl PaymentIntent<'_> {
    /// The charge's details (`register_transaction_success {charge}`).
    pub fn charge(&self) -> Value {
        let mut charge = serde_json::json!({
            "name": self.name,
            "price": self.price,
            "per_account": self.per_account,
            "test": self.test,
        });
        match self.terms {
            IntentTerms::OneTime { quantity } => charge["quantity"] = quantity.into(),
            IntentTerms::Subscription { months, trial_days } => {
                charge["months"] = months.into();
                charge["trial_days"] = trial_days.into();
            }
        }
        charge
    }

    /// `{paymentIntent}` of `register_transaction_pending`.
    pub fn pending_message(&self) -> Value {
        let mut intent = self.charge();
        intent["return_url"] = Value::Null;
        intent["metadata"] = serde_json::json!({
            "type": match self.terms {
                IntentTerms::OneTime { .. } => "direct_charge",
                IntentTerms::Subscription { .. } => "recurrent_charge",
            },
            "isExternalTransaction": true,
            "icon": self.icon,
            "description": self.description,
            "showBillingCyclePicker": false,
        });
        serde_json::json!({ "paymentIntent": intent })
    }
}

/// A charge as seen when looking for one whose create answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeenCharge<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub price: Cents,
    pub created_at_ms: i64,
    /// Still waiting for the buyer, so it can be confirmed now.
    pub pending: bool,
}

/// How much earlier than the request a charge may be stamped (the two
/// clocks differ) and still count as made by it.
pub const LOST_CREATE_SKEW_MS: i64 = 2 * 60 * 1000;

/// The charge a create most likely made when its answer never came: the
/// newest pending one with the same name and price, stamped no earlier than
/// [`LOST_CREATE_SKEW_MS`] before the request was sent. `None` when nothing
/// matches: then no charge of this purchase waits for the buyer, and trying
/// again cannot leave two.
pub fn reconcile_lost_create<'a>(
    seen: &[SeenCharge<'a>],
    name: &str,
    price: Cents,
    sent_at_ms: i64,
) -> Option<&'a str> {
    seen.iter()
        .filter(|c| {
            c.pending
                && c.name == name
                && c.price == price
                && c.created_at_ms >= sent_at_ms.saturating_sub(LOST_CREATE_SKEW_MS)
        })
        .max_by_key(|c| c.created_at_ms)
        .map(|c| c.id)
}
