//! A large seeded data set for paging demos and benchmarks: `count` finished
//! direct charges and `count` ledger lines that are never stored. The state
//! keeps only `(seed, count, seller, anchor time)`; entry `k` is generated
//! from `(seed, k)` whenever a page needs it, so 10,000 entries cost a few
//! bytes of localStorage, saving the state stays as fast as before, and a
//! list request builds only the 20 rows it answers with.
//!
//! Both sequences are newest first by construction: charge `k` (1-based)
//! was created about `k` hours before the anchor, ledger line `k` a quarter
//! of an hour later. The ledger is a history of its own (sales and refunds
//! over the same hours), not the consequence of the listed charges: a
//! charge list and a ledger of `count` entries each is what the paging
//! benchmarks need.

use serde::{Deserialize, Serialize};

use billing_core::domain::charge::{DirectChargeStatus, LedgerEntryType};

use super::livechat::SAMPLE_PRODUCTS;

/// The most entries a bulk data set may have: far more than a benchmark
/// needs, and below 2^20, the room an entry's index has in its id.
pub const MAX_BULK_ENTRIES: u32 = 100_000;
/// The size the developer panel and the benchmarks use.
pub const BENCH_BULK_ENTRIES: u32 = 10_000;

const HOUR_MS: u64 = 3_600_000;
/// Ledger line `k` follows charge `k` by this much.
const LEDGER_AFTER_MS: u64 = 15 * 60_000;
/// Every this-many-th ledger line is a refund.
const REFUND_EVERY: u32 = 25;
/// Bits of an id's last group that hold the entry's index.
const INDEX_BITS: u32 = 20;
/// Keeps the charge and ledger streams of one seed apart.
const LEDGER_SALT: u64 = 0x5851_f42d_4c95_7f2d;

/// What the mock remembers of a bulk data set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkDataSet {
    pub seed: u64,
    /// Charges, and ledger lines, in the set.
    pub count: u32,
    /// The developer (client) who sold them and whose ledger it is.
    pub client_id: String,
    /// Entry `k` is dated `k` hours before this.
    pub anchor_ms: u64,
    pub commission_percent: u32,
}

/// One generated direct charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkCharge {
    pub index: u32,
    pub id: String,
    pub name: String,
    pub price: i64,
    pub quantity: u32,
    pub status: DirectChargeStatus,
    pub created_ms: u64,
    pub updated_ms: u64,
}

/// One generated ledger line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkLedgerLine {
    pub index: u32,
    pub id: String,
    pub name: String,
    pub entry_type: LedgerEntryType,
    /// Positive; the type says whether it adds or deducts.
    pub value: i64,
    pub created_ms: u64,
}

/// SplitMix64: a good 64-bit mix in a few instructions, the same on every
/// platform, so entry `k` of a seed reads the same in the browser, the
/// native server and the tests.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn entry_hash(seed: u64, salt: u64, index: u32) -> u64 {
    mix(mix(seed ^ salt) ^ u64::from(index))
}

/// A version-4-shaped UUID whose last group ends with `index`, so the entry
/// is found again from its id without a search.
fn entry_id(seed: u64, salt: u64, index: u32) -> String {
    let a = entry_hash(seed, salt ^ 0x1d, index);
    let b = entry_hash(seed, salt ^ 0x2e, index);
    let variant = ['8', '9', 'a', 'b'][(b >> 62) as usize];
    let tail = ((b & 0xff_ffff) << INDEX_BITS) | u64::from(index);
    format!(
        "{:08x}-{:04x}-4{:03x}-{variant}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        (a >> 4) & 0xfff,
        (b >> 32) & 0xfff,
        tail & 0xffff_ffff_ffff
    )
}

/// The developer's share of `total` after commission, rounded down, as
/// the Billing API computes it.
fn developer_share(total: i64, commission_percent: u32) -> i64 {
    let keep = i128::from(100 - commission_percent.min(100));
    i64::try_from(i128::from(total) * keep / 100).unwrap_or(0)
}

impl BulkDataSet {
    pub fn new(seed: u64, count: u32, client_id: &str, anchor_ms: u64, commission: u32) -> Self {
        Self {
            seed,
            count: count.min(MAX_BULK_ENTRIES),
            client_id: client_id.to_owned(),
            anchor_ms,
            commission_percent: commission.min(100),
        }
    }

    fn charge_hash(&self, index: u32) -> u64 {
        entry_hash(self.seed, 0, index)
    }

    /// Charge `index`'s status alone: what a status filter reads for every
    /// index, so it builds nothing else. About 70% `success`, 15% `failed`
    /// and 15% `declined`, every one final, so the gateway never moves them.
    pub fn charge_status(&self, index: u32) -> DirectChargeStatus {
        match self.charge_hash(index) % 100 {
            0..=69 => DirectChargeStatus::Success,
            70..=84 => DirectChargeStatus::Failed,
            _ => DirectChargeStatus::Declined,
        }
    }

    /// When charge `index` was created: strictly older as `index` grows.
    pub fn charge_created_ms(&self, index: u32) -> u64 {
        self.anchor_ms
            .saturating_sub(u64::from(index).saturating_mul(HOUR_MS))
    }

    /// Charge `index` (1-based, newest first), or `None` outside the set.
    pub fn charge(&self, index: u32) -> Option<BulkCharge> {
        if index == 0 || index > self.count {
            return None;
        }
        let h = self.charge_hash(index);
        let (product, price) = SAMPLE_PRODUCTS[((h >> 8) % SAMPLE_PRODUCTS.len() as u64) as usize];
        let created_ms = self.charge_created_ms(index);
        let status = self.charge_status(index);
        // A declined charge ends when the buyer answers; the others after
        // activation and two gateway steps.
        let updated_ms = created_ms.saturating_add(match status {
            DirectChargeStatus::Declined => 60_000,
            _ => 96_000,
        });
        Some(BulkCharge {
            index,
            id: entry_id(self.seed, 0, index),
            name: format!("Bulk item {index}: {product}"),
            price,
            quantity: 1 + ((h >> 16) % 3) as u32,
            status,
            created_ms,
            updated_ms,
        })
    }

    /// The charge with this id, if it is one of the set's.
    pub fn charge_by_id(&self, id: &str) -> Option<BulkCharge> {
        let tail = id.rsplit('-').next()?;
        let tail = u64::from_str_radix(tail, 16).ok()?;
        let index = u32::try_from(tail & ((1 << INDEX_BITS) - 1)).ok()?;
        self.charge(index).filter(|charge| charge.id == id)
    }

    /// Indexes of the charges whose status is `status` (all for `None`),
    /// newest first, without building any charge.
    pub fn charge_indexes<'a>(
        &'a self,
        status: Option<&'a DirectChargeStatus>,
    ) -> impl Iterator<Item = u32> + 'a {
        (1..=self.count).filter(move |&k| status.is_none_or(|s| &self.charge_status(k) == s))
    }

    /// When ledger line `index` was written: strictly older as `index` grows.
    pub fn ledger_created_ms(&self, index: u32) -> u64 {
        self.charge_created_ms(index)
            .saturating_add(LEDGER_AFTER_MS)
    }

    fn ledger_type(index: u32) -> LedgerEntryType {
        if index.is_multiple_of(REFUND_EVERY) {
            LedgerEntryType::Refund
        } else {
            LedgerEntryType::Collection
        }
    }

    /// The type and value of line `index`, the part the balance needs.
    fn ledger_amount(&self, index: u32) -> (LedgerEntryType, i64, &'static str) {
        let h = entry_hash(self.seed, LEDGER_SALT, index);
        let (product, price) = SAMPLE_PRODUCTS[((h >> 8) % SAMPLE_PRODUCTS.len() as u64) as usize];
        let quantity = 1 + ((h >> 16) % 3) as i64;
        let share = developer_share(price * quantity, self.commission_percent);
        (Self::ledger_type(index), share, product)
    }

    /// Ledger line `index` (1-based, newest first), or `None` outside the set.
    pub fn ledger_line(&self, index: u32) -> Option<BulkLedgerLine> {
        if index == 0 || index > self.count {
            return None;
        }
        let (entry_type, value, product) = self.ledger_amount(index);
        let name = match entry_type {
            LedgerEntryType::Refund => format!("Refund of bulk sale {index}: {product}"),
            _ => format!("Bulk sale {index}: {product}"),
        };
        Some(BulkLedgerLine {
            index,
            id: entry_id(self.seed, LEDGER_SALT, index),
            name,
            entry_type,
            value,
            created_ms: self.ledger_created_ms(index),
        })
    }

    /// What the set's ledger adds to the balance, in cents.
    pub fn ledger_balance(&self) -> i64 {
        (1..=self.count).fold(0i64, |sum, k| match self.ledger_amount(k) {
            (LedgerEntryType::Refund, value, _) => sum.saturating_sub(value),
            (_, value, _) => sum.saturating_add(value),
        })
    }
}

/// Where one entry of a merged page comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merged<R> {
    Stored(R),
    Bulk(u32),
}

/// Page `page` (1-based) of `page_size` entries of two sequences merged
/// newest first, each already newest first and given as `(created_ms,
/// entry)`; on equal times the stored entry comes first. Entries before the
/// page are stepped over, never built.
pub fn merged_page<R>(
    stored: impl Iterator<Item = (u64, R)>,
    bulk: impl Iterator<Item = (u64, u32)>,
    page: usize,
    page_size: usize,
) -> Vec<Merged<R>> {
    let mut stored = stored.peekable();
    let mut bulk = bulk.peekable();
    let merged = std::iter::from_fn(move || match (stored.peek(), bulk.peek()) {
        (Some((a, _)), Some((b, _))) if a < b => bulk.next().map(|(_, k)| Merged::Bulk(k)),
        (Some(_), _) => stored.next().map(|(_, r)| Merged::Stored(r)),
        (None, _) => bulk.next().map(|(_, k)| Merged::Bulk(k)),
    });
    merged
        .skip(page.saturating_sub(1).saturating_mul(page_size))
        .take(page_size)
        .collect()
}
