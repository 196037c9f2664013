//! `triage probe`: observes signals from a live NetSuite account by logging in the way the
//! integration does, with one signed request (OAuth 1.0a token-based authentication).
//!
//! [`credentials`] reads and checks the credentials offline, [`sign`] signs the request,
//! [`client`] sends it, [`classify`] turns the answer into signals through the integration's
//! `probe:` table from the rules, and [`report`] prints them or merges them into a diagnosis.

pub use crate::rules::classify;
pub mod client;
pub mod credentials;
pub mod run;
pub mod sign;

pub use classify::{ClassificationTable, ProbeSignal};
pub use client::{ProbeOptions, ProbeReport, probe};
pub use credentials::{Credentials, CredentialsError};

use crate::rules::Integration;

/// Why the probe could not run. None of the messages quotes a credential.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    #[error(
        "--base-url must be http://127.0.0.1:PORT, http://localhost:PORT or http://[::1]:PORT ({0}); it points the probe at a local test server, never elsewhere"
    )]
    BaseUrl(&'static str),
    #[error("the rules of {0} have no `probe:` table; add one at the end of its integration.yaml")]
    NoTable(String),
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
    #[error("could not sign the request: {0}")]
    Sign(#[from] sign::SignError),
    #[error(
        "--credentials, --account, --base-url, --connect-timeout and --timeout apply only with --probe; add --probe netsuite"
    )]
    SettingsWithoutProbe,
    #[error("--probe {probe} cannot observe {code}, a {integration} code; leave out --probe")]
    WrongIntegration {
        probe: String,
        code: String,
        integration: String,
    },
}

/// The integration's classification table from the rules.
pub fn table(integration: &Integration) -> Result<&ClassificationTable, Error> {
    integration
        .probe
        .as_ref()
        .ok_or_else(|| Error::NoTable(integration.name.clone()))
}
