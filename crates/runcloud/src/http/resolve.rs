//! Host names resolved once a minute, not once a request.
//!
//! ureq asks its resolver before every request, also one that then goes out on a pooled
//! keep-alive connection (which needs no address): without a cache, every request to
//! manage.runcloud.io would start with a `getaddrinfo` (files, maybe a DNS query). The
//! addresses of a host are kept for [`TTL`], as libcurl keeps them by default
//! (`CURLOPT_DNS_CACHE_TIMEOUT`, 60 s): a moved API is reached again within a minute.
//! Failures are not kept.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long resolved addresses are used.
const TTL: Duration = Duration::from_secs(60);
/// Hosts remembered at most (one API root, a proxy, a CA's OCSP host would be many).
const MAX_HOSTS: usize = 16;

#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    inner: DefaultResolver,
    cache: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = match (uri.scheme(), uri.authority()) {
            (Some(scheme), Some(authority)) => {
                // `http://h` and `https://h` are different ports, hence the scheme.
                format!("{scheme}://{authority}")
            }
            // Not a full URL: the inner resolver names the problem.
            _ => return self.inner.resolve(uri, config, timeout),
        };
        let now = Instant::now();
        {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, addrs)) = cache.get(&key) {
                if now.saturating_duration_since(*at) < TTL {
                    return Ok(addrs.clone());
                }
            }
        }
        // Not under the lock: a slow lookup must not hold up other threads' cached hosts.
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= MAX_HOSTS && !cache.contains_key(&key) {
            cache.retain(|_, (at, _)| now.saturating_duration_since(*at) < TTL);
            if cache.len() >= MAX_HOSTS {
                cache.clear();
            }
        }
        cache.insert(key, (now, addrs.clone()));
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_timeout() -> NextTimeout {
        NextTimeout::default()
    }

    #[test]
    fn a_host_is_resolved_once_within_the_ttl() {
        let resolver = CachingResolver::default();
        let config = Config::default();
        let uri: Uri = "https://localhost:8443/api".parse().unwrap();
        let first = resolver.resolve(&uri, &config, no_timeout()).unwrap();
        assert!(!first.is_empty());
        // Pretend the entry is old: it is looked up again.
        let key = "https://localhost:8443".to_string();
        {
            let mut cache = resolver.cache.lock().unwrap();
            let entry = cache.get_mut(&key).unwrap();
            entry.0 = Instant::now() - TTL - Duration::from_secs(1);
        }
        let again = resolver.resolve(&uri, &config, no_timeout()).unwrap();
        assert!(first.iter().eq(again.iter()));
        assert!(resolver.cache.lock().unwrap()[&key].0.elapsed() < TTL);
        // Another port is another entry.
        let other: Uri = "http://localhost:8443/api".parse().unwrap();
        resolver.resolve(&other, &config, no_timeout()).unwrap();
        assert_eq!(resolver.cache.lock().unwrap().len(), 2);
    }

    #[test]
    fn the_cache_is_bounded() {
        let resolver = CachingResolver::default();
        let config = Config::default();
        for port in 0..(MAX_HOSTS as u16 + 5) {
            let uri: Uri = format!("https://127.0.0.1:{}/", 1000 + port)
                .parse()
                .unwrap();
            resolver.resolve(&uri, &config, no_timeout()).unwrap();
            assert!(resolver.cache.lock().unwrap().len() <= MAX_HOSTS);
        }
    }
}
