//! A QR code as one SVG path: the `qrcode` crate encodes, this draws each
//! dark module as a unit square, with the quiet zone scanners need.

use qrcode::{Color, EcLevel, QrCode};
use thiserror::Error;

use super::locale::Locale;

/// Modules of light margin on every side (the standard asks for four).
pub const QUIET_ZONE: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the payment link is too long for a QR code")]
pub struct QrError;

impl QrError {
    /// The reason in `locale` (`Display` is the English one), a clause to
    /// put after a colon.
    pub fn message_in(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => "the payment link is too long for a QR code",
            Locale::Pl => "link płatności jest za długi na kod QR",
        }
    }
}

/// What an `<svg viewBox="0 0 size size">` needs to draw the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrPath {
    /// Width and height in modules, quiet zone included.
    pub size: usize,
    /// `M x y h1v1h-1z` for every dark module.
    pub d: String,
}

/// Encodes `text` with medium error correction (a phone camera at an
/// angle still reads it).
pub fn qr_path(text: &str) -> Result<QrPath, QrError> {
    let code =
        QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|_| QrError)?;
    let width = code.width();
    let mut d = String::new();
    for (index, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (index % width + QUIET_ZONE, index / width + QUIET_ZONE);
            d.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Ok(QrPath {
        size: width + 2 * QUIET_ZONE,
        d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payment_link_becomes_a_square_with_a_quiet_zone() {
        let path =
            qr_path("bitcoin:3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va?amount=0.029366").expect("encodes");
        // Version 4 (33 modules) holds this at level M.
        assert_eq!(path.size, 33 + 2 * QUIET_ZONE);
        // The top-left finder pattern starts right inside the quiet zone.
        assert!(path.d.starts_with("M4 4h1v1h-1z"), "{}", &path.d[..40]);
        assert!(!path.d.contains("M0 ") && !path.d.contains(" 0h"));
        let squares = path.d.matches('z').count();
        assert!(squares > 300 && squares < 33 * 33, "{squares}");
    }

    #[test]
    fn different_links_draw_differently_and_overlong_ones_are_refused() {
        let a = qr_path("litecoin:MAbc?amount=1").unwrap();
        let b = qr_path("litecoin:MAbc?amount=2").unwrap();
        assert_ne!(a.d, b.d);
        assert_eq!(qr_path(&"x".repeat(5_000)), Err(QrError));
    }
}
