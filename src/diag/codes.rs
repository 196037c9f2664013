//! The registry of finding codes: one entry per code, with its default
//! severity, a one-line summary and an explanation (`triage check --explain`).
//! docs/authoring.md's tables are checked against it (tests/registry.rs).

use serde::Serialize;

use super::Severity;

macro_rules! codes {
    ($($code:ident => $severity:ident, $summary:literal, $explanation:literal;)*) => {
        /// A stable finding code, e.g. `R004`; documented in docs/authoring.md.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(
                #[doc = $summary]
                $code,
            )*
        }

        impl Code {
            const ALL: &'static [Code] = &[$(Code::$code),*];

            /// The code as written in findings and docs, e.g. `"R004"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// The severity a finding with this code has.
            pub const fn severity(self) -> Severity {
                match self {
                    $(Code::$code => Severity::$severity,)*
                }
            }

            /// What the finding says, in one line.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Code::$code => $summary,)*
                }
            }

            /// What the finding means, an example, and how to fix it.
            pub const fn explanation(self) -> &'static str {
                match self {
                    $(Code::$code => $explanation,)*
                }
            }
        }
    };
}

impl Code {
    /// Every code, in order.
    pub fn all() -> &'static [Code] {
        Code::ALL
    }

    /// `"R004"` (or `"r004"`) → `Code::R004`.
    pub fn parse(s: &str) -> Option<Code> {
        let s = s.trim();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

codes! {
    // R0xx — the file itself
    R001 => Error, "YAML syntax error",
        "The file is not valid YAML, so nothing in it could be read. The usual cause is \
         text containing `: ` that is not quoted: in `- This means: the token expired.` \
         YAML reads `This means` as a key. Text starting with `*` or `&` is read as an \
         alias or anchor. Fix: put the whole text in quotes (`\"…\"`); also quote text that \
         ends with `:` or starts with `[ { * # - >`.";
    R002 => Error, "a tab character where YAML needs spaces",
        "YAML indentation must be spaces; a tab at the start of a line (or inside the \
         indentation of a nested list) stops the parser. This often comes from an editor \
         that indents with tabs, or text pasted from a document. Fix: replace the tab with \
         spaces, and set your editor to insert spaces in YAML files.";
    R003 => Error, "unknown field",
        "A mapping has a key its place does not allow, e.g. `summry:` for `summary:`, or \
         `patterns:` inside `fix:`. Unknown keys are refused rather than ignored, so a typo \
         never silently drops text from an article. The help lists the keys allowed there \
         and the nearest one. Fix: correct the spelling, or move the field to where it \
         belongs.";
    R004 => Error, "a required field is missing or has no value",
        "A field the file needs is absent (a code file without `message:`), or a field is \
         present with nothing after it (`lead:` on a line of its own). The finding names \
         the field and the mapping it is missing from. Fix: add the field or write its \
         value, or remove the empty line; docs/authoring.md lists what each file needs.";
    R005 => Error, "the same key twice in one mapping",
        "A key appears twice in one mapping, e.g. two `summary:` lines in a code file; YAML \
         would keep only one of them, so the other text would be lost. Both places are \
         shown. Fix: keep one key and merge the two values into it.";
    R006 => Error, "a value of the wrong shape",
        "A field holds the wrong kind of value: a list where text belongs, text where a \
         list belongs, a word where a number belongs. In a list of plain texts (a cause's \
         `items`, an escalation's `include`), an unquoted `This means: …` is read as a \
         mapping and reported here. Fix: write the shape the field needs (the message \
         names it), and quote text containing `: `.";
    R007 => Error, "`kind` is not sync, export or connection",
        "Every code has a `kind` saying what failed, and the article's title and FAQ \
         depend on it. Only `sync`, `export` and `connection` exist; `kind: Sync error` or \
         `kind: import` is refused, and the help suggests the nearest kind. Fix: use one \
         of the three.";
    R008 => Error, "a folder with code files but no integration.yaml",
        "Code files live in their integration's folder, next to an `integration.yaml` that \
         gives the integration's id, name, prefix and signals. A folder such as \
         `rules/ledgerly/` holding `LG0001.yaml` but no `integration.yaml` has no \
         integration for its codes. Fix: add `integration.yaml`, or move the code files \
         into the right integration's folder.";
    R009 => Error, "the integration id differs from its folder name",
        "An integration's `id` must equal the name of the folder it lives in: \
         `rules/netsuite/integration.yaml` must say `id: netsuite`. The id becomes paths \
         and links, so the two must not disagree. Fix: rename the folder, or set the id to \
         the folder's name.";
    R010 => Error, "a code file not named after its code",
        "A code file is named after the code it defines: `code: NS0200` belongs in \
         `NS0200.yaml`. A mismatch usually means a file was copied and its `code:` not \
         updated (or the reverse). Fix: rename the file to `<CODE>.yaml`, or fix `code:`.";
    R011 => Warning, "a code without the integration's prefix",
        "Each integration declares a `prefix` (`NS` for NetSuite), and its codes start with \
         it. A code `QB0100` in the NetSuite folder is probably in the wrong place or \
         misspelt. Fix: use the prefix, or move the file to the integration it belongs to.";
    R012 => Error, "exactly one of two fields is needed",
        "Some entries take one of two fields, never both or neither: a cause has `text` \
         (one list item) or `items` (several that together are the cause); a snippet has \
         `text` (a list item, with optional `bullets`) or `body` (blocks). A cause with \
         both `text:` and `items:` is refused. Fix: keep exactly one of them.";
    R013 => Error, "an empty text or an empty list",
        "A part that is written must have content: `summary: \"\"`, `meaning: []`, \
         `note: \"\"`, `items: []`, an empty table or cause list, or empty front matter \
         such as `description: \"\"`. Optional parts are simply left out of the article \
         when absent, so an empty one is a mistake. Fix: remove the key, or write its \
         content.";
    R014 => Error, "a text holds block structure",
        "A text field is inline Markdown on one line; it cannot hold a blank line, a \
         heading, a list item, a table row, a quote or a `---` rule. For example a \
         `summary:` written as a `|` block with two paragraphs is refused. Fix: write each \
         paragraph, list, table or heading as a block of its own (docs/rules.md, Blocks).";
    R015 => Error, "a malformed block, table row or list item",
        "A block is a mapping with exactly one key (`steps`, `note`, `table`, …); `steps` \
         and `note` in one map are two blocks written as one. Also reported: a table row \
         with more or fewer cells than the header, a list item with `bullets` or `body` \
         but no `text`, and an item with `use` plus anything else. Fix: one key per block, \
         as many cells as the header, give the item its `text`, and let a `use` item hold \
         nothing else.";
    R016 => Error, "a `causes` block outside `why.body`, or twice in it",
        "The cause list (`causes`) is printed in the article's why section only, once. A \
         `causes` block in a procedure, a lead or another section, or two of them in \
         `why.body`, is refused. Fix: move the cause list into `why.body` and keep one; \
         write any other list as `bullets`.";
    R017 => Error, "a placeholder not in the message, or badly named",
        "A code's `placeholders` describe parts of the message that vary, e.g. \
         `{ text: \"[X]\", name: vendor }` for `Vendor [X] is inactive.`. The `text` must \
         appear in `message` exactly, and the `name` must be lower case letters, digits \
         and `_`, start with a letter, and be used once. Fix: copy the placeholder as the \
         message prints it, and name it like `vendor`.";
    R018 => Error, "a heading level outside 1 to 6",
        "Markdown has six heading levels. A `layout` with `why_level: 7` or `fix_level: 0` \
         is refused, and so is a procedure whose sub-sections or variant headings would \
         need a level past 6 under the layout's levels. Fix: use levels 1 (`#`) to 6 \
         (`######`); for no fix heading write `fix_level: none`.";
    R019 => Error, "an id not of its shape",
        "Ids (integration, prefix, code, signal, procedure, snippet, cause) become folder \
         names, links and anchors, so they are ASCII letters, digits, `_` and `-`, start \
         with a letter or digit, and are at most 64 characters; a prefix is letters only, \
         a code its prefix's letters then digits (`NS0109`). An id such as \
         `token revoked` or `NS:0109` is refused. Fix: rename it.";
    R020 => Error, "a control character in rule text",
        "Rule text reaches front matter and HTML pages, where a carriage return, a tab, an \
         escape, NEL, a line or paragraph separator or a bidirectional override can break \
         the page or hide text; `\\r` in a quoted scalar would start a new line in the \
         help site's front matter. The finding gives the character's code point. Fix: \
         remove the character.";
    R021 => Error, "raw HTML in rule text",
        "The help site renders rule text as Markdown, so raw HTML (`<b>`, `<script>`, \
         `<!-- -->`) or a kramdown attribute list (`{: onclick=…}`) would be rendered as \
         HTML in the reader's browser. Fix: write it as text, put it in `backticks`, or \
         describe the screen in words (Setup > Connections).";
    R022 => Error, "a link that is not http, https, mailto or relative",
        "Links in rule text may point to `http`, `https`, `mailto` or a relative path. \
         `javascript:`, `data:` and `vbscript:` links run in the reader's browser and are \
         refused, also when written with mixed case, tabs or control characters inside \
         (`java\\tscript:`). Fix: link to an https page.";
    R023 => Error, "a lint level or `allow:` that names no warning",
        "A lint's level is set in `rules/triage.yaml` (`lints: { R605: allow, R401: deny }`) \
         and a lint is silenced for one signal with `allow: [{lint: R401, reason: \"…\"}]`. \
         The code must be a lint, that is a warning: an error cannot be allowed, since the \
         rules would be broken; the level must be `allow`, `warn` or `deny`; an `allow:` \
         needs a reason. Fix: use a warning's code, with a level or a reason.";
    // R1xx — duplicates
    R101 => Error, "one code defined in two files",
        "Each code is defined once across the rule base; two files both saying \
         `code: NS0200` (often a copy left behind) make it unclear which article is meant. \
         Both definitions are shown. Fix: keep one file per code.";
    R102 => Error, "two causes with one id in a code",
        "Cause ids are how conditions, fixes and the cause list refer to a cause, so two \
         causes of one code with `id: token_revoked` cannot be told apart. Fix: rename one \
         of them, or remove the duplicate.";
    R103 => Error, "two signals with one id in an integration",
        "Signals are the questions a diagnosis asks, named by id in conditions. Two \
         entries under `signals:` with the same id in `integration.yaml` are ambiguous. \
         Fix: remove or rename one of them.";
    R104 => Error, "two procedures with one id",
        "Procedures are named by id in `fix.procedures` and a cause's `fixes`. Two \
         procedures with one id in a file, or a code defining a procedure the integration \
         already defines, are refused. Fix: rename one, or use the shared procedure by id \
         (with `use:` to change its title or add blocks).";
    R105 => Error, "a procedure listed twice in `fix.procedures`",
        "`fix.procedures` lists the procedures an article prints, in order; listing \
         `reauthorize` twice would print it twice. Fix: list each procedure once.";
    R106 => Error, "two snippets or two variants with one id",
        "Snippets and variants in `integration.yaml` are named by id in `use:` and in \
         variant blocks; two snippets (or two variants) sharing an id are ambiguous. Fix: \
         rename or remove one of them.";
    // R2xx — references
    R201 => Error, "a condition names an unknown signal",
        "A cause's `when:` or `unless:` names a signal that the integration does not \
         declare, e.g. `token_revokd` for `token_revoked`; the caret is on the name inside \
         the condition and the help suggests the nearest signal. Fix: correct the \
         spelling, or add the signal to `integration.yaml`.";
    R202 => Error, "an unknown procedure",
        "`fix.procedures` names a procedure defined neither in the code nor in \
         `integration.yaml`, or a cause's `fixes` names a procedure that the code's \
         `fix.procedures` does not list (so the article would not print it). Fix: define \
         the procedure, correct the id, or add it to `fix.procedures`.";
    R203 => Error, "an unknown or unclosed placeholder in text",
        "Text may use `${code}`, `${kind}`, `${kind_title}` and `${product}`, and in an \
         `each_variant` body the variants' words. `${produkt}` or an unclosed `${` would \
         otherwise print literally. Fix: use one of the known placeholders, and close it \
         with `}`.";
    R204 => Error, "a condition that does not parse",
        "Conditions are signal ids joined by `and`, `or`, `not` and parentheses. \
         `token_revoked && role_disabled` or an unbalanced `(` does not parse; the caret \
         shows where parsing stopped. Fix: write `and`, `or`, `not` and balanced \
         parentheses.";
    R206 => Error, "`escalation:` without an escalation block for its kind",
        "A code's `escalation:` adds to the integration's escalation section, so \
         `integration.yaml` must define `escalation:` with an `include` list for the \
         code's kind. A sync code asking for escalation when only `export` has an \
         `include` list is refused. Fix: add the escalation block (with an `include:` \
         list for the kind) to `integration.yaml`, or remove it from the code.";
    R207 => Error, "an unknown snippet, or a snippet used in the wrong place",
        "`use:` names a snippet from `integration.yaml`. The snippet must exist, and be \
         used where it fits: a step snippet (`text`) inside `steps` or `bullets`, a block \
         snippet (`body`) among blocks. Using a `body` snippet as a step is refused. Fix: \
         correct the id, or use the snippet where its kind belongs.";
    R208 => Error, "the probe table names an unknown signal",
        "The probe's classification table maps what it observes to signals, which must be \
         declared under the integration's `signals:`. A row naming `token_expird` is \
         refused. Fix: correct the spelling, or declare the signal with `source: probe` \
         and a question.";
    R209 => Error, "a variant not in integration.yaml",
        "A `variants` or `each_variant` block names variants declared under \
         `integration.yaml`'s `variants:`; an unknown id (a typo, or a variant never \
         declared) is refused. Fix: correct the id, or declare the variant.";
    R210 => Error, "the cause list names an id that is not a cause of the code",
        "The cause list in `why` (`causes: [...]`) names the code's causes by id to print \
         them in that order; an id that is no cause of this code is refused. Fix: correct \
         the id, or write `{text: …}` for an item that is not a cause.";
    // R3xx — recognising the message
    R301 => Error, "a pattern that is not a valid regular expression",
        "Patterns are Rust regular expressions used to recognise a pasted message. An \
         unescaped `(`, `[` or `?`, or an unclosed group, such as \
         `Login failed (code 401` does not compile. Fix: escape `.`, `(`, `)`, `?` and \
         `[` with `\\`, and close every group.";
    R302 => Error, "no pattern matches the code's own exact message",
        "A code's patterns must at least recognise its own `message`, or the code could \
         never be diagnosed from its exact text. Case is ignored and runs of spaces count \
         as one. Fix: loosen the pattern and test it against the message, or drop \
         `patterns:` so the message itself is the pattern.";
    // R4xx — logic and unused definitions
    R401 => Warning, "a signal no cause reads",
        "A signal declared in `integration.yaml` is read by no cause's `when:` or \
         `unless:`, so its question is never asked. Probe signals awaiting their codes may \
         stay. Fix: use it in a condition, or remove it.";
    R402 => Warning, "a procedure no code lists",
        "A procedure is defined but no code lists it in `fix.procedures`, so it is never \
         printed. Fix: list it where it helps, or remove it.";
    R403 => Error, "a cause that can never be confirmed",
        "A cause's condition is false whatever the signals say (`x and not x`), or its \
         `unless` holds whenever its `when` does (`when: a`, `unless: a or b`), so the \
         diagnosis can never confirm it. Fix: correct the condition; `unless` should name \
         what rules the cause out.";
    R404 => Error, "two causes of a code with the same condition",
        "Two causes of one code have the same condition (order, spacing and parentheses \
         ignored: `a and b` equals `(b and a)`), so no answer can tell them apart. Fix: \
         merge them, or add the signal that distinguishes them.";
    R405 => Error, "a cause with no fix",
        "A cause with `fixes: []` would be diagnosed without telling the reader what to \
         do. Fix: name the procedures that address it in `fixes:`.";
    R406 => Error, "a pattern of one code matches another code's message",
        "A pasted message must lead to one code. If a pattern of NS0200 also matches the \
         exact message of NS0201, recognising NS0201's message is ambiguous. Fix: make the \
         pattern specific to its own message.";
    // R5xx — templates
    R501 => Error, "a template does not compile",
        "A template in `templates/` has a syntax error, shown at `template:line`: an \
         unclosed `{% … %}`, `{{ … }}` or `{# … #}`, or a block without its \
         `{% end… %}`. Every render that includes it fails too. Fix: close every tag and \
         every block.";
    R502 => Error, "a template fails to render for some code",
        "Templates are rendered for every code in strict mode, so an undefined variable \
         (a typo in a field name, or an optional field used unguarded) or an unknown \
         filter fails the render; the finding names the code it was rendering. Fix: use \
         only the template fields (docs/authoring.md), and guard optional ones with \
         `{% if x %}`.";
    // R6xx — article conventions
    R601 => Warning, "the message does not end with a period",
        "Messages are copied exactly as the product shows them, and the product's \
         messages end with a period; a missing one usually means the message was \
         retyped or cut short. Fix: copy the message exactly, with its period.";
    R602 => Warning, "a FAQ question not in Title Case",
        "The help site writes FAQ questions in Title Case: `How do I reconnect?` should be \
         `How Do I Reconnect?`; the help shows the corrected question. Short words such as \
         a, an, the, and, or, to, of, in, on stay lower case. Not checked when the layout \
         says `faq_case: sentence`. Fix: capitalise the words as shown.";
    R603 => Warning, "a FAQ question not ending with \"?\"",
        "A FAQ entry's `question` is a question, so it ends with `?`; \
         `Why the sync fails` is flagged. Fix: end it with `?`.";
    R604 => Warning, "`internal_scope` lacks one of its three sentences",
        "`internal_scope` in the front matter is three sentences, in order: \
         `Audience is …. Covers …. Does not cover ….`. A scope without its \
         `Does not cover` sentence, for example, is flagged. Fix: write all three, in that \
         order.";
    R605 => Warning, "a numbered fix step that does not start with a verb",
        "Fix steps are instructions, so they start with the action: `Click …`, `Go to …`, \
         `Confirm …`. A step such as `The administrator opens …` or `If …` is flagged; only \
         steps that clearly start otherwise are. Fix: start the step with what to do.";
    R607 => Warning, "the message does not start with its code and kind",
        "A message starts with `<CODE> <Kind> Error:` (`NS0200 Sync Error: …`) or \
         `<CODE>:`. A message starting with another code or kind usually means the file \
         was copied from another code. Fix: check `code:`, `kind:` and the message against \
         what the product shows.";
    R608 => Warning, "a signal's question is a draft",
        "`triage import` drafts a signal's question from the cause's sentence and marks it \
         `draft: true`; such a question may read oddly when asked. Fix: read the question \
         as an admin would be asked it, edit it, then remove `draft: true`.";
    R609 => Warning, "a placeholder sentence from `triage new` is still there",
        "`triage new` writes a code file whose sentences say what to write (\"Describe cause 1 \
         in one sentence.\", \"Replace this answer.\"); the file passes `check`, but an \
         article with them must not be published, so each is a warning until replaced (and an \
         error under `check --deny warnings`). Fix: write the real sentence in its place.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_round_trip() {
        let all = Code::all();
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        let strings: std::collections::BTreeSet<&str> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(strings.len(), all.len());
        for &code in all {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(code));
            let s = code.as_str();
            assert!(
                s.len() == 4 && s.starts_with('R') && s[1..].bytes().all(|b| b.is_ascii_digit())
            );
            assert!(!code.summary().is_empty() && !code.summary().contains('\n'));
            assert!(code.explanation().len() > code.summary().len());
        }
        assert_eq!(Code::parse("R999"), None);
        assert_eq!(Code::parse(""), None);
    }

    #[test]
    fn serializes_as_its_string() {
        assert_eq!(serde_json::to_string(&Code::R004).unwrap(), "\"R004\"");
        assert_eq!(Code::R401.to_string(), "R401");
    }
}
