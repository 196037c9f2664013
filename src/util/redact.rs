//! Removes anything that looks like a credential from pasted text, wholly,
//! before it reaches any output; and every credential value this process
//! has loaded, by exact value, wherever it would be printed ([`Redacting`]).

use std::io::Write;
use std::sync::{LazyLock, RwLock};

use regex::Regex;

pub const REDACTED: &str = "(redacted)";

/// Credential values shorter than this are not remembered for exact-value
/// redaction: replacing every `abc` in the output would wreck it, and no
/// NetSuite key or secret is that short.
pub const MIN_KNOWN_LEN: usize = 8;

/// A key naming a credential: `secret`, `password` … and every variable the
/// probe reads (`NETSUITE_CONSUMER_KEY`, `NETSUITE_TOKEN_ID` …).
const KEY: &str = r"(?:[a-z0-9]+[ _-]?)*?(?:secret|password|passwd|pwd|passphrase)s?|netsuite_(?:account_id|consumer_key|consumer_secret|token_id|token_secret)|(?:consumer|access)[ _-]?key|token[ _-]?id|api[ _-]?key";

/// `=`, `:` and their URL-encoded forms (`%3D`, `%3A`).
const SEPARATOR: &str = r"\s*(?:[:=]|%3[dDaA])\s*";

/// A value: quoted (with escaped quotes inside), or the rest of the line
/// (a phrase with spaces is one password). A value starting with an escaped quote (JSON inside a string) runs to the end of the line.
const VALUE: &str = r#""(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?|[^\r\n]+"#;

// The patterns are constants, covered by the unit tests below.
#[allow(clippy::expect_used)]
static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // `secret=…`, `token secret: …`, `consumer_secret = …`, `password: a phrase`,
        // `NETSUITE_TOKEN_ID=…`, `"tokenSecret": "…"` (JSON), `secret%3D…` (URL-encoded).
        format!(r#"(?i)((?:{KEY})(?:["']|\\"|%22|%27)?)({SEPARATOR})({VALUE})"#),
        // `Authorization: Basic …`, `Authorization: Bearer …`, any scheme.
        r"(?i)\b(authorization[\x22']?\s*[:=]\s*[a-z][a-z0-9_-]*)(\s+)([^\s,]+)".to_string(),
        // `Bearer <token>`, `Basic <base64>`
        r"(?i)\b(bearer)(\s+)(\S+)".to_string(),
        r"(?i)\b(basic)(\s+)([A-Za-z0-9+/]*[0-9+/=][A-Za-z0-9+/]*={0,2})".to_string(),
        // oauth_signature="…" and friends inside a pasted Authorization header,
        // also URL-encoded (`oauth_signature%3D…`).
        format!(
            r#"(?i)\b(oauth_(?:signature|token|consumer_key|token_secret)(?:["']|%22)?)({SEPARATOR})("[^"]*"|%22[^,\s&]*|[^,\s&]+)"#
        ),
    ]
    .iter()
    .map(|p| Regex::new(p).expect("redaction patterns are valid"))
    .collect()
});

/// Long hex or base64-ish runs: 64-hex keys and similar opaque tokens, also
/// glued to a word (`TOKEN_<hex>`).
#[allow(clippy::expect_used)]
static OPAQUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9A-Fa-f]{32,}|\b[A-Za-z0-9+/_\-]{40,}={0,2}").expect("valid pattern")
});

/// Hex pieces split by spaces or line breaks around one long piece: a key
/// wrapped by a terminal or an email. Judged whole in [`split_hex`].
#[allow(clippy::expect_used)]
static SPLIT_HEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[0-9A-Fa-f]{2,}[ \t\r\n]+)*[0-9A-Fa-f]{16,}(?:[ \t\r\n]+[0-9A-Fa-f]{2,})*")
        .expect("valid pattern")
});

/// Credential values loaded by this process (environment, `--credentials`).
static KNOWN: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Remembers a credential value: from now on it is redacted by exact value
/// in [`redact`] and in everything written through [`Redacting`].
pub fn remember(value: &str) {
    let value = value.trim();
    if value.len() < MIN_KNOWN_LEN {
        return;
    }
    let mut known = KNOWN.write().unwrap_or_else(|e| e.into_inner());
    if !known.iter().any(|k| k == value) {
        known.push(value.to_string());
        // Longest first, so that a value holding another goes whole.
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    }
}

/// `text` with every remembered credential value replaced by [`REDACTED`].
pub fn known_values(text: &str) -> String {
    let known = KNOWN.read().unwrap_or_else(|e| e.into_inner());
    let mut out = text.to_string();
    for value in known.iter() {
        if out.contains(value.as_str()) {
            out = out.replace(value.as_str(), REDACTED);
        }
    }
    out
}

/// Returns `text` with every credential-looking value replaced by `(redacted)`.
pub fn redact(text: &str) -> String {
    let mut out = known_values(text);
    for re in PATTERNS.iter() {
        out = re
            .replace_all(&out, |c: &regex::Captures| {
                format!("{}{}{REDACTED}", &c[1], &c[2])
            })
            .into_owned();
    }
    out = SPLIT_HEX.replace_all(&out, split_hex).into_owned();
    OPAQUE.replace_all(&out, REDACTED).into_owned()
}

/// A run of hex pieces: redacted when, without the pieces at its ends that
/// hold no digit (words such as `add` or `face`), it holds 32 hex digits or more.
fn split_hex(c: &regex::Captures) -> String {
    let run = &c[0];
    let pieces: Vec<(usize, &str)> = run
        .split(|ch: char| ch.is_ascii_whitespace())
        .scan(0, |at, piece| {
            let start = *at;
            *at += piece.len() + 1;
            Some((start, piece))
        })
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let has_digit = |p: &&(usize, &str)| p.1.bytes().any(|b| b.is_ascii_digit());
    let first = pieces.iter().position(|p| has_digit(&p));
    let last = pieces.iter().rposition(|p| has_digit(&p));
    let (Some(first), Some(last)) = (first, last) else {
        return run.to_string();
    };
    let digits: usize = pieces[first..=last].iter().map(|p| p.1.len()).sum();
    if digits < 32 {
        return run.to_string();
    }
    let start = pieces[first].0;
    let end = pieces[last].0 + pieces[last].1.len();
    format!("{}{REDACTED}{}", &run[..start], &run[end..])
}

/// A writer that holds output back to the end of each line and writes it
/// with every remembered credential value redacted ([`known_values`]).
pub struct Redacting<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Redacting<W> {
    pub fn new(inner: W) -> Self {
        Redacting {
            inner,
            pending: Vec::new(),
        }
    }

    fn write_out(&mut self, upto: usize) -> std::io::Result<()> {
        let chunk: Vec<u8> = self.pending.drain(..upto).collect();
        match std::str::from_utf8(&chunk) {
            Ok(text) => self.inner.write_all(known_values(text).as_bytes()),
            Err(_) => self
                .inner
                .write_all(known_values(&String::from_utf8_lossy(&chunk)).as_bytes()),
        }
    }
}

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(end) = self.pending.iter().rposition(|b| *b == b'\n') {
            self.write_out(end + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let all = self.pending.len();
        self.write_out(all)?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_keys_secrets_and_bearer_tokens() {
        let key = "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4";
        let text = format!(
            "NS0109 failed. key {key} secret=abc123 token secret: s3cr3t Bearer eyJhbGciOi.x-y"
        );
        let out = redact(&text);
        for leaked in [key, "abc123", "s3cr3t", "eyJhbGciOi"] {
            assert!(!out.contains(leaked), "{leaked} leaked in {out}");
        }
        assert!(out.starts_with("NS0109 failed."));
    }

    #[test]
    fn redacts_variable_names_and_json_keys() {
        for text in [
            "NETSUITE_TOKEN_SECRET=shortsecret99",
            "NETSUITE_CONSUMER_SECRET: shortsecret99",
            "client_secret=shortsecret99",
            "oauth_token_secret=shortsecret99",
            "api_password=shortsecret99",
            r#"{"token_secret": "shortsecret99"}"#,
            r#"{"tokenSecret":"shortsecret99"}"#,
            "Password = 'shortsecret99'",
        ] {
            let out = redact(text);
            assert!(!out.contains("shortsecret99"), "{text} → {out}");
        }
    }

    /// The shapes a review found leaking: a phrase, an escaped quote, a key
    /// glued to a word or split by a line break, URL encoding, Basic auth,
    /// every variable the probe reads.
    #[test]
    fn redacts_the_shapes_that_leaked() {
        let hex = "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4";
        for (text, secret) in [
            (
                "password: correct horse battery staple",
                "horse battery staple",
            ),
            (r#"{"password": "ab\"cd efgh"}"#, "cd efgh"),
            (r#"{\"token_secret\": \"ab\\\"cdefgh\"}"#, "cdefgh"),
            (&format!("TOKEN_{}", &hex[..32]), &hex[..32]),
            (
                &format!("key {}\n{} end", &hex[..40], &hex[40..]),
                &hex[40..],
            ),
            (
                &format!("key {} {} end", &hex[..20], &hex[20..]),
                &hex[20..],
            ),
            (
                "url?oauth_token=x&secret%3DSeKr1tValue99%26next",
                "SeKr1tValue99",
            ),
            ("oauth_signature%3DSiGnAtUrE99%26", "SiGnAtUrE99"),
            (
                "Authorization: Basic dXNlcjpwYXNzd29yZA==",
                "dXNlcjpwYXNzd29yZA",
            ),
            ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
            ("NETSUITE_CONSUMER_KEY=shortkey99", "shortkey99"),
            ("NETSUITE_TOKEN_ID=shorttoken99", "shorttoken99"),
            ("NETSUITE_ACCOUNT_ID=TSTDRV99x", "TSTDRV99x"),
        ] {
            let out = redact(text);
            assert!(!out.contains(secret), "{text:?} → {out}");
        }
        assert_eq!(redact("a basic decade of face"), "a basic decade of face");
    }

    #[test]
    fn remembered_values_are_redacted_exactly() {
        remember("Kq8xZ2pL9mN4vB7c");
        remember("short");
        assert_eq!(redact("it is Kq8xZ2pL9mN4vB7c."), "it is (redacted).");
        assert_eq!(redact("short"), "short");
        let mut out = Redacting::new(Vec::new());
        out.write_all(b"a Kq8xZ2p").unwrap();
        out.write_all(b"L9mN4vB7c b\nc").unwrap();
        out.flush().unwrap();
        assert_eq!(String::from_utf8(out.inner).unwrap(), "a (redacted) b\nc");
    }

    #[test]
    fn leaves_messages_alone() {
        let m =
            "NS0109 Sync Error: Failed to login to NetSuite. Please verify your admin credentials.";
        assert_eq!(redact(m), m);
    }
}
