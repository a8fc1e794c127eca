<?php
/**
 * Ultimate Multisite's global helper functions an integration uses (signatures as in 2.4.x/2.5):
 * settings, logging, assets, the scheduler wrappers (which switch to the main site, as UM's do),
 * and the domain mapping functions.
 *
 * @package WU_RunCloud_E2E
 */

defined('ABSPATH') || exit;

/**
 * A network setting (UM keeps them in the network option wp-ultimo_v2_settings).
 *
 * @param string $setting The setting.
 * @param mixed  $default Returned when unset.
 * @return mixed
 */
function wu_get_setting($setting, $default = false) {

	$settings = get_network_option(null, 'wp-ultimo_v2_settings', []);

	return is_array($settings) && array_key_exists($setting, $settings) ? $settings[ $setting ] : $default;
}

/**
 * Saves a network setting.
 *
 * @param string $setting The setting.
 * @param mixed  $value   The value.
 * @return bool
 */
function wu_save_setting($setting, $value) {

	$settings = get_network_option(null, 'wp-ultimo_v2_settings', []);
	$settings = is_array($settings) ? $settings : [];

	$settings[ $setting ] = $value;

	return update_network_option(null, 'wp-ultimo_v2_settings', $settings);
}

/**
 * $array[$key] when set, else $default.
 *
 * @param array|object $array   The array.
 * @param string       $key     The key.
 * @param mixed        $default The default.
 * @return mixed
 */
function wu_get_isset($array, $key, $default = false) {

	$array = (array) $array;

	return isset($array[ $key ]) ? $array[ $key ] : $default;
}

/**
 * Adds a line to wu-logs/<handle>.log.
 *
 * @param string           $handle    The log file's name.
 * @param string|\WP_Error $message   The line.
 * @param string           $log_level A PSR-3 level.
 * @return void
 */
function wu_log_add($handle, $message, $log_level = 'info') {

	\WP_Ultimo\Logger::add($handle, $message, $log_level);
}

/**
 * URL of an asset of the plugin.
 *
 * @param string $asset      File name.
 * @param string $assets_dir Sub-directory.
 * @param string $base_dir   Base directory.
 * @return string
 */
function wu_get_asset($asset, $assets_dir = 'img', $base_dir = 'assets') {

	return plugins_url("{$base_dir}/{$assets_dir}/{$asset}", dirname(__DIR__) . '/ultimate-multisite.php');
}

/**
 * Prints a template of the plugin (the stand-in has none).
 *
 * @param string $view         Template name.
 * @param array  $args         Variables.
 * @param string $default_view Fallback.
 * @return void
 */
function wu_get_template($view, $args = [], $default_view = false) {}

/**
 * The network's main site.
 *
 * @return int
 */
function wu_get_main_site_id() {

	return (int) get_main_site_id();
}

/**
 * Runs $callback on a site (default: the main site), then switches back.
 *
 * @param callable  $callback The callback.
 * @param int|false $site_id  The site.
 * @return mixed
 */
function wu_switch_blog_and_run($callback, $site_id = false) {

	$site_id = $site_id ? $site_id : wu_get_main_site_id();

	is_multisite() && switch_to_blog($site_id);

	$result = call_user_func($callback);

	is_multisite() && restore_current_blog();

	return $result;
}

/**
 * Action Scheduler's as_enqueue_async_action() on the main site.
 *
 * @param string $hook  The hook.
 * @param array  $args  Arguments.
 * @param string $group The group.
 * @return int
 */
function wu_enqueue_async_action($hook, $args = [], $group = '') {

	return wu_switch_blog_and_run(
		static function () use ($hook, $args, $group) {
			return as_enqueue_async_action($hook, $args, $group);
		}
	);
}

/**
 * Action Scheduler's as_schedule_single_action() on the main site.
 *
 * @param int    $timestamp When.
 * @param string $hook      The hook.
 * @param array  $args      Arguments.
 * @param string $group     The group.
 * @return int
 */
function wu_schedule_single_action($timestamp, $hook, $args = [], $group = '') {

	return wu_switch_blog_and_run(
		static function () use ($timestamp, $hook, $args, $group) {
			return as_schedule_single_action($timestamp, $hook, $args, $group);
		}
	);
}

/**
 * Domain mappings matching a query.
 *
 * @param array $query blog_id, domain, active, stage, number, offset.
 * @return \WP_Ultimo\Models\Domain[]
 */
function wu_get_domains($query = []) {

	return \WP_Ultimo\Models\Domain::query((array) $query);
}

/**
 * One domain mapping by id.
 *
 * @param int $domain_id The id.
 * @return \WP_Ultimo\Models\Domain|false
 */
function wu_get_domain($domain_id) {

	$found = \WP_Ultimo\Models\Domain::query(['id' => (int) $domain_id, 'number' => 1]);

	return $found ? $found[0] : false;
}

/**
 * One domain mapping by name.
 *
 * @param string $domain The name.
 * @return \WP_Ultimo\Models\Domain|false
 */
function wu_get_domain_by_domain($domain) {

	$found = \WP_Ultimo\Models\Domain::query(['domain' => (string) $domain, 'number' => 1]);

	return $found ? $found[0] : false;
}

/**
 * Creates a domain mapping (which fires wu_transition_domain_domain, hence wu_add_domain).
 *
 * @param array $args blog_id, domain, active, primary_domain, secure, stage.
 * @return \WP_Ultimo\Models\Domain|\WP_Error
 */
function wu_create_domain($args) {

	$domain = new \WP_Ultimo\Models\Domain($args);
	$saved  = $domain->save();

	return is_wp_error($saved) ? $saved : $domain;
}

/**
 * The main plugin object: only what integrations touch (notices).
 *
 * @return object
 */
function WP_Ultimo() { // phpcs:ignore WordPress.NamingConventions.ValidFunctionName.FunctionNameInvalid

	static $core;

	if (null === $core) {
		$core = new class() {

			/**
			 * Admin notices of Ultimate Multisite.
			 *
			 * @var object
			 */
			public $notices;

			/**
			 * Builds the notices store.
			 */
			public function __construct() {

				$this->notices = new \WP_Ultimo\Admin_Notices();
			}

			/**
			 * Whether the plugin finished loading.
			 *
			 * @return bool
			 */
			public function is_loaded() {

				return true;
			}
		};
	}

	return $core;
}
