//! The probe as commands use it: `triage probe <integration>` prints what it observed, and
//! `--probe` on `diagnose` and `render ticket` merges its signals into the observations.

use std::time::Duration;

use serde::Serialize;

use super::client::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT, ProbeOptions, ProbeReport, loopback_base_url,
    probe,
};
use super::credentials::Credentials;
use crate::engine::{self, Diagnosis, Observations, Value};
use crate::rules::{Code, Integration, SignalSource};

/// How to reach the account: the probe's settings, each unset one its default.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// A file of KEY=value credentials instead of the environment.
    pub credentials: Option<std::path::PathBuf>,
    /// The account ID instead of the credentials'.
    pub account: Option<String>,
    /// A loopback test server to send the request to instead.
    pub base_url: Option<String>,
    /// Seconds to wait for a connection.
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for the whole answer.
    pub timeout: Option<u64>,
}

impl Settings {
    /// Whether any setting was given.
    pub fn any(&self) -> bool {
        self.credentials.is_some()
            || self.account.is_some()
            || self.base_url.is_some()
            || self.connect_timeout.is_some()
            || self.timeout.is_some()
    }
}

/// Whether to probe before diagnosing, and how.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The integration whose account to probe (`None`: no probe).
    pub probe: Option<String>,
    pub settings: Settings,
}

/// Reads the credentials and probes the account of `integration`.
pub fn run(integration: &Integration, args: &Settings) -> Result<ProbeReport, super::Error> {
    // A bad --base-url is refused before anything else is read.
    if let Some(url) = &args.base_url {
        loopback_base_url(url)?;
    }
    let seconds = |flag: Option<u64>, default| flag.map_or(default, Duration::from_secs);
    let options = ProbeOptions {
        base_url: args.base_url.clone(),
        connect_timeout: seconds(args.connect_timeout, DEFAULT_CONNECT_TIMEOUT),
        total_timeout: seconds(args.timeout, DEFAULT_TOTAL_TIMEOUT),
        table: super::table(integration)?.clone(),
    };
    let account = args.account.as_deref();
    let loaded = match &args.credentials {
        Some(path) => Credentials::from_file(path, account)?,
        None => Credentials::from_env(account)?,
    };
    let mut report = probe(&loaded.credentials, &options)?;
    // What reading the credentials noticed comes before the shape checks.
    report.findings.splice(0..0, loaded.findings);
    Ok(report)
}

/// Runs the probe `--probe` asks for, if any; sets its signals where no `--yes/--no` flag
/// already did (flags win); diagnoses; and marks the probe's observations with their evidence.
pub fn diagnose(
    integration: &Integration,
    code: &Code,
    mut obs: Observations,
    request: &Request,
) -> Result<(Observations, Diagnosis, Option<ProbeReport>), super::Error> {
    let report = requested(integration, code, request)?;
    let mut merged = Vec::new();
    for signal in report.iter().flat_map(|r| &r.signals) {
        // A signal the rules do not declare (possible with --rules) has no question to show.
        if obs.get(&signal.id) == Value::Unknown && integration.signal(&signal.id).is_some() {
            let value = if signal.value { Value::Yes } else { Value::No };
            obs.set(signal.id.clone(), value);
            merged.push(signal);
        }
    }
    let mut diagnosis = engine::diagnose(integration, code, &obs);
    for signal in merged {
        diagnosis.attribute_to_probe(&signal.id, &signal.evidence);
    }
    Ok((obs, diagnosis, report))
}

fn requested(
    integration: &Integration,
    code: &Code,
    request: &Request,
) -> Result<Option<ProbeReport>, super::Error> {
    let Some(target) = &request.probe else {
        if request.settings.any() {
            return Err(super::Error::SettingsWithoutProbe);
        }
        return Ok(None);
    };
    if *target != integration.id {
        return Err(super::Error::WrongIntegration {
            probe: target.clone(),
            code: code.code.clone(),
            integration: integration.name.clone(),
        });
    }
    Ok(Some(run(integration, &request.settings)?))
}

/// The report as JSON: `{"account_id", "base_url", "signals": [{"id", "value", "evidence"}],
/// "notes", "advisories", "findings"}`.
pub fn to_json<T: Serialize>(value: &T) -> Result<String, crate::Error> {
    serde_json::to_string_pretty(value).map_err(crate::Error::Json)
}

/// A diagnosis with the probe's report beside it, for `diagnose --format json`.
#[derive(Debug, Serialize)]
pub struct WithProbe<'a> {
    #[serde(flatten)]
    pub diagnosis: &'a Diagnosis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<&'a ProbeReport>,
}

/// The report for a person, as text or Markdown. With a diagnosis, a signal a flag overrode
/// says so.
pub fn block(
    integration: &Integration,
    report: &ProbeReport,
    diagnosis: Option<&Diagnosis>,
    markdown: bool,
) -> String {
    let place = match &report.base_url {
        Some(url) => format!("account {} at {url}", report.account_id),
        None => format!("account {} (no request sent)", report.account_id),
    };
    let mut s = if markdown {
        format!("## Probe of {} {place}\n", integration.name)
    } else {
        format!("Probe of {} {place}:\n", integration.name)
    };
    let flagged = |id: &str| {
        diagnosis.and_then(|d| {
            d.observations
                .iter()
                .find(|o| o.signal == id && o.source == SignalSource::Person)
        })
    };
    let signals: Vec<String> = report
        .signals
        .iter()
        .map(|p| {
            let value = if p.value { "yes" } else { "no" };
            let mut line = format!("{} = {value}  ({})", p.id, p.evidence);
            if let Some(o) = flagged(&p.id) {
                line.push_str(&format!(
                    "; a flag says {}, and flags win",
                    o.value.as_str()
                ));
            }
            line
        })
        .collect();
    list(&mut s, None, &signals, markdown);
    let findings: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{}: {}", severity(f.severity), f.message))
        .collect();
    list(&mut s, Some("Credential checks"), &findings, markdown);
    list(&mut s, Some("Notes"), &report.notes, markdown);
    let advisories: Vec<String> = report.advisories.iter().map(|a| a.text.clone()).collect();
    list(&mut s, Some("Advisory"), &advisories, markdown);
    s
}

fn severity(s: crate::diag::Severity) -> &'static str {
    match s {
        crate::diag::Severity::Error => "error",
        crate::diag::Severity::Warning => "warning",
    }
}

/// Appends a list, under a heading when given; nothing when it is empty.
fn list(s: &mut String, heading: Option<&str>, items: &[String], markdown: bool) {
    if items.is_empty() {
        return;
    }
    match (heading, markdown) {
        (Some(h), true) => s.push_str(&format!("\n### {h}\n\n")),
        (Some(h), false) => s.push_str(&format!("\n{h}:\n")),
        (None, true) => s.push('\n'),
        (None, false) => {}
    }
    let bullet = if markdown { "- " } else { "  - " };
    for item in items {
        s.push_str(&format!("{bullet}{item}\n"));
    }
}
