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
	 * How many recorded failures are kept.
	 */
	const MAX_ERRORS = 20;

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

		$errors = $this->get_errors();

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
	 * Records a failure an administrator must act on (already redacted by the caller).
	 *
	 * @param string $message The message.
	 * @return void
	 */
	public function record_error(string $message): void {

		$errors   = $this->get_errors();
		$errors[] = [
			'time'    => time(),
			'message' => $message,
		];

		update_network_option(null, self::OPTION_ERRORS, array_slice($errors, -self::MAX_ERRORS));
	}

	/**
	 * The recorded failures, oldest first.
	 *
	 * @return array<int, array{time: int, message: string}>
	 */
	public function get_errors(): array {

		$errors = get_network_option(null, self::OPTION_ERRORS, []);

		return is_array($errors) ? array_values($errors) : [];
	}

	/**
	 * Forgets the recorded failures (after a successful `wp runcloud sync`).
	 *
	 * @return void
	 */
	public function clear_errors(): void {

		delete_network_option(null, self::OPTION_ERRORS);
	}
}
