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
 * The world's DNS and the certificates served, for Ultimate Multisite's domain stages: the
 * emulator's (the same names RunCloud's certificate issuance sees). A name points here unless
 * the emulator's DNS control plane says otherwise; a certificate is valid for a name when the
 * certificate of web app 1:1 covers it. Asked each time (a queue run changes both).
 */
function wu_e2e_emulator(string $path): array {

	$root  = preg_replace('~/api/?$~', '', (string) (defined('WU_RUNCLOUD_API_URL') ? WU_RUNCLOUD_API_URL : ''));
	$body  = '' === $root ? false : @file_get_contents($root . '/__emulator' . $path, false, stream_context_create(['http' => ['timeout' => 5]])); // phpcs:ignore WordPress.WP.AlternativeFunctions
	$value = false === $body ? null : json_decode($body, true);

	return is_array($value) ? $value : [];
}

add_filter(
	'wu_e2e_has_correct_dns',
	static function ($points_here, $name) {
		$names = (array) (wu_e2e_emulator('/dns')['names'] ?? []);

		return array_key_exists($name, $names) ? (bool) $names[ $name ] : $points_here;
	},
	10,
	2
);

add_filter(
	'wu_e2e_has_valid_ssl_certificate',
	static function ($valid, $name) {
		foreach ((array) (wu_e2e_emulator('/state')['apps'] ?? []) as $app) {
			if (1 === (int) ($app['server_id'] ?? 0) && 1 === (int) ($app['app_id'] ?? 0)) {
				return $valid || in_array($name, (array) ($app['ssl']['basic']['covered_domains'] ?? []), true);
			}
		}

		return $valid;
	},
	10,
	2
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
