<?php
/**
 * Network admin notices: extension missing, configuration incomplete, v2 credentials, failures.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Works out which notices apply and prints them on network admin screens.
 *
 * The checks go through two seams so they can be exercised without unloading the extension:
 * "is the extension loaded" and "read the resolved configuration".
 */
class RunCloud_Admin_Notices {

	/**
	 * Network option holding the recent failures that need an administrator (newest last); named
	 * with the plugin's other options in RunCloud_State.
	 */
	const OPTION_ERRORS = RunCloud_State::OPTION_ERRORS;

	/**
	 * How many recorded failures of each kind are kept.
	 */
	const MAX_ERRORS = 20;

	/**
	 * Kinds of recorded failures.
	 */
	const KIND_PERMANENT     = 'permanent';     // A domain change RunCloud refused (401/403/404/422, configuration): not retried.
	const KIND_BLOCKING      = 'blocking';      // A name that was covered no longer validates: it blocks the app's certificate.
	const KIND_NAMES_WARNING = 'names_warning'; // The app's certificate holds 90 names or more.
	const KIND_NAMES_LIMIT   = 'names_limit';   // A redeploy would exceed 100 names: not sent.
	const KIND_SSL_FAILED    = 'ssl_failed';    // A domain got no certificate after the last try.

	/**
	 * The notice each certificate kind is shown in.
	 */
	const SSL_NOTICES = [
		self::KIND_BLOCKING      => [
			'id'   => 'certificate-blocked',
			'type' => 'error',
		],
		self::KIND_NAMES_LIMIT   => [
			'id'   => 'certificate-names-limit',
			'type' => 'error',
		],
		self::KIND_NAMES_WARNING => [
			'id'   => 'certificate-names-warning',
			'type' => 'warning',
		],
		self::KIND_SSL_FAILED    => [
			'id'   => 'certificate-failed',
			'type' => 'error',
		],
	];

	/**
	 * Returns whether the wu_runcloud extension is loaded.
	 *
	 * @var callable
	 */
	private $extension_loaded;

	/**
	 * Returns wu_runcloud_config() for the credentials in use (may throw).
	 *
	 * @var callable
	 */
	private $config_reader;

	/**
	 * Constructor.
	 *
	 * @param callable|null $extension_loaded Seam: returns bool. Default: the wu_runcloud_* functions exist.
	 * @param callable|null $config_reader    Seam: returns the wu_runcloud_config() array. Default: wu_runcloud_config().
	 */
	public function __construct(?callable $extension_loaded = null, ?callable $config_reader = null) {

		$this->extension_loaded = $extension_loaded ?? [self::class, 'native_extension_loaded'];
		$this->config_reader    = $config_reader ?? static function () {
			return wu_runcloud_config();
		};
	}

	/**
	 * Default "extension loaded" check: the native API is callable.
	 *
	 * @return bool
	 */
	public static function native_extension_loaded(): bool {

		return function_exists('wu_runcloud_config') && function_exists('wu_runcloud_add_domain');
	}

	/**
	 * Whether the extension is loaded, through the seam.
	 *
	 * @return bool
	 */
	public function is_extension_loaded(): bool {

		return (bool) call_user_func($this->extension_loaded);
	}

	/**
	 * Registers the notice printer.
	 *
	 * @return void
	 */
	public function register_hooks(): void {

		add_action('network_admin_notices', [$this, 'render']);
	}

	/**
	 * Every notice that applies now.
	 *
	 * @return array<int, array{type: string, id: string, message: string}>
	 */
	public function get_notices(): array {

		$notices = [];

		if ( ! $this->is_extension_loaded()) {
			$notices[] = [
				'type'    => 'error',
				'id'      => 'extension-missing',
				'message' => __('RunCloud integration: the wu_runcloud PHP extension is not loaded, so domains are not sent to RunCloud. Install it (make install, then restart PHP-FPM) and check that php -m lists wu_runcloud.', 'wu-runcloud'),
			];
		} else {
			try {
				$config = (array) call_user_func($this->config_reader);
			} catch (\Throwable $e) {
				$config    = null;
				$notices[] = [
					'type'    => 'error',
					'id'      => 'config-invalid',
					// translators: %s is the error message (never contains a secret).
					'message' => sprintf(__('RunCloud integration: the configuration is invalid: %s', 'wu-runcloud'), $e->getMessage()),
				];
			}

			if (null !== $config) {
				$missing = isset($config['missing']) && is_array($config['missing']) ? $config['missing'] : [];

				if ($missing) {
					$notices[] = [
						'type'    => 'warning',
						'id'      => 'config-incomplete',
						// translators: %s is a list of constant names.
						'message' => sprintf(__('RunCloud integration: the configuration is incomplete. Missing: %s (in wp-config.php, or in the integration wizard).', 'wu-runcloud'), implode(', ', array_map('strval', $missing))),
					];
				}

				if (isset($config['auth']) && 'key_secret' === $config['auth']) {
					$notices[] = [
						'type'    => 'info',
						'id'      => 'v2-credentials',
						'message' => __('RunCloud integration: an API key and secret (RunCloud API v2, legacy) are in use. This works; RunCloud recommends an API token (v3): create one in Workspace > Settings > API Management and set WU_RUNCLOUD_API_TOKEN.', 'wu-runcloud'),
					];
				}
			}
		}

		$errors = $this->get_errors(self::KIND_PERMANENT);

		if ($errors) {
			$lines = [];

			foreach (array_slice($errors, -5) as $error) {
				$lines[] = rtrim((string) $error['message'], '. ');
			}

			$notices[] = [
				'type'    => 'error',
				'id'      => 'recent-failures',
				// translators: %1$d is a count, %2$s the most recent failures.
				'message' => sprintf(__('RunCloud integration: %1$d domain change(s) could not be applied and will not be retried: %2$s. Fix the cause, then run `wp runcloud sync` (see the integration-runcloud log).', 'wu-runcloud'), count($errors), implode(' | ', $lines)),
			];
		}

		foreach (self::SSL_NOTICES as $kind => $notice) {
			$records = $this->get_errors($kind);

			if ( ! $records) {
				continue;
			}

			$notices[] = [
				'type'    => $notice['type'],
				'id'      => $notice['id'],
				'message' => __('RunCloud integration:', 'wu-runcloud') . ' ' . implode(' ', array_map(static function ($record) {
					return (string) $record['message'];
				}, array_slice($records, -5))) . (count($records) > 5 ? ' ' . sprintf(
					// translators: %d is a count.
					__('(%d more: run `wp runcloud status`.)', 'wu-runcloud'),
					count($records) - 5
				) : ''),
			];
		}

		return $notices;
	}

	/**
	 * Prints the notices (network admin, super admins only).
	 *
	 * @return void
	 */
	public function render(): void {

		if (function_exists('current_user_can') && ! current_user_can('manage_network')) {
			return;
		}

		foreach ($this->get_notices() as $notice) {
			printf(
				'<div class="notice notice-%1$s" data-wu-runcloud-notice="%2$s"><p>%3$s</p></div>',
				esc_attr($notice['type']),
				esc_attr($notice['id']),
				esc_html($notice['message'])
			);
		}
	}

	/**
	 * Records a failure an administrator must act on (already redacted by the caller), as
	 * structured data: what happened (`kind`), to which domain and web app, why, and what to do.
	 * A record with the same kind, target and domain replaces the earlier one.
	 *
	 * @param string $message The message, ready to show (one or two sentences).
	 * @param array  $details 'kind' (one of KIND_*, default KIND_PERMANENT), 'domain', 'target'
	 *                        ('SERVER:APP'), 'reason' (RunCloud's or Let's Encrypt's words),
	 *                        'action' (what the operator can do).
	 * @return void
	 */
	public function record_error(string $message, array $details = []): void {

		$kind   = (string) ($details['kind'] ?? self::KIND_PERMANENT);
		$record = [
			'time'    => time(),
			'message' => $message,
			'kind'    => $kind,
			'domain'  => isset($details['domain']) ? (string) $details['domain'] : null,
			'target'  => isset($details['target']) ? (string) $details['target'] : null,
			'reason'  => isset($details['reason']) ? (string) $details['reason'] : null,
			'action'  => isset($details['action']) ? (string) $details['action'] : null,
		];

		$record['key'] = self::record_key($kind, $record['target'], $record['domain']);

		$errors = $this->get_errors();

		if (self::KIND_PERMANENT !== $kind) {
			$errors = array_values(
				array_filter(
					$errors,
					static function ($error) use ($record) {
						return ($error['key'] ?? null) !== $record['key'];
					}
				)
			);
		}

		$errors[] = $record;

		// At most MAX_ERRORS of each kind, the newest kept.
		$kept  = [];
		$count = [];

		foreach (array_reverse($errors) as $error) {
			$error_kind = (string) ($error['kind'] ?? self::KIND_PERMANENT);

			$count[ $error_kind ] = ($count[ $error_kind ] ?? 0) + 1;

			if ($count[ $error_kind ] <= self::MAX_ERRORS) {
				$kept[] = $error;
			}
		}

		update_network_option(null, self::OPTION_ERRORS, array_reverse($kept));
	}

	/**
	 * Forgets the records of a cause that is gone (a blocking name validates again, the name
	 * count fell below the warning, a failed domain got its certificate or was removed).
	 *
	 * @param string      $kind   One of KIND_*.
	 * @param string|null $target 'SERVER:APP', or null for every app.
	 * @param string|null $domain The domain, or null for every domain.
	 * @return void
	 */
	public function resolve(string $kind, ?string $target = null, ?string $domain = null): void {

		$errors = $this->get_errors();
		$kept   = array_values(
			array_filter(
				$errors,
				static function ($error) use ($kind, $target, $domain) {
					return ! (($error['kind'] ?? self::KIND_PERMANENT) === $kind
						&& (null === $target || ($error['target'] ?? null) === $target)
						&& (null === $domain || ($error['domain'] ?? null) === $domain));
				}
			)
		);

		if (count($kept) !== count($errors)) {
			update_network_option(null, self::OPTION_ERRORS, $kept);
		}
	}

	/**
	 * The key that makes a record unique.
	 *
	 * @param string      $kind   The kind.
	 * @param string|null $target The target key.
	 * @param string|null $domain The domain.
	 * @return string
	 */
	private static function record_key(string $kind, ?string $target, ?string $domain): string {

		return $kind . '|' . (string) $target . '|' . (string) $domain;
	}

	/**
	 * The recorded failures, oldest first; of one kind when given (records written before kinds
	 * existed are KIND_PERMANENT).
	 *
	 * @param string|null $kind One of KIND_*, or null for all.
	 * @return array<int, array{time: int, message: string, kind: string, domain: ?string, target: ?string, reason: ?string, action: ?string, key: string}>
	 */
	public function get_errors(?string $kind = null): array {

		$errors = get_network_option(null, self::OPTION_ERRORS, []);
		$errors = is_array($errors) ? array_values($errors) : [];
		$all    = [];

		foreach ($errors as $error) {
			if ( ! is_array($error) || ! isset($error['message'])) {
				continue;
			}

			$error = array_merge(
				[
					'time'   => 0,
					'kind'   => self::KIND_PERMANENT,
					'domain' => null,
					'target' => null,
					'reason' => null,
					'action' => null,
				],
				$error
			);

			$error['key'] = $error['key'] ?? self::record_key((string) $error['kind'], $error['target'], $error['domain']);

			if (null === $kind || $error['kind'] === $kind) {
				$all[] = $error;
			}
		}

		return $all;
	}

	/**
	 * Forgets the recorded permanent failures (after a successful `wp runcloud sync`); the
	 * certificate records go when their cause does.
	 *
	 * @return void
	 */
	public function clear_errors(): void {

		$this->resolve(self::KIND_PERMANENT);
	}
}
