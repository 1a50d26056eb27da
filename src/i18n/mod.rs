//! The widget's texts in every language it speaks, and the language of the
//! page. Each locale is one `static` [`Messages`]: a text missing from a
//! locale is a compile error, and nothing is parsed at run time.
//!
//! The locale is chosen once at start-up ([`set_locale`]) and read wherever
//! a text is shown ([`t`], [`locale`]); host code and tests that need a
//! given language use [`Messages::of`].

mod en;
mod pl;

use std::sync::atomic::{AtomicU8, Ordering};

pub use crate::domain::locale::{
    choose_locale, format_count, pick_polish, polish_plural, query_lang, Locale, LocaleSetting,
    PolishPlural,
};

/// The page's locale; English until [`set_locale`] says otherwise.
static CURRENT: AtomicU8 = AtomicU8::new(0);

pub fn set_locale(locale: Locale) {
    CURRENT.store(locale as u8, Ordering::Relaxed);
}

pub fn locale() -> Locale {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Locale::Pl,
        _ => Locale::En,
    }
}

/// The texts of the page's locale.
pub fn t() -> &'static Messages {
    Messages::of(locale())
}

/// The texts of a paged list (charges, subscriptions, ledger): each
/// language words counts and cases its own way.
pub struct ListTexts {
    pub loading: &'static str,
    /// A sentence for screen readers: page `p`, none shown.
    pub page_empty: fn(u32) -> String,
    /// A sentence for screen readers: page `p`, `n` shown.
    pub page_shown: fn(u32, usize) -> String,
    pub failed: &'static str,
    /// The accessible name of the list.
    pub list_label: &'static str,
    /// The accessible name of the pager.
    pub pages_label: &'static str,
    /// Past the last page `p`.
    pub no_more: fn(u32) -> String,
    /// Nothing with the status named.
    pub none_with_status: fn(&str) -> String,
    pub show_all: &'static str,
    /// An empty first page without a filter.
    pub empty: &'static str,
    /// For the sign-in prompt: "to see your charges".
    pub purpose: &'static str,
}

impl ListTexts {
    fn texts(&self) -> [(&'static str, &'static str); 7] {
        [
            ("loading", self.loading),
            ("failed", self.failed),
            ("list_label", self.list_label),
            ("pages_label", self.pages_label),
            ("show_all", self.show_all),
            ("empty", self.empty),
            ("purpose", self.purpose),
        ]
    }
}

/// Declares [`Messages`] and [`Messages::texts`], which lists every plain
/// text by name so tests can check all of them in every locale.
macro_rules! messages {
    (
        texts { $($text:ident),* $(,)? }
        lists { $($list:ident),* $(,)? }
        functions { $($function:ident: $signature:ty),* $(,)? }
    ) => {
        /// Every text the widget shows, one field per message. Texts with
        /// values in them are functions, so each language places the values
        /// itself.
        pub struct Messages {
            $(pub $text: &'static str,)*
            $(pub $list: ListTexts,)*
            $(pub $function: $signature,)*
        }

        impl Messages {
            /// Every plain text with its field name, lists' texts included.
            pub fn texts(&self) -> Vec<(String, &'static str)> {
                let mut all = vec![$((stringify!($text).to_owned(), self.$text)),*];
                $(all.extend(self.$list.texts().map(|(name, text)| {
                    (format!("{}.{name}", stringify!($list)), text)
                }));)*
                all
            }
        }
    };
}

messages! {
    texts {
        bidali_key_refused,
        account_id_invalid,
        plan_ref_empty,
        plan_id_invalid,
        plan_active_field,
        plan_fixed_hint,
        plan_name_hint,
        plan_code_hint,
        plan_account_hint,
        dev_latency_invalid,
        dev_reset_confirm,
        dev_reset_done,
        dev_panel,
        dev_scenario,
        dev_latency,
        dev_fault,
        dev_fail_next,
        dev_skip,
        dev_reset,
        test_badge,
        unnamed_customer,
        customer_label,
        not_available_title,
        mock_only,
        mock_starting,
        page_load_failed_title,
        page_load_failed_body,
        page_load_failed_again,
        page_load_retry,
        page_load_retrying,
        decline,
        item,
        trial,
        plans_unavailable,
        plan_active,
        plan_inactive,
        plans_title,
        plans_lead,
        loading_plans,
        plans_failed,
        open_a_plan,
        plan_ref_label,
        open_plan,
        plan_ref_hint,
        new_plan,
        filter_plans,
        name_contains,
        account_id,
        apply_filters,
        clear_filters,
        list_of_plans,
        no_plans_match,
        show_all_plans,
        no_plans,
        new_plan_title,
        new_plan_lead,
        creating,
        create_plan,
        not_a_plan_address,
        back_to_plans,
        plan_title,
        plan_lead,
        plan_created,
        plan_saved,
        plan_activated,
        plan_deactivated,
        loading_plan,
        plan_not_found,
        no_such_plan,
        deactivate_plan,
        activate_plan,
        plan_id,
        plan_code,
        tax,
        no_tax,
        total_per_cycle,
        billing_cycle,
        change_plan,
        saving,
        save_changes,
        crypto_title,
        crypto_lead,
        crypto_resume,
        crypto_go_back,
        crypto_start_label,
        crypto_what_for,
        crypto_another_amount,
        amount,
        currency,
        crypto_description,
        crypto_buyer,
        email,
        first_name,
        last_name,
        getting_quotes,
        get_quotes,
        crypto_email_needed,
        crypto_new_payment,
        crypto_charge_lead,
        crypto_received,
        crypto_not_found,
        history,
        crypto_payment,
        getting_new_quote,
        get_new_quote,
        no_currency_offered,
        choose_currency,
        choose_another_currency,
        do_not_pay_yet,
        send_exactly,
        to_this_address,
        checking_paused,
        receipt,
        receipt_for,
        completed,
        transactions,
        receipt_payment,
        receipt_price,
        receipt_paid,
        new_payment,
        loading_payment,
        unknown_status_hint,
        open_in_wallet,
        wallet_amount_note,
        this_payment,
        crypto_email_invalid,
        crypto_currency_invalid,
        plans_pages_label,
        all_plans_back,
        cancel_form,
        ledger_entries_heading,
        ledger_not_available,
        choose_to_pay,
        pay,
        quote_expired,
        time_left,
        copy,
        copied,
        the_amount,
        the_address,
        what_happened,
        progress,
        return_relayed,
        return_invalid_title,
        see_your_charges,
        payment_title,
        payment_lead,
        one_time_purchase,
        status_prefix,
        details,
        reading_payment,
        activating_charge,
        activating_elsewhere,
        waiting_payment,
        return_not_found,
        all_charges,
        refresh_status,
        to_see_payment,
        awaiting_confirmation,
        go_to_confirmation,
        check_again,
        decline_subscription,
        skip_to_content,
        test_mode,
        test_mode_detail,
        nav_label,
        nav_shop,
        nav_charges,
        nav_subscriptions,
        nav_ledger,
        nav_crypto,
        nav_plans,
        dark_theme,
        loading_configuration,
        loading_page,
        cannot_start,
        cannot_start_hint_check,
        cannot_start_hint_next_to,
        cannot_start_hint_rest,
        shop_title,
        shop_lead,
        catalog_empty,
        one_time,
        subscription,
        terms_once_per_agent,
        terms_once,
        terms_per_agent,
        setup_heading,
        setup_step_app,
        setup_step_redirect_1,
        setup_step_redirect_2,
        setup_step_redirect_and,
        setup_step_redirect_3,
        setup_step_mode_set,
        setup_step_mode_to,
        setup_step_mode_client,
        setup_step_widget,
        setup_hint,
        not_found_title,
        not_found_lead,
        not_found_nothing_at,
        go_to_shop,
        quantity,
        accounts_quantity,
        quantity_whole,
        buy,
        subscribe,
        sign_in_to_buy,
        sign_in_to_subscribe,
        creating_charge,
        pay_in_livechat,
        confirm_in_window,
        window_blocked,
        open_payment_page,
        maybe_created,
        check_your_charges,
        maybe_created_end,
        created_despite_drop_1,
        created_despite_drop_2,
        continue_to_payment,
        nothing_created,
        try_again,
        reload,
        host_waiting,
        host_declined,
        sign_in_expired,
        sign_in_with_livechat,
        sign_in_again_to,
        sign_in_with_account_to,
        opening_sign_in,
        signed_in_with_livechat,
        sign_out,
        signed_in_relayed,
        signing_in,
        finishing_sign_in,
        signing_you_in,
        no_sign_in,
        back_to_shop,
        sign_in_rejected,
        sign_in_failed,
        sign_in_again,
        go_back,
        no_secure_random,
        site_data_blocked,
        sign_in_not_loaded,
        sign_in_window_blocked,
        missing_scope_title,
        missing_scope_needs,
        missing_scope_to,
        missing_scope_not_included,
        missing_scope_owner,
        sign_in_other,
        scope_ledger_read,
        scope_billing_manage,
        scope_billing_admin,
        scope_other,
        status,
        all_statuses,
        previous,
        next,
        first_page,
        yes,
        no,
        refresh,
        refreshing,
        period_per_billing,
        refund_none_left,
        refund_none_trial,
        refund_none_uncollected,
        refund_none_running,
        awaiting_buyer,
        confirm_purchase,
        awaiting_buyer_unoffered,
        total_too_large,
        too_large,
        charges_title,
        charges_lead,
        charge_title,
        charge_lead,
        not_a_charge_address,
        back_to_charges,
        all_charges_back,
        no_such_charge,
        to_see_charge,
        loading_charge,
        charge_not_found,
        purchase_accepted_not_active,
        collecting_payment,
        unit_price,
        total,
        created,
        updated,
        test_charge,
        charge_id,
        payment_progress,
        step_done,
        step_current,
        step_upcoming,
        step_failed,
        free_trial_until,
        next_charge_on,
        no_next_charge,
        subscriptions_title,
        subscriptions_lead,
        subscription_title,
        subscription_lead,
        not_a_subscription_address,
        back_to_subscriptions,
        all_subscriptions_back,
        no_such_subscription,
        to_see_subscription,
        loading_subscription,
        subscription_not_found,
        cancelled_notice,
        changed_meanwhile,
        cancel_question,
        cancel_warning,
        keep_subscription,
        cancelling,
        cancel_subscription,
        cancel_subscription_more,
        no_free_trial,
        trial_ends,
        accepted_not_active,
        starting_subscription,
        price,
        free_trial,
        current_period_from,
        next_charge,
        cancelled,
        test_subscription,
        subscription_id,
        subscription_progress,
        ledger_title,
        ledger_lead,
        balance,
        loading_balance,
    }
    lists {
        charges,
        subscriptions,
        ledger_entries,
    }
    functions {
        bidali_not_set_up: fn(&str) -> String,
        cycle_unknown: fn(&str) -> String,
        plan_code_invalid: fn(&str) -> String,
        plan_name_unsaveable: fn(&str) -> String,
        code_unknown: fn(&str) -> String,
        plan_amount_hint: fn(&str) -> String,
        plan_tax_hint: fn(&str) -> String,
        check_fields: fn(usize) -> String,
        dev_scenario_set: fn(&str) -> String,
        dev_latency_set: fn(u64) -> String,
        dev_fault_set: fn(&str) -> String,
        dev_clock_ahead: fn(u64) -> String,
        dev_samples_added: fn(u32) -> String,
        dev_add_samples: fn(u32) -> String,
        dev_bulk: fn(u32) -> String,
        try_again_in: fn(u64) -> String,
        crypto_description_too_long: fn(usize) -> String,
        crypto_name_too_long: fn(usize) -> String,
        note_not_a_page: fn(&str) -> String,
        note_not_a_status: fn(&str) -> String,
        note_not_an_account: fn(&str) -> String,
        dev_bulk_listed: fn(u32) -> String,
        dev_control_failed: fn(&str) -> String,
        plans_page_empty: fn(u32) -> String,
        plans_page_shown: fn(u32, usize) -> String,
        plans_no_more: fn(u32) -> String,
        plan_tax: fn(&str) -> String,
        plan_created_on: fn(&str) -> String,
        crypto_link_invalid: fn(&str) -> String,
        getting_address: fn(&str) -> String,
        unchecked_address: fn(&str, &str) -> String,
        pay_with: fn(&str) -> String,
        qr_label: fn(&str) -> String,
        no_payment_link: fn(&str) -> String,
        pay_amount_in: fn(&str, &str) -> String,
        not_available: fn(&str) -> String,
        no_qr: fn(&str) -> String,
        copy_label: fn(bool, &str) -> String,
        copied_status: fn(&str) -> String,
        copy_failed: fn(&str, &str) -> String,
        status_with_code: fn(&str, &str) -> String,
        return_invalid_detail: fn(&str) -> String,
        plans_need_gateway_keys: fn(&str) -> String,
        plans_address_unusable: fn(&str) -> String,
        checked_times: fn(u32) -> String,
        checks_slowed: fn(u64) -> String,
        confirmation_not_opened: fn(&str) -> String,
        terms_once_for: fn(u32) -> String,
        terms_every_months: fn(u32) -> String,
        terms_trial_days: fn(u32) -> String,
        quantity_range: fn(u32) -> String,
        host_failed: fn(&str) -> String,
        unsafe_confirmation: fn(&str) -> String,
        page_n: fn(u32) -> String,
        back_to_page: fn(u32) -> String,
        status_unknown: fn(&str) -> String,
        unknown_status_help: fn(&str) -> String,
        status_is: fn(&str) -> String,
        days: fn(u64) -> String,
        refund_about: fn(&str, u64) -> String,
        not_a_charge_detail: fn(&str) -> String,
        not_a_subscription_detail: fn(&str) -> String,
        other_type: fn(&str) -> String,
    }
}

impl Messages {
    /// The texts of `locale`, or English while that locale's catalog has not
    /// arrived (see [`load_catalog`]).
    pub fn of(locale: Locale) -> &'static Messages {
        match locale {
            Locale::En => &en::MESSAGES,
            Locale::Pl => catalogs::polish().unwrap_or(&en::MESSAGES),
        }
    }
}

/// The locale whose texts [`Messages::of`] gives for `locale` now: itself
/// once its catalog is here, else English.
pub fn shown_locale(locale: Locale) -> Locale {
    match locale {
        Locale::Pl if catalogs::polish().is_none() => Locale::En,
        other => other,
    }
}

/// Fetches the catalog of `locale` if it is not here yet; `false` if it
/// could not be fetched (the texts stay English).
pub async fn load_catalog(locale: Locale) -> bool {
    match locale {
        Locale::En => true,
        Locale::Pl => catalogs::load_polish().await,
    }
}

/// Where the catalogs live. English, the default, is part of the first
/// screen; in the build split by route (the `split` feature) the Polish
/// catalog is a wasm chunk of its own, so an English visitor never
/// downloads it.
#[cfg(all(target_arch = "wasm32", feature = "split"))]
mod catalogs {
    use std::sync::OnceLock;

    use leptos::wasm_split::SplitLoaderError;

    use super::Messages;

    static POLISH: OnceLock<&'static Messages> = OnceLock::new();

    #[leptos::wasm_split::wasm_split(texts_pl, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn polish_catalog() -> Result<&'static Messages, SplitLoaderError> {
        Ok(&super::pl::MESSAGES)
    }

    pub fn polish() -> Option<&'static Messages> {
        POLISH.get().copied()
    }

    pub async fn load_polish() -> bool {
        if POLISH.get().is_some() {
            return true;
        }
        match polish_catalog().await {
            Ok(catalog) => {
                let _ = POLISH.set(catalog);
                true
            }
            Err(_) => {
                web_sys::console::warn_1(
                    &"the Polish texts could not be loaded: showing English".into(),
                );
                false
            }
        }
    }
}

/// Every catalog is linked in: host code, tests and the unsplit build.
#[cfg(not(all(target_arch = "wasm32", feature = "split")))]
mod catalogs {
    use super::Messages;

    pub fn polish() -> Option<&'static Messages> {
        Some(&super::pl::MESSAGES)
    }

    pub async fn load_polish() -> bool {
        true
    }
}
