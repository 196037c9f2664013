//! Every URL the site writes goes through here: relative paths are
//! percent-encoded, and links from rule text are read the way a browser reads
//! them before their scheme is judged.

/// Percent-encodes a `/`-separated relative path for an `href`: every byte
/// outside the URL's unreserved set (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`,
/// so a tab, a `:` or a quote in a name can never make a scheme or end an attribute.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // A first segment holding `:` would read as a scheme; encoded above, it cannot.
    out
}

/// Schemes a link in rule text may use; a link without a scheme is relative.
const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The link as a browser would follow it, when its scheme is allowed
/// (`http`, `https`, `mailto`, or none: relative); `None` otherwise.
/// As the URL standard does, leading and trailing C0 controls and spaces are
/// stripped and every tab and newline removed before the scheme is read, so
/// `java\tscript:` is `javascript:`.
pub fn safe_link(link: &str) -> Option<String> {
    let cleaned: String = link
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match scheme(&cleaned) {
        None => Some(cleaned),
        Some(s) if ALLOWED_SCHEMES.iter().any(|a| s.eq_ignore_ascii_case(a)) => Some(cleaned),
        Some(_) => None,
    }
}

/// The scheme of a URL (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`), if it has one.
pub fn scheme(url: &str) -> Option<&str> {
    let end = url.find(':')?;
    let candidate = &url[..end];
    let mut chars = candidate.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            encode_path("netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error.html"),
            "netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error.html"
        );
        assert_eq!(
            encode_path("java\tscript:alert(1)/Troubleshooting/x.html"),
            "java%09script%3Aalert%281%29/Troubleshooting/x.html"
        );
        assert_eq!(encode_path("a\"b<c> d"), "a%22b%3Cc%3E%20d");
    }

    #[test]
    fn only_web_and_mail_schemes_and_relative_links_pass() {
        for ok in [
            "https://example.com/a",
            "HTTP://example.com",
            "mailto:help@example.com",
            "Sync-Errors/A.md",
            "../B.md#faq",
            "#faq",
            "/abs/path",
        ] {
            assert_eq!(safe_link(ok).as_deref(), Some(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            " \u{1}JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
        ] {
            assert_eq!(safe_link(bad), None, "{bad:?}");
        }
    }
}
