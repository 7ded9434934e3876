//! The official e-invoice validator (`../shared/einvoice/validate.py`) found beside the
//! checkout, run over files, and an XML flattener for comparing documents field by field.
//! Shared by `tests/einvoice/` and the HTTP suite (`tests/api/invoice_ubl.rs`), which
//! include this file by path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::Reader;
use quick_xml::events::Event;

/// `validate.py`, in `shared/einvoice/` beside the checkout (or beside a folder above it,
/// for a git worktree), or in `PORTAAL_EINVOICE_DIR`.
fn validator() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PORTAAL_EINVOICE_DIR") {
        return Some(PathBuf::from(dir).join("validate.py")).filter(|path| path.is_file());
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/einvoice/validate.py"))
        .find(|path| path.is_file())
}

/// The validator, when it and its Python packages are there. Missing, the caller skips,
/// unless `PORTAAL_TEST_REQUIRE_UBL` is set (CI sets it), where a missing tool fails.
pub fn validator_or_skip() -> Option<PathBuf> {
    let problem = match validator() {
        None => {
            "../shared/einvoice/validate.py is not beside the checkout (or in PORTAAL_EINVOICE_DIR)"
                .to_owned()
        }
        Some(path) => {
            let imports = Command::new("python3")
                .args(["-c", "import saxonche, xmlschema"])
                .output();
            match imports {
                Ok(out) if out.status.success() => return Some(path),
                Ok(out) => format!(
                    "python3 cannot import saxonche and xmlschema (pip install saxonche xmlschema): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                Err(error) => format!("python3 cannot run: {error}"),
            }
        }
    };
    if std::env::var_os("PORTAAL_TEST_REQUIRE_UBL").is_some() {
        panic!("the e-invoice validator is required but unavailable: {problem}");
    }
    println!("skipped: {problem}");
    None
}

/// One rule that failed for a file.
#[derive(Debug)]
pub struct Failure {
    pub id: String,
    pub flag: String,
    pub text: String,
}

/// Runs the validator over `files` in `batches` processes at once; returns the failures of
/// each file (warnings included), keyed by path.
pub fn validate(
    validator: &Path,
    files: &[PathBuf],
    batches: usize,
) -> BTreeMap<String, Vec<Failure>> {
    let size = files.len().div_ceil(batches.max(1)).max(1);
    let children: Vec<_> = files
        .chunks(size)
        .map(|chunk| {
            Command::new("python3")
                .arg(validator)
                .args(chunk)
                .arg("--json")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("python3 starts")
        })
        .collect();
    let mut results = BTreeMap::new();
    for child in children {
        let out = child.wait_with_output().expect("the validator finishes");
        // 0: all valid; 1: some file has a fatal failure; 2: usage or setup error.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "validate.py failed to run: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("validate.py --json prints JSON");
        for (path, found) in json.as_object().expect("a JSON object of files") {
            let failures = found
                .as_array()
                .expect("a list of failures")
                .iter()
                .map(|f| Failure {
                    id: f["id"].as_str().unwrap_or_default().to_owned(),
                    flag: f["flag"].as_str().unwrap_or_default().to_owned(),
                    text: f["text"].as_str().unwrap_or_default().to_owned(),
                })
                .collect();
            results.insert(path.clone(), failures);
        }
    }
    assert_eq!(results.len(), files.len(), "every file has a result");
    results
}

/// Every text and attribute of a document, keyed by its path with sibling positions
/// (`/Invoice/cac:InvoiceLine[2]/cbc:ID`, `/Invoice/cbc:ID`, `.../cbc:Amount/@currencyID`).
/// Fails on XML that is not well-formed.
pub fn fields(xml: &[u8]) -> BTreeMap<String, String> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    // The path so far, and per open element the count of each child name seen.
    let mut path: Vec<String> = Vec::new();
    let mut seen: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new()];
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).expect("well-formed XML");
        match &event {
            Event::Start(start) | Event::Empty(start) => {
                let name = String::from_utf8(start.name().as_ref().to_vec()).unwrap();
                let count = seen.last_mut().unwrap().entry(name.clone()).or_default();
                *count += 1;
                path.push(if *count == 1 {
                    name
                } else {
                    format!("{name}[{count}]")
                });
                let here = format!("/{}", path.join("/"));
                for attr in start.attributes() {
                    let attr = attr.expect("a well-formed attribute");
                    let key = String::from_utf8(attr.key.as_ref().to_vec()).unwrap();
                    let value = attr
                        .unescape_value()
                        .expect("an escaped value")
                        .into_owned();
                    fields.insert(format!("{here}/@{key}"), value);
                }
                if matches!(event, Event::Empty(_)) {
                    path.pop();
                } else {
                    seen.push(BTreeMap::new());
                }
            }
            Event::Text(text) => {
                let value = text.decode().expect("UTF-8 text");
                *fields.entry(format!("/{}", path.join("/"))).or_default() += &value;
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().expect("UTF-8 reference");
                let value = quick_xml::escape::unescape(&format!("&{name};"))
                    .expect("a known entity")
                    .into_owned();
                *fields.entry(format!("/{}", path.join("/"))).or_default() += &value;
            }
            Event::End(_) => {
                // Indentation between child elements is no field.
                let here = format!("/{}", path.join("/"));
                if fields.get(&here).is_some_and(|v| v.trim().is_empty()) {
                    fields.remove(&here);
                }
                path.pop();
                seen.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(path.is_empty(), "every element is closed");
    fields
}
