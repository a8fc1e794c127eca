<?php
/**
 * Puts the network back to the state every scenario starts from: only the main site, no domain
 * mappings, empty queue, none of the plugin's options, no e2e seams set, both plugins
 * network-active, Ultimate Multisite 2.5 with its default settings, empty wu-logs.
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	global $wpdb;

	require_once ABSPATH . 'wp-admin/includes/plugin.php';
	require_once ABSPATH . 'wp-admin/includes/ms.php';

	foreach (get_sites(['fields' => 'ids', 'number' => 0, 'site__not_in' => [get_main_site_id()]]) as $site_id) {
		wpmu_delete_blog((int) $site_id, true);
	}

	$wpdb->query('TRUNCATE TABLE ' . $wpdb->base_prefix . 'wu_domain_mappings');

	foreach (['actionscheduler_actions', 'actionscheduler_claims', 'actionscheduler_groups', 'actionscheduler_logs'] as $table) {
		$wpdb->query("TRUNCATE TABLE {$wpdb->prefix}{$table}");
	}

	$names = $wpdb->get_col(
		$wpdb->prepare(
			"SELECT meta_key FROM {$wpdb->sitemeta} WHERE meta_key LIKE %s OR meta_key LIKE %s OR meta_key = %s",
			$wpdb->esc_like('wu_runcloud_') . '%',
			$wpdb->esc_like('wu_e2e_') . '%',
			'wp-ultimo_v2_settings'
		)
	);

	foreach ($names as $name) {
		delete_network_option(null, $name);
	}

	$wpdb->query($wpdb->prepare("DELETE FROM {$wpdb->sitemeta} WHERE site_id <> %d", get_current_network_id()));
	$wpdb->query($wpdb->prepare("DELETE FROM {$wpdb->site} WHERE id <> %d", get_current_network_id()));

	foreach (['ultimate-multisite/ultimate-multisite.php', 'wu-runcloud/wu-runcloud.php'] as $plugin) {
		$result = is_plugin_active_for_network($plugin) ? null : activate_plugin($plugin, '', true);

		if (is_wp_error($result)) {
			throw new RuntimeException("activate_plugin({$plugin}): " . $result->get_error_message());
		}
	}

	update_network_option(null, 'wu_host_integrations_enabled', ['runcloud' => true]);

	$uploads = wp_upload_dir();

	foreach ((array) glob(trailingslashit($uploads['basedir']) . 'wu-logs/*.log') as $log) {
		unlink($log);
	}

	return ['sites' => count(get_sites(['number' => 0]))];
};
