//! Walking RunCloud's paginated domain list (RUNCLOUD_API.md §3).
//!
//! `perPage=40` (the documented maximum). Stops at `meta.pagination.total_pages`, at
//! `meta.lastPage` [seen], on an empty `data`, or — when the answer has no pagination meta at
//! all — on a short page. Never loops forever: more than [`MAX_PAGES`] pages is an error
//! rather than a silently truncated list.

use std::ops::ControlFlow;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::http::{shape_error, Client, Method, Retry};
use crate::models::Domain;

pub(crate) const PER_PAGE: u64 = 40;
/// 40 000 domains; far beyond any web app, low enough to stop a server that ignores `page`.
pub(crate) const MAX_PAGES: u64 = 1000;

/// Calls `visit` for every domain of `path` (a domains list), page by page, until it breaks.
pub(crate) fn scan_domains<T>(
    client: &Client,
    path: &str,
    mut visit: impl FnMut(Domain) -> ControlFlow<T>,
) -> Result<Option<T>> {
    let mut page = 1u64;
    loop {
        let query = [
            ("page", page.to_string()),
            ("perPage", PER_PAGE.to_string()),
        ];
        let v = client.json(Method::Get, path, &query, None, Retry::Idempotent)?;
        let data = v
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| shape_error(Method::Get, path, "an object with a \"data\" list"))?;
        let count = data.len() as u64;
        for item in data {
            let domain = Domain::from_wire(item)
                .ok_or_else(|| shape_error(Method::Get, path, "domain records with id and name"))?;
            if let ControlFlow::Break(found) = visit(domain) {
                return Ok(Some(found));
            }
        }
        let last = last_page(&v);
        let done = count == 0
            || match last {
                Some(last) => page >= last,
                None => count < PER_PAGE,
            };
        if done {
            return Ok(None);
        }
        if page >= MAX_PAGES {
            return Err(Error::Transport {
                method: "GET".into(),
                path: path.to_string(),
                status: None,
                message: format!(
                    "GET {path}: more than {MAX_PAGES} pages of domains; stopped (does the API ignore `page`?)"
                ),
            });
        }
        page += 1;
    }
}

/// The last page number the answer announces, if any.
fn last_page(v: &Value) -> Option<u64> {
    let meta = v.get("meta")?;
    let num = |x: Option<&Value>| -> Option<u64> {
        match x? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    };
    let pagination = meta.get("pagination");
    num(pagination.and_then(|p| p.get("total_pages")))
        .or_else(|| num(meta.get("lastPage")))
        .or_else(|| num(meta.get("last_page")))
        .or_else(|| num(pagination.and_then(|p| p.get("lastPage"))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn last_page_variants() {
        assert_eq!(
            last_page(&json!({"meta":{"pagination":{"total_pages":3}}})),
            Some(3)
        );
        assert_eq!(last_page(&json!({"meta":{"lastPage":2}})), Some(2));
        assert_eq!(last_page(&json!({"meta":{"last_page":"4"}})), Some(4));
        assert_eq!(last_page(&json!({"data":[]})), None);
    }
}
