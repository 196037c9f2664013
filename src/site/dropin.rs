//! The Markdown help site's drop-in troubleshooter (docs/site.md): beside the
//! Markdown tree, `troubleshoot/troubleshoot.js` (the preview's panel script),
//! one JSON data file per code and a one-line snippet for the site's layout.
//! The script finds `<div data-triage-troubleshoot="netsuite/NS0109">` and
//! fetches `netsuite/NS0109.json` relative to its own URL.

use crate::Error;
use crate::engine::export::Troubleshooter;
use crate::rules::Integration;

/// The drop-in's folder inside the output folder.
pub const DIR: &str = "troubleshoot";

/// `troubleshoot/troubleshoot.js`.
pub fn script_path() -> String {
    format!("{DIR}/{}", super::html::TROUBLESHOOT)
}

/// `netsuite/NS0109`: the snippet's attribute, and the data file's path without `.json`.
pub fn key(integration: &Integration, t: &Troubleshooter) -> String {
    format!("{}/{}", integration.id, t.code)
}

/// The line a help site's layout adds to the code's article; the script's
/// URL assumes the folder is published at the site's root.
pub fn snippet(integration: &Integration, t: &Troubleshooter) -> String {
    format!(
        "<div data-triage-troubleshoot=\"{}\"></div><script src=\"/{}\" defer></script>\n",
        key(integration, t),
        script_path()
    )
}

/// A file to write: its path in the output, its text.
pub type File = (String, String);

/// The code's data file and its snippet.
pub fn files(integration: &Integration, t: &Troubleshooter) -> Result<(File, File), Error> {
    let key = key(integration, t);
    let json = serde_json::to_string(t).map_err(Error::Json)?;
    Ok((
        (format!("{DIR}/{key}.json"), json),
        (format!("{DIR}/{key}.snippet.html"), snippet(integration, t)),
    ))
}
