//! Polish: LiveChat's home language. Counts take the form CLDR's Polish
//! plural rules give them (1 / 2-4 / 5+, 12-14 with the 5+ form).

use super::{pick_polish, ListTexts, Messages};

/// `n` and its noun in the right form: `plural(n, "dzień", "dni", "dni")`.
fn plural(n: u64, one: &str, few: &str, many: &str) -> String {
    format!("{n} {}", pick_polish(n, one, few, many))
}

/// "2 przykładowe płatności", as the developer panel adds them.
fn sample_payments(n: u32) -> String {
    plural(
        u64::from(n),
        "przykładową płatność",
        "przykładowe płatności",
        "przykładowych płatności",
    )
}

/// "500 znaków", for length limits.
fn characters(n: usize) -> String {
    plural(count(n), "znak", "znaki", "znaków")
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

pub static MESSAGES: Messages = Messages {
    bidali_key_refused: "Bidali odrzuciło klucz publiczny tej strony (bidali.publishable_key w config.json). Poproś właściciela aplikacji o jego sprawdzenie.",
    bidali_not_set_up: |message| {
        format!("Płatności kryptowalutami nie są skonfigurowane: bidali.publishable_key w config.json: {message}.")
    },
    account_id_invalid: "Identyfikator konta musi być liczbą całkowitą większą od 0, np. 1001.",
    plan_ref_empty: "Wpisz identyfikator planu, np. 5001, albo kod po gwiazdce, np. *starter-monthly.",
    plan_id_invalid: "Identyfikator planu to liczba całkowita większa od 0, np. 5001.",
    plan_active_field: "Aktywny: nowe subskrypcje mogą korzystać z tego planu",
    plan_fixed_hint: "Ustalone przy tworzeniu planu; nie można tego zmienić.",
    plan_name_hint: "Do 255 znaków.",
    plan_code_hint: "Opcjonalnie: własne oznaczenie z liter, cyfr, „.”, „-” i „_”; plan można potem otworzyć jako *kod. Nie można tego później zmienić.",
    plan_account_hint: "Numer Twojego konta sprzedawcy, np. 1001. Nie można go później zmienić.",
    cycle_unknown: |code| format!("Cykl \u{201e}{code}\u{201d}"),
    plan_code_invalid: |problem| format!("Kod planu: {problem}."),
    plan_name_unsaveable: |problem| {
        format!("Nie można zapisać planu z obecną nazwą ({problem}): popraw ją w formularzu poniżej.")
    },
    code_unknown: |code| format!("Kod \u{201e}{code}\u{201d} (nieznany tej stronie, pozostawiony bez zmian)"),
    plan_amount_hint: |currency| format!("Pobierana w każdym cyklu, w {currency}, np. 19,99."),
    plan_tax_hint: |currency| format!("Opcjonalnie, w {currency}, np. 1,99; zostaw puste, jeśli bez podatku."),
    check_fields: |n| {
        format!(
            "Popraw {} poniżej; nic nie zostało zapisane.",
            plural(count(n), "zaznaczone pole", "zaznaczone pola", "zaznaczonych pól")
        )
    },
    dev_latency_invalid: "Opóźnienie musi być liczbą całkowitą milisekund, najwyżej 60000.",
    dev_reset_confirm: "Zapomnieć wszystkie testowe płatności, tokeny i zmiany planów?",
    dev_reset_done: "Testowy serwer zaczyna od nowa.",
    dev_panel: "Testowy serwer (panel dewelopera)",
    dev_scenario: "Scenariusz",
    dev_latency: "Dodatkowe opóźnienie (ms)",
    dev_fault: "Błąd dla następnego żądania",
    dev_fail_next: "Zepsuj następne żądanie",
    dev_skip: "Przeskocz 5 minut do przodu",
    dev_reset: "Wyczyść dane testowe",
    dev_scenario_set: |name| format!("Scenariusz: {name}."),
    dev_latency_set: |ms| format!("Każda odpowiedź trwa teraz o {ms} ms dłużej."),
    dev_fault_set: |key| format!("Następne żądanie otrzyma: {key}."),
    dev_clock_ahead: |minutes| {
        format!(
            "Zegar testowego serwera wyprzedza to urządzenie o {}.",
            plural(minutes, "minutę", "minuty", "minut")
        )
    },
    dev_samples_added: |added| {
        format!(
            "Dodano {}.",
            sample_payments(added)
        )
    },
    dev_add_samples: |n| {
        format!(
            "Dodaj {}",
            sample_payments(n)
        )
    },
    try_again_in: |secs| format!("Spróbuj ponownie za {secs} s"),
    crypto_description_too_long: |max| {
        format!("Wpisz najwyżej {}.", characters(max))
    },
    crypto_name_too_long: |max| {
        format!("Wpisz najwyżej {} bez znaków sterujących.", characters(max))
    },
    note_not_a_page: |raw| {
        format!("\u{201e}{raw}\u{201d} w adresie nie jest numerem strony, więc pokazano stronę 1.")
    },
    note_not_a_status: |raw| {
        format!(
            "\u{201e}{raw}\u{201d} w adresie nie jest statusem, według którego można filtrować tę \
             listę, więc pokazano wszystkie statusy."
        )
    },
    note_not_an_account: |raw| {
        format!("\u{201e}{raw}\u{201d} w adresie nie jest identyfikatorem konta, więc pokazano wszystkie konta.")
    },
    dev_bulk: |n| {
        format!(
            "Pokaż {}",
            plural(u64::from(n), "wygenerowany wpis", "wygenerowane wpisy", "wygenerowanych wpisów")
        )
    },
    dev_bulk_listed: |n| {
        format!(
            "Listy pokazują {} i tyle samo wpisów księgi.",
            plural(u64::from(n), "wygenerowaną płatność", "wygenerowane płatności", "wygenerowanych płatności")
        )
    },
    dev_control_failed: |why| {
        format!("Testowy serwer nie przyjął tego polecenia: {why}. Odśwież stronę, aby spróbować ponownie.")
    },
    test_badge: "Testowa",
    unnamed_customer: "Klient bez nazwy",
    customer_label: "Klient: ",
    not_available_title: "Niedostępne",
    mock_starting: "Uruchamianie testowego serwera demo…",
    page_load_failed_title: "Nie udało się wczytać tej strony",
    page_load_failed_body: "Jej kod nie dotarł: połączenie mogło zostać przerwane albo widżet został zaktualizowany, odkąd otwarto tę kartę. Nic nie zostało wysłane ani pobrane.",
    page_load_failed_again: "Nadal nie wczytano. Sprawdź połączenie albo odśwież widżet, aby pobrać jego najnowszą wersję.",
    page_load_retry: "Spróbuj ponownie",
    page_load_retrying: "Wczytywanie…",
    mock_only: "Ta strona należy do testowego serwera offline i istnieje tylko w trybie testowym.",
    decline: "Odrzuć",
    item: "Produkt",
    trial: "Okres próbny",
    plans_unavailable: "Plany rozliczeniowe nie są tu dostępne",
    plan_active: "Aktywny",
    plan_inactive: "Nieaktywny",
    plans_title: "Plany rozliczeniowe",
    plans_lead: "Wyszukuj, twórz i zmieniaj cykliczne plany rozliczeniowe, po 20 na stronę.",
    loading_plans: "Wczytywanie planów…",
    plans_failed: "Nie udało się wczytać planów.",
    open_a_plan: "Otwórz plan",
    plan_ref_label: "Identyfikator planu lub *kod",
    open_plan: "Otwórz plan",
    plan_ref_hint: "Identyfikator, np. 5001, albo kod po gwiazdce, np. *starter-monthly.",
    new_plan: "Nowy plan",
    filter_plans: "Filtruj plany",
    name_contains: "Nazwa zawiera",
    account_id: "Identyfikator konta",
    apply_filters: "Zastosuj filtry",
    clear_filters: "Wyczyść filtry",
    list_of_plans: "Lista planów",
    no_plans_match: "Żaden plan nie pasuje do tych filtrów.",
    show_all_plans: "Pokaż wszystkie plany",
    no_plans: "Nie ma jeszcze planów. Utwórz pierwszy przyciskiem Nowy plan.",
    new_plan_title: "Nowy plan rozliczeniowy",
    new_plan_lead: "Cykliczna cena i częstotliwość pobierania.",
    creating: "Tworzenie…",
    create_plan: "Utwórz plan",
    not_a_plan_address: "To nie jest adres planu",
    back_to_plans: "Wróć do planów",
    plan_title: "Plan rozliczeniowy",
    plan_lead: "Jeden plan, jego szczegóły i zmiany.",
    plan_created: "Plan został utworzony.",
    plan_saved: "Zmiany zostały zapisane.",
    plan_activated: "Plan jest znowu aktywny.",
    plan_deactivated: "Plan jest nieaktywny: nowe subskrypcje nie mogą z niego korzystać.",
    loading_plan: "Wczytywanie planu…",
    plan_not_found: "Nie znaleziono planu",
    no_such_plan: "Nie ma planu o tym identyfikatorze lub kodzie. Link lub kod może być błędny.",
    deactivate_plan: "Dezaktywuj plan",
    activate_plan: "Aktywuj plan",
    plan_id: "Identyfikator",
    plan_code: "Kod",
    tax: "Podatek",
    no_tax: "brak",
    total_per_cycle: "Razem za cykl",
    billing_cycle: "Cykl rozliczeniowy",
    change_plan: "Zmień ten plan",
    saving: "Zapisywanie…",
    save_changes: "Zapisz zmiany",
    plans_page_empty: |page| format!("Strona {page}: brak planów."),
    plans_page_shown: |page, n| {
        format!(
            "Strona {page}: pokazano {}.",
            plural(count(n), "plan", "plany", "planów")
        )
    },
    plans_no_more: |page| format!("Nie ma więcej planów: strona {page} jest pusta."),
    plan_tax: |tax| format!("Podatek {tax}"),
    plan_created_on: |date| format!("Utworzono {date}"),
    crypto_title: "Zapłać kryptowalutą",
    crypto_lead: "Pobierz wyceny w bitcoinie, ethereum, litecoinie i innych przez Bidali, a potem zapłać z dowolnego portfela.",
    crypto_resume: "W tej karcie rozpoczęto płatność kryptowalutą. ",
    crypto_go_back: "Wróć do niej",
    crypto_start_label: "Rozpocznij płatność kryptowalutą",
    crypto_what_for: "Za co",
    crypto_another_amount: "Inna kwota",
    amount: "Kwota",
    currency: "Waluta",
    crypto_description: "Opis (widoczny dla kupującego)",
    crypto_buyer: "Kupujący (opcjonalnie)",
    email: "E-mail",
    first_name: "Imię",
    last_name: "Nazwisko",
    getting_quotes: "Pobieranie wycen…",
    get_quotes: "Pobierz wyceny",
    crypto_email_needed: "Dodaj adres e-mail, aby imię i nazwisko zapisały się z płatnością.",
    crypto_new_payment: "Rozpocznij nową płatność kryptowalutą",
    crypto_charge_lead: "Wyślij podaną kwotę z dowolnego portfela.",
    crypto_received: "Otrzymano płatność kryptowalutą.",
    crypto_not_found: "Nie ma płatności kryptowalutą o tym identyfikatorze. Link może być stary lub błędny; nic nie pobrano.",
    history: "Historia",
    crypto_payment: "Płatność kryptowalutą",
    getting_new_quote: "Pobieranie nowej wyceny…",
    get_new_quote: "Pobierz nową wycenę",
    no_currency_offered: "Bidali nie zaproponowało żadnej waluty dla tej płatności. Spróbuj ponownie później.",
    choose_currency: "Wybierz walutę",
    choose_another_currency: "Wybierz inną walutę",
    do_not_pay_yet: "Jeszcze nie płać",
    send_exactly: "Wyślij dokładnie",
    to_this_address: "Na ten adres",
    checking_paused: "Sprawdzanie jest wstrzymane, gdy ta karta jest ukryta lub offline; wznowi się po powrocie.",
    receipt: "Potwierdzenie",
    receipt_for: "Za",
    completed: "Zakończono",
    transactions: "Transakcje",
    receipt_payment: "Płatność",
    receipt_price: "Cena",
    receipt_paid: "Zapłacono",
    new_payment: "Nowa płatność",
    loading_payment: "Wczytywanie płatności…",
    unknown_status_hint: "Ta strona nie zna tego statusu, więc nie uznaje płatności za opłaconą. Sprawdza dalej.",
    open_in_wallet: "Otwórz w portfelu",
    wallet_amount_note: "Portfel nie wpisze kwoty z tego kodu: wpisz ją samodzielnie.",
    this_payment: "ta płatność",
    crypto_email_invalid: "Wpisz adres e-mail, np. imie@example.com.",
    crypto_currency_invalid: "Wpisz trzyliterowy kod waluty, np. USD.",
    plans_pages_label: "Strony planów",
    all_plans_back: "← Wszystkie plany",
    cancel_form: "Anuluj",
    ledger_entries_heading: "Wpisy",
    ledger_not_available: "Niedostępne przy tym logowaniu.",
    choose_to_pay: "Wybierz walutę płatności; jej adres i dokładna kwota pojawią się potem.",
    pay: "Zapłać",
    quote_expired: "Wycena wygasła",
    time_left: "Czas na zapłatę",
    copy: "Kopiuj",
    copied: "Skopiowano",
    the_amount: "kwotę",
    the_address: "adres",
    what_happened: "Co się wydarzyło",
    progress: "Postęp",
    crypto_link_invalid: |error| format!("Ten link płatności jest nieprawidłowy: {error}."),
    getting_address: |coin| format!("Pobieranie adresu {coin}…"),
    unchecked_address: |name, problem| {
        format!("Bidali przesłało adres {name}, którego ta strona nie może sprawdzić ({problem}). Wybierz inną walutę lub spróbuj ponownie później.")
    },
    pay_with: |name| format!("Zapłać: {name}"),
    qr_label: |name| format!("Kod QR linku płatności: {name}"),
    no_payment_link: |error| {
        format!("Brak linku płatności: {error}. Skopiuj adres i kwotę powyżej do portfela.")
    },
    pay_amount_in: |amount, name| format!("Zapłać {amount} ({name})"),
    not_available: |status| format!("Niedostępna ({status})"),
    no_qr: |error| format!("Brak kodu QR: {error}. Zamiast tego skopiuj adres i kwotę."),
    copy_label: |copied, what| format!("{} {what}", if copied { "Skopiowano" } else { "Kopiuj" }),
    copied_status: |_| "Skopiowano do schowka.".to_owned(),
    copy_failed: |why, what| format!("Nie udało się skopiować: {why}. Zaznacz {what} i skopiuj ręcznie."),
    status_with_code: |label, code| format!("{label} (kod {code})"),
    return_relayed: "Gotowe. Wracamy do LiveChat; możesz zamknąć to okno.",
    return_invalid_title: "Ten link płatności jest nieprawidłowy",
    see_your_charges: "Zobacz swoje płatności",
    payment_title: "Płatność",
    payment_lead: "Status płatności, którą właśnie potwierdzono lub odrzucono.",
    one_time_purchase: "Zakup jednorazowy",
    status_prefix: "Status: ",
    details: "Szczegóły",
    reading_payment: "Odczytywanie płatności…",
    activating_charge: "Potwierdzono. Aktywowanie płatności…",
    activating_elsewhere: "Inna karta aktywuje tę płatność. Czekam, aż skończy…",
    waiting_payment: "Czekamy na realizację płatności…",
    return_not_found: "Żadna płatność o tym identyfikatorze nie należy do Twojego konta. Link może być stary albo jesteś zalogowany innym kontem LiveChat: lista płatności pokazuje, co kupiono na tym koncie.",
    all_charges: "Wszystkie płatności",
    refresh_status: "Odśwież status",
    to_see_payment: "aby zobaczyć status płatności",
    awaiting_confirmation: "Ten zakup czeka na Twoje potwierdzenie na stronie LiveChat. Jeszcze nic nie pobrano.",
    go_to_confirmation: "Przejdź do strony potwierdzenia",
    check_again: "Sprawdź ponownie",
    decline_subscription: "Odrzuć tę subskrypcję",
    return_invalid_detail: |error| format!("Nic nie zostało pobrane ani aktywowane: {error}."),
    plans_address_unusable: |error| format!("Adresu API planów (plans.api_url w config.json) nie można użyć: {error}."),
    plans_need_gateway_keys: |api| format!("Zarządzanie planami rozliczeniowymi wymaga kluczy API bramki płatności, a config.json nie ma na nie ustawienia: strona, którą każdy może otworzyć, nie może przechowywać kluczy zarządzania bramką. Zarządzaj planami z serwera, który ma te klucze ({api}), albo otwórz demo w trybie testowym, aby wypróbować tę stronę."),
    checked_times: |checks| {
        format!(
            "(sprawdzono {checks} {})",
            pick_polish(u64::from(checks), "raz", "razy", "razy")
        )
    },
    checks_slowed: |secs| {
        format!(
            "Serwis płatności jest obciążony i poprosił o rzadsze sprawdzanie. Następne \
             sprawdzenie za około {secs} s."
        )
    },
    confirmation_not_opened: |reason| format!("Strona potwierdzenia nie została otwarta: {reason}."),
    skip_to_content: "Przejdź do treści",
    test_mode: "TRYB TESTOWY",
    test_mode_detail: " · testowy serwer offline, żadne prawdziwe pieniądze nie są pobierane",
    nav_label: "Sekcje",
    nav_shop: "Sklep",
    nav_charges: "Płatności",
    nav_subscriptions: "Subskrypcje",
    nav_ledger: "Księga",
    nav_crypto: "Kryptowaluty",
    nav_plans: "Plany",
    dark_theme: "Ciemny motyw",
    loading_configuration: "Wczytywanie konfiguracji…",
    loading_page: "Wczytywanie strony…",
    cannot_start: "Nie można uruchomić widżetu",
    cannot_start_hint_check: "Sprawdź plik ",
    cannot_start_hint_next_to: " obok ",
    cannot_start_hint_rest: " (README opisuje każde ustawienie), a potem odśwież stronę.",

    shop_title: "Sklep",
    shop_lead: "Zakupy jednorazowe i subskrypcje, opłacane przez rozliczenia LiveChat.",
    catalog_empty: "Katalog jest pusty: dodaj produkty w config.json.",
    one_time: "Jednorazowo",
    subscription: "Subskrypcja",
    terms_once_per_agent: "jednorazowo, za każdego agenta w organizacji",
    terms_once: "jednorazowo",
    terms_once_for: |quantity| format!("jednorazowo, za {quantity} szt."),
    terms_every_months: |months| match months {
        1 => "co miesiąc".to_owned(),
        12 => "co rok".to_owned(),
        n => format!("co {}", plural(u64::from(n), "miesiąc", "miesiące", "miesięcy")),
    },
    terms_per_agent: ", za agenta",
    terms_trial_days: |days| format!(", {days}-dniowy bezpłatny okres próbny"),
    setup_heading: "Dodaj ten widżet do LiveChat",
    setup_step_app: "Utwórz aplikację w LiveChat Developer Console i zanotuj jej client id.",
    setup_step_redirect_1: "W sekcji Authorization dodaj adres tej strony z ",
    setup_step_redirect_2: " jako redirect URI i poproś o uprawnienia ",
    setup_step_redirect_and: " i ",
    setup_step_redirect_3: ".",
    setup_step_mode_set: "Ustaw ",
    setup_step_mode_to: " na ",
    setup_step_mode_client: " oraz client id w ",
    setup_step_widget: "Dodaj widżet Agent App (sekcja szczegółów) wskazujący na tę stronę, a potem zainstaluj aplikację.",
    setup_hint: "README opisuje każdy krok i ustawienia trybu produkcyjnego.",
    not_found_title: "Nie znaleziono strony",
    not_found_lead: "Pod tym adresem nie ma żadnej strony.",
    not_found_nothing_at: "Nic nie ma pod adresem ",
    go_to_shop: "Przejdź do sklepu",

    quantity: "Ilość",
    accounts_quantity: "Liczba kont",
    quantity_range: |max| format!("Wybierz ilość od 1 do {max}."),
    quantity_whole: "Ilość musi być liczbą całkowitą, np. 1 lub 2.",
    buy: "Kup",
    subscribe: "Subskrybuj",
    sign_in_to_buy: "Zaloguj się, aby kupić",
    sign_in_to_subscribe: "Zaloguj się, aby subskrybować",
    creating_charge: "Tworzenie płatności…",
    pay_in_livechat: "Zapłać w LiveChat",
    confirm_in_window: "Potwierdź płatność w otwartym oknie; ta strona będzie kontynuować, gdy skończysz.",
    window_blocked: "Przeglądarka zablokowała okno płatności. Otwórz stronę płatności, aby ją potwierdzić; ta strona będzie kontynuować, gdy skończysz.",
    open_payment_page: "Otwórz stronę płatności",
    maybe_created: "Płatność mogła zostać utworzona, zanim wystąpił błąd. ",
    check_your_charges: "Sprawdź swoje płatności",
    maybe_created_end: ", zanim kupisz ponownie, aby nie zapłacić dwa razy.",
    created_despite_drop_1: "Odpowiedź nie dotarła, ale płatność została utworzona i czeka na Ciebie. ",
    created_despite_drop_2: "Przejdź dalej, aby ją potwierdzić; druga płatność nie została utworzona.",
    continue_to_payment: "Przejdź do strony płatności",
    nothing_created: "Żadna płatność nie została utworzona, więc możesz bezpiecznie spróbować ponownie.",
    try_again: "Spróbuj ponownie",
    reload: "Odśwież",
    host_waiting: "Dokończ płatność w oknie płatności LiveChat.",
    host_declined: "Płatność została odrzucona w LiveChat; nic nie pobrano.",
    host_failed: |error| format!("LiveChat nie mógł przyjąć płatności: {error}."),
    unsafe_confirmation: |reason| {
        format!("Płatność została utworzona, ale jej strona potwierdzenia nie została otwarta: {reason}. Nic nie zostało zapłacone. Powiadom właściciela aplikacji.")
    },

    sign_in_expired: "Twoja sesja wygasła",
    sign_in_with_livechat: "Zaloguj się przez LiveChat",
    sign_in_again_to: "Zaloguj się ponownie, ",
    sign_in_with_account_to: "Zaloguj się kontem LiveChat, ",
    opening_sign_in: "Otwieranie logowania LiveChat…",
    signed_in_with_livechat: "Zalogowano przez LiveChat",
    sign_out: "Wyloguj się",
    signed_in_relayed: "Zalogowano. Wracamy do LiveChat; możesz zamknąć to okno.",
    signing_in: "Logowanie",
    finishing_sign_in: "Kończenie logowania przez LiveChat.",
    signing_you_in: "Logujemy Cię…",
    no_sign_in: "Żadne logowanie nie jest w toku.",
    back_to_shop: "Wróć do sklepu",
    sign_in_rejected: "LiveChat nie przyjął logowania (mogło wygasnąć lub zostać już użyte). Zaloguj się ponownie.",
    sign_in_failed: "Logowanie nie zostało zakończone",
    sign_in_again: "Zaloguj się ponownie",
    go_back: "Wróć",
    no_secure_random: "Ta przeglądarka nie zapewnia bezpiecznych liczb losowych, więc logowanie nie może się bezpiecznie rozpocząć.",
    site_data_blocked: "Ta przeglądarka nie pozwala stronie zapamiętać logowania (dane witryn są zablokowane). Zezwól tej stronie na zapisywanie danych, a potem spróbuj ponownie.",
    sign_in_not_loaded: "Nie udało się rozpocząć logowania: jego kod się nie wczytał. Sprawdź połączenie i spróbuj ponownie.",
    sign_in_window_blocked: "Okno logowania zostało zablokowane. Zezwól tej stronie na wyskakujące okna, a potem spróbuj ponownie.",
    missing_scope_title: "Twojemu logowaniu brakuje uprawnienia",
    missing_scope_needs: "Ta strona wymaga uprawnienia ",
    missing_scope_to: ", aby ",
    missing_scope_not_included: ", a Twoje logowanie LiveChat go nie obejmuje.",
    missing_scope_owner: "Aplikacja musi o nie prosić (jej właściciel ustawia to w LiveChat Developer Console), a konto, którym się logujesz, musi móc je nadać: poproś właściciela konta LiveChat albo zaloguj się innym kontem LiveChat, które je ma.",
    sign_in_other: "Zaloguj się innym kontem",
    scope_ledger_read: "odczytać księgę przychodów i saldo",
    scope_billing_manage: "wyświetlać płatności i nimi zarządzać",
    scope_billing_admin: "zarządzać płatnościami innych aplikacji",
    scope_other: "korzystać z tej strony",

    charges: ListTexts {
        loading: "Wczytywanie płatności…",
        page_empty: |page| format!("Strona {page}: brak płatności."),
        page_shown: |page, n| {
            format!(
                "Strona {page}: pokazano {}.",
                plural(count(n), "płatność", "płatności", "płatności")
            )
        },
        failed: "Nie udało się wczytać płatności.",
        list_label: "Lista płatności",
        pages_label: "Strony płatności",
        no_more: |page| format!("Nie ma więcej płatności: strona {page} jest pusta."),
        none_with_status: |status| format!("Brak płatności o statusie \u{201e}{status}\u{201d}."),
        show_all: "Pokaż wszystkie płatności",
        empty: "Nie ma jeszcze płatności. Zakupy zrobione w Sklepie pojawią się tutaj.",
        purpose: "aby zobaczyć swoje płatności",
    },
    subscriptions: ListTexts {
        loading: "Wczytywanie subskrypcji…",
        page_empty: |page| format!("Strona {page}: brak subskrypcji."),
        page_shown: |page, n| {
            format!(
                "Strona {page}: pokazano {}.",
                plural(count(n), "subskrypcję", "subskrypcje", "subskrypcji")
            )
        },
        failed: "Nie udało się wczytać subskrypcji.",
        list_label: "Lista subskrypcji",
        pages_label: "Strony subskrypcji",
        no_more: |page| format!("Nie ma więcej subskrypcji: strona {page} jest pusta."),
        none_with_status: |status| {
            format!("Brak subskrypcji o statusie \u{201e}{status}\u{201d}.")
        },
        show_all: "Pokaż wszystkie subskrypcje",
        empty: "Nie ma jeszcze subskrypcji. Subskrypcje kupione w Sklepie pojawią się tutaj.",
        purpose: "aby zobaczyć swoje subskrypcje",
    },
    ledger_entries: ListTexts {
        loading: "Wczytywanie wpisów księgi…",
        page_empty: |page| format!("Strona {page}: brak wpisów."),
        page_shown: |page, n| {
            format!(
                "Strona {page}: pokazano {}.",
                plural(count(n), "wpis", "wpisy", "wpisów")
            )
        },
        failed: "Nie udało się wczytać wpisów księgi.",
        list_label: "Lista wpisów księgi",
        pages_label: "Strony wpisów księgi",
        no_more: |page| format!("Nie ma więcej wpisów: strona {page} jest pusta."),
        none_with_status: |status| format!("Brak wpisów o statusie \u{201e}{status}\u{201d}."),
        show_all: "Pokaż wszystkie wpisy",
        empty: "Nie ma jeszcze wpisów. Wpływy pojawią się tutaj po zrealizowaniu płatności.",
        purpose: "aby zobaczyć księgę i saldo",
    },
    status: "Status",
    all_statuses: "Wszystkie statusy",
    previous: "Poprzednia",
    next: "Następna",
    page_n: |page| format!("Strona {page}"),
    back_to_page: |page| format!("Wróć do strony {page}"),
    first_page: "Przejdź do pierwszej strony",
    yes: "Tak",
    no: "Nie",
    refresh: "Odśwież",
    refreshing: "Odświeżanie…",
    status_unknown: |raw| format!("Nieznany status ({raw})"),
    unknown_status_help: |raw| {
        format!(
            "LiveChat zgłosił status, którego ta strona nie zna (\u{201e}{raw}\u{201d}). Nie jest traktowany jako opłacony; odśwież później lub sprawdź ustawienia rozliczeń LiveChat."
        )
    },
    status_is: |status| format!("Status: {status}"),
    period_per_billing: "za okres rozliczeniowy",
    days: |n| plural(n, "dzień", "dni", "dni"),
    refund_about: |amount, days| {
        format!(
            "Jeśli anulujesz teraz, zwrot wyniesie około {amount} za pozostałą część tego okresu ({}).",
            plural(days, "dzień", "dni", "dni")
        )
    },
    refund_none_left: "Bez zwrotu: z bieżącego okresu nic nie zostało.",
    refund_none_trial: "Bez zwrotu: za bezpłatny okres próbny nic nie pobrano, więc nie ma czego zwracać.",
    refund_none_uncollected: "Bez zwrotu: płatność za bieżący okres nie została pobrana.",
    refund_none_running: "Bez zwrotu: nie trwa żaden opłacony okres.",
    awaiting_buyer: "LiveChat czeka, aż kupujący potwierdzi ten zakup.",
    confirm_purchase: "Potwierdź ten zakup",
    awaiting_buyer_unoffered: "LiveChat czeka, aż kupujący potwierdzi ten zakup, ale jego strona potwierdzenia nie jest tu dostępna: ",
    total_too_large: "Suma zbyt duża, by ją pokazać",
    too_large: "Zbyt duża, by ją pokazać",
    charges_title: "Płatności",
    charges_lead: "Płatności jednorazowe, od najnowszych, po 20 na stronę.",
    charge_title: "Płatność",
    charge_lead: "Jedna płatność i jej status.",
    not_a_charge_address: "To nie jest adres płatności",
    not_a_charge_detail: |problem| format!("Adres nie wskazuje prawidłowej płatności: {problem}."),
    back_to_charges: "Wróć do płatności",
    all_charges_back: "← Wszystkie płatności",
    no_such_charge: "Dla Twojego logowania nie ma płatności o tym identyfikatorze. Może należeć do innego konta albo link jest błędny.",
    to_see_charge: "aby zobaczyć tę płatność",
    loading_charge: "Wczytywanie płatności…",
    charge_not_found: "Nie znaleziono płatności",
    purchase_accepted_not_active: "Zakup został zaakceptowany; aplikacja musi go jeszcze aktywować, zanim LiveChat pobierze płatność.",
    collecting_payment: "LiveChat pobiera płatność. Odśwież za chwilę.",
    unit_price: "Cena jednostkowa",
    total: "Razem",
    created: "Utworzono",
    updated: "Zaktualizowano",
    test_charge: "Płatność testowa",
    charge_id: "Identyfikator płatności",
    payment_progress: "Postęp płatności",
    step_done: "zrobione",
    step_current: "w toku",
    step_upcoming: "jeszcze nie",
    step_failed: "nie doszło do skutku",
    free_trial_until: "Bezpłatny okres próbny do ",
    next_charge_on: "Następna płatność ",
    no_next_charge: "Brak następnej płatności",
    subscriptions_title: "Subskrypcje",
    subscriptions_lead: "Płatności cykliczne: status, bieżący okres i następna płatność.",
    subscription_title: "Subskrypcja",
    subscription_lead: "Jedna subskrypcja, jej daty i status.",
    not_a_subscription_address: "To nie jest adres subskrypcji",
    not_a_subscription_detail: |problem| {
        format!("Adres nie wskazuje prawidłowej subskrypcji: {problem}.")
    },
    back_to_subscriptions: "Wróć do subskrypcji",
    all_subscriptions_back: "← Wszystkie subskrypcje",
    no_such_subscription: "Dla Twojego logowania nie ma subskrypcji o tym identyfikatorze. Może należeć do innego konta albo link jest błędny.",
    to_see_subscription: "aby zobaczyć tę subskrypcję",
    loading_subscription: "Wczytywanie subskrypcji…",
    subscription_not_found: "Nie znaleziono subskrypcji",
    cancelled_notice: "Subskrypcja została anulowana i nie zostanie odnowiona. Ewentualny zwrot za niewykorzystaną część bieżącego okresu pojawi się w sekcji Księga jako zwrot.",
    changed_meanwhile: "Subskrypcja zmieniła się w międzyczasie, więc nie została teraz anulowana. Wczytano ją ponownie: sprawdź jej status poniżej.",
    cancel_question: "Anulować tę subskrypcję?",
    cancel_warning: "Zostanie zatrzymana od razu i nie zostanie odnowiona. Tego nie można cofnąć.",
    keep_subscription: "Zachowaj subskrypcję",
    cancelling: "Anulowanie…",
    cancel_subscription: "Anuluj subskrypcję",
    cancel_subscription_more: "Anuluj subskrypcję…",
    no_free_trial: "Bez okresu próbnego",
    trial_ends: ", koniec ",
    accepted_not_active: "Subskrypcja została zaakceptowana; aplikacja musi ją jeszcze aktywować, zanim się zacznie.",
    starting_subscription: "LiveChat uruchamia subskrypcję. Odśwież za chwilę.",
    price: "Cena",
    free_trial: "Bezpłatny okres próbny",
    current_period_from: "Bieżący okres od",
    next_charge: "Następna płatność",
    cancelled: "Anulowano",
    test_subscription: "Subskrypcja testowa",
    subscription_id: "Identyfikator subskrypcji",
    subscription_progress: "Postęp subskrypcji",

    ledger_title: "Księga",
    ledger_lead: "Wpływy, zwroty, wypłaty i saldo.",
    balance: "Saldo",
    loading_balance: "Wczytywanie salda…",
    other_type: |raw| format!("Inne ({raw})"),
};
