//! Amounts no money field may accept, typed as people and pasted text
//! really arrive: each must be refused at its field, with nothing sent.

pub const BAD_AMOUNTS: &[&str] = &[
    "abc",
    "-5",
    "19.999",
    "0.001",
    "1e3",
    "0x10",
    "Infinity",
    "NaN",
    "$5",
    "5 USD",
    "1..2",
    ".",
    "1,234.50",
    "12.5.0",
    "\u{0663}",
    "<b>5</b>",
    "5\u{0000}",
    "99999999999999999999",
];
