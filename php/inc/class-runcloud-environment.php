<?php
/**
 * What the plugin depends on, and whether it is there: the extension, Ultimate Multisite, the
 * integration toggle, a usable configuration. Reads only: never calls RunCloud.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Each check answers with a problem (an array: 'id', 'type' (error|warning|info), and the
 * facts the notice words) or nothing; problems() lists every one that applies now.
 *
 * The extension and configuration checks go through two seams so tests can exercise them
 * without unloading the extension: "is the extension loaded" and "read the resolved configuration".
 */
class RunCloud_Environment {

	/**
	 * The oldest Ultimate Multisite this plugin plugs into (the 2.4 host provider API; 2.5's
	 * integrations). Older versions do not fire the hooks it uses.
	 */
	const MIN_UM_VERSION = '2.4.0';

	/**
	 * Ultimate Multisite's plugin slug (its directory on wordpress.org and in `Requires Plugins`)
	 * and the directories of its earlier names, which it migrates itself.
	 */
	const UM_SLUG         = 'ultimate-multisite';
	const UM_FORMER_SLUGS = ['wp-ultimo', 'wp-multisite-waas', 'multisite-ultimate'];

	/**
	 * Problem ids.
	 */
	const EXTENSION_MISSING    = 'extension-missing';
	const UM_ABSENT            = 'um-absent';
	const UM_INACTIVE          = 'um-inactive';
	const UM_TOO_OLD           = 'um-too-old';
	const UM_NOT_READY         = 'um-not-ready';
	const INTEGRATION_DISABLED = 'integration-disabled';
	const CONFIG_INVALID       = 'config-invalid';
	const CONFIG_INCOMPLETE    = 'config-incomplete';
	const V2_CREDENTIALS       = 'v2-credentials';

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
	 * The configuration: ['state' => 'ok'|'incomplete'|'invalid'|'unknown', 'config' => the
	 * resolved array or null, 'missing' => constant names, 'message' => the extension's words
	 * when invalid]. 'unknown' without the extension.
	 *
	 * @return array
	 */
	public function configuration(): array {

		$answer = [
			'state'   => 'unknown',
			'config'  => null,
			'missing' => [],
			'message' => null,
		];

		if ( ! $this->is_extension_loaded()) {
			return $answer;
		}

		try {
			$config = (array) call_user_func($this->config_reader);
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			$answer['state']   = 'invalid';
			$answer['message'] = (string) $e->getMessage();

			return $answer;
		}

		$missing = isset($config['missing']) && is_array($config['missing']) ? array_map('strval', $config['missing']) : [];

		$answer['config']  = $config;
		$answer['missing'] = $missing;
		$answer['state']   = $missing ? 'incomplete' : 'ok';

		return $answer;
	}

	/**
	 * Ultimate Multisite: ['state' => 'active'|'absent'|'inactive'|'too-old'|'not-ready',
	 * 'version' => ?string, 'generation' => ?string ('2.4'|'2.5' once our adapter is loaded),
	 * 'plugin' => ?string (its plugin file when installed)].
	 *
	 * @param string|null $generation The adapter loaded (RunCloud_Plugin::generation()).
	 * @return array
	 */
	public function ultimate_multisite(?string $generation = null): array {

		$version = self::um_version();
		$loaded  = null !== $version || class_exists('\\WP_Ultimo', false) || function_exists('WP_Ultimo') || class_exists('\\WP_Ultimo\\Managers\\Domain_Manager');
		$answer  = [
			'state'      => 'active',
			'version'    => $version,
			'generation' => $generation,
			'plugin'     => null,
		];

		if ( ! $loaded) {
			$answer['plugin'] = self::um_plugin_file();
			$answer['state']  = null === $answer['plugin'] ? 'absent' : 'inactive';

			return $answer;
		}

		if (null !== $version && version_compare($version, self::MIN_UM_VERSION, '<')) {
			$answer['state'] = 'too-old';

			return $answer;
		}

		if (function_exists('WP_Ultimo')) {
			$core = WP_Ultimo();

			if (is_object($core) && method_exists($core, 'is_loaded') && ! $core->is_loaded()) {
				// Its requirements or its setup wizard are not done: it loads nothing, fires nothing.
				$answer['state'] = 'not-ready';
			}
		}

		return $answer;
	}

	/**
	 * Whether the RunCloud integration is turned on in Ultimate Multisite (one toggle for ours and
	 * the core's: same id).
	 *
	 * @return bool
	 */
	public function integration_enabled(): bool {

		$enabled = get_network_option(null, 'wu_host_integrations_enabled', []);

		return is_array($enabled) && ! empty($enabled['runcloud']);
	}

	/**
	 * Every problem that applies now, most fundamental first.
	 *
	 * @param string|null $generation The Ultimate Multisite adapter loaded, if any.
	 * @return array<int, array{id: string, type: string}>
	 */
	public function problems(?string $generation = null): array {

		$problems = [];

		if ( ! $this->is_extension_loaded()) {
			$problems[] = [
				'id'   => self::EXTENSION_MISSING,
				'type' => 'error',
			];
		}

		$um = $this->ultimate_multisite($generation);

		$um_problem = [
			'absent'    => self::UM_ABSENT,
			'inactive'  => self::UM_INACTIVE,
			'too-old'   => self::UM_TOO_OLD,
			'not-ready' => self::UM_NOT_READY,
		][ $um['state'] ] ?? null;

		if (null !== $um_problem) {
			$problems[] = [
				'id'      => $um_problem,
				'type'    => 'error',
				'version' => $um['version'],
				'minimum' => self::MIN_UM_VERSION,
			];
		} elseif ( ! $this->integration_enabled()) {
			$problems[] = [
				'id'   => self::INTEGRATION_DISABLED,
				'type' => 'warning',
			];
		}

		$configuration = $this->configuration();

		if ('invalid' === $configuration['state']) {
			$problems[] = [
				'id'      => self::CONFIG_INVALID,
				'type'    => 'error',
				'message' => $configuration['message'],
			];
		} elseif ('incomplete' === $configuration['state']) {
			$problems[] = [
				'id'      => self::CONFIG_INCOMPLETE,
				'type'    => 'warning',
				'missing' => $configuration['missing'],
			];
		} elseif ('ok' === $configuration['state'] && 'key_secret' === ($configuration['config']['auth'] ?? null)) {
			$problems[] = [
				'id'   => self::V2_CREDENTIALS,
				'type' => 'info',
			];
		}

		return $problems;
	}

	/**
	 * Whether a domain change can be sent to RunCloud now: the extension is loaded and the
	 * configuration complete and valid.
	 *
	 * @return bool
	 */
	public function can_send(): bool {

		return 'ok' === $this->configuration()['state'];
	}

	/**
	 * Ultimate Multisite's version, when it says (WP_Ultimo::VERSION since 2.1, the
	 * WP_Ultimo()->version property before).
	 *
	 * @return string|null
	 */
	public static function um_version(): ?string {

		if (class_exists('\\WP_Ultimo', false) && defined('\\WP_Ultimo::VERSION')) {
			return (string) constant('\\WP_Ultimo::VERSION');
		}

		if (function_exists('WP_Ultimo')) {
			$core = WP_Ultimo();

			if (is_object($core) && isset($core->version) && is_scalar($core->version)) {
				return (string) $core->version;
			}
		}

		return null;
	}

	/**
	 * Ultimate Multisite's plugin file when it is installed (active or not), else null. Reads the
	 * plugins directory (cached by WordPress): only called when Ultimate Multisite is not loaded.
	 *
	 * @return string|null
	 */
	private static function um_plugin_file(): ?string {

		if ( ! function_exists('get_plugins')) {
			if ( ! defined('ABSPATH') || ! is_readable(ABSPATH . 'wp-admin/includes/plugin.php')) {
				return null;
			}

			require_once ABSPATH . 'wp-admin/includes/plugin.php';
		}

		foreach (array_keys((array) get_plugins()) as $file) {
			if (in_array(dirname((string) $file), array_merge([self::UM_SLUG], self::UM_FORMER_SLUGS), true)) {
				return (string) $file;
			}
		}

		return null;
	}
}
