//! Reading what the servers send: RFC 3339 timestamps kept as text, JSON
//! objects read field by field so that a decode error names its field, and
//! the step from an [`HttpResponse`] to a typed value or an [`ApiError`].
//!
//! Models keep the fields they do not know in an `extra` map (written back
//! on serialisation), so a round trip through them loses nothing. They are
//! read with `ObjectReader` rather than `#[serde(flatten)]` on the way in,
//! because flatten buffers the object and serde_json then reports errors
//! without the field they belong to.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use thiserror::Error;
use url::Url;

use crate::domain::calendar;

use super::error::ApiError;
use super::transport::HttpResponse;

// ---------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------

/// Why a date-time from a server was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not an RFC 3339 date-time such as 2017-10-20T13:31:27Z")]
pub struct TimestampError(pub String);

/// An RFC 3339 date-time (`2019-04-09T16:02:38.835Z`), validated and kept
/// exactly as sent so it serialises back unchanged. A date library would
/// cost more bundle size than showing, sorting and counting down need.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp(String);

impl Timestamp {
    /// Longer text is refused before it is looked at.
    pub const MAX_LEN: usize = 64;

    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError(text.chars().take(40).collect());
        if text.len() > Self::MAX_LEN {
            return Err(err());
        }
        parse_rfc3339(text.as_bytes()).ok_or_else(err)?;
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `yyyy-mm-dd` as written (in the timestamp's own offset).
    pub fn date(&self) -> &str {
        self.0.get(..10).unwrap_or(&self.0)
    }

    /// Milliseconds since the Unix epoch, offset applied (extra fraction
    /// digits are dropped). For countdowns and ordering across offsets.
    pub fn unix_millis(&self) -> i64 {
        // Validated on construction; the fallback is never taken.
        parse_rfc3339(self.0.as_bytes()).unwrap_or(0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(de::Error::custom)
    }
}

/// `date-time` of RFC 3339 section 5.6, returned as Unix milliseconds.
fn parse_rfc3339(b: &[u8]) -> Option<i64> {
    let digits = |from: usize, to: usize| -> Option<i64> {
        let slice = b.get(from..to)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            slice
                .iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')),
        )
    };
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 7)?, digits(8, 10)?);
    let (hour, minute, second) = (digits(11, 13)?, digits(14, 16)?, digits(17, 19)?);
    let leap_year = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap_year => 29,
        2 => 28,
        _ => return None,
    };
    // Second 60 is a leap second, which RFC 3339 allows.
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if at(i, b".") {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        for k in 0..3 {
            let digit = if start + k < i {
                b[start + k] - b'0'
            } else {
                0
            };
            millis = millis * 10 + i64::from(digit);
        }
    }
    let offset_minutes = match b.get(i) {
        Some(b'Z' | b'z') if b.len() == i + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && at(i + 3, b":") => {
            let (h, m) = (digits(i + 1, i + 3)?, digits(i + 4, i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'-' {
                -(h * 60 + m)
            } else {
                h * 60 + m
            }
        }
        _ => return None,
    };
    let days =
        calendar::days_from_civil(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

// ---------------------------------------------------------------------------
// Field paths
// ---------------------------------------------------------------------------

/// A key as a path segment: bare when it is a plain name, JSON-quoted in
/// brackets otherwise (`["odd key"]`).
fn key_segment(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$'));
    if bare {
        key.to_owned()
    } else {
        format!("[{}]", Value::String(key.to_owned()))
    }
}

/// `result` + `[0].price` is `result[0].price`; `quotes` + `bitcoin` is
/// `quotes.bitcoin`.
fn join_path(head: &str, tail: &str) -> String {
    if head.is_empty() {
        tail.to_owned()
    } else if tail.is_empty() {
        head.to_owned()
    } else if tail.starts_with('[') {
        format!("{head}{tail}")
    } else {
        format!("{head}.{tail}")
    }
}

/// Length of a path at the start of `text`, by its grammar: names, `.name`,
/// `[digits]` and `["json string"]`.
fn path_len(text: &str) -> usize {
    let b = text.as_bytes();
    let mut i = 0;
    let is_name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'$');
    while i < b.len() {
        match b[i] {
            c if is_name(c) => i += 1,
            b'.' if i > 0 && b.get(i + 1).is_some_and(|c| is_name(*c)) => i += 1,
            b'[' => {
                let rest = &b[i + 1..];
                if rest.first() == Some(&b'"') {
                    // A JSON string: find its closing quote.
                    let mut j = 1;
                    while j < rest.len() && rest[j] != b'"' {
                        j += if rest[j] == b'\\' { 2 } else { 1 };
                    }
                    if rest.get(j + 1) != Some(&b']') {
                        return i;
                    }
                    i += j + 3;
                } else {
                    let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                    if n == 0 || rest.get(n) != Some(&b']') {
                        return i;
                    }
                    i += n + 2;
                }
            }
            _ => break,
        }
    }
    i
}

/// Splits `at result[0].price: invalid type` into the path and the rest.
fn split_path_prefix(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("at ")?;
    let len = path_len(rest);
    if len == 0 {
        return None;
    }
    let (path, tail) = rest.split_at_checked(len)?;
    Some((path, tail.strip_prefix(": ")?))
}

/// An error inside `segment`, with any path the inner error already had.
fn nest<E: de::Error>(segment: &str, inner: impl fmt::Display) -> E {
    let message = inner.to_string();
    match split_path_prefix(&message) {
        Some((path, rest)) => E::custom(format_args!("at {}: {rest}", join_path(segment, path))),
        None => E::custom(format_args!("at {segment}: {message}")),
    }
}

/// The path to the JSON value around byte `offset` of `text`, found by
/// scanning the text up to there. For errors serde reports by position only
/// (syntax errors, truncation, types deserialised without [`ObjectReader`]).
fn path_at_offset(text: &str, offset: usize) -> String {
    enum Frame {
        /// The key whose value is being read, until the next comma.
        Object(Option<String>),
        Array(usize),
    }
    let b = text.as_bytes();
    let end = offset.min(b.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match b[i] {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    // The first string after `{` or `,` is a key.
                    let raw = text.get(start..=i.min(b.len().saturating_sub(1)));
                    let decoded = raw
                        .and_then(|r| serde_json::from_str::<String>(r).ok())
                        .unwrap_or_else(|| {
                            text.get(start + 1..i.min(b.len()))
                                .unwrap_or_default()
                                .to_owned()
                        });
                    *key = Some(decoded);
                }
            }
            _ => {}
        }
        i += 1;
    }
    stack.iter().fold(String::new(), |path, frame| match frame {
        Frame::Object(Some(key)) => join_path(&path, &key_segment(key)),
        Frame::Object(None) => path,
        Frame::Array(index) => format!("{path}[{index}]"),
    })
}

/// Byte offset of serde_json's (1-based line, byte column) position.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    line_start.saturating_add(column)
}

/// Turns a serde_json error on `text` into [`ApiError::Decode`], naming the
/// field: from the path our readers put in the message, else from the error
/// position.
pub(crate) fn decode_error(text: &str, error: &serde_json::Error) -> ApiError {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(suffix.as_str()).unwrap_or(&full);
    let position_path = if error.line() > 0 && split_path_prefix(message).is_none() {
        path_at_offset(text, offset_of(text, error.line(), error.column()))
    } else {
        String::new()
    };
    let mut decoded = message_error(&position_path, message);
    if let ApiError::Decode { message, .. } = &mut decoded {
        if error.is_eof() {
            *message = "the response ended too early (truncated JSON)".to_owned();
        } else if error.is_syntax() {
            *message = format!("not valid JSON: {message}");
        }
    }
    decoded
}

/// A decode error from a message that may start with `at <path>: `, found
/// under `base`.
fn message_error(base: &str, message: &str) -> ApiError {
    let (mut path, mut message) = match split_path_prefix(message) {
        Some((path, rest)) => (join_path(base, path), rest.to_owned()),
        None => (base.to_owned(), message.to_owned()),
    };
    // A type without its own reader says "missing field `x`": name x.
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        path = join_path(&path, &key_segment(field));
        message = "missing field".to_owned();
    }
    ApiError::decode(path, message)
}

// ---------------------------------------------------------------------------
// Object reader
// ---------------------------------------------------------------------------

/// Reads one JSON object field by field. Each typed field is taken out of
/// the object, errors are prefixed with the field's path, and what is left
/// becomes the model's `extra`.
pub(crate) struct ObjectReader {
    fields: Map<String, Value>,
}

impl ObjectReader {
    pub(crate) fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(|fields| Self { fields })
    }

    fn convert<T: DeserializeOwned, E: de::Error>(key: &str, value: Value) -> Result<T, E> {
        convert_at(&key_segment(key), &value)
    }

    /// A field that must be present and not null.
    pub(crate) fn required<T: DeserializeOwned, E: de::Error>(
        &mut self,
        key: &str,
    ) -> Result<T, E> {
        match self.fields.remove(key) {
            None => Err(E::custom(format_args!(
                "at {}: missing field",
                key_segment(key)
            ))),
            Some(value) => Self::convert(key, value),
        }
    }

    /// A field that may be absent or null (both read as `None`).
    pub(crate) fn optional<T: DeserializeOwned, E: de::Error>(
        &mut self,
        key: &str,
    ) -> Result<Option<T>, E> {
        match self.fields.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => Self::convert(key, value).map(Some),
        }
    }

    /// A required array; element errors carry their index.
    pub(crate) fn list<T: DeserializeOwned, E: de::Error>(
        &mut self,
        key: &str,
    ) -> Result<Vec<T>, E> {
        match self.fields.remove(key) {
            None => Err(E::custom(format_args!(
                "at {}: missing field",
                key_segment(key)
            ))),
            Some(value) => Self::items(key, value),
        }
    }

    /// An array that may be absent or null (read as empty).
    pub(crate) fn list_or_empty<T: DeserializeOwned, E: de::Error>(
        &mut self,
        key: &str,
    ) -> Result<Vec<T>, E> {
        match self.fields.remove(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(value) => Self::items(key, value),
        }
    }

    fn items<T: DeserializeOwned, E: de::Error>(key: &str, value: Value) -> Result<Vec<T>, E> {
        let segment = key_segment(key);
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(index, item)| convert_at(&format!("{segment}[{index}]"), &item))
                .collect(),
            other => Err(E::custom(format_args!(
                "at {segment}: expected an array, found {}",
                json_kind(&other)
            ))),
        }
    }

    /// An object whose keys are parsed by `parse_key` (absent or null reads
    /// as empty); errors carry the key.
    pub(crate) fn keyed<K, V, KE, E>(
        &mut self,
        key: &str,
        parse_key: impl Fn(&str) -> Result<K, KE>,
    ) -> Result<BTreeMap<K, V>, E>
    where
        K: Ord,
        V: DeserializeOwned,
        KE: fmt::Display,
        E: de::Error,
    {
        let segment = key_segment(key);
        match self.fields.remove(key) {
            None | Some(Value::Null) => Ok(BTreeMap::new()),
            Some(Value::Object(entries)) => entries
                .into_iter()
                .map(|(name, value)| {
                    let here = join_path(&segment, &key_segment(&name));
                    let parsed = parse_key(&name).map_err(|err| nest::<E>(&here, err))?;
                    let value = convert_at(&here, &value)?;
                    Ok((parsed, value))
                })
                .collect(),
            Some(other) => Err(E::custom(format_args!(
                "at {segment}: expected an object, found {}",
                json_kind(&other)
            ))),
        }
    }

    /// The fields no typed field took.
    pub(crate) fn rest(self) -> Map<String, Value> {
        self.fields
    }
}

/// Deserialises a value found at `segment`; errors of our own readers carry
/// the rest of their path already. Every model nested in an
/// [`ObjectReader`] model is read with one too, so that its errors name the
/// inner field: a derived type's error would name only `segment` (values
/// read from a tree have no position to tell where inside they failed).
fn convert_at<T: DeserializeOwned, E: de::Error>(segment: &str, value: &Value) -> Result<T, E> {
    T::deserialize(value).map_err(|error| nest(segment, error))
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Writes a map keyed by a type that shows as text (currency protocols).
pub(crate) fn serialize_keyed<S, K, V>(
    map: &BTreeMap<K, V>,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    K: fmt::Display,
    V: Serialize,
{
    serializer.collect_map(map.iter().map(|(key, value)| (key.to_string(), value)))
}

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

/// The body of a successful JSON answer, or the error the response stands
/// for: any non-2xx status, an HTML page, XML, or nothing at all.
pub(crate) fn success_body(response: &HttpResponse) -> Result<&str, ApiError> {
    if !response.is_success() {
        return Err(ApiError::from_response(response));
    }
    let body = response.body.trim_start_matches('\u{feff}').trim();
    if super::error::is_html(response) {
        return Err(ApiError::from_response(response));
    }
    if body.is_empty() {
        return Err(ApiError::decode("", "the response was empty"));
    }
    if body.starts_with('<') {
        return Err(ApiError::decode(
            "",
            "the server answered in XML; JSON was requested",
        ));
    }
    Ok(body)
}

/// Decodes JSON text into `T`, naming the field of any error.
pub fn decode_json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|err| decode_error(text, &err))
}

/// A successful response decoded as `T` (any 2xx is success).
pub fn parse_json<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, ApiError> {
    decode_json(success_body(response)?)
}

/// Like [`parse_json`], but an empty 2xx body (`204 No Content`, or an
/// action that answers with nothing) is `None`.
pub fn parse_optional_json<T: DeserializeOwned>(
    response: &HttpResponse,
) -> Result<Option<T>, ApiError> {
    if response.is_success() && response.body.trim().is_empty() {
        return Ok(None);
    }
    parse_json(response).map(Some)
}

/// Decodes a JSON array element by element, so that an error names its
/// index, for models read with [`ObjectReader`] (their errors carry paths
/// but no positions).
pub(crate) fn decode_array<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, ApiError> {
    let items: Vec<Value> = decode_json(text)?;
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            convert_at::<T, serde_json::Error>(&format!("[{index}]"), &item)
                .map_err(|err| message_error("", &err.to_string()))
        })
        .collect()
}

/// Decodes the array under `key` of a JSON object straight from the text,
/// for derived models: their errors keep positions, and so their paths.
pub(crate) fn decode_list_under<T: DeserializeOwned>(
    text: &str,
    key: &str,
) -> Result<Vec<T>, ApiError> {
    struct ListUnder<'k, T> {
        key: &'k str,
        marker: std::marker::PhantomData<T>,
    }

    impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ListUnder<'_, T> {
        type Value = Vec<T>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
            deserializer.deserialize_map(self)
        }
    }

    impl<'de, T: DeserializeOwned> Visitor<'de> for ListUnder<'_, T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an object with an array under {:?}", self.key)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
            let mut found = None;
            while let Some(name) = map.next_key::<String>()? {
                if name == self.key && found.is_none() {
                    found = Some(map.next_value::<Vec<T>>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            found.ok_or_else(|| de::Error::custom(format_args!("missing field `{}`", self.key)))
        }
    }

    let mut deserializer = serde_json::Deserializer::from_str(text);
    ListUnder {
        key,
        marker: std::marker::PhantomData,
    }
    .deserialize(&mut deserializer)
    .and_then(|list| deserializer.end().map(|()| list))
    .map_err(|err| decode_error(text, &err))
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/// Checks a configured base URL once, so that building a request from it
/// cannot fail later: http(s), a host, no credentials; query and fragment
/// are dropped.
pub(crate) fn check_base_url(field: &str, url: &Url) -> Result<Url, ApiError> {
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err(ApiError::validation(
            field,
            "must be an http(s) address such as https://billing.livechatinc.com",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::validation(
            field,
            "must not contain a user name or password",
        ));
    }
    let mut clean = url.clone();
    clean.set_query(None);
    clean.set_fragment(None);
    Ok(clean)
}

/// `base` + path segments (each percent-encoded) + query pairs.
pub(crate) fn endpoint(base: &Url, segments: &[&str], query: &[(&str, String)]) -> Url {
    let mut url = base.clone();
    // Always `Ok` for a base that passed `check_base_url`.
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    if !query.is_empty() {
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(key, value)| (*key, value.as_str())));
    }
    url
}

/// A JSON request body.
pub(crate) fn to_json_body<T: Serialize>(field: &str, body: &T) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|err| ApiError::validation(field, err.to_string()))
}

/// Whether `raw` is an absolute http(s) URL with a host, as a `return_url`
/// must be.
pub(crate) fn is_absolute_http_url(raw: &str) -> bool {
    Url::parse(raw.trim()).is_ok_and(|url| {
        matches!(url.scheme(), "https" | "http")
            && url.host().is_some()
            && url.username().is_empty()
            && url.password().is_none()
    })
}
