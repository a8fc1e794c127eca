<?php
/**
 * Plugin Name: Ultimate Multisite (e2e stand-in)
 * Description: Stand-in for Ultimate Multisite in the wu_runcloud end-to-end tests: the public interfaces an integration plugs into (2.4.x host providers and 2.5 Integration_Registry), domain mappings in a real table with their events, the network setting for www, wu-logs, and an Action Scheduler backed by the real database. Written for these tests; no code of Ultimate Multisite or Action Scheduler.
 * Version: 2.5.0-e2e
 * Network: true
 * Requires PHP: 7.4
 * Text Domain: ultimate-multisite
 *
 * Copies the public interfaces of Ultimate Multisite 2.4.10 and 2.5.0 and of Action Scheduler 3.9
 * (e2e/README.md, "The Ultimate Multisite stand-in").
 *
 * Which generation it presents is the network option `wu_e2e_um_generation` ('2.5' by default, or
 * '2.4'), read at load: e2e/php/commands/set-network-option.php switches it.
 *
 * @package WU_RunCloud_E2E
 */

defined('ABSPATH') || exit;

require_once __DIR__ . '/action-scheduler/action-scheduler.php';
require_once __DIR__ . '/inc/functions.php';
require_once __DIR__ . '/inc/class-singleton.php';
require_once __DIR__ . '/inc/class-logger.php';
require_once __DIR__ . '/inc/class-domain.php';
require_once __DIR__ . '/inc/class-domain-manager.php';
require_once __DIR__ . '/inc/class-core-runcloud-calls.php';
require_once __DIR__ . '/inc/host-providers-24.php';
require_once __DIR__ . '/inc/class-admin-notices.php';
require_once __DIR__ . '/inc/class-admin-menu.php';

define('WU_E2E_UM_VERSION', '2.4' === get_network_option(null, 'wu_e2e_um_generation', '2.5') ? '2.4.10' : '2.5.0');

require_once __DIR__ . '/inc/class-wp-ultimo.php';

if ('2.4' === get_network_option(null, 'wu_e2e_um_generation', '2.5')) {
	require_once __DIR__ . '/inc/core-runcloud-24.php';
} else {
	require_once __DIR__ . '/inc/integrations-25.php';
	require_once __DIR__ . '/inc/core-runcloud-25.php';

	\WP_Ultimo\Integrations\Integration_Registry::get_instance()->init();
}

\WP_Ultimo\Models\Domain::maybe_create_table();
\WP_Ultimo\Managers\Domain_Manager::get_instance();
\WP_Ultimo\Admin_Menu::register();
