<?php
/**
 * Network-activates Ultimate Multisite (stand-in) and the plugin under test, enables the RunCloud
 * integration, and sets Ultimate Multisite's defaults.
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	require_once ABSPATH . 'wp-admin/includes/plugin.php';

	$activated = [];

	foreach (['ultimate-multisite/ultimate-multisite.php', 'wu-runcloud/wu-runcloud.php'] as $plugin) {
		$result = activate_plugin($plugin, '', true);

		if (is_wp_error($result)) {
			throw new RuntimeException("activate_plugin({$plugin}): " . $result->get_error_message());
		}

		$activated[] = $plugin;
	}

	update_network_option(null, 'wu_host_integrations_enabled', ['runcloud' => true]);

	return ['activated' => $activated];
};
