//! Cause conditions: a small boolean language over signal ids,
//! `token_revoked or (role_disabled and not login_ok)`.
//!
//! Precedence: `not` binds tightest, then `and`, then `or`; parentheses group.
//! Every signal keeps its byte range inside the condition string so a finding
//! can put a caret under a misspelt name.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Signal { id: String, range: Range<usize> },
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// Byte range inside the condition string.
    pub range: Range<usize>,
}

impl Condition {
    /// Every signal named in the condition, with its range, in reading order.
    pub fn signals(&self) -> Vec<(&str, Range<usize>)> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<(&'a str, Range<usize>)>) {
        match self {
            Condition::Signal { id, range } => out.push((id, range.clone())),
            Condition::Not(inner) => inner.collect(out),
            Condition::And(items) | Condition::Or(items) => {
                items.iter().for_each(|c| c.collect(out))
            }
        }
    }

    /// A canonical form, equal for conditions that differ only in spacing,
    /// parentheses or operand order (used to spot duplicate causes).
    pub fn canonical(&self) -> String {
        match self {
            Condition::Signal { id, .. } => id.clone(),
            Condition::Not(inner) => format!("not {}", inner.canonical()),
            Condition::And(items) => join_sorted(items, " and "),
            Condition::Or(items) => join_sorted(items, " or "),
        }
    }
}

fn join_sorted(items: &[Condition], sep: &str) -> String {
    let mut parts: Vec<String> = items
        .iter()
        .map(|c| format!("({})", c.canonical()))
        .collect();
    parts.sort();
    parts.join(sep)
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Condition::Signal { id, .. } => f.write_str(id),
            Condition::Not(inner) => match **inner {
                Condition::Signal { .. } | Condition::Not(_) => write!(f, "not {inner}"),
                _ => write!(f, "not ({inner})"),
            },
            Condition::And(items) => write_joined(f, items, " and ", true),
            Condition::Or(items) => write_joined(f, items, " or ", false),
        }
    }
}

fn write_joined(
    f: &mut std::fmt::Formatter<'_>,
    items: &[Condition],
    sep: &str,
    wrap_or: bool,
) -> std::fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if wrap_or && matches!(item, Condition::Or(_)) {
            write!(f, "({item})")?;
        } else {
            write!(f, "{item}")?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;
/// Longer conditions are refused: a cause reads a handful of signals.
pub const MAX_LEN: usize = 2_000;

pub fn parse(text: &str) -> Result<Condition, ParseError> {
    if text.len() > MAX_LEN {
        return Err(ParseError {
            message: format!(
                "condition is {} characters long, over the limit of {MAX_LEN}; split the cause",
                text.len()
            ),
            range: 0..0,
        });
    }
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        end: text.len(),
        depth: 0,
    };
    if parser.tokens.is_empty() {
        return Err(ParseError {
            message: "empty condition: name at least one signal".into(),
            range: 0..text.len(),
        });
    }
    let cond = parser.or()?;
    if let Some((tok, range)) = parser.tokens.get(parser.pos) {
        return Err(ParseError {
            message: format!("unexpected {} after a complete condition", describe(tok)),
            range: range.clone(),
        });
    }
    Ok(cond)
}

fn tokenize(text: &str) -> Result<Vec<(Token, Range<usize>)>, ParseError> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'(' || c == b')' {
            let tok = if c == b'(' { Token::Open } else { Token::Close };
            tokens.push((tok, i..i + 1));
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &text[start..i];
            let tok = match word {
                "and" => Token::And,
                "or" => Token::Or,
                "not" => Token::Not,
                _ => Token::Ident(word.to_string()),
            };
            tokens.push((tok, start..i));
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            let hint = match ch {
                '&' => " (write `and`)",
                '|' => " (write `or`)",
                '!' => " (write `not`)",
                _ => "",
            };
            return Err(ParseError {
                message: format!("unexpected character `{ch}` in condition{hint}"),
                range: i..i + ch.len_utf8(),
            });
        }
    }
    Ok(tokens)
}

fn describe(tok: &Token) -> String {
    match tok {
        Token::Ident(s) => format!("signal `{s}`"),
        Token::And => "`and`".into(),
        Token::Or => "`or`".into(),
        Token::Not => "`not`".into(),
        Token::Open => "`(`".into(),
        Token::Close => "`)`".into(),
    }
}

struct Parser {
    tokens: Vec<(Token, Range<usize>)>,
    pos: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn or(&mut self) -> Result<Condition, ParseError> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Condition::Or(items)
        })
    }

    fn and(&mut self) -> Result<Condition, ParseError> {
        let mut items = vec![self.unary()?];
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Condition::And(items)
        })
    }

    fn unary(&mut self) -> Result<Condition, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError {
                message: format!("condition nested more than {MAX_DEPTH} levels deep"),
                range: self.here(),
            });
        }
        let result = self.atom();
        self.depth -= 1;
        result
    }

    fn atom(&mut self) -> Result<Condition, ParseError> {
        let Some((tok, range)) = self.tokens.get(self.pos).cloned() else {
            return Err(ParseError {
                message: "condition ends too early: expected a signal".into(),
                range: self.end..self.end,
            });
        };
        self.pos += 1;
        match tok {
            Token::Ident(id) => Ok(Condition::Signal { id, range }),
            Token::Not => Ok(Condition::Not(Box::new(self.unary()?))),
            Token::Open => {
                let inner = self.or()?;
                match self.tokens.get(self.pos) {
                    Some((Token::Close, _)) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => Err(ParseError {
                        message: "unclosed `(`: add a matching `)`".into(),
                        range,
                    }),
                }
            }
            other => Err(ParseError {
                message: format!("expected a signal, found {}", describe(&other)),
                range,
            }),
        }
    }

    fn here(&self) -> Range<usize> {
        self.tokens
            .get(self.pos)
            .map_or(self.end..self.end, |(_, r)| r.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_not_and_or() {
        let c = parse("a or b and not c").unwrap();
        assert_eq!(c.to_string(), "a or b and not c");
        assert!(matches!(c, Condition::Or(ref items) if items.len() == 2));
    }

    #[test]
    fn parentheses_group() {
        let c = parse("(a or b) and c").unwrap();
        assert_eq!(c.to_string(), "(a or b) and c");
    }

    #[test]
    fn ranges_point_at_names() {
        let c = parse("token_revoked or  tokn_expired").unwrap();
        let names = c.signals();
        assert_eq!(names[1], ("tokn_expired", 18..30));
    }

    #[test]
    fn errors_have_ranges() {
        assert_eq!(parse("a and").unwrap_err().range, 5..5);
        assert_eq!(parse("a && b").unwrap_err().range, 2..3);
        assert_eq!(parse("(a or b").unwrap_err().range, 0..1);
        assert_eq!(parse("a b").unwrap_err().range, 2..3);
        assert!(parse("  ").is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}a{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&text).unwrap_err().message.contains("nested"));
    }

    #[test]
    fn canonical_ignores_order() {
        assert_eq!(
            parse("b or a").unwrap().canonical(),
            parse("(a) or b").unwrap().canonical()
        );
    }
}
