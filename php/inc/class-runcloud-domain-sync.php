<?php
/**
 * The domain logic shared by both Ultimate Multisite integration generations and the CLI.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Applies domain events to every configured RunCloud web app through the wu_runcloud extension.
 *
 * - add_domain: www per Ultimate Multisite's setting, SSL per the extension's result, and the
 *   RunCloud domain id remembered per (target, domain) so removal costs O(1) requests;
 * - add/remove_subdomain: skipped when a wildcard domain on the app already covers the host;
 * - transient failures (HTTP 429/5xx, network) are rescheduled through Action Scheduler with a
 *   capped number of attempts and a growing delay; permanent ones are logged and recorded for an
 *   admin notice; without Action Scheduler, a transient failure is rethrown.
 */
class RunCloud_Domain_Sync {

	/**
	 * Network option: RunCloud domain ids, [ 'SERVER:APP' => [ domain => id ] ].
	 */
	const OPTION_DOMAIN_IDS = 'wu_runcloud_domain_ids';

	/**
	 * Network option: wildcard names seen on each app, [ 'SERVER:APP' => [ 'at' => time, 'names' => [...] ] ].
	 */
	const OPTION_WILDCARDS = 'wu_runcloud_wildcards';

	/**
	 * Action Scheduler hook of a retry; its only argument is the job array.
	 */
	const RETRY_HOOK = 'wu_runcloud_retry';

	/**
	 * Action Scheduler group (the one Ultimate Multisite uses for domain events).
	 */
	const RETRY_GROUP = 'domain';

	/**
	 * Attempts in all, the first included (filter wu_runcloud_retry_max_attempts).
	 */
	const MAX_ATTEMPTS = 5;

	/**
	 * Delay before the second attempt, doubled for each further one (filter wu_runcloud_retry_delay).
	 */
	const BASE_DELAY = 60;

	/**
	 * Longest delay between two attempts.
	 */
	const MAX_DELAY = 3600;

	/**
	 * Seconds the wildcard names of an app are trusted before being read again.
	 */
	const WILDCARD_TTL = 300;

	/**
	 * The operations (same names as the Ultimate Multisite events, without the wu_ prefix).
	 */
	const OPERATIONS = ['add_domain', 'remove_domain', 'add_subdomain', 'remove_subdomain'];

	/**
	 * Credential constants and the native option each one maps to.
	 */
	const CREDENTIAL_OPTIONS = [
		'WU_RUNCLOUD_API_TOKEN'  => 'api_token',
		'WU_RUNCLOUD_API_KEY'    => 'api_key',
		'WU_RUNCLOUD_API_SECRET' => 'api_secret',
		'WU_RUNCLOUD_SERVER_ID'  => 'server_id',
		'WU_RUNCLOUD_APP_ID'     => 'app_id',
		'WU_RUNCLOUD_API_URL'    => 'api_url',
		'WU_RUNCLOUD_CA_FILE'    => 'ca_file',
		'WU_RUNCLOUD_TIMEOUT'    => 'timeout',
	];

	/**
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * The admin notices (extension check and failure records).
	 *
	 * @var RunCloud_Admin_Notices
	 */
	private $notices;

	/**
	 * Returns credential overrides: native option keys, plus 'extra_targets' (a "S:A,S:A" string).
	 *
	 * @var callable|null
	 */
	private $credentials;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Logger        $logger      The logger.
	 * @param RunCloud_Admin_Notices $notices     The notices.
	 * @param callable|null          $credentials Credential source (2.5: stored credentials), else constants only.
	 */
	public function __construct(RunCloud_Logger $logger, RunCloud_Admin_Notices $notices, ?callable $credentials = null) {

		$this->logger      = $logger;
		$this->notices     = $notices;
		$this->credentials = $credentials;
	}

	/**
	 * Sets where credentials that are not constants come from.
	 *
	 * @param callable|null $credentials Returns an array of overrides.
	 * @return void
	 */
	public function set_credentials_source(?callable $credentials): void {

		$this->credentials = $credentials;
	}

	/**
	 * The logger.
	 *
	 * @return RunCloud_Logger
	 */
	public function logger(): RunCloud_Logger {

		return $this->logger;
	}

	/**
	 * The notices.
	 *
	 * @return RunCloud_Admin_Notices
	 */
	public function notices(): RunCloud_Admin_Notices {

		return $this->notices;
	}

	/**
	 * Builds credential overrides from a get_credential()-style reader: only for constants that are
	 * not defined (the extension reads defined constants itself).
	 *
	 * @param callable $get_credential Takes a constant name, returns its value or ''.
	 * @return array
	 */
	public static function options_from_credentials(callable $get_credential): array {

		$options = [];

		foreach (array_merge(self::CREDENTIAL_OPTIONS, ['WU_RUNCLOUD_EXTRA_TARGETS' => 'extra_targets']) as $constant => $option) {
			if (defined($constant) && constant($constant)) {
				continue;
			}

			$value = trim((string) call_user_func($get_credential, $constant));

			if ('' === $value) {
				continue;
			}

			$options[ $option ] = 'timeout' === $option ? (int) $value : $value;
		}

		return $options;
	}

	/**
	 * Credential overrides from the source, 'extra_targets' included.
	 *
	 * @return array
	 */
	private function credentials(): array {

		if (null === $this->credentials) {
			return [];
		}

		return (array) call_user_func($this->credentials);
	}

	/**
	 * The secret values in use that are not constants (for the logger's redaction).
	 *
	 * @return array
	 */
	public function secrets(): array {

		$credentials = $this->credentials();

		return array_values(array_intersect_key($credentials, array_flip(['api_token', 'api_key', 'api_secret'])));
	}

	/**
	 * Options for one native call: credential overrides, filtered, plus $extra.
	 *
	 * @param array $extra Per-call options (server_id, app_id, www...).
	 * @return array
	 */
	public function options(array $extra = []): array {

		$options = $this->credentials();

		unset($options['extra_targets']);

		/**
		 * Filters the configuration options passed to every wu_runcloud_* call (api_url, timeout, credentials...).
		 *
		 * @param array $options Native option overrides.
		 */
		$options = (array) apply_filters('wu_runcloud_options', $options);

		return array_merge($options, $extra);
	}

	/**
	 * The resolved configuration (no secrets).
	 *
	 * @return array
	 */
	public function config(): array {

		return wu_runcloud_config($this->options());
	}

	/**
	 * The web apps every change goes to: primary first, then extra targets.
	 *
	 * @param array|null $config The resolved configuration when the caller has it.
	 * @return array<int, array{server_id: int, app_id: int}>
	 */
	public function targets(?array $config = null): array {

		$config  = $config ?? $this->config();
		$targets = [];

		foreach ((array) ($config['targets'] ?? []) as $target) {
			$targets[ self::key($target) ] = ['server_id' => (int) $target['server_id'], 'app_id' => (int) $target['app_id']];
		}

		// Extra targets saved by the 2.5 wizard (the extension only reads the constant).
		$credentials = $this->credentials();

		if ($targets && ! empty($credentials['extra_targets'])) {
			foreach (explode(',', (string) $credentials['extra_targets']) as $pair) {
				if (preg_match('/^\s*(\d+)\s*:\s*(\d+)\s*$/', $pair, $m) && (int) $m[1] > 0 && (int) $m[2] > 0) {
					$target = ['server_id' => (int) $m[1], 'app_id' => (int) $m[2]];

					$targets[ self::key($target) ] = $target;
				} elseif ('' !== trim($pair)) {
					$this->logger->warning(sprintf('Ignoring extra target "%s": expected SERVER_ID:APP_ID.', trim($pair)));
				}
			}
		}

		return array_values($targets);
	}

	/**
	 * "SERVER:APP".
	 *
	 * @param array $target A target.
	 * @return string
	 */
	public static function key(array $target): string {

		return (int) $target['server_id'] . ':' . (int) $target['app_id'];
	}

	/**
	 * Lower-case, trimmed, one trailing dot dropped (the extension normalises again, with IDN).
	 *
	 * @param string $domain A host name.
	 * @return string
	 */
	public static function normalize(string $domain): string {

		$domain = trim($domain);
		$domain = function_exists('mb_strtolower') ? mb_strtolower($domain, 'UTF-8') : strtolower($domain);

		return '.' === substr($domain, -1) ? substr($domain, 0, -1) : $domain;
	}

	/*
	 * ------------------------------------------------------------------
	 * Event handlers (called by both adapters)
	 * ------------------------------------------------------------------
	 */

	/**
	 * A domain mapping became active.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function add_domain(string $domain, int $site_id): void {

		$this->run('add_domain', $domain, $site_id);
	}

	/**
	 * A domain mapping was deleted.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function remove_domain(string $domain, int $site_id): void {

		$this->run('remove_domain', $domain, $site_id);
	}

	/**
	 * A site was created on a subdomain network.
	 *
	 * @param string $subdomain The full host, e.g. shop.network.example.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function add_subdomain(string $subdomain, int $site_id): void {

		$this->run('add_subdomain', $subdomain, $site_id);
	}

	/**
	 * A site was deleted on a subdomain network.
	 *
	 * @param string $subdomain The full host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function remove_subdomain(string $subdomain, int $site_id): void {

		$this->run('remove_subdomain', $subdomain, $site_id);
	}

	/**
	 * Runs a rescheduled attempt (hook wu_runcloud_retry).
	 *
	 * @param mixed $job ['op', 'domain', 'site_id', 'server_id', 'app_id', 'attempt'].
	 * @return void
	 */
	public function handle_retry($job): void {

		if ( ! is_array($job) || ! in_array($job['op'] ?? null, self::OPERATIONS, true) || empty($job['domain']) || empty($job['server_id']) || empty($job['app_id'])) {
			$this->logger->warning('Ignoring a malformed RunCloud retry job.');

			return;
		}

		$target = ['server_id' => (int) $job['server_id'], 'app_id' => (int) $job['app_id']];
		$what   = sprintf('%s %s on %s', $job['op'], $job['domain'], self::key($target));

		$enabled = get_network_option(null, 'wu_host_integrations_enabled', []);

		if (empty($enabled['runcloud'])) {
			$this->logger->info(sprintf('Retry of %s dropped: the RunCloud integration is disabled.', $what));

			return;
		}

		if ($this->notices->is_extension_loaded()) {
			try {
				$keys = array_map([self::class, 'key'], $this->targets());
			} catch (\Throwable $e) {
				$keys = [];
			}

			if ( ! in_array(self::key($target), $keys, true)) {
				$this->logger->warning(sprintf('Retry of %s dropped: that web app is no longer a configured target.', $what));

				return;
			}
		}

		$this->run((string) $job['op'], (string) $job['domain'], (int) ($job['site_id'] ?? 0), $target, max(1, (int) ($job['attempt'] ?? 1)));
	}

	/**
	 * Applies one operation to every target (or one), with the failure policy.
	 *
	 * @param string     $op      One of OPERATIONS.
	 * @param string     $domain  The host name.
	 * @param int        $site_id The site.
	 * @param array|null $only    One target (a retry), else every configured target.
	 * @param int        $attempt This attempt's number, 1 for the event itself.
	 * @return void
	 * @throws \Throwable A transient failure when Action Scheduler is not there to retry it.
	 */
	private function run(string $op, string $domain, int $site_id, ?array $only = null, int $attempt = 1): void {

		$domain = self::normalize($domain);

		if ( ! $this->notices->is_extension_loaded()) {
			$this->permanent_failure(sprintf('%s %s failed: the wu_runcloud PHP extension is not loaded; nothing was sent to RunCloud.', $op, $domain));

			return;
		}

		try {
			$config  = $this->config();
			$missing = (array) ($config['missing'] ?? []);
			$targets = $missing ? [] : (null !== $only ? [$only] : $this->targets($config));
		} catch (\Throwable $e) {
			if ( ! self::is_native_exception($e)) {
				throw $e;
			}

			$this->permanent_failure(sprintf('%s %s failed: %s; nothing was sent to RunCloud.', $op, $domain, $this->describe($e)));

			return;
		}

		if ( ! $targets) {
			$this->permanent_failure(sprintf('%s %s failed: the RunCloud configuration is incomplete (missing: %s); nothing was sent.', $op, $domain, $missing ? implode(', ', array_map('strval', $missing)) : 'server and app ids'));

			return;
		}

		$rethrow = null;

		foreach ($targets as $target) {
			try {
				$this->apply($op, $domain, $site_id, $target);
			} catch (\Throwable $e) {
				if ( ! self::is_native_exception($e)) {
					throw $e;
				}

				// Invalid input is invalid for every target: one record, nothing sent anywhere.
				if (self::is_class($e, 'ValidationException')) {
					$this->permanent_failure(sprintf('%s %s failed: %s. Nothing was sent (invalid input).', $op, $domain, $this->describe($e)));

					break;
				}

				if ( ! $this->handle_failure($op, $domain, $site_id, $target, $attempt, $e) && null === $rethrow) {
					$rethrow = $e;
				}
			}
		}

		if (null !== $rethrow) {
			throw $rethrow;
		}
	}

	/**
	 * Applies one operation to one target. Throws what the extension throws.
	 *
	 * @param string $op      One of OPERATIONS.
	 * @param string $domain  The normalised host name.
	 * @param int    $site_id The site.
	 * @param array  $target  The target.
	 * @param bool   $ssl     For an add: false skips the SSL step (drift repair batches it into one
	 *                        redeploy_ssl() afterwards); true leaves it to the extension's default.
	 * @return array What happened: the native result, or ['skipped' => reason].
	 */
	public function apply(string $op, string $domain, int $site_id, array $target, bool $ssl = true): array {

		$domain = self::normalize($domain);
		$key    = self::key($target);

		switch ($op) {
			case 'add_domain':
				return $this->add($op, $domain, $target, $this->wants_www($domain, $site_id), $ssl);

			case 'add_subdomain':
				$wildcard = $this->wildcard_cover($domain, $target);

				if (null !== $wildcard) {
					$this->logger->info(sprintf('%s %s on %s: skipped, the wildcard domain %s on the app already covers it.', $op, $domain, $key, $wildcard));

					return ['skipped' => 'wildcard'];
				}

				return $this->add($op, $domain, $target, false, $ssl);

			case 'remove_domain':
			case 'remove_subdomain':
				return $this->remove($op, $domain, $target);
		}

		throw new \InvalidArgumentException(sprintf('Unknown RunCloud operation "%s".', $op));
	}

	/**
	 * Adds a domain to one target and remembers its RunCloud id.
	 *
	 * @param string $op     The operation (for the log).
	 * @param string $domain The host name.
	 * @param array  $target The target.
	 * @param bool   $www    Whether RunCloud also serves www.<domain>.
	 * @param bool   $ssl    False: no SSL step (the caller redeploys once for a batch).
	 * @return array The native result.
	 */
	private function add(string $op, string $domain, array $target, bool $www, bool $ssl = true): array {

		$key   = self::key($target);
		$extra = $target + ['www' => $www];

		// Only ever forced off: with SSL on, the extension's default (and wu_runcloud_options) decide.
		if ( ! $ssl) {
			$extra['ssl'] = false;
		}

		$result  = wu_runcloud_add_domain($domain, $this->options($extra));
		$record  = isset($result['domain']) && is_array($result['domain']) ? $result['domain'] : [];
		$outcome = isset($result['ssl']) && is_array($result['ssl']) ? $result['ssl'] : [];

		if (isset($record['id'])) {
			$this->remember_id($target, $domain, (int) $record['id']);
		}

		$this->logger->info(
			sprintf(
				'%s %s on %s: %s (RunCloud domain id %s, www %s); SSL %s.',
				$op,
				$domain,
				$key,
				empty($result['created']) ? 'already on the app' : 'added',
				isset($record['id']) ? (string) $record['id'] : '?',
				$www ? 'on' : 'off',
				$ssl ? self::describe_ssl($outcome) : 'left to the batch (ssl => false)'
			)
		);

		if ('failed' === ($outcome['action'] ?? '')) {
			$this->logger->warning(sprintf('%s %s on %s: the domain was added but SSL failed: %s', $op, $domain, $key, (string) ($outcome['message'] ?? 'no message')));
		}

		return $result;
	}

	/**
	 * Redeploys the web app's Let's Encrypt certificate once so it covers domains added with
	 * ssl => false (drift repair). Throws what the extension throws.
	 *
	 * @param array $target  The target.
	 * @param array $domains The domains added without their own SSL step (for the log).
	 * @return array The native result: ['action', 'certificate_id', 'message'].
	 */
	public function redeploy_ssl(array $target, array $domains): array {

		$result = wu_runcloud_redeploy_ssl($this->options($target));
		$result = is_array($result) ? $result : [];

		$this->logger->info(sprintf('sync: SSL certificate redeploy on %s for %d domain(s) added without their own SSL step (%s): %s.', self::key($target), count($domains), implode(', ', $domains), self::describe_ssl($result)));

		return $result;
	}

	/**
	 * "action (certificate N): message" from a native SSL outcome.
	 *
	 * @param array $outcome ['action', 'certificate_id', 'message'].
	 * @return string
	 */
	public static function describe_ssl(array $outcome): string {

		return sprintf(
			'%s%s%s',
			(string) ($outcome['action'] ?? 'none'),
			isset($outcome['certificate_id']) ? ' (certificate ' . $outcome['certificate_id'] . ')' : '',
			isset($outcome['message']) && '' !== (string) $outcome['message'] ? ': ' . $outcome['message'] : ''
		);
	}

	/**
	 * Removes a domain from one target, by its remembered id when there is one.
	 *
	 * @param string $op     The operation.
	 * @param string $domain The host name.
	 * @param array  $target The target.
	 * @return array The native result, or ['skipped' => reason].
	 */
	private function remove(string $op, string $domain, array $target): array {

		$key = self::key($target);
		$id  = $this->remembered_id($target, $domain);

		if (null === $id && 'remove_subdomain' === $op) {
			$wildcard = $this->wildcard_cover($domain, $target);

			if (null !== $wildcard) {
				$this->logger->info(sprintf('%s %s on %s: skipped, it was never added (the wildcard domain %s covers it).', $op, $domain, $key, $wildcard));

				return ['skipped' => 'wildcard'];
			}
		}

		$options = $this->options($target);
		$result  = null;

		if (null !== $id) {
			try {
				$result = wu_runcloud_remove_domain($domain, $options + ['domain_id' => $id]);
			} catch (\Throwable $e) {
				// A stale id (the domain was re-created in RunCloud): look it up by name below.
				if ( ! (self::is_native_exception($e) && $this->is_class($e, 'ApiException') && 404 === (int) $e->getCode())) {
					throw $e;
				}
			}
		}

		if (null === $result || (empty($result['removed']) && null !== $id)) {
			$result = wu_runcloud_remove_domain($domain, $options);
		}

		$this->forget_id($target, $domain);

		$this->logger->info(
			sprintf(
				'%s %s on %s: %s',
				$op,
				$domain,
				$key,
				empty($result['removed']) ? 'not on the app, nothing to remove.' : sprintf('removed (RunCloud domain id %s%s).', $result['domain']['id'] ?? '?', null !== $id ? ', remembered' : '')
			)
		);

		return $result;
	}

	/**
	 * Removes one domain record found by drift repair (never the primary: the caller checks).
	 *
	 * @param array $record A native domain array.
	 * @param array $target The target.
	 * @return array The native result.
	 */
	public function remove_record(array $record, array $target): array {

		$name   = self::normalize((string) $record['name']);
		$result = wu_runcloud_remove_domain($name, $this->options($target + ['domain_id' => (int) $record['id']]));

		$this->forget_id($target, $name);
		$this->logger->info(sprintf('sync: removed orphan %s from %s (RunCloud domain id %d).', $name, self::key($target), (int) $record['id']));

		return $result;
	}

	/**
	 * Logs a failure and decides: retry later, record it, or rethrow.
	 *
	 * @param string     $op      The operation.
	 * @param string     $domain  The host name.
	 * @param int        $site_id The site.
	 * @param array      $target  The target.
	 * @param int        $attempt This attempt's number.
	 * @param \Throwable $e       The native exception.
	 * @return bool False when the caller must rethrow.
	 */
	private function handle_failure(string $op, string $domain, int $site_id, array $target, int $attempt, \Throwable $e): bool {

		$what = sprintf('%s %s on %s', $op, $domain, self::key($target));
		$why  = $this->describe($e);

		if ( ! self::is_transient($e)) {
			$this->permanent_failure(sprintf('%s failed: %s. Not retried (permanent).', $what, $why));

			return true;
		}

		if ( ! function_exists('as_schedule_single_action')) {
			$this->logger->error(sprintf('%s failed: %s. Action Scheduler is not available to retry it later: rethrowing.', $what, $why));

			return false;
		}

		$job = [
			'op'        => $op,
			'domain'    => $domain,
			'site_id'   => $site_id,
			'server_id' => (int) $target['server_id'],
			'app_id'    => (int) $target['app_id'],
			'attempt'   => $attempt + 1,
		];

		$max = max(1, (int) apply_filters('wu_runcloud_retry_max_attempts', self::MAX_ATTEMPTS, $job));

		if ($attempt >= $max) {
			$this->permanent_failure(sprintf('%s failed: %s. Gave up after %d attempts.', $what, $why, $attempt));

			return true;
		}

		$delay = (int) apply_filters('wu_runcloud_retry_delay', self::retry_delay($attempt + 1), $job);

		as_schedule_single_action(time() + max(1, $delay), self::RETRY_HOOK, [$job], self::RETRY_GROUP);

		$this->logger->warning(sprintf('%s failed: %s. Transient: attempt %d of %d scheduled in %d s.', $what, $why, $attempt + 1, $max, $delay));

		return true;
	}

	/**
	 * Delay before attempt $attempt (2 = the first retry): 60 s, doubled each time, at most an hour.
	 *
	 * @param int $attempt The attempt about to be scheduled.
	 * @return int Seconds.
	 */
	public static function retry_delay(int $attempt): int {

		return (int) min(self::MAX_DELAY, self::BASE_DELAY * (2 ** max(0, $attempt - 2)));
	}

	/**
	 * Logs an error that needs an administrator and records it for the admin notice.
	 *
	 * @param string $message The message.
	 * @return void
	 */
	private function permanent_failure(string $message): void {

		$this->logger->error($message);
		$this->notices->record_error($this->logger->redact($message));
	}

	/**
	 * Whether a failure may succeed later: HTTP 429 or 5xx, or a network failure.
	 *
	 * @param \Throwable $e The exception.
	 * @return bool
	 */
	public static function is_transient(\Throwable $e): bool {

		if (self::is_class($e, 'TransportException')) {
			return true;
		}

		if (self::is_class($e, 'ApiException')) {
			$code = (int) $e->getCode();

			return 429 === $code || $code >= 500;
		}

		return false;
	}

	/**
	 * Whether $e is one of the extension's exceptions (WU\RunCloud\Exception and children).
	 *
	 * @param \Throwable $e The exception.
	 * @return bool
	 */
	public static function is_native_exception(\Throwable $e): bool {

		return self::is_class($e, 'Exception');
	}

	/**
	 * Whether $e is an instance of WU\RunCloud\<short>.
	 *
	 * @param \Throwable $e     The exception.
	 * @param string     $short Short class name.
	 * @return bool
	 */
	private static function is_class(\Throwable $e, string $short): bool {

		$class = 'WU\\RunCloud\\' . $short;

		return $e instanceof $class;
	}

	/**
	 * One line about a native exception: class, HTTP status, message (method, path and RunCloud's
	 * message), field errors.
	 *
	 * @param \Throwable $e The exception.
	 * @return string
	 */
	public function describe(\Throwable $e): string {

		$class = substr((string) strrchr('\\' . get_class($e), '\\'), 1);
		$line  = $class;

		if ($e->getCode() > 0) {
			$line .= ' HTTP ' . (int) $e->getCode();
		}

		$line .= ': ' . $e->getMessage();

		if (method_exists($e, 'getErrors')) {
			$fields = [];

			foreach ((array) $e->getErrors() as $field => $messages) {
				$fields[] = $field . ': ' . implode(' ', array_map('strval', (array) $messages));
			}

			if ($fields) {
				$line .= ' [' . implode('; ', $fields) . ']';
			}
		}

		return $this->logger->redact($line);
	}

	/*
	 * ------------------------------------------------------------------
	 * www, wildcard, domain-id memory
	 * ------------------------------------------------------------------
	 */

	/**
	 * Whether RunCloud should also serve www.<domain>: Ultimate Multisite's auto_create_www_subdomain
	 * setting through Domain_Manager::should_create_www_subdomain() when available.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return bool
	 */
	public function wants_www(string $domain, int $site_id): bool {

		$manager = '\\WP_Ultimo\\Managers\\Domain_Manager';

		if (class_exists($manager) && method_exists($manager, 'should_create_www_subdomain')) {
			$www = (bool) $manager::get_instance()->should_create_www_subdomain($domain);
		} else {
			// Versions before the setting always created www (and never www.www.).
			$www = 0 !== strpos($domain, 'www.');
		}

		/**
		 * Filters whether a mapped domain gets its www alias on RunCloud.
		 *
		 * @param bool   $www     Whether to serve www.<domain> too.
		 * @param string $domain  The domain.
		 * @param int    $site_id The site.
		 */
		return (bool) apply_filters('wu_runcloud_www', $www, $domain, $site_id);
	}

	/**
	 * The wildcard domain on the app that covers $host (one label below it), if any.
	 *
	 * @param string     $host    The host name.
	 * @param array      $target  The target.
	 * @param array|null $records The app's domain list when the caller has it (no cache then).
	 * @return string|null The wildcard name, e.g. *.network.example.
	 */
	public function wildcard_cover(string $host, array $target, ?array $records = null): ?string {

		$names = null !== $records ? self::wildcard_names($records) : $this->cached_wildcards($target);

		foreach ($names as $name) {
			$suffix = '.' . substr($name, 2);
			$label  = substr($host, 0, -strlen($suffix));

			if (strlen($host) > strlen($suffix) && substr($host, -strlen($suffix)) === $suffix && false === strpos($label, '.')) {
				return $name;
			}
		}

		return null;
	}

	/**
	 * Wildcard names ("*.x") among domain records.
	 *
	 * @param array $records Native domain arrays.
	 * @return array
	 */
	private static function wildcard_names(array $records): array {

		$names = [];

		foreach ($records as $record) {
			$name = self::normalize((string) ($record['name'] ?? ''));

			if (0 === strpos($name, '*.')) {
				$names[] = $name;
			} elseif ( ! empty($record['wildcard']) && '' !== $name) {
				$names[] = '*.' . $name;
			}
		}

		return array_values(array_unique($names));
	}

	/**
	 * The wildcard names of an app, read at most every WILDCARD_TTL seconds.
	 *
	 * @param array $target The target.
	 * @return array
	 */
	private function cached_wildcards(array $target): array {

		$key   = self::key($target);
		$cache = get_network_option(null, self::OPTION_WILDCARDS, []);
		$cache = is_array($cache) ? $cache : [];

		if (isset($cache[ $key ]['at'], $cache[ $key ]['names']) && time() - (int) $cache[ $key ]['at'] < self::WILDCARD_TTL) {
			return (array) $cache[ $key ]['names'];
		}

		$names = self::wildcard_names(wu_runcloud_list_domains($this->options($target)));

		$cache[ $key ] = [
			'at'    => time(),
			'names' => $names,
		];

		update_network_option(null, self::OPTION_WILDCARDS, $cache);

		return $names;
	}

	/**
	 * The RunCloud id remembered for a domain on a target.
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @return int|null
	 */
	public function remembered_id(array $target, string $domain): ?int {

		$ids = get_network_option(null, self::OPTION_DOMAIN_IDS, []);
		$id  = is_array($ids) ? ($ids[ self::key($target) ][ self::normalize($domain) ] ?? null) : null;

		return is_numeric($id) && (int) $id > 0 ? (int) $id : null;
	}

	/**
	 * Remembers a RunCloud id.
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @param int    $id     The RunCloud domain id.
	 * @return void
	 */
	private function remember_id(array $target, string $domain, int $id): void {

		$ids = get_network_option(null, self::OPTION_DOMAIN_IDS, []);
		$ids = is_array($ids) ? $ids : [];

		$ids[ self::key($target) ][ self::normalize($domain) ] = $id;

		update_network_option(null, self::OPTION_DOMAIN_IDS, $ids);
	}

	/**
	 * Forgets a RunCloud id.
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @return void
	 */
	private function forget_id(array $target, string $domain): void {

		$ids = get_network_option(null, self::OPTION_DOMAIN_IDS, []);
		$key = self::key($target);
		$dom = self::normalize($domain);

		if ( ! is_array($ids) || ! isset($ids[ $key ][ $dom ])) {
			return;
		}

		unset($ids[ $key ][ $dom ]);

		if ( ! $ids[ $key ]) {
			unset($ids[ $key ]);
		}

		update_network_option(null, self::OPTION_DOMAIN_IDS, $ids);
	}

	/*
	 * ------------------------------------------------------------------
	 * Connection test and drift (CLI, wizards)
	 * ------------------------------------------------------------------
	 */

	/**
	 * Checks credentials and every target's web app. Throws on failure.
	 *
	 * @return array ['ok', 'api_version', 'targets' => [['server_id', 'app_id', 'webapp' => ['id', 'name']]...]]
	 */
	public function test_connection(): array {

		$result = wu_runcloud_test_connection($this->options());
		$seen   = [];

		foreach ((array) ($result['targets'] ?? []) as $target) {
			$seen[ self::key($target) ] = true;
		}

		// Extra targets saved by the 2.5 wizard are not known to the extension.
		foreach ($this->targets() as $target) {
			if (empty($seen[ self::key($target) ])) {
				$more = wu_runcloud_test_connection($this->options($target));

				foreach ((array) ($more['targets'] ?? []) as $found) {
					$result['targets'][] = $found;
				}
			}
		}

		return $result;
	}

	/**
	 * The host names the network maps: active mapped domains and, on a subdomain network, the sites'
	 * subdomains (the network's own domain excluded).
	 *
	 * @return array<string, array{kind: string, site_id: int}>
	 */
	public function expected_domains(): array {

		$network  = $this->network_domain();
		$expected = [];

		if (function_exists('wu_get_domains')) {
			$offset = 0;

			do {
				$page = (array) wu_get_domains(
					[
						'active' => true,
						'number' => 100,
						'offset' => $offset,
					]
				);

				foreach ($page as $mapping) {
					$name = is_object($mapping) && method_exists($mapping, 'get_domain') ? self::normalize((string) $mapping->get_domain()) : '';

					if ('' !== $name && $name !== $network) {
						$expected[ $name ] = [
							'kind'    => 'domain',
							'site_id' => method_exists($mapping, 'get_site_id') ? (int) $mapping->get_site_id() : 0,
						];
					}
				}

				$offset += 100;
			} while (count($page) >= 100 && $offset < 100000);
		}

		if (function_exists('is_subdomain_install') && is_subdomain_install() && function_exists('get_sites')) {
			$query = [
				'number'  => 0,
				'deleted' => 0,
			];

			if (function_exists('get_current_network_id')) {
				$query['network_id'] = get_current_network_id();
			}

			foreach ((array) get_sites($query) as $site) {
				$name = self::normalize((string) $site->domain);

				if ('' !== $name && $name !== $network && ! isset($expected[ $name ])) {
					$expected[ $name ] = [
						'kind'    => 'subdomain',
						'site_id' => (int) $site->blog_id,
					];
				}
			}
		}

		/**
		 * Filters the host names the network expects on RunCloud (drift repair).
		 *
		 * @param array $expected name => ['kind' => 'domain'|'subdomain', 'site_id' => int].
		 */
		return (array) apply_filters('wu_runcloud_expected_domains', $expected);
	}

	/**
	 * The network's own domain.
	 *
	 * @return string
	 */
	private function network_domain(): string {

		if (function_exists('get_network')) {
			$network = get_network();

			if (is_object($network) && ! empty($network->domain)) {
				return self::normalize((string) $network->domain);
			}
		}

		return defined('DOMAIN_CURRENT_SITE') ? self::normalize((string) DOMAIN_CURRENT_SITE) : '';
	}

	/**
	 * For each target: what the network maps and RunCloud lacks, and what RunCloud has that the
	 * network no longer maps. The app's primary domain, wildcard domains and the network's own
	 * domain are protected: never orphans.
	 *
	 * @return array<int, array{target: array, key: string, present: int, missing: array, orphans: array, protected: array}>
	 */
	public function drift_report(): array {

		$expected = $this->expected_domains();
		$network  = $this->network_domain();
		$keep     = array_map([self::class, 'normalize'], (array) apply_filters('wu_runcloud_protected_domains', []));
		$report   = [];

		foreach ($this->targets() as $target) {
			$records = wu_runcloud_list_domains($this->options($target));
			$present = [];

			foreach ($records as $record) {
				$present[ self::normalize((string) $record['name']) ] = $record;
			}

			$missing = [];

			foreach ($expected as $name => $info) {
				if (isset($present[ $name ])) {
					continue;
				}

				if ('subdomain' === $info['kind'] && null !== $this->wildcard_cover($name, $target, $records)) {
					continue;
				}

				$missing[ $name ] = $info;
			}

			$orphans   = [];
			$protected = [];

			foreach ($present as $name => $record) {
				if (isset($expected[ $name ])) {
					continue;
				}

				if ('primary' === ($record['type'] ?? '') || ! empty($record['wildcard']) || 0 === strpos($name, '*.') || $name === $network || in_array($name, $keep, true)) {
					$protected[] = $name;
				} else {
					$orphans[ $name ] = $record;
				}
			}

			$report[] = [
				'target'    => $target,
				'key'       => self::key($target),
				'present'   => count($present),
				'missing'   => $missing,
				'orphans'   => $orphans,
				'protected' => $protected,
			];
		}

		return $report;
	}
}
