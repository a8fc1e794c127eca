//! List pagination exactly as shared/RUNCLOUD_API.md §3 documents it.

use serde_json::{json, Value};

use crate::form;
use crate::http::Response;
use crate::validation::FieldErrors;

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
/// which a client that pages by `total_pages` follows]. `page`/`perPage` that are not positive
/// integers are 422 [assumed: no real client sends them; being strict here catches a client bug].
pub fn parse_page_request(query: &str) -> Result<PageRequest, Response> {
    let mut errors = FieldErrors::default();
    let page = positive_parameter(query, "page", 1, &mut errors);
    let per_page = positive_parameter(query, "perPage", DEFAULT_PER_PAGE, &mut errors);
    errors.into_result()?;
    Ok(PageRequest {
        page,
        per_page: per_page.min(MAX_PER_PAGE),
    })
}

fn positive_parameter(query: &str, name: &str, default: usize, errors: &mut FieldErrors) -> usize {
    let Some(text) = form::query_value(query, name) else {
        return default;
    };
    match text.parse::<usize>() {
        Ok(value) if value >= 1 && text.bytes().all(|byte| byte.is_ascii_digit()) => value,
        _ => {
            errors.add(
                name,
                format!("The {name} must be an integer of at least 1."),
            );
            default
        }
    }
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
        parse_page_request(query).map_err(|response| response.status)
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
        for bad in ["perPage=0", "page=0", "page=x", "page=-1", "page=+2"] {
            assert_eq!(page(bad), Err(422), "{bad}");
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
