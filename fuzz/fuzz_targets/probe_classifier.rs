//! Arbitrary HTTP answers (status, headers, body) through the shipped
//! classification table, as the probe would meet them.
#![no_main]

use std::sync::LazyLock;
use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use triage::rules::classify::ClassificationTable;
use triage::rules::classify::Outcome;
use triage::rules::{RuleBase, RuleSource, Selection};

static TABLE: LazyLock<ClassificationTable> = LazyLock::new(|| {
    let (base, _) =
        RuleBase::load(&RuleSource::Embedded, &Selection::All).expect("embedded rules load");
    base.integration("netsuite")
        .and_then(|i| i.probe.clone())
        .expect("netsuite has a probe table")
});

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]);
    let rest = &data[2..];
    // Headers up to the first blank line, body after it.
    let text = String::from_utf8_lossy(rest);
    let (head, body) = text.split_once("\n\n").unwrap_or(("", &text));
    let headers = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    let outcome = Outcome::Response {
        status,
        headers,
        body: body.as_bytes().to_vec(),
    };
    let _ = TABLE.classify(&outcome, now);
});
