//! The `wu_runcloud_*` functions: PHP arguments in, PHP arrays out. All logic lives in the
//! `runcloud` crate; this file only gathers constants and options and converts results.

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use ext_php_rs::zend::ce;
use runcloud::{api, CallInput};

use crate::constants::defined_constants;
use crate::convert::options_of;
use crate::exceptions::to_php_exception;
use crate::to_php::ToArray;

type PhpArray = ZBox<ZendHashTable>;

/// The constants of this request plus the call's options, as the core reads them.
fn call_input(options: Option<&ZendHashTable>) -> CallInput {
    CallInput {
        constants: defined_constants(),
        options: options_of(options),
    }
}

/// A core result as a PHP array, or the matching WU\RunCloud exception.
fn respond<T: ToArray>(input: &CallInput, result: runcloud::Result<T>) -> PhpResult<PhpArray> {
    match result {
        Ok(value) => value.to_table().map_err(internal_error),
        Err(error) => Err(to_php_exception(&error, &input.secret_values())),
    }
}

/// A result that could not be turned into a PHP value: a bug, reported as a PHP \Error.
fn internal_error(error: ext_php_rs::error::Error) -> PhpException {
    PhpException::new(
        format!("wu_runcloud: could not convert a result: {error}"),
        0,
        ce::error(),
    )
}

/// The extension's version (semantic version of the wu_runcloud package).
#[php_function]
pub fn wu_runcloud_version() -> String {
    api::version().to_string()
}

/// The configuration a call would use, resolved from the WU_RUNCLOUD_* constants and
/// `$options`, without any secret. Sends nothing.
///
/// @param array $options Per-call overrides: api_token, api_key, api_secret, server_id,
///   app_id, api_url, ca_file, timeout; and max_wait (int|float|numeric-string seconds, 0 to 3600, default
///   60), which every function takes: the most one call waits in all on rate limits,
///   RunCloud's Retry-After/X-RateLimit-Reset and backoff. A wait that does not fit is not
///   started: the call throws the 429 ApiException at once, its message saying when to retry.
/// @return array{api_version: ?string, base_url: string, auth: ?string, targets: list<array{server_id: int, app_id: int}>, timeout: int|float, missing: list<string>}
/// @throws \WU\RunCloud\ConfigException A value is invalid (the message names it).
/// @throws \WU\RunCloud\ValidationException An unknown option key or a value of the wrong type.
#[php_function]
#[php(optional = "options")]
pub fn wu_runcloud_config(options: Option<&ZendHashTable>) -> PhpResult<PhpArray> {
    let input = call_input(options);
    respond(&input, api::config(&input))
}

/// Checks the credentials (ping) and that each target web app is reachable.
///
/// @param array $options Per-call overrides (see wu_runcloud_config()).
/// @return array{ok: bool, api_version: string, targets: list<array{server_id: int, app_id: int, webapp: array{id: int, name: string}}>}
/// @throws \WU\RunCloud\ConfigException Missing or invalid configuration.
/// @throws \WU\RunCloud\ApiException RunCloud answered an error (getCode() is the HTTP status).
/// @throws \WU\RunCloud\TransportException The API could not be reached or answered garbage.
#[php_function]
#[php(optional = "options")]
pub fn wu_runcloud_test_connection(options: Option<&ZendHashTable>) -> PhpResult<PhpArray> {
    let input = call_input(options);
    respond(&input, api::test_connection(&input))
}

/// Every domain of the web app (all pages).
///
/// @param array $options Per-call overrides (see wu_runcloud_config()).
/// @return list<array{id: int, name: string, type: string, www: bool, redirection: string, wildcard: bool, created_at: ?string}>
/// @throws \WU\RunCloud\Exception ConfigException, ValidationException, ApiException or TransportException.
#[php_function]
#[php(optional = "options")]
pub fn wu_runcloud_list_domains(options: Option<&ZendHashTable>) -> PhpResult<PhpArray> {
    let input = call_input(options);
    respond(&input, api::list_domains(&input))
}

/// One domain of the web app by name (normalised first: case, trailing dot, IDN), or null.
///
/// @param string $domain The domain name.
/// @param array $options Per-call overrides (see wu_runcloud_config()).
/// @return array{id: int, name: string, type: string, www: bool, redirection: string, wildcard: bool, created_at: ?string}|null
/// @throws \WU\RunCloud\ValidationException The name is not a valid domain; nothing was sent.
/// @throws \WU\RunCloud\Exception ConfigException, ApiException or TransportException.
#[php_function]
#[php(optional = "options")]
pub fn wu_runcloud_find_domain(
    domain: BinarySlice<u8>,
    options: Option<&ZendHashTable>,
) -> PhpResult<Option<PhpArray>> {
    let input = call_input(options);
    match api::find_domain(&input, &domain) {
        Ok(Some(found)) => found.to_table().map(Some).map_err(internal_error),
        Ok(None) => Ok(None),
        Err(error) => Err(to_php_exception(&error, &input.secret_values())),
    }
}

/// Adds a domain to the web app (idempotent), then takes care of its SSL certificate.
///
/// @param string $domain The domain name (IDN allowed; `*.name` only with wildcard).
/// @param array $options www (bool, default false), redirection ('none'|'www'|'non-www'),
///   type (default 'alias'), wildcard (bool), ssl (bool, default true), plus the per-call
///   overrides of wu_runcloud_config().
/// @return array{domain: array, created: bool, ssl: array{action: string, certificate_id: ?int, message: ?string}}
///   ssl.action is one of redeployed, issued, auto, none, skipped, failed (an SSL failure after a
///   successful add does not throw).
/// @throws \WU\RunCloud\ValidationException Bad domain or option; nothing was sent.
/// @throws \WU\RunCloud\Exception ConfigException, ApiException or TransportException.
#[php_function]
#[php(optional = "options")]
pub fn wu_runcloud_add_domain(
    domain: BinarySlice<u8>,
    options: Option<&ZendHashTable>,
) -> PhpResult<PhpArray> {
    let input = call_input(options);
    respond(&input, api::add_domain(&input, &domain))
}

/// Removes a domain from the web app; a domain that is not there is not an error.
///
/// @param string $domain The domain name.
/// @param array $options domain_id (int: the RunCloud id remembered at add time, checked with
///   one request before deleting), plus the per-call overrides of wu_runcloud_config().
/// @return array{removed: bool, domain: ?array}
/// @throws \WU\RunCloud\ValidationException Bad domain or option; nothing was sent.
/// @throws \WU\RunCloud\Exception ConfigException, ApiException or TransportException.
#[php_function]
#[php(optional = "options")]
pub fn wu_runcloud_remove_domain(
    domain: BinarySlice<u8>,
    options: Option<&ZendHashTable>,
) -> PhpResult<PhpArray> {
    let input = call_input(options);
    respond(&input, api::remove_domain(&input, &domain))
}

/// Redeploys the web app's Let's Encrypt certificate so it covers every domain now on the app;
/// with the option `domain`, takes the SSL step for that one domain already on the app.
///
/// Without `domain`: a basic Let's Encrypt certificate is redeployed (`redeployed`), a custom
/// one is left to its owner (`skipped`), no certificate is `none`.
/// With `domain` (normalised and validated like add_domain's name; `*.` allowed, it is a
/// lookup), the same decision as add_domain's SSL step: basic Let's Encrypt certificate ->
/// redeployed (it covers every domain of the app); custom -> `skipped`; advanced SSL with
/// autoSSL -> `auto`; advanced SSL -> the domain's own Let's Encrypt certificate is redeployed
/// (`redeployed`, its id), or, when it has none, issued (`issued`); no certificate at all ->
/// `none`. Unlike add_domain, RunCloud's errors are thrown (e.g. a 422 whose message names the
/// name that blocked the Let's Encrypt order).
///
/// @param array $options domain (string), plus the per-call overrides of wu_runcloud_config().
/// @return array{action: string, certificate_id: ?int, message: ?string}
/// @throws \WU\RunCloud\ValidationException Bad `domain` or option; nothing was sent.
/// @throws \WU\RunCloud\ApiException RunCloud's error (getCode() is the HTTP status); code 404
///   when `domain` is not on the web app (the message names the domain and SERVER:APP).
/// @throws \WU\RunCloud\Exception ConfigException or TransportException.
#[php_function]
#[php(optional = "options")]
pub fn wu_runcloud_redeploy_ssl(options: Option<&ZendHashTable>) -> PhpResult<PhpArray> {
    let input = call_input(options);
    respond(&input, api::redeploy_ssl(&input))
}

/// The registrable domain (eTLD+1) of a name per the Public Suffix List (ICANN and private
/// sections), in the ASCII form add_domain uses; null for a public suffix itself. Sends nothing.
///
/// The name is normalised like add_domain's (case, trailing dot, IDN -> punycode); a leading
/// `*.` stands for the names below it. `shop.example.co.uk` -> `example.co.uk`,
/// `shop.example.org.uk` -> `example.org.uk`, `co.uk` -> null, `Bücher.example` ->
/// `xn--bcher-kva.example`.
///
/// @param string $domain The domain name.
/// @return string|null
/// @throws \WU\RunCloud\ValidationException The name is not a valid domain.
#[php_function]
pub fn wu_runcloud_registrable_domain(domain: BinarySlice<u8>) -> PhpResult<Option<String>> {
    api::registrable_domain(&domain).map_err(|error| to_php_exception(&error, &[]))
}

/// Adds every function above to the module (the generated wrappers are private to this file).
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(wu_runcloud_version))
        .function(wrap_function!(wu_runcloud_config))
        .function(wrap_function!(wu_runcloud_test_connection))
        .function(wrap_function!(wu_runcloud_list_domains))
        .function(wrap_function!(wu_runcloud_find_domain))
        .function(wrap_function!(wu_runcloud_add_domain))
        .function(wrap_function!(wu_runcloud_remove_domain))
        .function(wrap_function!(wu_runcloud_redeploy_ssl))
        .function(wrap_function!(wu_runcloud_registrable_domain))
}
