<?php
/**
 * Installs the e2e network with WordPress's own installer functions (there is no WP-CLI here):
 * a single site first (wp_install), then the multisite tables and the network on subdomains
 * (install_network, populate_network). wp-config.php turns multisite on for every later process.
 *
 *   php e2e/php/install.php '{"title": "...", "email": "...", "password": "..."}'
 *
 * Loads WordPress at global scope: every variable is prefixed.
 *
 * @package WU_RunCloud_E2E
 */

$wu_e2e_args = json_decode($argv[1] ?? '{}', true);

define('WP_INSTALLING', true);
define('WU_E2E_INSTALLING_SINGLE_SITE', true);

require __DIR__ . '/bootstrap.php';
require getenv('WU_E2E_WP_DIR') . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$wu_e2e_host = getenv('WU_E2E_HOST');
$wu_e2e_site = wp_install($wu_e2e_args['title'], 'admin', $wu_e2e_args['email'], true, '', wp_slash($wu_e2e_args['password']));

update_option('siteurl', 'http://' . $wu_e2e_host);
update_option('home', 'http://' . $wu_e2e_host);

// As wp-admin/network.php does: a single site knows no multisite tables until told.
foreach ($wpdb->tables('ms_global') as $wu_e2e_table => $wu_e2e_prefixed_table) {
	$wpdb->$wu_e2e_table = $wu_e2e_prefixed_table;
}

install_network();

$wu_e2e_network = populate_network(1, $wu_e2e_host, $wu_e2e_args['email'], $wu_e2e_args['title'], '/', true);

// Subdomain networks check wildcard DNS with a request to a random host; WP_HTTP_BLOCK_EXTERNAL
// refuses it, which only means the check could not run.
if (is_wp_error($wu_e2e_network) && 'no_wildcard_dns' !== $wu_e2e_network->get_error_code()) {
	fwrite(STDERR, 'populate_network: ' . $wu_e2e_network->get_error_message() . "\n");
	exit(1);
}

echo "\nWU_E2E_RESULT " . wp_json_encode(['user_id' => $wu_e2e_site['user_id']]) . "\n";
