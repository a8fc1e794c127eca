//! Walking RunCloud's paginated domain list (docs/RUNCLOUD_API.md §3).
//!
//! `perPage=40` (the documented maximum). Stops at `meta.pagination.total_pages`, at
//! `meta.lastPage` [seen], on an empty `data`, or — when the answer has no pagination meta at
//! all — on a short page. Never loops forever: more than [`MAX_PAGES`] pages is an error
//! rather than a silently truncated list.

use std::ops::ControlFlow;

use crate::error::{Error, Result};
use crate::http::{retry, shape_error, Client, Method, Retry};
use crate::wire::{DomainFields, DomainView, Page};

pub(crate) const PER_PAGE: u64 = 40;
/// 40 000 domains; far beyond any web app, low enough to stop a server that ignores `page`.
pub(crate) const MAX_PAGES: u64 = 1000;

/// Calls `visit` for every domain of `path` (a domains list), page by page, until it breaks.
/// The records are views of the page (nothing copied until `visit` keeps one).
pub(crate) fn scan_domains<T>(
    client: &Client,
    path: &str,
    mut visit: impl FnMut(DomainView<'_>) -> ControlFlow<T>,
) -> Result<Option<T>> {
    let mut page = 1u64;
    loop {
        let query = [
            ("page", page.to_string()),
            ("perPage", PER_PAGE.to_string()),
        ];
        let reply = client
            .call(
                Method::Get,
                path,
                &query,
                None,
                Retry::Idempotent,
                retry::MAX_ATTEMPTS,
            )
            .map_err(|f| f.error)?;
        let answer: Page = client.decode(&reply)?;
        let data = answer
            .data
            .ok_or_else(|| shape_error(Method::Get, path, "an object with a \"data\" list"))?;
        let count = data.len() as u64;
        for record in &data {
            let domain = record
                .as_ref()
                .and_then(DomainFields::view)
                .ok_or_else(|| shape_error(Method::Get, path, "domain records with id and name"))?;
            if let ControlFlow::Break(found) = visit(domain) {
                return Ok(Some(found));
            }
        }
        let last = answer.last_page;
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
