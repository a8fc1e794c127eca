//! List pagination exactly as docs/RUNCLOUD_API.md §3 documents it.

use serde_json::{json, Value};

use crate::form;

/// Page size when `perPage` is not given [doc, v3 examples].
pub const DEFAULT_PER_PAGE: usize = 20;
/// Largest documented page size [doc].
pub const MAX_PER_PAGE: usize = 40;

/// `page` (1-based) and `perPage` of a list request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: usize,
    pub per_page: usize,
}

/// Reads `page` and `perPage` from a query string.
///
/// A `perPage` above 40 is clamped to 40, not refused [assumed: RunCloud documents 40 as the
/// maximum, and a production WordPress plugin sends `perPage=50` and pages correctly [seen], so
/// RunCloud does not refuse it; the clamped size is what `meta.pagination.per_page` reports,
/// which a client that pages by `total_pages` follows]. A `page`/`perPage` that is not a
/// positive integer (`0`, `-1`, `abc`, empty) falls back to its default, page 1 and 20
/// [assumed: Laravel's paginator treats an invalid page as page 1; refusing it would make the
/// emulator stricter than RunCloud for a client we have not seen].
pub fn parse_page_request(query: &str) -> PageRequest {
    PageRequest {
        page: positive_parameter(query, "page").unwrap_or(1),
        per_page: positive_parameter(query, "perPage")
            .unwrap_or(DEFAULT_PER_PAGE)
            .min(MAX_PER_PAGE),
    }
}

/// The parameter when it is a positive integer written in digits.
fn positive_parameter(query: &str, name: &str) -> Option<usize> {
    let text = form::query_value(query, name)?;
    if !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse::<usize>().ok().filter(|value| *value >= 1)
}

/// `{"data": [...], "meta": {"pagination": {...}}}` for one page of `items`.
///
/// `total_pages` is at least 1, like Laravel's `lastPage()` [assumed]; a page past the end has
/// empty `data`. `links` holds `next`/`previous` absolute URLs when those pages exist
/// [assumed, Fractal's convention], built on `list_url` (the list URL without query).
/// Only the requested page is converted with `to_json`, so large lists stay cheap.
pub fn paginate<T>(
    items: &[T],
    to_json: impl Fn(&T) -> Value,
    request: PageRequest,
    list_url: &str,
) -> Value {
    let total = items.len();
    let total_pages = total.div_ceil(request.per_page).max(1);
    let start = (request.page - 1).saturating_mul(request.per_page);
    let page_items: Vec<Value> = items
        .iter()
        .skip(start)
        .take(request.per_page)
        .map(to_json)
        .collect();
    let mut links = serde_json::Map::new();
    let page_url = |page: usize| format!("{list_url}?page={page}&perPage={}", request.per_page);
    if request.page < total_pages {
        links.insert("next".into(), json!(page_url(request.page + 1)));
    }
    if request.page > 1 {
        links.insert(
            "previous".into(),
            json!(page_url((request.page - 1).min(total_pages))),
        );
    }
    json!({
        "data": page_items,
        "meta": {
            "pagination": {
                "total": total,
                "count": page_items.len(),
                "per_page": request.per_page,
                "current_page": request.page,
                "total_pages": total_pages,
                "links": links,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(query: &str) -> Result<PageRequest, u16> {
        Ok(parse_page_request(query))
    }

    #[test]
    fn parses_and_limits_parameters() {
        assert_eq!(
            page(""),
            Ok(PageRequest {
                page: 1,
                per_page: 20
            })
        );
        assert_eq!(
            page("page=3&perPage=40"),
            Ok(PageRequest {
                page: 3,
                per_page: 40
            })
        );
        for (asked, served) in [("perPage=41", 40), ("perPage=50", 40), ("perPage=1000", 40)] {
            assert_eq!(page(asked).map(|p| p.per_page), Ok(served), "{asked}");
        }
        // Not positive integers: each falls back to its default, never a refusal.
        for (bad, page_served, per_page_served) in [
            ("perPage=0", 1, 20),
            ("page=0", 1, 20),
            ("page=x", 1, 20),
            ("page=-1&perPage=5", 1, 5),
            ("page=+2", 1, 20),
            ("page=&perPage=", 1, 20),
        ] {
            assert_eq!(
                page(bad),
                Ok(PageRequest {
                    page: page_served,
                    per_page: per_page_served
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn builds_pages_and_links() {
        let items: Vec<Value> = (0..41).map(|n| json!(n)).collect();
        let first = paginate(
            &items,
            Value::clone,
            PageRequest {
                page: 1,
                per_page: 40,
            },
            "http://h/x",
        );
        assert_eq!(first["meta"]["pagination"]["total_pages"], 2);
        assert_eq!(first["meta"]["pagination"]["count"], 40);
        assert_eq!(
            first["meta"]["pagination"]["links"]["next"],
            "http://h/x?page=2&perPage=40"
        );
        let second = paginate(
            &items,
            Value::clone,
            PageRequest {
                page: 2,
                per_page: 40,
            },
            "http://h/x",
        );
        assert_eq!(second["data"], json!([40]));
        assert!(second["meta"]["pagination"]["links"].get("next").is_none());
        let empty = paginate(
            &[] as &[Value],
            Value::clone,
            PageRequest {
                page: 1,
                per_page: 20,
            },
            "http://h/x",
        );
        assert_eq!(empty["meta"]["pagination"]["total_pages"], 1);
        assert_eq!(empty["data"], json!([]));
        assert_eq!(empty["meta"]["pagination"]["links"], json!({}));
    }
}
