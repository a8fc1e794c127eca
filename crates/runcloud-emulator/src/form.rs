//! `application/x-www-form-urlencoded` decoding, for query strings and form bodies.

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
}
