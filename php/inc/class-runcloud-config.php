<?php
/**
 * The configuration every native call gets, and the web apps (targets) every change goes to.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Resolves the options of each wu_runcloud_* call and the list of targets.
 *
 * Constants are read by the extension itself; what is not a constant (the 2.5 wizard's stored
 * credentials, 2.4's get_credential()) comes from the credential source set by the adapter, and
 * every call's options pass through the `wu_runcloud_options` filter.
 */
class RunCloud_Config {

	/**
	 * The logger (an ignored extra target is a warning).
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * Returns credential overrides: native option keys, plus 'extra_targets' (a "S:A,S:A" string).
	 *
	 * @var callable|null
	 */
	private $credentials;

	/**
	 * Whether someone waits on this request (`max_wait` of each call).
	 *
	 * @var RunCloud_Request_Context
	 */
	private $context;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Logger               $logger      The logger.
	 * @param callable|null                 $credentials Credential source (2.5: stored credentials), else constants only.
	 * @param RunCloud_Request_Context|null $context     The request context (default: a new one).
	 */
	public function __construct(RunCloud_Logger $logger, ?callable $credentials = null, ?RunCloud_Request_Context $context = null) {

		$this->logger      = $logger;
		$this->credentials = $credentials;
		$this->context     = $context ?? new RunCloud_Request_Context();
	}

	/**
	 * Sets where credentials that are not constants come from.
	 *
	 * @param callable|null $credentials Returns an array of overrides (see RunCloud_Credentials::options_from_credentials()).
	 * @return void
	 */
	public function set_credentials_source(?callable $credentials): void {

		$this->credentials = $credentials;
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
	 * Options for one native call: credential overrides and, when someone waits on this request
	 * (an admin page, the wizard's test), a small `max_wait`; filtered; plus $extra.
	 *
	 * @param array $extra Per-call options (server_id, app_id, www...).
	 * @return array
	 */
	public function options(array $extra = []): array {

		$options  = $this->credentials();
		$max_wait = $this->context->max_wait();

		unset($options['extra_targets']);

		if (null !== $max_wait) {
			$options['max_wait'] = $max_wait;
		}

		$cap = $this->context->timeout_cap();

		// Someone waits: one request may not take the configured (background) timeout. Left alone
		// when the constant is not a number, so the configuration error still shows.
		if (null !== $cap && ( ! defined('WU_RUNCLOUD_TIMEOUT') || is_numeric(constant('WU_RUNCLOUD_TIMEOUT')))) {
			$configured         = isset($options['timeout']) ? (int) $options['timeout'] : (defined('WU_RUNCLOUD_TIMEOUT') ? (int) constant('WU_RUNCLOUD_TIMEOUT') : 30);
			$options['timeout'] = max(1, min($configured > 0 ? $configured : 30, $cap));
		}

		/**
		 * Filters the configuration options passed to every wu_runcloud_* call (api_url, timeout,
		 * credentials, max_wait...).
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
	 * A target with exactly its two integer ids (the argument of a queued job, compared exactly).
	 *
	 * @param array $target A target.
	 * @return array{server_id: int, app_id: int}
	 */
	public static function target(array $target): array {

		return ['server_id' => (int) $target['server_id'], 'app_id' => (int) $target['app_id']];
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
}
