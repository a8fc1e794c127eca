<?php
/**
 * Runs the plugin's uninstall the way WordPress does when it is deleted (uninstall_plugin()
 * includes its uninstall.php with WP_UNINSTALL_PLUGIN defined); the files stay.
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	require_once ABSPATH . 'wp-admin/includes/plugin.php';

	uninstall_plugin('wu-runcloud/wu-runcloud.php');

	return ['uninstalled' => true];
};
