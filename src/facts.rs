//! What is known about a case: `--facts FILE` merged with the `--yes/--no`
//! flags and the ticket flags (flags win). A facts file is what a support
//! tool or the probe hands over, in YAML or JSON:
//!
//! ```yaml
//! token_revoked: yes          # any signal of the integration: yes, no or unknown
//! role_disabled: no
//! message: "NS0109 Sync Error: Failed to login to NetSuite. …"
//! attempted_at: 2026-11-28T09:30:00Z
//! tried: [retry_sync]
//! report_id: R12345
//! ```

use std::path::Path;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::Error;
use crate::diag::closest;
use crate::engine::{Observations, Value};
pub use crate::error::FactsError;
use crate::error::Place;
use crate::rules::{Code, Integration};

/// A facts file is a few lines; anything much larger is not one.
pub const MAX_FACTS_BYTES: u64 = 1024 * 1024;

/// The keys of a facts file that are not signals.
pub const TICKET_KEYS: [&str; 4] = ["message", "attempted_at", "tried", "report_id"];

#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The file as named on the command line, for messages.
    pub path: String,
    pub signals: Vec<FactSignal>,
    pub message: Option<String>,
    pub attempted_at: Option<String>,
    pub tried: Vec<String>,
    pub report_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactSignal {
    pub signal: String,
    pub value: Value,
    /// 1-based line and column of the key, 0 when unknown.
    pub line: u64,
    pub column: u64,
}

/// Reads and parses a facts file; refuses oversized or non-UTF-8 files.
pub fn read(path: &Path) -> Result<Facts, FactsError> {
    let name = path.display().to_string();
    let io = |source| FactsError::Io {
        path: name.clone(),
        source,
    };
    let Some(bytes) = crate::diag::read_bounded(path, MAX_FACTS_BYTES).map_err(io)? else {
        return Err(FactsError::TooLarge {
            file: name,
            limit: MAX_FACTS_BYTES,
        });
    };
    let text = String::from_utf8(bytes).map_err(|e| FactsError::NotUtf8 {
        file: name.clone(),
        byte: e.utf8_error().valid_up_to(),
    })?;
    parse(&name, &text)
}

/// Is the text JSON? By the file's extension, else by its first character.
fn is_json(name: &str, text: &str) -> bool {
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("json") => true,
        Some("yaml" | "yml") => false,
        _ => text.trim_start().starts_with('{'),
    }
}

/// Parses facts from text; `name` is used in messages and to tell the format.
pub fn parse(name: &str, text: &str) -> Result<Facts, FactsError> {
    if is_json(name, text) {
        // JSON is checked by a JSON parser for its messages; the structure is
        // then read by the YAML reader (JSON is YAML), which keeps locations.
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).map_err(|e| {
            FactsError::Json {
                file: name.to_string(),
                line: e.line(),
                column: e.column(),
                message: without_quoted(&json_message(&e)),
            }
        })?;
    }
    let raw: RawFacts =
        serde_saphyr::from_str_with_options(text, crate::rules::load::yaml_options()).map_err(
            |e| {
                let at = e.location().map(|l| (l.line(), l.column()));
                let message = e.without_snippet().to_string();
                let message = message
                    .rfind(" at line ")
                    .map_or(message.as_str(), |i| &message[..i])
                    .to_string();
                FactsError::Yaml {
                    file: name.to_string(),
                    at,
                    message: without_quoted(&message),
                }
            },
        )?;
    let mut facts = Facts {
        path: name.to_string(),
        ..Facts::default()
    };
    for (key, value) in raw.0 {
        facts.take(name, key, value)?;
    }
    Ok(facts)
}

fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

impl Facts {
    fn take(
        &mut self,
        name: &str,
        key: Spanned<String>,
        value: Spanned<Raw>,
    ) -> Result<(), FactsError> {
        let (line, column) = (key.referenced.line(), key.referenced.column());
        let at = |what: &str| FactsError::Value {
            file: name.to_string(),
            line,
            column,
            key: shown_key(&key.value),
            problem: what.to_string(),
        };
        match key.value.as_str() {
            "message" | "attempted_at" | "report_id" => {
                let Some(text) = value.value.text() else {
                    return Err(at("must be text"));
                };
                match key.value.as_str() {
                    "message" => self.message = Some(text),
                    "attempted_at" => self.attempted_at = Some(text),
                    _ => self.report_id = Some(text),
                }
            }
            "tried" => {
                self.tried = match value.value {
                    Raw::List(items) => items
                        .into_iter()
                        .map(|i| i.text().ok_or_else(|| at("must be a list of fix ids")))
                        .collect::<Result<_, _>>()?,
                    other => vec![
                        other
                            .text()
                            .ok_or_else(|| at("must be a list of fix ids"))?,
                    ],
                };
            }
            _ => {
                let Some(v) = value.value.signal_value() else {
                    // The value is not shown: it was not validated, and may be a secret.
                    return Err(at(&format!(
                        "has {} as its value; a signal is yes, no or unknown",
                        value.value.describe()
                    )));
                };
                self.signals.push(FactSignal {
                    signal: key.value.clone(),
                    value: v,
                    line,
                    column,
                });
            }
        }
        Ok(())
    }

    /// Where the file names a signal (line 0 when it is not known).
    fn place(&self, s: &FactSignal) -> Place {
        Place {
            file: self.path.clone(),
            line: s.line,
            column: s.column,
        }
    }
}

/// The facts file's top level: its entries in order, keys with locations.
struct RawFacts(Vec<(Spanned<String>, Spanned<Raw>)>);

impl<'de> Deserialize<'de> for RawFacts {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFacts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping of signal ids to yes, no or unknown")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFacts, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    out.push((key, map.next_value::<Spanned<Raw>>()?));
                }
                Ok(RawFacts(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A value of a facts file before it is known what its key wants.
#[derive(Debug, Clone)]
enum Raw {
    Text(String),
    Bool(bool),
    Number(String),
    Null,
    List(Vec<Raw>),
    Map,
}

impl Raw {
    fn text(&self) -> Option<String> {
        match self {
            Raw::Text(s) | Raw::Number(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn signal_value(&self) -> Option<Value> {
        match self {
            Raw::Bool(true) => Some(Value::Yes),
            Raw::Bool(false) => Some(Value::No),
            Raw::Null => Some(Value::Unknown),
            Raw::Text(s) => parse_value(s),
            _ => None,
        }
    }

    /// What kind of value this is, never the value itself.
    fn describe(&self) -> &'static str {
        match self {
            Raw::Text(_) => "text",
            Raw::Number(_) => "a number",
            Raw::Bool(_) => "a yes/no",
            Raw::Null => "null",
            Raw::List(_) => "a list",
            Raw::Map => "a mapping",
        }
    }
}

/// Keys longer than this are cut when named in a message.
const SHOWN_KEY: usize = 40;

/// A key as named in a message: `` `token_revoked` ``, cut at [`SHOWN_KEY`]
/// characters, or only its length when it looks like a secret (a value
/// pasted as a key): what the file holds was not validated.
fn shown_key(key: &str) -> String {
    if looks_secret(key) {
        format!("a key of {} characters", key.chars().count())
    } else {
        format!("`{}`", crate::util::text::excerpt(key, SHOWN_KEY))
    }
}

/// [`shown_key`] for [`Error::UnknownSignal`], which adds the backticks itself.
fn shown_key_name(key: &str) -> String {
    if looks_secret(key) {
        format!("<a key of {} characters>", key.chars().count())
    } else {
        crate::util::text::excerpt(key, SHOWN_KEY)
    }
}

/// A key that is not a plain name: redaction would touch it, or it is a
/// long run of letters and digits without a word separator, as tokens are.
fn looks_secret(key: &str) -> bool {
    if crate::util::redact::redact(key) != key {
        return true;
    }
    let opaque = key.len() >= 16
        && key.chars().all(|c| c.is_ascii_alphanumeric())
        && key.chars().any(|c| c.is_ascii_digit())
        && key.chars().any(|c| c.is_ascii_alphabetic());
    opaque
        || !key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'))
}

/// A parser's message with every quoted or backticked piece replaced by
/// `…`: the piece is text from the file (a value, a key), not validated.
fn without_quoted(message: &str) -> String {
    static QUOTED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(r#""(?:[^"\\]|\\.)*"|`[^`]*`|'[^']*'"#).expect("constant pattern")
    });
    QUOTED.replace_all(message, "`…`").into_owned()
}

/// A signal value as a person writes it: yes/no/unknown and their usual spellings.
pub fn parse_value(text: &str) -> Option<Value> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Some(Value::Yes),
        "no" | "n" | "false" => Some(Value::No),
        "unknown" | "?" | "" | "dont know" | "don't know" => Some(Value::Unknown),
        _ => None,
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("yes, no, unknown, text or a list")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Text(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Number(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw::Number(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Number(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Raw>()? {
                    items.push(item);
                }
                Ok(Raw::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Raw::Map)
            }
        }
        d.deserialize_any(V)
    }
}

/// The signals said to hold (`yes`, from `--yes`) or not (`no`) and the facts file's, as observations for one
/// code: facts first, flags over them; unknown signals are refused with the
/// nearest known one and, for the file, where it is.
pub fn observations(
    integration: &Integration,
    code: &Code,
    yes: &[String],
    no: &[String],
    facts: Option<&Facts>,
) -> Result<Observations, Error> {
    let mut obs = Observations::default();
    for fact in facts.iter().flat_map(|f| &f.signals) {
        check_signal(integration, code, &fact.signal, || {
            facts.map(|f| f.place(fact))
        })?;
        obs.set(fact.signal.clone(), fact.value);
    }
    let flags = yes
        .iter()
        .map(|s| (s, Value::Yes))
        .chain(no.iter().map(|s| (s, Value::No)));
    for (signal, value) in flags {
        check_signal(integration, code, signal, || None)?;
        if yes.contains(signal) && no.contains(signal) {
            return Err(FactsError::YesAndNo {
                signal: signal.clone(),
            }
            .into());
        }
        obs.set(signal.clone(), value);
    }
    Ok(obs)
}

/// `place`: where a facts file names the signal, for the error.
fn check_signal(
    integration: &Integration,
    code: &Code,
    signal: &str,
    place: impl FnOnce() -> Option<Place>,
) -> Result<(), Error> {
    if integration.signal(signal).is_some() {
        return Ok(());
    }
    let known = || integration.signals.iter().map(|s| s.id.as_str());
    let suggestion = closest(signal, known())
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_else(|| {
            format!(
                "known signals: {} (and {} for the ticket)",
                known().collect::<Vec<_>>().join(", "),
                TICKET_KEYS.join(", ")
            )
        });
    Err(Error::UnknownSignal {
        place: place(),
        signal: shown_key_name(signal),
        code: code.code.clone(),
        suggestion: Some(suggestion),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(f: &Facts) -> Vec<(&str, Value, u64, u64)> {
        f.signals
            .iter()
            .map(|s| (s.signal.as_str(), s.value, s.line, s.column))
            .collect()
    }

    #[test]
    fn yaml_with_every_key() {
        let f = parse(
            "case.yaml",
            "token_revoked: yes\nrole_disabled: no\nadmin_password_changed: unknown\nmessage: NS0109 failed\nattempted_at: 2026-11-28T09:30:00Z\ntried: [retry_sync]\nreport_id: 12345\n",
        )
        .unwrap();
        assert_eq!(
            signals(&f),
            [
                ("token_revoked", Value::Yes, 1, 1),
                ("role_disabled", Value::No, 2, 1),
                ("admin_password_changed", Value::Unknown, 3, 1)
            ]
        );
        assert_eq!(f.message.as_deref(), Some("NS0109 failed"));
        assert_eq!(f.attempted_at.as_deref(), Some("2026-11-28T09:30:00Z"));
        assert_eq!(f.tried, ["retry_sync"]);
        assert_eq!(f.report_id.as_deref(), Some("12345"));
    }

    #[test]
    fn json_by_extension_or_content_with_locations() {
        let text = "{\n  \"token_revoked\": true,\n  \"role_disabled\": \"No\",\n  \"tried\": \"retry_sync\"\n}\n";
        for name in ["case.json", "case.txt"] {
            let f = parse(name, text).unwrap();
            assert_eq!(
                signals(&f),
                [
                    ("token_revoked", Value::Yes, 2, 3),
                    ("role_disabled", Value::No, 3, 3)
                ]
            );
            assert_eq!(f.tried, ["retry_sync"]);
        }
    }

    #[test]
    fn bad_values_and_syntax_name_the_place() {
        let e = parse("case.yaml", "token_revoked: maybe\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "case.yaml:1:1: `token_revoked` has text as its value; a signal is yes, no or unknown"
        );
        let e = parse("case.json", "{\"token_revoked\": yes}").unwrap_err();
        assert!(e.to_string().starts_with("case.json:1:19: "), "{e}");
        let e = parse("case.yaml", "- token_revoked\n").unwrap_err();
        assert!(e.to_string().starts_with("case.yaml:"), "{e}");
        let e = parse("case.yaml", "message: [a]\n").unwrap_err();
        assert!(e.to_string().ends_with("`message` must be text"), "{e}");
    }

    /// A value that is not yes/no/unknown, a secret used as a key, a secret
    /// at the top level: the message names the key and the place only.
    #[test]
    fn errors_never_print_what_they_did_not_validate() {
        let secret = "Zq8xW2pL9mN4vB7cK1dF6gH3jT5yU0eR";
        for text in [
            format!("token_revoked: {secret}\n"),
            format!("not_a_signal: {secret}\n"),
            format!("{secret}: yes\n"),
            format!("consumer_secret={secret}: yes\n"),
            format!("\"{secret}\"\n"),
            format!("{secret}\n"),
            format!("token_revoked: yes\ntoken_revoked: {secret}\n"),
            format!("[{secret}]\n"),
            format!("tried: {{a: {secret}}}\n"),
        ] {
            for name in ["case.yaml", "case.json"] {
                let json = format!("{{\"k\": \"{secret}\", \"{secret}\": 1}}");
                let text = if name == "case.json" { &json } else { &text };
                if let Err(e) = parse(name, text) {
                    let e = e.to_string();
                    assert!(!e.contains(&secret[..8]), "{text:?} → {e}");
                }
            }
        }
        let e = parse("case.yaml", &format!("{secret}: yes\n")).unwrap();
        let e = shown_key_name(&e.signals[0].signal);
        assert!(!e.contains(&secret[..8]), "{e}");
        assert_eq!(
            shown_key("admin_password_changed"),
            "`admin_password_changed`"
        );
        assert_eq!(shown_key(secret), "a key of 32 characters");
    }
}
