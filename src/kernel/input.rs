//! Reading untrusted JSON objects field by field, collecting Laravel-style errors keyed by
//! dotted field path (`lines.0.vatRate`), so one 422 names every problem at once.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Field path → messages, in path order (the `errors` member of a 422 body).
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Which characters a text field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One line: no control characters at all.
    Line,
    /// Free text: line breaks and tabs allowed, other control characters not.
    Multiline,
}

/// Reads the fields of one JSON object (a request body, or an object nested at a path such
/// as `lines.3`), writing every problem into a shared map. Each method takes the field's
/// name (for the error path) and its value: a request type's field, or [`member`] of a
/// nested object. JSON `null` counts as absent.
pub struct Fields<'a> {
    prefix: String,
    errors: &'a mut FieldErrors,
}

/// A member of a nested JSON object; `null` counts as absent.
pub fn member<'v>(object: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    object.get(name).filter(|v| !v.is_null())
}

/// A request field as the parsers read it: `null` counts as absent.
pub fn given(value: &Option<Value>) -> Option<&Value> {
    value.as_ref().filter(|v| !v.is_null())
}

impl<'a> Fields<'a> {
    pub fn new(errors: &'a mut FieldErrors) -> Self {
        Fields {
            prefix: String::new(),
            errors,
        }
    }

    /// The same, for an object nested at `prefix` (for example `lines.3`).
    pub fn nested(prefix: String, errors: &'a mut FieldErrors) -> Self {
        Fields { prefix, errors }
    }

    pub fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        let path = self.path(name);
        add_error(self.errors, path, message);
    }

    /// A required text field, trimmed, 1..=`max_chars` characters.
    pub fn required_text(
        &mut self,
        name: &str,
        value: Option<&Value>,
        max_chars: usize,
        kind: TextKind,
    ) -> Option<String> {
        match value.filter(|v| !v.is_null()) {
            None => {
                let msg = format!("The {} field is required.", self.path(name));
                self.error(name, msg);
                None
            }
            Some(value) => self.text_value(name, value, max_chars, kind, true),
        }
    }

    /// An optional text field: `Some(None)` when absent, `None` when invalid.
    /// An empty string counts as absent.
    pub fn optional_text(
        &mut self,
        name: &str,
        value: Option<&Value>,
        max_chars: usize,
        kind: TextKind,
    ) -> Option<Option<String>> {
        match value.filter(|v| !v.is_null()) {
            None => Some(None),
            Some(value) => match self.text_value(name, value, max_chars, kind, false) {
                Some(text) if text.is_empty() => Some(None),
                Some(text) => Some(Some(text)),
                None => None,
            },
        }
    }

    fn text_value(
        &mut self,
        name: &str,
        value: &Value,
        max_chars: usize,
        kind: TextKind,
        required: bool,
    ) -> Option<String> {
        let path = self.path(name);
        let Some(raw) = value.as_str() else {
            self.error(name, format!("The {path} field must be a string."));
            return None;
        };
        let text = raw.trim();
        if required && text.is_empty() {
            self.error(name, format!("The {path} field is required."));
            return None;
        }
        let forbidden = |c: char| match kind {
            TextKind::Line => c.is_control(),
            TextKind::Multiline => c.is_control() && !matches!(c, '\n' | '\r' | '\t'),
        };
        if text.chars().any(forbidden) {
            self.error(
                name,
                format!("The {path} field must not contain control characters."),
            );
            return None;
        }
        let chars = text.chars().count();
        if chars > max_chars {
            self.error(
                name,
                format!("The {path} field must not be longer than {max_chars} characters (it has {chars})."),
            );
            return None;
        }
        Some(text.to_owned())
    }

    /// An optional boolean: JSON `true`/`false`, or `1`/`0`/`"1"`/`"0"`/`"true"`/`"false"`
    /// as Laravel's `boolean` rule accepts (multipart forms can only send text).
    pub fn optional_bool(&mut self, name: &str, value: Option<&Value>) -> Option<Option<bool>> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Some(None);
        };
        let parsed = match value {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.to_string().as_str() {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            },
            Value::String(s) => match s.as_str() {
                "1" | "true" => Some(true),
                "0" | "false" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            let msg = format!("The {} field must be true or false.", self.path(name));
            self.error(name, msg);
            return None;
        }
        Some(parsed)
    }

    /// An optional array of strings (IDs); every element must be a string.
    pub fn optional_string_list(
        &mut self,
        name: &str,
        value: Option<&Value>,
        max_items: usize,
    ) -> Option<Vec<String>> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Some(Vec::new());
        };
        let path = self.path(name);
        let Some(items) = value.as_array() else {
            self.error(
                name,
                format!("The {path} field must be an array of strings."),
            );
            return None;
        };
        if items.len() > max_items {
            self.error(
                name,
                format!("The {path} field must not have more than {max_items} items."),
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) => out.push(s.to_owned()),
                None => {
                    ok = false;
                    add_error(
                        self.errors,
                        format!("{path}.{i}"),
                        format!("The {path}.{i} field must be a string."),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    /// A required field read by `parse`, whose error sentence ("Must ...") gets the
    /// field's name.
    pub fn required_value<T>(
        &mut self,
        name: &str,
        value: Option<&Value>,
        parse: impl Fn(&Value) -> Result<T, String>,
    ) -> Option<T> {
        let path = self.path(name);
        let Some(value) = value.filter(|v| !v.is_null()) else {
            self.error(name, format!("The {path} field is required."));
            return None;
        };
        match parse(value) {
            Ok(parsed) => Some(parsed),
            Err(message) => {
                self.error(name, field_sentence(&path, &message));
                None
            }
        }
    }

    pub fn errors_mut(&mut self) -> &mut FieldErrors {
        self.errors
    }
}

/// "Must be ..." -> "The amount field must be ...".
pub fn field_sentence(path: &str, message: &str) -> String {
    let mut chars = message.chars();
    let rest: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("The {path} field {rest}")
}

pub fn add_error(errors: &mut FieldErrors, path: String, message: impl Into<String>) {
    errors.entry(path).or_default().push(message.into());
}

/// A pragmatic check of an address a mail server will accept: ASCII `local@domain`, a local
/// part of at most 64 characters (RFC 5321 §4.5.3.1.1), a domain of dot-separated labels of
/// letters, digits and hyphens with at least one dot.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| {
            tld.bytes().all(|b| b.is_ascii_alphabetic()) || tld.starts_with("xn--")
        });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_fields_are_trimmed_checked_and_reported_by_path() {
        let body = json!({"a": "  hi  ", "b": 5, "c": "   ", "d": "x\u{0}y", "e": "ééé"});
        let obj = body.as_object().unwrap();
        let mut errors = FieldErrors::new();
        let mut f = Fields::nested("lines.2".into(), &mut errors);
        let text = |f: &mut Fields, name: &str, max: usize, kind: TextKind| {
            f.required_text(name, member(obj, name), max, kind)
        };
        assert_eq!(text(&mut f, "a", 10, TextKind::Line).as_deref(), Some("hi"));
        assert_eq!(text(&mut f, "b", 10, TextKind::Line), None);
        assert_eq!(text(&mut f, "c", 10, TextKind::Line), None);
        assert_eq!(text(&mut f, "d", 10, TextKind::Multiline), None);
        assert_eq!(text(&mut f, "e", 2, TextKind::Line), None);
        assert_eq!(text(&mut f, "missing", 2, TextKind::Line), None);
        assert_eq!(
            errors.keys().cloned().collect::<Vec<_>>(),
            [
                "lines.2.b",
                "lines.2.c",
                "lines.2.d",
                "lines.2.e",
                "lines.2.missing"
            ]
        );
        assert_eq!(
            errors["lines.2.missing"],
            ["The lines.2.missing field is required."]
        );
    }

    #[test]
    fn booleans_accept_laravel_spellings_only() {
        let body = json!({"t": true, "one": "1", "zero": 0, "bad": "yes"});
        let obj = body.as_object().unwrap();
        let mut errors = FieldErrors::new();
        let mut f = Fields::new(&mut errors);
        let mut flag = |name: &str| f.optional_bool(name, member(obj, name));
        assert_eq!(flag("t"), Some(Some(true)));
        assert_eq!(flag("one"), Some(Some(true)));
        assert_eq!(flag("zero"), Some(Some(false)));
        assert_eq!(flag("absent"), Some(None));
        assert_eq!(flag("bad"), None);
        assert!(errors.contains_key("bad"));
    }
}
