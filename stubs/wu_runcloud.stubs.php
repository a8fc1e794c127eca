<?php

// Stubs for wu_runcloud

namespace {
    /**
     * Adds a domain to the web app (idempotent), then takes care of its SSL certificate.
     *
     * @param string $domain The domain name (IDN allowed; `*.name` only with wildcard).
     * @param array $options www (bool, default false), redirection ('none'|'www'|'non-www'),
     *   type (default 'alias'), wildcard (bool), ssl (bool, default true), plus the per-call
     *   overrides of wu_runcloud_config().
     * @return array{domain: array, created: bool, ssl: array{action: string, certificate_id: ?int, message: ?string}}
     *   ssl.action is one of redeployed, issued, auto, none, skipped, failed (an SSL failure after a
     *   successful add does not throw).
     * @throws \WU\RunCloud\ValidationException Bad domain or option; nothing was sent.
     * @throws \WU\RunCloud\Exception ConfigException, ApiException or TransportException.
     */
    function wu_runcloud_add_domain(string $domain, ?array $options = null): array {}

    /**
     * The configuration a call would use, resolved from the WU_RUNCLOUD_* constants and
     * `$options`, without any secret. Sends nothing.
     *
     * @param array $options Per-call overrides: api_token, api_key, api_secret, server_id,
     *   app_id, api_url, ca_file, timeout; and max_wait (int|float|numeric-string seconds, 0 to 3600, default
     *   60), which every function takes: the most one call waits in all on rate limits,
     *   RunCloud's Retry-After/X-RateLimit-Reset and backoff. A wait that does not fit is not
     *   started: the call throws the 429 ApiException at once, its message saying when to retry.
     * @return array{api_version: ?string, base_url: string, auth: ?string, targets: list<array{server_id: int, app_id: int}>, timeout: int|float, missing: list<string>}
     * @throws \WU\RunCloud\ConfigException A value is invalid (the message names it).
     * @throws \WU\RunCloud\ValidationException An unknown option key or a value of the wrong type.
     */
    function wu_runcloud_config(?array $options = null): array {}

    /**
     * One domain of the web app by name (normalised first: case, trailing dot, IDN), or null.
     *
     * @param string $domain The domain name.
     * @param array $options Per-call overrides (see wu_runcloud_config()).
     * @return array{id: int, name: string, type: string, www: bool, redirection: string, wildcard: bool, created_at: ?string}|null
     * @throws \WU\RunCloud\ValidationException The name is not a valid domain; nothing was sent.
     * @throws \WU\RunCloud\Exception ConfigException, ApiException or TransportException.
     */
    function wu_runcloud_find_domain(string $domain, ?array $options = null): ?array {}

    /**
     * Every domain of the web app (all pages).
     *
     * @param array $options Per-call overrides (see wu_runcloud_config()).
     * @return list<array{id: int, name: string, type: string, www: bool, redirection: string, wildcard: bool, created_at: ?string}>
     * @throws \WU\RunCloud\Exception ConfigException, ValidationException, ApiException or TransportException.
     */
    function wu_runcloud_list_domains(?array $options = null): array {}

    /**
     * Redeploys the web app's Let's Encrypt certificate so it covers every domain now on the app;
     * with the option `domain`, takes the SSL step for that one domain already on the app.
     *
     * Without `domain`: a basic Let's Encrypt certificate is redeployed (`redeployed`), a custom
     * one is left to its owner (`skipped`), no certificate is `none`.
     * With `domain` (normalised and validated like add_domain's name; `*.` allowed, it is a
     * lookup), the same decision as add_domain's SSL step: basic Let's Encrypt certificate ->
     * redeployed (it covers every domain of the app); custom -> `skipped`; advanced SSL with
     * autoSSL -> `auto`; advanced SSL -> the domain's own Let's Encrypt certificate is redeployed
     * (`redeployed`, its id), or, when it has none, issued (`issued`); no certificate at all ->
     * `none`. Unlike add_domain, RunCloud's errors are thrown (e.g. a 422 whose message names the
     * name that blocked the Let's Encrypt order).
     *
     * @param array $options domain (string), plus the per-call overrides of wu_runcloud_config().
     * @return array{action: string, certificate_id: ?int, message: ?string}
     * @throws \WU\RunCloud\ValidationException Bad `domain` or option; nothing was sent.
     * @throws \WU\RunCloud\ApiException RunCloud's error (getCode() is the HTTP status); code 404
     *   when `domain` is not on the web app (the message names the domain and SERVER:APP).
     * @throws \WU\RunCloud\Exception ConfigException or TransportException.
     */
    function wu_runcloud_redeploy_ssl(?array $options = null): array {}

    /**
     * The registrable domain (eTLD+1) of a name per the Public Suffix List (ICANN and private
     * sections), in the ASCII form add_domain uses; null for a public suffix itself. Sends nothing.
     *
     * The name is normalised like add_domain's (case, trailing dot, IDN -> punycode); a leading
     * `*.` stands for the names below it. `shop.example.co.uk` -> `example.co.uk`,
     * `shop.example.org.uk` -> `example.org.uk`, `co.uk` -> null, `Bücher.example` ->
     * `xn--bcher-kva.example`.
     *
     * @param string $domain The domain name.
     * @return string|null
     * @throws \WU\RunCloud\ValidationException The name is not a valid domain.
     */
    function wu_runcloud_registrable_domain(string $domain): ?string {}

    /**
     * Removes a domain from the web app; a domain that is not there is not an error.
     *
     * @param string $domain The domain name.
     * @param array $options domain_id (int: the RunCloud id remembered at add time, checked with
     *   one request before deleting), plus the per-call overrides of wu_runcloud_config().
     * @return array{removed: bool, domain: ?array}
     * @throws \WU\RunCloud\ValidationException Bad domain or option; nothing was sent.
     * @throws \WU\RunCloud\Exception ConfigException, ApiException or TransportException.
     */
    function wu_runcloud_remove_domain(string $domain, ?array $options = null): array {}

    /**
     * Checks the credentials (ping) and that each target web app is reachable.
     *
     * @param array $options Per-call overrides (see wu_runcloud_config()).
     * @return array{ok: bool, api_version: string, targets: list<array{server_id: int, app_id: int, webapp: array{id: int, name: string}}>}
     * @throws \WU\RunCloud\ConfigException Missing or invalid configuration.
     * @throws \WU\RunCloud\ApiException RunCloud answered an error (getCode() is the HTTP status).
     * @throws \WU\RunCloud\TransportException The API could not be reached or answered garbage.
     */
    function wu_runcloud_test_connection(?array $options = null): array {}

    /**
     * The extension's version (semantic version of the wu_runcloud package).
     *
     * @return string
     */
    function wu_runcloud_version(): string {}
}

namespace WU\RunCloud {
    /**
     * Base of every exception thrown by the wu_runcloud_* functions.
     */
    class Exception extends \RuntimeException
    {
    }

    /**
     * RunCloud answered an error: getCode() is the HTTP status, getErrors() the field errors.
     */
    class ApiException extends \WU\RunCloud\Exception
    {
        /** @var array<string, list<string>>|null */
        protected $errors = null;

        /**
         * Field errors RunCloud sent (`{"errors": {"name": ["..."]}}`), keyed by field.
         *
         * @return array<string, list<string>>
         */
        public function getErrors(): array {}
    }

    /**
     * Missing or invalid WU_RUNCLOUD_* constant or option; the message names it.
     */
    class ConfigException extends \WU\RunCloud\Exception
    {
    }

    /**
     * DNS, connect, TLS, timeout, reset, or an unreadable or unexpected response. getCode() is the HTTP status when there was one, else 0.
     */
    class TransportException extends \WU\RunCloud\Exception
    {
    }

    /**
     * A bad domain or option value; nothing was sent to RunCloud.
     */
    class ValidationException extends \WU\RunCloud\Exception
    {
    }
}
