<?php
/**
 * `make demo`: the main job against the bundled RunCloud emulator.
 *
 * Starts the emulator (a Let's Encrypt certificate on web app 1:1), points the
 * WU_RUNCLOUD_* constants at it as wp-config.php would, checks the connection, then maps,
 * lists and unmaps a domain, printing the emulator's state after each step.
 */

require_once dirname(__DIR__) . '/php-tests/support/class-emulator.php';

use WU_RunCloud_Tests\Emulator;

if (!extension_loaded('wu_runcloud')) {
	fwrite(STDERR, "wu_runcloud is not loaded: run `make demo`.\n");
	exit(1);
}

$token    = bin2hex(random_bytes(16));
$emulator = Emulator::start(['--token', $token, '--ssl', 'letsencrypt', '--state-file', sys_get_temp_dir() . '/wu-runcloud-demo-state.json']);

// What an operator puts in wp-config.php.
define('WU_RUNCLOUD_API_TOKEN', $token);
define('WU_RUNCLOUD_SERVER_ID', 1);
define('WU_RUNCLOUD_APP_ID', 1);
define('WU_RUNCLOUD_API_URL', $emulator->base_url());

function wu_runcloud_demo_step(string $title, $result, Emulator $emulator): void {
	echo "\n== {$title}\n";
	echo json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
	$app = $emulator->state()['apps'][0];
	printf(
		"-- emulator: web app %d:%d has %d domain(s): %s; certificate covers: %s\n",
		$app['server_id'],
		$app['app_id'],
		count($app['domains']),
		implode(', ', array_column($app['domains'], 'name')) ?: '-',
		implode(', ', $app['ssl']['basic']['covered_domains'] ?? []) ?: '-'
	);
}

echo 'wu_runcloud ', wu_runcloud_version(), ' against ', $emulator->base_url(), "\n";

$connection = wu_runcloud_test_connection();
wu_runcloud_demo_step('test connection', $connection, $emulator);
if (true !== $connection['ok']) {
	exit(1);
}

wu_runcloud_demo_step('map shop.example.com (www on)', wu_runcloud_add_domain('shop.example.com', ['www' => true]), $emulator);
wu_runcloud_demo_step('map it again (idempotent)', wu_runcloud_add_domain('shop.example.com', ['www' => true]), $emulator);
wu_runcloud_demo_step('list domains', wu_runcloud_list_domains(), $emulator);
wu_runcloud_demo_step('unmap shop.example.com', wu_runcloud_remove_domain('shop.example.com'), $emulator);

$plugin_demo = __DIR__ . '/demo-plugin.php';
if (file_exists($plugin_demo)) {
	require $plugin_demo;
}

$emulator->stop();
echo "\ndemo: OK\n";
