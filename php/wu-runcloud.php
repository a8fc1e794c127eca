<?php
/**
 * Plugin Name: Ultimate Multisite – RunCloud (native)
 * Description: Keeps your RunCloud web app(s) domains and SSL in step with the domains mapped in Ultimate Multisite (2.4.x and 2.5), through the wu_runcloud PHP extension. Replaces the core RunCloud integration (same id, one toggle).
 * Version: 0.1.0
 * Requires PHP: 7.4
 * Requires at least: 5.3
 * Requires Plugins: ultimate-multisite
 * Network: true
 * Author: wu_runcloud
 * License: GPL-2.0-or-later
 * Text Domain: wu-runcloud
 *
 * @package WU_RunCloud
 */

defined('ABSPATH') || exit;

// No autoloader (no Composer): every class RunCloud_Plugin wires, then the plugin itself.
require_once __DIR__ . '/inc/class-runcloud-clock.php';
require_once __DIR__ . '/inc/class-runcloud-request-context.php';
require_once __DIR__ . '/inc/class-runcloud-queue.php';
require_once __DIR__ . '/inc/class-runcloud-logger.php';
require_once __DIR__ . '/inc/class-runcloud-state.php';
require_once __DIR__ . '/inc/class-runcloud-environment.php';
require_once __DIR__ . '/inc/class-runcloud-failure-records.php';
require_once __DIR__ . '/inc/class-runcloud-failure-messages.php';
require_once __DIR__ . '/inc/class-runcloud-admin-notices.php';
require_once __DIR__ . '/inc/class-runcloud-credentials.php';
require_once __DIR__ . '/inc/class-runcloud-config.php';
require_once __DIR__ . '/inc/class-runcloud-failure-policy.php';
require_once __DIR__ . '/inc/class-runcloud-domain-operations.php';
require_once __DIR__ . '/inc/class-runcloud-certificate-names.php';
require_once __DIR__ . '/inc/class-runcloud-ssl-schedule.php';
require_once __DIR__ . '/inc/class-runcloud-certificate-inventory.php';
require_once __DIR__ . '/inc/class-runcloud-ssl-lifecycle.php';
require_once __DIR__ . '/inc/class-runcloud-certificate-refusal.php';
require_once __DIR__ . '/inc/class-runcloud-lets-encrypt-limits.php';
require_once __DIR__ . '/inc/class-runcloud-certificate-job.php';
require_once __DIR__ . '/inc/class-runcloud-ssl-report.php';
require_once __DIR__ . '/inc/class-runcloud-drift.php';
require_once __DIR__ . '/inc/class-runcloud-connection-check.php';
require_once __DIR__ . '/inc/class-runcloud-domain-sync.php';
require_once __DIR__ . '/inc/class-runcloud-repair.php';
require_once __DIR__ . '/inc/class-runcloud-admin-jobs.php';
require_once __DIR__ . '/inc/class-runcloud-recovery.php';
require_once __DIR__ . '/inc/class-runcloud-domains-table.php';
require_once __DIR__ . '/inc/class-runcloud-admin-page.php';
require_once __DIR__ . '/inc/class-runcloud-admin-page-view.php';
require_once __DIR__ . '/inc/class-runcloud-plugin.php';

/*
 * The adapters (legacy provider, 2.5 integration and module, CLI) are loaded when their Ultimate
 * Multisite base classes exist: see WU_RunCloud\RunCloud_Plugin::register_hooks(); the domains
 * list table (a WP_List_Table) by the RunCloud page when it renders.
 *
 * `Requires Plugins: ultimate-multisite` (read by WordPress 6.5+, ignored before): Ultimate
 * Multisite's slug on wordpress.org and its directory since 2.4 (older directories, wp-ultimo/,
 * wp-multisite-waas/, multisite-ultimate/, belong to versions this plugin does not support and
 * which Ultimate Multisite migrates itself). Without it the plugin still loads safely and says
 * what is missing (RunCloud_Environment).
 */
\WU_RunCloud\RunCloud_Plugin::boot(__FILE__);
