<?php
/**
 * Plugin Name: wu_runcloud e2e seams
 * Description: Test seams of the e2e network. wu_e2e_runcloud_options (a network option, array)
 * is merged into the plugin's native call options through its `wu_runcloud_options` filter (e.g.
 * an invalid app_id to show the invalid-configuration notice). WordPress's calls to wordpress.org
 * (update checks, the events feed), which cannot work offline, are taken out.
 *
 * @package WU_RunCloud_E2E
 */

defined('ABSPATH') || exit;

add_filter(
	'wu_runcloud_options',
	static function ($options) {
		$override = get_network_option(null, 'wu_e2e_runcloud_options', []);

		return is_array($override) && $override ? array_merge((array) $options, $override) : $options;
	}
);

/*
 * The e2e network is offline (WP_HTTP_BLOCK_EXTERNAL): WordPress's update checks against
 * wordpress.org could only fail, and a failed check raises a PHP warning under WP_DEBUG.
 */
foreach (
	[
		['admin_init', '_maybe_update_core'],
		['admin_init', '_maybe_update_plugins'],
		['admin_init', '_maybe_update_themes'],
		['load-plugins.php', 'wp_update_plugins'],
		['load-themes.php', 'wp_update_themes'],
		['load-update.php', 'wp_update_plugins'],
		['load-update.php', 'wp_update_themes'],
		['load-update-core.php', 'wp_update_plugins'],
		['load-update-core.php', 'wp_update_themes'],
		['init', 'wp_schedule_update_checks'],
	] as $wu_e2e_hook
) {
	remove_action($wu_e2e_hook[0], $wu_e2e_hook[1]);
}

unset($wu_e2e_hook);

// Offline, the network dashboard's "WordPress Events and News" box shows only feed errors.
add_action(
	'wp_network_dashboard_setup',
	static function () {
		remove_meta_box('dashboard_primary', 'dashboard-network', 'side');
	},
	20
);
