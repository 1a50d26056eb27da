//! The widget's paths: which page each one shows, and which chunk of code
//! (area) holds it. Pure, so the table is tested on the host; the router
//! (`ui`) and the chunk loader (`ui::lazy_pages`) follow it.

/// The pages whose code is in a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    SignInCallback,
    ChargeReturn,
    Charges,
    ChargeDetail,
    Subscriptions,
    SubscriptionDetail,
    Ledger,
    CryptoStart,
    CryptoCharge,
    Plans,
    PlanCreate,
    PlanDetail,
}

/// A chunk of pages (a wasm chunk of the build split by route). Pages of one area share a chunk: split one by one,
/// pages that share most of their code (a list and its detail page) leave
/// dozens of tiny shared chunks behind, each a request of its own and each
/// paying its own module overhead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The pages a visitor reaches after a redirect back to the widget.
    Returns,
    /// What was bought: charges, subscriptions, the ledger.
    Lists,
    Crypto,
    Plans,
}

impl Page {
    /// The page at `path`, an app path such as `/charges/42` (a trailing
    /// `/` after a list is the list); `None` where no page is.
    pub fn at(path: &str) -> Option<Page> {
        let mut segments = path.strip_prefix('/')?.split('/');
        let first = segments.next()?;
        let second = segments.next().filter(|s| !s.is_empty());
        if segments.next().is_some() {
            return None;
        }
        let page = match (first, second) {
            ("auth", Some("callback")) => Page::SignInCallback,
            ("return", None) => Page::ChargeReturn,
            ("charges", None) => Page::Charges,
            ("charges", Some(_)) => Page::ChargeDetail,
            ("subscriptions", None) => Page::Subscriptions,
            ("subscriptions", Some(_)) => Page::SubscriptionDetail,
            ("ledger", None) => Page::Ledger,
            ("crypto", None) => Page::CryptoStart,
            ("crypto", Some(_)) => Page::CryptoCharge,
            ("plans", None) => Page::Plans,
            ("plans", Some("new")) => Page::PlanCreate,
            ("plans", Some(_)) => Page::PlanDetail,
            _ => return None,
        };
        Some(page)
    }

    pub fn area(self) -> Area {
        match self {
            Page::SignInCallback | Page::ChargeReturn => Area::Returns,
            Page::Charges
            | Page::ChargeDetail
            | Page::Subscriptions
            | Page::SubscriptionDetail
            | Page::Ledger => Area::Lists,
            Page::CryptoStart | Page::CryptoCharge => Area::Crypto,
            Page::Plans | Page::PlanCreate | Page::PlanDetail => Area::Plans,
        }
    }
}

impl Area {
    /// The area a visitor most likely opens after the page at `path`: the
    /// charges, from the shop or after a payment. A list's detail pages are
    /// in the list's area, so nothing more is needed from there.
    pub fn likely_after(path: &str) -> Option<Area> {
        matches!(path, "/" | "/return").then_some(Area::Lists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_is_found_at_its_path() {
        let cases = [
            ("/auth/callback", Page::SignInCallback),
            ("/return", Page::ChargeReturn),
            ("/charges", Page::Charges),
            ("/charges/", Page::Charges),
            ("/charges/42", Page::ChargeDetail),
            ("/subscriptions", Page::Subscriptions),
            ("/subscriptions/7", Page::SubscriptionDetail),
            ("/ledger", Page::Ledger),
            ("/crypto", Page::CryptoStart),
            ("/crypto/ch_1", Page::CryptoCharge),
            ("/plans", Page::Plans),
            ("/plans/new", Page::PlanCreate),
            ("/plans/5001", Page::PlanDetail),
            ("/plans/*starter", Page::PlanDetail),
        ];
        for (path, page) in cases {
            assert_eq!(Page::at(path), Some(page), "{path}");
        }
    }

    #[test]
    fn paths_without_a_page_are_not_found_without_fetching_anything() {
        for path in [
            "",
            "/",
            "/auth",
            "/auth/other",
            "/ledger/1",
            "/return/1",
            "/charges/42/refund",
            "/charges/42/",
            "/chargesx",
            "charges",
        ] {
            assert_eq!(Page::at(path), None, "{path:?}");
        }
    }

    #[test]
    fn the_charges_are_fetched_ahead_from_the_shop_and_after_a_payment() {
        assert_eq!(Area::likely_after("/"), Some(Area::Lists));
        assert_eq!(Area::likely_after("/return"), Some(Area::Lists));
        assert_eq!(Area::likely_after("/charges"), None);
        assert_eq!(Area::likely_after("/plans"), None);
    }
}
