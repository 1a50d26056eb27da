//! Seeded randomness for the mock: ids, rates and simulated outcomes repeat
//! exactly for the same seed, and the generator's position is saved with
//! the rest of the state.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockRng(fastrand::Rng);

impl MockRng {
    pub fn new(seed: u64) -> Self {
        Self(fastrand::Rng::with_seed(seed))
    }

    /// A number in `range`.
    pub fn u64(&mut self, range: std::ops::Range<u64>) -> u64 {
        if range.is_empty() {
            return range.start;
        }
        self.0.u64(range)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u8) -> bool {
        self.0.u8(0..100) < percent
    }

    /// `len` lowercase hex digits.
    pub fn hex(&mut self, len: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..len)
            .map(|_| char::from(HEX[usize::from(self.0.u8(0..16))]))
            .collect()
    }

    /// A version-4-shaped UUID, as LiveChat's charge ids are.
    pub fn uuid(&mut self) -> String {
        let variant = ['8', '9', 'a', 'b'][usize::from(self.0.u8(0..4))];
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            variant,
            self.hex(3),
            self.hex(12)
        )
    }

    /// A short id of letters, digits, `-` and `_`, as Bidali's charge ids are.
    pub fn short_id(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        (0..len)
            .map(|_| char::from(ALPHABET[self.0.usize(0..ALPHABET.len())]))
            .collect()
    }
}

impl Serialize for MockRng {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The generator's whole state is one u64; a string keeps it exact in
        // JavaScript, whose numbers stop at 2^53.
        serializer.serialize_str(&self.0.get_seed().to_string())
    }
}

impl<'de> Deserialize<'de> for MockRng {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse::<u64>()
            .map(Self::new)
            .map_err(|_| serde::de::Error::custom("the mock rng state must be a u64 in a string"))
    }
}
