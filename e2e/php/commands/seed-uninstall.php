<?php
/**
 * Seeds what uninstall.php must remove, and what it must leave, on two networks: the plugin's
 * options (today's and a future one), a site transient, look-alike options (`wu_runcloudX...`
 * proves the LIKE pattern escapes `_`), Ultimate Multisite's shared toggle; pending Action
 * Scheduler actions of today's and a future wu_runcloud_ hook plus other hooks; WP-Cron events;
 * the RunCloud page's screen option (user meta) and a look-alike user meta.
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	global $wpdb;

	$second = 2;

	$wpdb->replace(
		$wpdb->site,
		[
			'id'     => $second,
			'domain' => 'second-network.test',
			'path'   => '/',
		]
	);
	clean_network_cache($second);

	// A network's default meta, as WordPress's network installer writes it.
	require_once ABSPATH . 'wp-admin/includes/schema.php';
	populate_network_meta($second, ['subdomain_install' => 1]);

	$main = wp_insert_site(
		[
			'domain'     => 'second-network.test',
			'path'       => '/',
			'network_id' => $second,
		]
	);

	if (is_wp_error($main)) {
		throw new RuntimeException('wp_insert_site: ' . $main->get_error_message());
	}

	update_network_option($second, 'main_site', $main);

	foreach ([get_current_network_id(), $second] as $network_id) {
		update_network_option($network_id, 'wu_runcloud_domain_ids', ['1:1' => ['shop.example.com' => 100001]]);
		update_network_option($network_id, 'wu_runcloud_errors', [['time' => time(), 'message' => 'seeded']]);
		update_network_option($network_id, 'wu_runcloud_future_state', ['added' => 'later']);
		update_network_option($network_id, 'wu_runcloudXkeep', 'not ours: the prefix is wu_runcloud_');
		update_network_option($network_id, 'wu_host_integrations_enabled', ['runcloud' => true]);
	}

	set_site_transient('wu_runcloud_last_check', ['ok' => true], 3600);

	// The screen option as WordPress saves it (set_screen_options(): user meta named by the option).
	update_user_meta(1, 'wu_runcloud_domains_per_page', 25);
	update_user_meta(1, 'wu_runcloudXkeep', 'not ours');

	$job = [
		'op'        => 'add_domain',
		'domain'    => 'shop.example.com',
		'site_id'   => 2,
		'server_id' => 1,
		'app_id'    => 1,
		'attempt'   => 2,
	];

	as_schedule_single_action(time() + 60, 'wu_runcloud_retry', [$job], 'domain');
	as_schedule_single_action(time() + 3600, 'wu_runcloud_future_hook', ['x'], 'domain');
	as_enqueue_async_action('wu_add_domain', ['domain' => 'keep.example.com', 'site_id' => 2], 'domain');
	as_schedule_single_action(time() + 60, 'wu_runcloudXkeep', [], 'domain');

	wp_schedule_single_event(time() + 3600, 'wu_runcloud_cron_check', ['x']);
	wp_schedule_single_event(time() + 3600, 'wu_e2e_unrelated_cron', ['x']);

	return ['networks' => [get_current_network_id(), $second]];
};
