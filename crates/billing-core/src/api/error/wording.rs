//! What an [`ApiError`] says to the buyer, in each language: what happened
//! and what to do, naming the service it came from. The decisions (which
//! step helps, whether to retry) are the error's own; this only words them.

use super::{named_field, ApiError, OAuthErrorBody, Service, SCOPES};
use crate::domain::locale::{pick_polish, Locale};

impl ApiError {
    /// One or two sentences for the buyer, in English: what happened and
    /// what to do, naming the service it came from.
    pub fn user_message(&self) -> String {
        self.user_message_in(Locale::En)
    }

    /// [`Self::user_message`] in `locale`: the same decisions, worded for
    /// the page's language. What the server said is quoted as sent.
    pub fn user_message_in(&self, locale: Locale) -> String {
        let service = self.service().unwrap_or_default();
        match locale {
            Locale::En => self.message_en(service),
            Locale::Pl => self.message_pl(service),
        }
    }

    fn message_en(&self, service: Service) -> String {
        let the_service = service.name_en();
        match self {
            Self::Network { .. } => format!(
                "Could not reach the {the_service}. Check your internet connection, then try \
                 again."
            ),
            Self::Timeout { .. } => {
                format!("The {the_service} took too long to answer. Try again.")
            }
            Self::Http { status, body, .. } => self.status_message(service, *status, body.as_ref()),
            Self::HtmlBody { status, .. } if *status >= 400 => {
                self.status_message(service, *status, None)
            }
            Self::HtmlBody { .. } => format!(
                "The {the_service} answered with a web page instead of data, so the app may be \
                 set up wrongly. Please tell the app's owner."
            ),
            Self::Decode { .. } => format!(
                "The {the_service} sent an answer this page could not read. If it keeps \
                 happening, please tell the app's owner."
            ),
            Self::Validation { field, message } => {
                format!("{} {message}.", capitalize(&field_label(field)))
            }
        }
    }

    fn status_message(
        &self,
        service: Service,
        status: u16,
        body: Option<&OAuthErrorBody>,
    ) -> String {
        let the_service = service.name_en();
        let said = body
            .and_then(|b| b.error_description.as_deref())
            .map(|d| format!(" It said: \u{201c}{d}\u{201d}."))
            .unwrap_or_default();
        match status {
            400 | 422 => {
                let field = body
                    .and_then(|b| named_field(&b.haystack()))
                    .map(|f| format!(" Check {}.", field_label(&f)))
                    .unwrap_or_else(|| " Check what you entered.".to_owned());
                format!("The {the_service} did not accept the request.{said}{field}")
            }
            401 => "Your sign-in has expired or is no longer valid. Sign in again to continue."
                .to_owned(),
            403 => match self.missing_scope() {
                Some(scope) => {
                    let what = SCOPES
                        .iter()
                        .find(|(s, _)| *s == scope)
                        .map_or("", |(_, what)| *what);
                    format!(
                        "Your LiveChat sign-in lacks the \u{201c}{scope}\u{201d} permission \
                         (needed to {what}). The app must ask for it (its owner sets this in \
                         the LiveChat Developer Console) and the account that signs in must be \
                         allowed to grant it; then sign in again."
                    )
                }
                None => format!(
                    "You are not allowed to do this with your current sign-in.{said} If you \
                     think you should be, contact the app's owner."
                ),
            },
            404 | 410 => format!(
                "The {the_service} could not find what this page asked for; the link may \
                 be out of date.{said} If it keeps happening, contact the app's owner."
            ),
            408 => format!("The {the_service} took too long to answer. Try again."),
            409 => format!(
                "This was changed in the meantime (for example, already accepted or \
                 cancelled).{said} Reload to see its current state."
            ),
            425 | 429 => match self.retry_after_secs() {
                Some(secs) => format!(
                    "Too many requests in a short time. Wait {} and try again.",
                    seconds_text(secs)
                ),
                None => {
                    "Too many requests in a short time. Wait a moment and try again.".to_owned()
                }
            },
            503 => match self.retry_after_secs() {
                Some(secs) => format!(
                    "The {the_service} is temporarily unavailable. Try again in {}.",
                    seconds_text(secs)
                ),
                None => {
                    format!("The {the_service} is temporarily unavailable. Try again in a moment.")
                }
            },
            500..=599 => {
                format!("The {the_service} had a problem (error {status}). Try again in a moment.")
            }
            _ => format!(
                "The {the_service} refused the request (error {status}).{said} If it keeps \
                 happening, contact the app's owner."
            ),
        }
    }
}

impl ApiError {
    /// Polish: "usługa" declines (`Usługa`, `usługą`, `usługi`), what
    /// follows it (`rozliczeń`) does not.
    fn message_pl(&self, service: Service) -> String {
        let of = service.kind_pl();
        match self {
            Self::Network { .. } => format!(
                "Nie udało się połączyć z usługą {of}. Sprawdź połączenie z internetem i spróbuj \
                 ponownie."
            ),
            Self::Timeout { .. } => {
                format!("Usługa {of} odpowiadała zbyt długo. Spróbuj ponownie.")
            }
            Self::Http { status, body, .. } => {
                self.status_message_pl(service, *status, body.as_ref())
            }
            Self::HtmlBody { status, .. } if *status >= 400 => {
                self.status_message_pl(service, *status, None)
            }
            Self::HtmlBody { .. } => format!(
                "Usługa {of} odpowiedziała stroną internetową zamiast danych, więc aplikacja może \
                 być źle skonfigurowana. Powiadom właściciela aplikacji."
            ),
            Self::Decode { .. } => format!(
                "Usługa {of} wysłała odpowiedź, której ta strona nie potrafi odczytać. Jeśli to \
                 się powtarza, powiadom właściciela aplikacji."
            ),
            Self::Validation { field, message } => {
                format!("{}: {message}.", capitalize(&field_label_pl(field)))
            }
        }
    }

    fn status_message_pl(
        &self,
        service: Service,
        status: u16,
        body: Option<&OAuthErrorBody>,
    ) -> String {
        let of = service.kind_pl();
        let said = body
            .and_then(|b| b.error_description.as_deref())
            .map(|d| format!(" Odpowiedź: \u{201e}{d}\u{201d}."))
            .unwrap_or_default();
        match status {
            400 | 422 => {
                let field = body
                    .and_then(|b| named_field(&b.haystack()))
                    .map(|f| format!(" Sprawdź: {}.", field_label_pl(&f)))
                    .unwrap_or_else(|| " Sprawdź wprowadzone dane.".to_owned());
                format!("Usługa {of} nie przyjęła żądania.{said}{field}")
            }
            401 => "Twoje logowanie wygasło lub jest nieważne. Zaloguj się ponownie, aby \
                    kontynuować."
                .to_owned(),
            403 => match self.missing_scope() {
                Some(scope) => format!(
                    "Twojemu logowaniu LiveChat brakuje uprawnienia \u{201e}{scope}\u{201d}. \
                     Aplikacja musi o nie prosić (jej właściciel ustawia to w LiveChat \
                     Developer Console), a konto, którym się logujesz, musi móc je nadać; \
                     potem zaloguj się ponownie."
                ),
                None => format!(
                    "Nie możesz tego zrobić przy obecnym logowaniu.{said} Jeśli uważasz, że \
                     powinieneś móc, skontaktuj się z właścicielem aplikacji."
                ),
            },
            404 | 410 => format!(
                "Usługa {of} nie znalazła tego, o co prosiła ta strona; link może być \
                 nieaktualny.{said} Jeśli to się powtarza, skontaktuj się z właścicielem aplikacji."
            ),
            408 => format!("Usługa {of} odpowiadała zbyt długo. Spróbuj ponownie."),
            409 => format!(
                "W międzyczasie coś się zmieniło (np. zakup został już zaakceptowany lub \
                 anulowany).{said} Odśwież, aby zobaczyć aktualny stan."
            ),
            425 | 429 => match self.retry_after_secs() {
                Some(secs) => format!(
                    "Zbyt wiele żądań w krótkim czasie. Odczekaj {} i spróbuj ponownie.",
                    seconds_text_pl(secs)
                ),
                None => "Zbyt wiele żądań w krótkim czasie. Odczekaj chwilę i spróbuj ponownie."
                    .to_owned(),
            },
            503 => match self.retry_after_secs() {
                Some(secs) => format!(
                    "Usługa {of} jest chwilowo niedostępna. Spróbuj ponownie za {}.",
                    seconds_text_pl(secs)
                ),
                None => {
                    format!("Usługa {of} jest chwilowo niedostępna. Spróbuj ponownie za chwilę.")
                }
            },
            500..=599 => format!(
                "Wystąpił problem po stronie usługi {of} (błąd {status}). Spróbuj ponownie \
                 za chwilę."
            ),
            _ => format!(
                "Usługa {of} odrzuciła żądanie (błąd {status}).{said} Jeśli to się \
                 powtarza, skontaktuj się z właścicielem aplikacji."
            ),
        }
    }
}

/// Seconds or minutes in the accusative Polish takes after "odczekaj" and
/// "za": `1 sekundę`, `3 sekundy`, `5 sekund`, `2 minuty`.
fn seconds_text_pl(secs: u64) -> String {
    if secs < 120 {
        format!(
            "{secs} {}",
            pick_polish(secs, "sekundę", "sekundy", "sekund")
        )
    } else {
        let minutes = secs.div_ceil(60);
        format!(
            "{minutes} {}",
            pick_polish(minutes, "minutę", "minuty", "minut")
        )
    }
}

/// How a field is named in a Polish sentence.
fn field_label_pl(field: &str) -> String {
    let label = match field {
        "name" => "nazwa",
        "price" => "cena",
        "quantity" => "ilość",
        "return_url" => "adres powrotu",
        "months" => "okres rozliczeniowy",
        "trial_days" => "długość okresu próbnego",
        "amount" => "kwota",
        "currency" => "waluta",
        "description" => "opis",
        "customer" | "customer.id" => "klient",
        "customer.email" | "email" => "adres e-mail",
        "customer.firstName" => "imię",
        "customer.lastName" => "nazwisko",
        "metadata" => "dodatkowe informacje",
        "accountId" => "identyfikator konta",
        "code" => "kod planu",
        "taxAmount" => "podatek",
        "billingCycleType" => "cykl rozliczeniowy",
        "page" => "numer strony",
        "limit" => "rozmiar strony",
        "publishable_key" => "klucz publiczny Bidali",
        "base_url" => "adres usługi",
        other => return format!("pole \u{201e}{other}\u{201d}"),
    };
    label.to_owned()
}

fn seconds_text(secs: u64) -> String {
    match secs {
        1 => "1 second".to_owned(),
        s if s < 120 => format!("{s} seconds"),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

/// How a field is named in a sentence.
fn field_label(field: &str) -> String {
    let label = match field {
        "name" => "the name",
        "price" => "the price",
        "quantity" => "the quantity",
        "return_url" => "the return address",
        "months" => "the billing period",
        "trial_days" => "the trial length",
        "amount" => "the amount",
        "currency" => "the currency",
        "description" => "the description",
        "customer" | "customer.id" => "the customer",
        "customer.email" | "email" => "the email address",
        "customer.firstName" => "the first name",
        "customer.lastName" => "the last name",
        "metadata" => "the extra details",
        "accountId" => "the account ID",
        "code" => "the plan code",
        "taxAmount" => "the tax",
        "billingCycleType" => "the billing cycle",
        "page" => "the page number",
        "limit" => "the page size",
        "publishable_key" => "the Bidali publishable key",
        "base_url" => "the service address",
        other => return format!("the field \u{201c}{other}\u{201d}"),
    };
    label.to_owned()
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
