//! Form decoding: `application/x-www-form-urlencoded` (query strings and form bodies) and
//! `multipart/form-data` fields.
//!
//! By hand: the only maintained multipart parser (`multer`) is async and would bring an async
//! runtime into a blocking test server; the fields of a form are a few lines of RFC 7578.

/// Decodes `a=1&b=x+y` into pairs; `+` is a space, `%XX` a byte, bad escapes are kept as typed.
pub fn parse_pairs(encoded: &str) -> Vec<(String, String)> {
    encoded
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(name), decode_component(value))
        })
        .collect()
}

/// The last value of `name` in a query string (PHP semantics: a later value wins).
pub fn query_value(query: &str, name: &str) -> Option<String> {
    parse_pairs(query)
        .into_iter()
        .rev()
        .find(|(pair_name, _)| pair_name == name)
        .map(|(_, value)| value)
}

/// The text fields of a `multipart/form-data` body (RFC 7578), in order; parts with a
/// `filename` (uploads) are not fields, as in PHP and Laravel. `content_type` is the header
/// that carries the `boundary`. None when the boundary is missing or no part can be read.
pub fn parse_multipart(body: &[u8], content_type: &str) -> Option<Vec<(String, String)>> {
    let boundary = content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_string())
    })?;
    if boundary.is_empty() {
        return None;
    }
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    let mut parts = text.split(delimiter.as_str());
    // Before the first delimiter: the preamble, ignored.
    parts.next()?;
    let mut fields = Vec::new();
    let mut closed = false;
    for part in parts {
        if part.starts_with("--") {
            closed = true;
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let (head, value) = part.split_once("\r\n\r\n")?;
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let disposition = head.split("\r\n").find(|line| {
            line.split(':')
                .next()
                .is_some_and(|name| name.trim().eq_ignore_ascii_case("content-disposition"))
        })?;
        let mut name = None;
        let mut is_file = false;
        for param in disposition.split(';').skip(1) {
            let Some((key, raw)) = param.split_once('=') else {
                continue;
            };
            let raw = raw.trim().trim_matches('"');
            match key.trim().to_ascii_lowercase().as_str() {
                "name" => name = Some(raw.to_string()),
                "filename" | "filename*" => is_file = true,
                _ => {}
            }
        }
        if let (Some(name), false) = (name, is_file) {
            fields.push((name, value.to_string()));
        }
    }
    closed.then_some(fields)
}

fn decode_component(component: &str) -> String {
    let bytes = component.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => {
                decoded.push(b' ');
                index += 1;
            }
            b'%' => match (bytes.get(index + 1), bytes.get(index + 2)) {
                (Some(&high), Some(&low))
                    if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() =>
                {
                    decoded.push(hex_value(high) * 16 + hex_value(low));
                    index += 3;
                }
                _ => {
                    decoded.push(b'%');
                    index += 1;
                }
            },
            byte => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pairs() {
        assert_eq!(
            parse_pairs("name=shop.example.com&www=1&x=a+b%21&bad=%zz&flag"),
            vec![
                ("name".to_string(), "shop.example.com".to_string()),
                ("www".to_string(), "1".to_string()),
                ("x".to_string(), "a b!".to_string()),
                ("bad".to_string(), "%zz".to_string()),
                ("flag".to_string(), String::new()),
            ]
        );
        assert_eq!(query_value("page=1&page=3", "page").as_deref(), Some("3"));
        assert_eq!(query_value("page=1", "perPage"), None);
    }

    #[test]
    fn decodes_multipart_fields_and_skips_files() {
        let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nmp.example.com\r\n\
                    --XyZ\r\ncontent-disposition: form-data; name=\"www\"\r\nContent-Type: text/plain\r\n\r\n1\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nfile\r\n--XyZ--\r\n";
        assert_eq!(
            parse_multipart(body.as_bytes(), "multipart/form-data; boundary=XyZ"),
            Some(vec![
                ("name".to_string(), "mp.example.com".to_string()),
                ("www".to_string(), "1".to_string()),
            ])
        );
        assert_eq!(
            parse_multipart(body.as_bytes(), "multipart/form-data; boundary=\"XyZ\""),
            parse_multipart(body.as_bytes(), "multipart/form-data; boundary=XyZ")
        );
        assert_eq!(
            parse_multipart(body.as_bytes(), "multipart/form-data"),
            None
        );
        assert_eq!(
            parse_multipart(
                b"--XyZ\r\nno blank line",
                "multipart/form-data; boundary=XyZ"
            ),
            None
        );
        assert_eq!(
            parse_multipart(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n",
                "multipart/form-data; boundary=XyZ"
            ),
            None,
            "never closed"
        );
    }
}
