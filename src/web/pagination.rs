//! Laravel's simple paginator, as every list endpoint of the reference returns it
//! (`general.md` §3), with `page` and `per_page` checked as DECISIONS.md says.

use serde::Serialize;

use super::error::ApiError;
use crate::db::PageQuery;
use crate::kernel::input::{FieldErrors, add_error};

pub const DEFAULT_PER_PAGE: u64 = 15;
pub const MAX_PER_PAGE: u64 = 100;
/// Far beyond any real list; keeps offsets well inside `i64`.
const MAX_PAGE: u64 = 10_000_000;

/// The query of a list request: paging plus the endpoint's own filters, in request order.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub page: u64,
    pub per_page: u64,
    per_page_given: bool,
    /// Filters to carry into page URLs, already validated by the endpoint.
    pub filters: Vec<(String, String)>,
}

impl ListQuery {
    /// Reads `page` and `per_page` from the raw query pairs; anything else is left to the
    /// endpoint (unknown parameters are ignored).
    pub fn parse(pairs: &[(String, String)]) -> Result<ListQuery, ApiError> {
        let mut errors = FieldErrors::new();
        let mut number = |name: &str, min: u64, max: u64, default: u64| -> (u64, bool) {
            match pairs.iter().find(|(k, _)| k == name) {
                None => (default, false),
                Some((_, raw)) => match raw.parse::<u64>() {
                    Ok(n) if (min..=max).contains(&n) => (n, true),
                    _ => {
                        add_error(
                            &mut errors,
                            name.to_owned(),
                            format!(
                                "The {name} parameter must be a whole number from {min} to {max}."
                            ),
                        );
                        (default, false)
                    }
                },
            }
        };
        let (page, _) = number("page", 1, MAX_PAGE, 1);
        let (per_page, per_page_given) = number("per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE);
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        Ok(ListQuery {
            page,
            per_page,
            per_page_given,
            filters: Vec::new(),
        })
    }

    pub fn store_query(&self) -> PageQuery {
        PageQuery {
            offset: (self.page - 1) * self.per_page,
            limit: self.per_page,
        }
    }

    fn url(&self, path: &str, page: u64) -> String {
        let mut url = format!("{path}?page={page}");
        if self.per_page_given {
            url.push_str(&format!("&per_page={}", self.per_page));
        }
        for (key, value) in &self.filters {
            url.push('&');
            url.push_str(&encode(key));
            url.push('=');
            url.push_str(&encode(value));
        }
        url
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The envelope, fields in the reference's order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Paginated<T> {
    pub current_page: u64,
    pub data: Vec<T>,
    pub first_page_url: String,
    pub from: Option<u64>,
    pub next_page_url: Option<String>,
    pub path: String,
    pub per_page: u64,
    pub prev_page_url: Option<String>,
    pub to: Option<u64>,
}

impl<T> Paginated<T> {
    /// Builds a page from the rows the store returned (up to `per_page + 1`: one extra row
    /// tells that a next page exists). `path` is the absolute URL of the list.
    pub fn new<R>(
        query: &ListQuery,
        path: String,
        mut rows: Vec<R>,
        render: impl FnMut(R) -> T,
    ) -> Paginated<T> {
        let has_next = rows.len() as u64 > query.per_page;
        rows.truncate(query.per_page as usize);
        let data: Vec<T> = rows.into_iter().map(render).collect();
        let offset = (query.page - 1) * query.per_page;
        let (from, to) = if data.is_empty() {
            (None, None)
        } else {
            (Some(offset + 1), Some(offset + data.len() as u64))
        };
        Paginated {
            current_page: query.page,
            first_page_url: query.url(&path, 1),
            from,
            next_page_url: has_next.then(|| query.url(&path, query.page + 1)),
            prev_page_url: (query.page > 1).then(|| query.url(&path, query.page - 1)),
            per_page: query.per_page,
            to,
            path,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_and_bounds() {
        let q = ListQuery::parse(&[]).unwrap();
        assert_eq!((q.page, q.per_page), (1, 15));
        for bad in [
            ("page", "0"),
            ("page", "-1"),
            ("page", "x"),
            ("per_page", "0"),
            ("per_page", "101"),
            ("page", "1.5"),
        ] {
            assert!(ListQuery::parse(&pairs(&[bad])).is_err(), "{bad:?}");
        }
        assert_eq!(
            ListQuery::parse(&pairs(&[("per_page", "100")]))
                .unwrap()
                .per_page,
            100
        );
    }

    #[test]
    fn page_urls_keep_per_page_and_filters() {
        let mut q = ListQuery::parse(&pairs(&[("page", "2"), ("per_page", "2")])).unwrap();
        q.filters.push(("customerId".into(), "cst_a b".into()));
        let page = Paginated::new(&q, "http://x/v1/things".into(), vec![1, 2, 3], |n| n);
        assert_eq!(page.data, [1, 2]);
        assert_eq!((page.from, page.to), (Some(3), Some(4)));
        assert_eq!(
            page.next_page_url.as_deref(),
            Some("http://x/v1/things?page=3&per_page=2&customerId=cst_a%20b")
        );
        assert_eq!(
            page.prev_page_url.as_deref(),
            Some("http://x/v1/things?page=1&per_page=2&customerId=cst_a%20b")
        );
        assert_eq!(
            page.first_page_url,
            "http://x/v1/things?page=1&per_page=2&customerId=cst_a%20b"
        );
    }

    #[test]
    fn an_empty_page_has_no_from_or_to() {
        let q = ListQuery::parse(&pairs(&[("page", "9")])).unwrap();
        let page = Paginated::new(&q, "http://x/v1/things".into(), Vec::<u8>::new(), |n| n);
        assert_eq!((page.from, page.to, page.next_page_url), (None, None, None));
        assert_eq!(
            page.prev_page_url.as_deref(),
            Some("http://x/v1/things?page=8")
        );
    }
}
