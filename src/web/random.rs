//! Unpredictable bytes from `crypto.getRandomValues`, for OAuth `state` and
//! the PKCE verifier. There is no fallback: without a secure random source a
//! sign-in must not start.

use crate::domain::oauth::SignInRandomness;

/// `N` random bytes, or `None` when the browser offers no `crypto`.
pub fn random_bytes<const N: usize>() -> Option<[u8; N]> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; N];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes)
}

/// Fresh randomness for one sign-in.
pub fn sign_in_randomness() -> Option<SignInRandomness> {
    Some(SignInRandomness {
        state: random_bytes()?,
        verifier: random_bytes()?,
    })
}

/// A sample for the polling schedule's jitter (`Math.random`: spreading
/// clients out needs no secrecy).
pub fn jitter_sample() -> u32 {
    crate::domain::polling::jitter_sample_from_unit(js_sys::Math::random())
}
