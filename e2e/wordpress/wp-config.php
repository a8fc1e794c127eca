<?php
/**
 * wp-config.php of the e2e multisite (copied into the scratch WordPress). Every value that
 * changes per run (database socket, emulator URL, paths, keys) is in e2e-config.json beside it,
 * written by the harness (e2e/harness/wordpress.py).
 *
 * @package WU_RunCloud_E2E
 */

$wu_e2e_config = json_decode((string) file_get_contents(__DIR__ . '/e2e-config.json'), true);

define('DB_NAME', $wu_e2e_config['db']['name']);
define('DB_USER', $wu_e2e_config['db']['user']);
define('DB_PASSWORD', $wu_e2e_config['db']['password']);
define('DB_HOST', 'localhost:' . $wu_e2e_config['db']['socket']);
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');

foreach ($wu_e2e_config['keys'] as $wu_e2e_name => $wu_e2e_value) {
	define($wu_e2e_name, $wu_e2e_value);
}

$table_prefix = 'wp_'; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited

// Every PHP notice, warning and deprecation goes to this file; the harness fails a scenario on any.
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', $wu_e2e_config['debug_log']);
define('WP_DEBUG_DISPLAY', false);

// Nothing leaves the machine; the harness runs the queue itself.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('FS_METHOD', 'direct');

define('WP_ALLOW_MULTISITE', true);

// install.php installs a single site first, then turns it into the network.
if ( ! defined('WU_E2E_INSTALLING_SINGLE_SITE')) {
	define('MULTISITE', true);
	define('SUBDOMAIN_INSTALL', true);
	define('DOMAIN_CURRENT_SITE', $wu_e2e_config['network_domain']);
	define('PATH_CURRENT_SITE', '/');
	define('SITE_ID_CURRENT_SITE', 1);
	define('BLOG_ID_CURRENT_SITE', 1);
}

// The plugin under test, pointed at the emulator.
foreach ($wu_e2e_config['runcloud'] as $wu_e2e_name => $wu_e2e_value) {
	define($wu_e2e_name, $wu_e2e_value);
}

unset($wu_e2e_config, $wu_e2e_name, $wu_e2e_value);

if ( ! defined('ABSPATH')) {
	define('ABSPATH', __DIR__ . '/');
}

require_once ABSPATH . 'wp-settings.php';
