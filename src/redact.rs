//! Removes anything that looks like a credential from pasted text, wholly,
//! before it reaches any output.

use std::sync::LazyLock;

use regex::Regex;

pub const REDACTED: &str = "(redacted)";

// The patterns are constants, covered by the unit tests below.
#[allow(clippy::expect_used)]
static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // `secret=…`, `token secret: …`, `consumer_secret = …`, `password: …`
        // Also `NETSUITE_TOKEN_SECRET=…`, `client_secret=…`, `"tokenSecret": "…"` (JSON).
        r#"(?i)((?:[a-z0-9]+[ _-]?)*?(?:secret|password|passwd|pwd)s?["']?)(\s*[:=]\s*)("[^"]*"|'[^']*'|\S+)"#,
        // `Bearer <token>`
        r"(?i)\b(bearer)(\s+)(\S+)",
        // oauth_signature="…" and friends inside a pasted Authorization header
        r#"(?i)\b(oauth_(?:signature|token|consumer_key)["']?)(\s*[=:]\s*)("[^"]*"|[^,\s]+)"#,
    ]
    .iter()
    .map(|p| Regex::new(p).expect("redaction patterns are valid"))
    .collect()
});

/// Long hex or base64-ish runs: 64-hex keys and similar opaque tokens.
#[allow(clippy::expect_used)]
static OPAQUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[0-9A-Fa-f]{32,}\b|\b[A-Za-z0-9+/_\-]{40,}={0,2}").expect("valid pattern")
});

/// Returns `text` with every credential-looking value replaced by `[redacted]`.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    for re in PATTERNS.iter() {
        out = re
            .replace_all(&out, |c: &regex::Captures| {
                format!("{}{}{REDACTED}", &c[1], &c[2])
            })
            .into_owned();
    }
    OPAQUE.replace_all(&out, REDACTED).into_owned()
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

    #[test]
    fn leaves_messages_alone() {
        let m =
            "NS0109 Sync Error: Failed to login to NetSuite. Please verify your admin credentials.";
        assert_eq!(redact(m), m);
    }
}
