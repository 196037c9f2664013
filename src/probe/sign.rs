//! OAuth 1.0a one-legged signing (RFC 5849) as NetSuite token-based authentication uses it:
//! HMAC-SHA256 only, `realm` = account ID, query parameters signed but never put in the header.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The only signature method NetSuite accepts since 2023.1.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA256";
pub const OAUTH_VERSION: &str = "1.0";

/// Why a URL or header could not be used. Messages never repeat the input: a header carries
/// the consumer key and token ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("URL has no scheme (expected http:// or https://)")]
    UrlScheme,
    #[error("URL has no host")]
    UrlHost,
    #[error("URL has an invalid port")]
    UrlPort,
    #[error("Authorization header does not use the OAuth scheme")]
    NotOAuth,
    #[error("Authorization header is malformed: {0}")]
    MalformedHeader(&'static str),
    #[error("Authorization header repeats the parameter {0}")]
    DuplicateParameter(String),
    #[error("the HMAC key was refused")]
    Key,
    #[error("no random bytes for a nonce")]
    Random,
}

/// RFC 5849 §3.6: UTF-8 bytes, unreserved characters kept, everything else `%XX` upper-case.
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// Decodes `%XX`; a malformed escape is kept literally. `plus_is_space` is for query strings,
/// which RFC 5849 §3.4.1.3.1 reads as form-urlencoded.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |j: usize| bytes.get(j).and_then(|c| char::from(*c).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                // Two hex digits make at most 0xFF, so the cast cannot truncate.
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
            (b'+', _, _) if plus_is_space => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A URL cut into the pieces the base string needs.
struct UrlParts<'a> {
    base_uri: String,
    query: Option<&'a str>,
}

fn split_url(url: &str) -> Result<UrlParts<'_>, SignError> {
    let (scheme, rest) = url.split_once("://").ok_or(SignError::UrlScheme)?;
    let scheme = scheme.to_ascii_lowercase();
    let rest = rest.split('#').next().unwrap_or_default();
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_and_query) = rest.split_at(authority_end);
    // User info never belongs to the base URI.
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6.split_once(']').ok_or(SignError::UrlHost)?;
            (format!("[{addr}]"), after.strip_prefix(':'))
        }
        None => match host_port.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (host_port.to_owned(), None),
        },
    };
    if host.is_empty() || host == "[]" {
        return Err(SignError::UrlHost);
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().map_err(|_| SignError::UrlPort)?),
    };
    let default_port = match scheme.as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    let port_part = match port {
        Some(p) if Some(p) != default_port => format!(":{p}"),
        _ => String::new(),
    };
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let path = if path.is_empty() { "/" } else { path };
    Ok(UrlParts {
        base_uri: format!("{scheme}://{}{port_part}{path}", host.to_ascii_lowercase()),
        query,
    })
}

/// The signature base string: `METHOD&enc(base_uri)&enc(params)`. `oauth_params` may hold every
/// header parameter; `oauth_signature` and `realm` are left out here.
pub fn base_string(
    method: &str,
    url: &str,
    oauth_params: &[(&str, &str)],
) -> Result<String, SignError> {
    let parts = split_url(url)?;
    let mut pairs: Vec<(String, String)> = oauth_params
        .iter()
        .filter(|(k, _)| *k != "oauth_signature" && *k != "realm")
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    for item in parts
        .query
        .unwrap_or_default()
        .split('&')
        .filter(|s| !s.is_empty())
    {
        let (k, v) = item.split_once('=').unwrap_or((item, ""));
        pairs.push((
            percent_encode(&percent_decode(k, true)),
            percent_encode(&percent_decode(v, true)),
        ));
    }
    // Sort the pairs, not joined `k=v` strings: `a=2` vs `a1=1` would order differently.
    pairs.sort();
    let params = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    Ok(format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode(&parts.base_uri),
        percent_encode(&params)
    ))
}

/// `enc(consumer_secret)&enc(token_secret)`.
pub fn signing_key(consumer_secret: &str, token_secret: &str) -> String {
    format!(
        "{}&{}",
        percent_encode(consumer_secret),
        percent_encode(token_secret)
    )
}

fn mac(key: &str, text: &str) -> Result<Hmac<Sha256>, SignError> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).map_err(|_| SignError::Key)?;
    mac.update(text.as_bytes());
    Ok(mac)
}

/// `base64(HMAC-SHA256(key, text))`.
pub fn hmac_sha256_base64(key: &str, text: &str) -> Result<String, SignError> {
    Ok(BASE64.encode(mac(key, text)?.finalize().into_bytes()))
}

/// Checks a base64 signature in constant time (hmac's `verify_slice`).
pub fn verify_hmac_sha256(key: &str, text: &str, signature_b64: &str) -> bool {
    let Ok(tag) = BASE64.decode(signature_b64) else {
        return false;
    };
    mac(key, text).is_ok_and(|m| m.verify_slice(&tag).is_ok())
}

/// One request to sign. Holds borrowed secrets only for the time of signing.
pub struct OAuthRequest<'a> {
    pub method: &'a str,
    /// The exact URL sent, query included.
    pub url: &'a str,
    pub realm: &'a str,
    pub consumer_key: &'a str,
    pub consumer_secret: &'a str,
    pub token_id: &'a str,
    pub token_secret: &'a str,
    pub nonce: &'a str,
    pub timestamp: u64,
}

impl OAuthRequest<'_> {
    fn oauth_params(&self, timestamp: &str) -> [(&'static str, String); 6] {
        [
            ("oauth_consumer_key", self.consumer_key.to_owned()),
            ("oauth_token", self.token_id.to_owned()),
            ("oauth_nonce", self.nonce.to_owned()),
            ("oauth_timestamp", timestamp.to_owned()),
            ("oauth_signature_method", SIGNATURE_METHOD.to_owned()),
            ("oauth_version", OAUTH_VERSION.to_owned()),
        ]
    }

    /// The base64 signature (not percent-encoded).
    pub fn signature(&self) -> Result<String, SignError> {
        let timestamp = self.timestamp.to_string();
        let params = self.oauth_params(&timestamp);
        let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let base = base_string(self.method, self.url, &refs)?;
        hmac_sha256_base64(&signing_key(self.consumer_secret, self.token_secret), &base)
    }

    /// The full `Authorization` header value: `OAuth realm="…", oauth_…="…", …`.
    pub fn authorization_header(&self) -> Result<String, SignError> {
        let signature = self.signature()?;
        let timestamp = self.timestamp.to_string();
        let params = self.oauth_params(&timestamp);
        let mut refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        refs.push(("oauth_signature", &signature));
        Ok(authorization_header(self.realm, &refs))
    }
}

/// Builds `OAuth realm="…", k="enc(v)", …` from already-computed parameters.
pub fn authorization_header(realm: &str, params: &[(&str, &str)]) -> String {
    let mut out = format!("OAuth realm=\"{}\"", percent_encode(realm));
    for (k, v) in params {
        out.push_str(&format!(
            ", {}=\"{}\"",
            percent_encode(k),
            percent_encode(v)
        ));
    }
    out
}

/// A parsed `Authorization: OAuth …` header, values decoded.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizationHeader {
    pub realm: Option<String>,
    pub params: Vec<(String, String)>,
}

impl AuthorizationHeader {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

// Hand-written so a stray `{:?}` never prints the consumer key or token ID.
impl std::fmt::Debug for AuthorizationHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("AuthorizationHeader")
            .field("realm", &self.realm)
            .field("param_names", &names)
            .finish()
    }
}

/// Parses `OAuth k="v", k="v"`; accepts `", "` and `","` between parameters.
pub fn parse_authorization_header(value: &str) -> Result<AuthorizationHeader, SignError> {
    let value = value.trim_start();
    let rest = match value.get(..5) {
        Some(s) if s.eq_ignore_ascii_case("oauth") => &value[5..],
        _ => return Err(SignError::NotOAuth),
    };
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return Err(SignError::NotOAuth);
    }
    let mut header = AuthorizationHeader {
        realm: None,
        params: Vec::new(),
    };
    let mut rest = rest;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            break;
        }
        let (name, after) = rest
            .split_once('=')
            .ok_or(SignError::MalformedHeader("parameter without `=`"))?;
        let name = name.trim();
        let after = after
            .trim_start()
            .strip_prefix('"')
            .ok_or(SignError::MalformedHeader("value not quoted"))?;
        let (raw, after) = after
            .split_once('"')
            .ok_or(SignError::MalformedHeader("unterminated quote"))?;
        let decoded = percent_decode(raw, false);
        if name == "realm" {
            if header.realm.replace(decoded).is_some() {
                return Err(SignError::DuplicateParameter(name.to_owned()));
            }
        } else if header.get(name).is_some() {
            return Err(SignError::DuplicateParameter(name.to_owned()));
        } else {
            header.params.push((name.to_owned(), decoded));
        }
        let after = after.trim_start_matches([' ', '\t']);
        if !(after.is_empty() || after.starts_with(',')) {
            return Err(SignError::MalformedHeader(
                "missing comma between parameters",
            ));
        }
        rest = after;
    }
    Ok(header)
}

/// A 20-character alphanumeric nonce, the length NetSuite suggests.
pub fn new_nonce() -> Result<String, SignError> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut nonce = String::with_capacity(20);
    while nonce.len() < 20 {
        let mut buf = [0u8; 32];
        getrandom::fill(&mut buf).map_err(|_| SignError::Random)?;
        // Rejection sampling keeps every character equally likely (248 = 4 × 62).
        for b in buf.into_iter().filter(|b| *b < 248) {
            if nonce.len() < 20 {
                nonce.push(char::from(ALPHABET[usize::from(b % 62)]));
            }
        }
    }
    Ok(nonce)
}

/// Seconds since the Unix epoch; a clock before 1970 counts as 0.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Oracle's example credentials from the reference (not real secrets).
    const CK: &str = "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4";
    const CS: &str = "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5";
    const TK: &str = "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc";
    const TS: &str = "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295";

    fn request<'a>(method: &'a str, url: &'a str) -> OAuthRequest<'a> {
        OAuthRequest {
            method,
            url,
            realm: "123456",
            consumer_key: CK,
            consumer_secret: CS,
            token_id: TK,
            token_secret: TS,
            nonce: "fjaLirsIcCGVZWzBX0pg",
            timestamp: 1508242306,
        }
    }

    const VECTOR_1_URL: &str =
        "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40";

    #[test]
    fn vector_1_oracle_published_signature() {
        let r = request("GET", VECTOR_1_URL);
        assert_eq!(
            r.signature().unwrap(),
            "B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY="
        );
        let header = r.authorization_header().unwrap();
        assert!(header.starts_with("OAuth realm=\"123456\", "));
        assert!(
            header.contains(
                "oauth_signature=\"B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D\""
            )
        );
        assert!(header.contains("oauth_signature_method=\"HMAC-SHA256\""));
    }

    #[test]
    fn vector_2_query_parameters_signed() {
        let url = "https://123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=6&deploy=1&customParam=someValue&testParam=someOtherValue";
        let r = request("POST", url);
        assert_eq!(
            r.signature().unwrap(),
            "+KK4SKNgz4ZiILGLwOMtfYlgcXSy1eis8ldE9X90azQ="
        );
        // Query parameters go into the base string only, never into the header.
        assert!(!r.authorization_header().unwrap().contains("script"));
    }

    #[test]
    fn vector_3_loopback_port_kept() {
        let url = "http://127.0.0.1:8080/services/rest/record/v1/metadata-catalog?select=customer";
        assert_eq!(
            request("GET", url).signature().unwrap(),
            "Mbt7AgvqTRZQ0ikF1D9YSIN1nS3P/76VouoTKtobQKM="
        );
    }

    #[test]
    fn vector_4_hmac_sha1_over_vector_1() {
        let r = request("GET", VECTOR_1_URL);
        let ts = r.timestamp.to_string();
        let params = r.oauth_params(&ts);
        let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // Vector 4 signs the same base string as vector 1, method parameter included.
        let base = base_string("GET", VECTOR_1_URL, &refs).unwrap();
        let mut mac =
            <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(signing_key(CS, TS).as_bytes()).unwrap();
        mac.update(base.as_bytes());
        assert_eq!(
            BASE64.encode(mac.finalize().into_bytes()),
            "FJ7LvR6UwXlJ5Sfim9HdIOTNl+8="
        );
    }

    #[test]
    fn base_uri_normalisation() {
        let b = |u| base_string("get", u, &[]).unwrap();
        assert_eq!(
            b("HTTPS://Example.COM:443/A/b"),
            format!("GET&{}&", percent_encode("https://example.com/A/b"))
        );
        assert_eq!(
            b("http://EXAMPLE.com:80"),
            format!("GET&{}&", percent_encode("http://example.com/"))
        );
        assert_eq!(
            b("http://[::1]:8080/x#frag"),
            format!("GET&{}&", percent_encode("http://[::1]:8080/x"))
        );
        assert_eq!(
            b("https://h:8443/p?b=2&a=3&a=1"),
            format!(
                "GET&{}&{}",
                percent_encode("https://h:8443/p"),
                percent_encode("a=1&a=3&b=2")
            )
        );
        assert_eq!(
            base_string("GET", "no-scheme", &[]),
            Err(SignError::UrlScheme)
        );
        assert_eq!(
            base_string("GET", "http://h:99999/", &[]),
            Err(SignError::UrlPort)
        );
    }

    #[test]
    fn encoding_rules() {
        assert_eq!(percent_encode("a b+c/~é"), "a%20b%2Bc%2F~%C3%A9");
        assert_eq!(percent_decode("a+b%2b%zz%", true), "a b+%zz%");
        assert_eq!(percent_decode("a+b", false), "a+b");
        // Sorting is by encoded name then value.
        let s = base_string("GET", "https://h/p?a1=1&a=2&a=10", &[]).unwrap();
        assert!(s.ends_with(&percent_encode("a=10&a=2&a1=1")));
    }

    #[test]
    fn header_round_trip_both_separators() {
        let header = request("GET", VECTOR_1_URL).authorization_header().unwrap();
        let parsed = parse_authorization_header(&header).unwrap();
        assert_eq!(parsed.realm.as_deref(), Some("123456"));
        assert_eq!(
            parsed.get("oauth_signature"),
            Some("B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY=")
        );
        let tight = parse_authorization_header(&header.replace("\", ", "\",")).unwrap();
        assert_eq!(parsed, tight);
        assert!(!format!("{parsed:?}").contains(CK));
    }

    #[test]
    fn header_parse_errors() {
        assert_eq!(
            parse_authorization_header("Basic abc"),
            Err(SignError::NotOAuth)
        );
        assert_eq!(
            parse_authorization_header("OAuthx a=\"b\""),
            Err(SignError::NotOAuth)
        );
        assert!(parse_authorization_header("OAuth a=b").is_err());
        assert!(parse_authorization_header("OAuth a=\"b").is_err());
        assert!(parse_authorization_header("OAuth a=\"b\" c=\"d\"").is_err());
        assert!(matches!(
            parse_authorization_header("OAuth a=\"1\", a=\"2\""),
            Err(SignError::DuplicateParameter(_))
        ));
        for garbage in ["OAuth ", "OAuth ,,,", "oauth\t"] {
            assert!(parse_authorization_header(garbage).is_ok());
        }
        assert!(parse_authorization_header("OAuth \u{e9}=\"\u{e9}\"").is_ok());
    }

    #[test]
    fn verify_is_strict() {
        let key = signing_key(CS, TS);
        let sig = hmac_sha256_base64(&key, "text").unwrap();
        assert!(verify_hmac_sha256(&key, "text", &sig));
        assert!(!verify_hmac_sha256(&key, "text2", &sig));
        assert!(!verify_hmac_sha256(&key, "text", "not base64!"));
        assert!(!verify_hmac_sha256(&key, "text", ""));
    }

    #[test]
    fn nonce_shape() {
        let a = new_nonce().unwrap();
        assert_eq!(a.len(), 20);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(a, new_nonce().unwrap());
    }
}
