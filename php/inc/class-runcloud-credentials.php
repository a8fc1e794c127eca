<?php
/**
 * The WU_RUNCLOUD_* credential constants: wizard fields, setup check, stored-credential overrides.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * What both Ultimate Multisite generations need to know about the plugin's constants. Stateless.
 *
 * A constant defined in wp-config.php is read by the extension itself; a value the 2.5 wizard
 * saved (or a 2.4 get_credential()) reaches the extension as a native option instead.
 */
class RunCloud_Credentials {

	/**
	 * Credential constants and the native option each one maps to.
	 */
	const NATIVE_OPTIONS = [
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
	 * Builds credential overrides from a get_credential()-style reader: only for constants that are
	 * not defined (the extension reads defined constants itself).
	 *
	 * @param callable $get_credential Takes a constant name, returns its value or ''.
	 * @return array Native option keys, plus 'extra_targets' (a "S:A,S:A" string).
	 */
	public static function options_from_credentials(callable $get_credential): array {

		$options = [];

		foreach (array_merge(self::NATIVE_OPTIONS, ['WU_RUNCLOUD_EXTRA_TARGETS' => 'extra_targets']) as $constant => $option) {
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
	 * Wizard fields shared by both generations (constant => field).
	 *
	 * @return array
	 */
	public static function fields(): array {

		return [
			'WU_RUNCLOUD_API_TOKEN'     => [
				'title'       => __('RunCloud API Token (v3)', 'wu-runcloud'),
				'desc'        => __('Workspace > Settings > API Management (the RunCloud API toggle must be on). Leave empty to use an API key and secret (v2) instead.', 'wu-runcloud'),
				'placeholder' => __('e.g. your-api-token-here', 'wu-runcloud'),
				'type'        => 'password',
			],
			'WU_RUNCLOUD_API_KEY'       => [
				'title'       => __('RunCloud API Key (v2, legacy)', 'wu-runcloud'),
				'desc'        => __('Only when no API token is set: Settings > API Key.', 'wu-runcloud'),
				'placeholder' => __('e.g. your-api-key', 'wu-runcloud'),
			],
			'WU_RUNCLOUD_API_SECRET'    => [
				'title'       => __('RunCloud API Secret (v2, legacy)', 'wu-runcloud'),
				'desc'        => __('Goes with the API key.', 'wu-runcloud'),
				'placeholder' => __('e.g. your-api-secret', 'wu-runcloud'),
				'type'        => 'password',
			],
			'WU_RUNCLOUD_SERVER_ID'     => [
				'title'       => __('RunCloud Server ID', 'wu-runcloud'),
				'desc'        => __('The number in the server URL in the RunCloud panel.', 'wu-runcloud'),
				'placeholder' => __('e.g. 11667', 'wu-runcloud'),
			],
			'WU_RUNCLOUD_APP_ID'        => [
				'title'       => __('RunCloud App ID', 'wu-runcloud'),
				'desc'        => __('The number in the web application URL in the RunCloud panel.', 'wu-runcloud'),
				'placeholder' => __('e.g. 940288', 'wu-runcloud'),
			],
			'WU_RUNCLOUD_EXTRA_TARGETS' => [
				'title'       => __('Extra web apps (optional)', 'wu-runcloud'),
				'desc'        => __('More web apps serving the same network, as SERVER_ID:APP_ID separated by commas. Every domain change goes to each.', 'wu-runcloud'),
				'placeholder' => __('e.g. 11668:940300', 'wu-runcloud'),
			],
		];
	}

	/**
	 * Setup check shared by both generations: a token, or a key AND a secret; a server id; an app id.
	 *
	 * @param callable $get Takes a constant name, returns its value or ''.
	 * @return array Missing constant names (empty when set up).
	 */
	public static function missing_credentials(callable $get): array {

		$missing = [];

		if ('' === (string) $get('WU_RUNCLOUD_API_TOKEN')) {
			$has_key    = '' !== (string) $get('WU_RUNCLOUD_API_KEY');
			$has_secret = '' !== (string) $get('WU_RUNCLOUD_API_SECRET');

			if ( ! $has_key && ! $has_secret) {
				$missing[] = 'WU_RUNCLOUD_API_TOKEN';
			} elseif ( ! $has_key) {
				$missing[] = 'WU_RUNCLOUD_API_KEY';
			} elseif ( ! $has_secret) {
				$missing[] = 'WU_RUNCLOUD_API_SECRET';
			}
		}

		foreach (['WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID'] as $constant) {
			if ('' === (string) $get($constant)) {
				$missing[] = $constant;
			}
		}

		return $missing;
	}

	/**
	 * Reads a constant the way Ultimate Multisite does (defined and non-empty), as a string.
	 *
	 * @param string $constant The constant name.
	 * @return string
	 */
	public static function constant_value(string $constant): string {

		return defined($constant) && constant($constant) ? (string) constant($constant) : '';
	}
}
