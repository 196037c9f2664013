//! NetSuite TBA credentials: loading from the environment or a `KEY=value` file, and the checks
//! that need no network.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::classify::ProbeSignal;
use crate::diag::Severity;

pub const ENV_ACCOUNT_ID: &str = "NETSUITE_ACCOUNT_ID";
pub const ENV_CONSUMER_KEY: &str = "NETSUITE_CONSUMER_KEY";
pub const ENV_CONSUMER_SECRET: &str = "NETSUITE_CONSUMER_SECRET";
pub const ENV_TOKEN_ID: &str = "NETSUITE_TOKEN_ID";
pub const ENV_TOKEN_SECRET: &str = "NETSUITE_TOKEN_SECRET";
/// Every variable, in the order they are reported when missing.
pub const VARIABLES: [&str; 5] = [
    ENV_ACCOUNT_ID,
    ENV_CONSUMER_KEY,
    ENV_CONSUMER_SECRET,
    ENV_TOKEN_ID,
    ENV_TOKEN_SECRET,
];

static ACCOUNT_ID: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^(?:TSTDRV)?\d+(?:_(?:SB|RP)\d*)?$"));
static HOST_FORM: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)^(?:TSTDRV)?\d+-(?:SB|RP)\d*$"));

#[allow(clippy::expect_used)]
fn regex(pattern: &str) -> Regex {
    // The patterns are constants, so a failure is a bug caught by the first test run.
    Regex::new(pattern).expect("constant regex compiles")
}

/// Token-based authentication credentials. `Debug` shows the account ID only.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub account_id: String,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub token_id: String,
    pub token_secret: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const R: &str = "<redacted>";
        f.debug_struct("Credentials")
            .field("account_id", &display_account(&self.account_id))
            .field("consumer_key", &R)
            .field("consumer_secret", &R)
            .field("token_id", &R)
            .field("token_secret", &R)
            .finish()
    }
}

/// A problem with the credentials found without the network. Messages name variables, never
/// their secret values. (Not a [`crate::diag::Finding`]: those point into rule files.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialFinding {
    pub code: String,
    pub severity: Severity,
    pub message: String,
}

impl CredentialFinding {
    fn new(code: &str, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            severity,
            message: message.into(),
        }
    }
}

/// Credentials plus what was noticed while reading them (trimmed values, file mode).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub credentials: Credentials,
    pub findings: Vec<CredentialFinding>,
}

/// The result of the offline checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OfflineCheck {
    pub findings: Vec<CredentialFinding>,
    pub signals: Vec<ProbeSignal>,
}

/// Why no credentials could be read. Messages name variables and lines, never values.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error("missing NetSuite credentials: {} not set {}", .names.join(", "), where_to_set(.file))]
    Missing {
        names: Vec<&'static str>,
        /// The `--credentials` file they were looked for in; `None` for the environment.
        file: Option<PathBuf>,
    },
    #[error("cannot read credentials file {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    // The line itself is not shown: it may hold a secret.
    #[error("{}: expected KEY=value, e.g. NETSUITE_ACCOUNT_ID=1234567_SB1", line_of(.file, *.line))]
    Syntax { file: Option<PathBuf>, line: usize },
}

fn where_to_set(file: &Option<PathBuf>) -> String {
    match file {
        Some(path) => format!("in {}; add them as KEY=value lines", path.display()),
        None => "in the environment; set them, or pass --credentials FILE with KEY=value lines"
            .to_owned(),
    }
}

/// `file:line`, as other tools print a place in a file.
fn line_of(file: &Option<PathBuf>, line: usize) -> String {
    match file {
        Some(path) => format!("{}:{line}", path.display()),
        None => format!("credentials line {line}"),
    }
}

impl CredentialsError {
    /// Names the file a file-less error came from.
    fn in_file(self, path: &Path) -> Self {
        match self {
            CredentialsError::Missing { names, file: None } => CredentialsError::Missing {
                names,
                file: Some(path.to_owned()),
            },
            CredentialsError::Syntax { file: None, line } => CredentialsError::Syntax {
                file: Some(path.to_owned()),
                line,
            },
            other => other,
        }
    }
}

impl Credentials {
    /// Reads the five `NETSUITE_*` values through `lookup` (e.g. `|k| std::env::var(k).ok()`);
    /// `account` (from `--account`) replaces the account ID, which then need not be set.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
        account: Option<&str>,
    ) -> Result<Loaded, CredentialsError> {
        let mut findings = Vec::new();
        let mut missing = Vec::new();
        let mut values = Vec::with_capacity(VARIABLES.len());
        for name in VARIABLES {
            let value = match account {
                Some(raw) if name == ENV_ACCOUNT_ID => clean_value("--account", raw, &mut findings),
                _ => lookup(name)
                    .map(|v| clean_value(name, &v, &mut findings))
                    .unwrap_or_default(),
            };
            // Loaded: from now on redacted by exact value wherever it would be printed.
            if name != ENV_ACCOUNT_ID {
                crate::util::redact::remember(&value);
            }
            if value.is_empty() {
                missing.push(name);
            }
            values.push(value);
        }
        if !missing.is_empty() {
            return Err(CredentialsError::Missing {
                names: missing,
                file: None,
            });
        }
        let mut values = values.into_iter();
        let mut next = || values.next().unwrap_or_default();
        let credentials = Credentials {
            account_id: next(),
            consumer_key: next(),
            consumer_secret: next(),
            token_id: next(),
            token_secret: next(),
        };
        Ok(Loaded {
            credentials,
            findings,
        })
    }

    pub fn from_env(account: Option<&str>) -> Result<Loaded, CredentialsError> {
        Self::from_lookup(|name| std::env::var(name).ok(), account)
    }

    /// Parses `KEY=value` lines; blank lines and lines starting with `#` are skipped. Inline `#`
    /// is part of the value.
    pub fn from_file_text(text: &str, account: Option<&str>) -> Result<Loaded, CredentialsError> {
        let mut map = HashMap::new();
        let mut findings = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once('=').ok_or(CredentialsError::Syntax {
                file: None,
                line: index + 1,
            })?;
            let key = key.trim();
            if !VARIABLES.contains(&key) {
                findings.push(CredentialFinding::new(
                    "credentials_unknown_key",
                    Severity::Warning,
                    format!("credentials file line {}: unknown key ignored", index + 1),
                ));
            } else if map.insert(key.to_owned(), value.to_owned()).is_some() {
                findings.push(CredentialFinding::new(
                    "credentials_duplicate_key",
                    Severity::Warning,
                    format!("credentials file sets {key} more than once; the last one is used"),
                ));
            }
        }
        let mut loaded = Self::from_lookup(|name| map.get(name).cloned(), account)?;
        findings.append(&mut loaded.findings);
        loaded.findings = findings;
        Ok(loaded)
    }

    /// Reads a credentials file and warns when others can read it.
    pub fn from_file(path: &Path, account: Option<&str>) -> Result<Loaded, CredentialsError> {
        let read_error = |source| CredentialsError::Read {
            path: path.to_owned(),
            source,
        };
        // A credentials file is a few lines; anything larger is not one.
        let bytes = crate::diag::read_bounded(path, 64 * 1024)
            .map_err(read_error)?
            .ok_or_else(|| {
                read_error(std::io::Error::other(
                    "over the 64 KiB limit for a credentials file",
                ))
            })?;
        let text = String::from_utf8(bytes)
            .map_err(|_| read_error(std::io::Error::other("not valid UTF-8")))?;
        let mut loaded = Self::from_file_text(&text, account).map_err(|e| e.in_file(path))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(read_error)?
                .permissions()
                .mode();
            if mode & 0o044 != 0 {
                loaded.findings.push(CredentialFinding::new(
                    "credentials_file_readable",
                    Severity::Warning,
                    format!(
                        "{} is readable by group or others (mode {:o}); run `chmod 600` on it",
                        path.display(),
                        mode & 0o777
                    ),
                ));
            }
        }
        Ok(loaded)
    }

    /// The OAuth realm: the account ID upper-cased (`1234567_SB1`).
    pub fn realm(&self) -> String {
        self.account_id.to_ascii_uppercase()
    }

    /// The host label: lower-case with `_` turned into `-` (`1234567-sb1`).
    pub fn host_label(&self) -> String {
        self.account_id.to_ascii_lowercase().replace('_', "-")
    }

    pub fn host(&self) -> String {
        format!("{}.suitetalk.api.netsuite.com", self.host_label())
    }

    /// Shape checks on the account ID and keys; no network.
    pub fn check(&self) -> OfflineCheck {
        let mut out = OfflineCheck::default();
        self.check_account(&mut out);
        self.check_keys(&mut out);
        out
    }

    fn check_account(&self, out: &mut OfflineCheck) {
        let id = &self.account_id;
        let shown = shown_account(id);
        if ACCOUNT_ID.is_match(id) {
            out.signals.push(ProbeSignal::new(
                "account_id_host_form",
                false,
                format!("account ID {shown} has the account-ID form"),
            ));
            if id.chars().any(|c| c.is_ascii_lowercase()) {
                out.findings.push(CredentialFinding::new(
                    "realm_lower_case",
                    Severity::Warning,
                    format!(
                        "account ID {shown} has lower-case letters; the realm is sent upper-case as `{}` (lower-case realms have been reported to fail)",
                        self.realm()
                    ),
                ));
            }
            return;
        }
        if let Some(label) = host_form_label(id) {
            let account = label.to_ascii_uppercase().replace('-', "_");
            let evidence = format!(
                "account ID {shown} is the host-name form; the account ID would be `{account}`"
            );
            out.findings.push(CredentialFinding::new(
                "account_id_host_form",
                Severity::Error,
                evidence.clone(),
            ));
            out.signals
                .push(ProbeSignal::new("account_id_host_form", true, evidence));
            return;
        }
        out.findings.push(CredentialFinding::new(
            "account_id_shape",
            Severity::Error,
            format!(
                "account ID {shown} does not look like a NetSuite account ID (digits, optionally `_SB<n>` or `_RP`, or `TSTDRV<digits>`)"
            ),
        ));
    }

    fn check_keys(&self, out: &mut OfflineCheck) {
        let keys = [
            (ENV_CONSUMER_KEY, &self.consumer_key),
            (ENV_CONSUMER_SECRET, &self.consumer_secret),
            (ENV_TOKEN_ID, &self.token_id),
            (ENV_TOKEN_SECRET, &self.token_secret),
        ];
        for (name, value) in keys {
            if value.len() != 64 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.findings.push(CredentialFinding::new(
                    "key_shape",
                    Severity::Warning,
                    format!(
                        "{name} is {} characters, not 64 hex characters like every known NetSuite key (Oracle documents no format, so this is only a warning)",
                        value.chars().count()
                    ),
                ));
            }
        }
        // Two equal values usually mean one was pasted into the wrong variable.
        for (i, (a, va)) in keys.iter().enumerate() {
            for (b, vb) in &keys[i + 1..] {
                if va == vb {
                    out.findings.push(CredentialFinding::new(
                        "key_duplicate",
                        Severity::Error,
                        format!("{a} and {b} hold the same value; one was probably pasted into the wrong place"),
                    ));
                }
            }
        }
    }
}

/// Trims whitespace and one pair of surrounding quotes, with a warning naming the variable.
fn clean_value(name: &str, raw: &str, findings: &mut Vec<CredentialFinding>) -> String {
    let trimmed = raw.trim();
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| trimmed.strip_prefix(*q)?.strip_suffix(*q))
        .map_or(trimmed, str::trim);
    if unquoted.len() != raw.len() {
        findings.push(CredentialFinding::new(
            "value_trimmed",
            Severity::Warning,
            format!("{name} had whitespace or quotes around it; they were removed"),
        ));
    }
    unquoted.to_owned()
}

/// The account ID as output may show it: itself when it has an account ID's
/// (or host name's) shape, else only its length — anything else may be a
/// secret pasted into the wrong variable.
pub fn display_account(id: &str) -> String {
    if recognisable_account(id) {
        id.to_owned()
    } else {
        format!("({} characters, not shown)", id.chars().count())
    }
}

fn recognisable_account(id: &str) -> bool {
    id.chars().count() <= 64 && (ACCOUNT_ID.is_match(id) || host_form_label(id).is_some())
}

/// [`display_account`] quoted for a message.
fn shown_account(id: &str) -> String {
    if recognisable_account(id) {
        format!("`{id}`")
    } else {
        display_account(id)
    }
}

/// `1234567-sb1`, or a host or URL starting with it, gives `1234567-sb1`.
fn host_form_label(id: &str) -> Option<&str> {
    let rest = id.split_once("://").map_or(id, |(_, r)| r);
    let (label, domain) = rest.split_once('.').unwrap_or((rest, ""));
    let looks_like_host = HOST_FORM.is_match(label)
        || (domain.to_ascii_lowercase().contains("netsuite.com") && ACCOUNT_ID.is_match(label));
    looks_like_host.then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4";

    fn creds(account: &str) -> Credentials {
        Credentials {
            account_id: account.into(),
            consumer_key: HEX.into(),
            consumer_secret: HEX.replace('e', "1"),
            token_id: HEX.replace('e', "2"),
            token_secret: HEX.replace('e', "3"),
        }
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn debug_is_redacted() {
        let text = format!("{:?}", creds("1234567_SB1"));
        assert!(text.contains("1234567_SB1"));
        assert!(!text.contains(&HEX[..16]));
        assert_eq!(text.matches("<redacted>").count(), 4);
    }

    #[test]
    fn lookup_trims_and_reports_missing() {
        let loaded = Credentials::from_lookup(
            env(&[
                (ENV_ACCOUNT_ID, " 1234567_SB1\n"),
                (ENV_CONSUMER_KEY, "\"abc\""),
                (ENV_CONSUMER_SECRET, "' def '"),
                (ENV_TOKEN_ID, "ghi"),
                (ENV_TOKEN_SECRET, "jkl"),
            ]),
            None,
        )
        .unwrap();
        let c = &loaded.credentials;
        assert_eq!(
            (
                c.account_id.as_str(),
                c.consumer_key.as_str(),
                c.consumer_secret.as_str()
            ),
            ("1234567_SB1", "abc", "def")
        );
        assert_eq!(loaded.findings.len(), 3);
        assert!(
            loaded
                .findings
                .iter()
                .all(|f| f.code == "value_trimmed" && !f.message.contains("abc"))
        );

        let err =
            Credentials::from_lookup(env(&[(ENV_ACCOUNT_ID, "1"), (ENV_TOKEN_ID, "  ")]), None)
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing NetSuite credentials: NETSUITE_CONSUMER_KEY, NETSUITE_CONSUMER_SECRET, NETSUITE_TOKEN_ID, NETSUITE_TOKEN_SECRET not set in the environment; set them, or pass --credentials FILE with KEY=value lines"
        );
    }

    #[test]
    fn account_override() {
        let all: Vec<(&str, &str)> = VARIABLES.iter().map(|v| (*v, "x")).collect();
        let loaded = Credentials::from_lookup(env(&all), Some(" 99_RP ")).unwrap();
        assert_eq!(loaded.credentials.account_id, "99_RP");
        assert_eq!(
            loaded.findings[0].message,
            "--account had whitespace or quotes around it; they were removed"
        );
        // With --account, the variable need not be set.
        let no_account: Vec<(&str, &str)> = VARIABLES[1..].iter().map(|v| (*v, "x")).collect();
        assert!(Credentials::from_lookup(env(&no_account), Some("1")).is_ok());
    }

    #[test]
    fn file_text() {
        let text = format!(
            "# comment\n\nNETSUITE_ACCOUNT_ID=1234567_SB1\nNETSUITE_CONSUMER_KEY={HEX}\nNETSUITE_CONSUMER_SECRET = {HEX}\nNETSUITE_TOKEN_ID={HEX}\nNETSUITE_TOKEN_SECRET={HEX}\nOTHER=1\nNETSUITE_TOKEN_ID={HEX}\n"
        );
        let loaded = Credentials::from_file_text(&text, None).unwrap();
        assert_eq!(loaded.credentials.consumer_secret, HEX);
        let codes: Vec<&str> = loaded.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "credentials_unknown_key",
                "credentials_duplicate_key",
                "value_trimmed"
            ]
        );
        let err = Credentials::from_file_text(&format!("NETSUITE_TOKEN_SECRET {HEX}\n"), None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "credentials line 1: expected KEY=value, e.g. NETSUITE_ACCOUNT_ID=1234567_SB1"
        );
    }

    #[cfg(unix)]
    #[test]
    fn file_mode_warning() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("netsuite.env");
        let text: String = VARIABLES.iter().map(|v| format!("{v}=1\n")).collect();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let warned = Credentials::from_file(&path, None)
            .unwrap()
            .findings
            .iter()
            .any(|f| f.code == "credentials_file_readable");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let quiet = Credentials::from_file(&path, None)
            .unwrap()
            .findings
            .iter()
            .all(|f| f.code != "credentials_file_readable");
        std::fs::remove_file(&path).unwrap();
        assert!(warned && quiet);
        assert!(matches!(
            Credentials::from_file(&path, None),
            Err(CredentialsError::Read { .. })
        ));
        // Errors from the file's content name the file.
        std::fs::write(&path, "NETSUITE_TOKEN_ID=1\n").unwrap();
        let missing = Credentials::from_file(&path, None).unwrap_err().to_string();
        assert!(
            missing.contains("not set in ")
                && missing.ends_with("netsuite.env; add them as KEY=value lines"),
            "{missing}"
        );
        std::fs::write(&path, "\nnot a pair\n").unwrap();
        let syntax = Credentials::from_file(&path, None).unwrap_err().to_string();
        assert!(
            syntax.ends_with(
                "netsuite.env:2: expected KEY=value, e.g. NETSUITE_ACCOUNT_ID=1234567_SB1"
            ),
            "{syntax}"
        );
    }

    #[test]
    fn realm_and_host() {
        let c = creds("1234567_sb1");
        assert_eq!(c.realm(), "1234567_SB1");
        assert_eq!(c.host(), "1234567-sb1.suitetalk.api.netsuite.com");
        assert_eq!(creds("TSTDRV42").host_label(), "tstdrv42");
    }

    fn signal(c: &OfflineCheck) -> Option<bool> {
        c.signals
            .iter()
            .find(|s| s.id == "account_id_host_form")
            .map(|s| s.value)
    }

    #[test]
    fn account_shapes() {
        for ok in [
            "1234567",
            "1234567_SB1",
            "123456_RP",
            "TSTDRV1234567",
            "1234567_SB",
            "tstdrv9_sb2",
        ] {
            assert_eq!(signal(&creds(ok).check()), Some(false), "{ok}");
        }
        let lower = creds("1234567_sb1").check();
        assert_eq!(lower.findings[0].code, "realm_lower_case");
        assert!(lower.findings[0].message.contains("`1234567_SB1`"));
        assert!(creds("1234567_SB1").check().findings.is_empty());

        for host in [
            "1234567-sb1",
            "1234567-SB1",
            "https://1234567-sb1.app.netsuite.com",
            "1234567.suitetalk.api.netsuite.com",
        ] {
            let c = creds(host).check();
            assert_eq!(signal(&c), Some(true), "{host}");
            assert_eq!(c.findings[0].code, "account_id_host_form");
        }
        assert!(
            creds("1234567-sb1").check().signals[0]
                .evidence
                .contains("`1234567_SB1`")
        );

        for bad in ["", "abc", "1234567_XX1", "12 34", "1234567-"] {
            let c = creds(bad).check();
            assert_eq!(signal(&c), None, "{bad}");
            assert_eq!(c.findings[0].code, "account_id_shape");
        }
        // A secret pasted as the account ID is not echoed.
        assert!(!creds(HEX).check().findings[0].message.contains(&HEX[..16]));
    }

    #[test]
    fn key_shapes() {
        let mut c = creds("1");
        c.token_secret = "short".into();
        c.token_id = c.consumer_key.clone();
        let codes: Vec<String> = c.check().findings.into_iter().map(|f| f.code).collect();
        assert_eq!(codes, ["key_shape", "key_duplicate"]);
    }
}
