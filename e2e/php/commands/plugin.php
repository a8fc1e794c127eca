<?php
/**
 * Network-activates or network-deactivates a plugin.
 *
 *   {"action": "deactivate", "plugin": "ultimate-multisite/ultimate-multisite.php"}
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	require_once ABSPATH . 'wp-admin/includes/plugin.php';

	$plugin = (string) $args['plugin'];

	if ('activate' === $args['action']) {
		$result = activate_plugin($plugin, '', true);

		if (is_wp_error($result)) {
			throw new RuntimeException("activate_plugin({$plugin}): " . $result->get_error_message());
		}
	} else {
		deactivate_plugins($plugin, false, true);
	}

	return ['active' => is_plugin_active_for_network($plugin)];
};
