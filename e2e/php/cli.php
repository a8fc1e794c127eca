<?php
/**
 * Runs one e2e command inside the scratch WordPress, as the network admin, and prints its result
 * as a last line `WU_E2E_RESULT <json>`:
 *
 *   php e2e/php/cli.php COMMAND ['{"json": "arguments"}']
 *
 * Environment: WU_E2E_WP_DIR (the scratch WordPress), WU_E2E_HOST (the network's host name).
 * COMMAND names a file in commands/ that returns function (array $args) { ... }. Commands named
 * runcloud* load the WP-CLI stand-in first, so that the plugin registers `wp runcloud`.
 *
 * WordPress is loaded at global scope: every variable here is prefixed.
 *
 * @package WU_RunCloud_E2E
 */

$wu_e2e_command = (string) ($argv[1] ?? '');
$wu_e2e_file    = __DIR__ . '/commands/' . $wu_e2e_command . '.php';

if ( ! preg_match('/^[a-z0-9-]+$/', $wu_e2e_command) || ! is_file($wu_e2e_file)) {
	fwrite(STDERR, "cli.php: unknown command '{$wu_e2e_command}' (see e2e/php/commands/)\n");
	exit(2);
}

$wu_e2e_args = json_decode($argv[2] ?? '{}', true);

if ( ! is_array($wu_e2e_args)) {
	fwrite(STDERR, "cli.php: the arguments must be a JSON object\n");
	exit(2);
}

require __DIR__ . '/bootstrap.php';

if (0 === strpos($wu_e2e_command, 'runcloud')) {
	require __DIR__ . '/wp-cli-shim.php';
}

require getenv('WU_E2E_WP_DIR') . '/wp-load.php';

wp_set_current_user(1);

$wu_e2e_run    = require $wu_e2e_file;
$wu_e2e_result = $wu_e2e_run($wu_e2e_args);

echo "\nWU_E2E_RESULT " . wp_json_encode($wu_e2e_result) . "\n";
