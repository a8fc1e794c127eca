<?php
/**
 * `make demo`: the main job against the bundled RunCloud emulator.
 *
 * 1. Starts the emulator (web app 1:1 with a Let's Encrypt certificate) and checks the
 *    connection with the native API.
 * 2. Boots a stand-in WordPress network running Ultimate Multisite (with its own core RunCloud
 *    integration present) plus our plugin, with the WU_RUNCLOUD_* constants pointing at the
 *    emulator as wp-config.php would, and drives the plugin's event handlers, printing the
 *    emulator's state after each step: map a domain (the web app's certificate job redeploys a
 *    window later), create a subdomain site, remove both; map a domain before its DNS points
 *    here (emulator DNS control plane: Let's Encrypt refuses it, the plugin parks it, another
 *    tenant still gets its certificate) and fix DNS (Ultimate Multisite's DNS check hook: it is
 *    added back and covered); a burst of mappings covered by one redeploy; then
 *    `wp runcloud sync --dry-run` and `wp runcloud status`. The stand-in Action Scheduler runs
 *    the queued jobs as their time comes, on a clock it moves forward: nothing sleeps.
 */

$root = dirname(__DIR__);
require_once $root . '/php-tests/support/class-emulator.php';
require_once $root . '/php-tests/plugin/support/class-demo.php';

use WU_RunCloud_Tests\Emulator;

if (!extension_loaded('wu_runcloud')) {
	fwrite(STDERR, "wu_runcloud is not loaded: run `make demo`.\n");
	exit(1);
}

$generation = getenv('WU_RUNCLOUD_DEMO_GENERATION') ?: '2.5';
if (!in_array($generation, ['2.4', '2.5'], true)) {
	fwrite(STDERR, "WU_RUNCLOUD_DEMO_GENERATION must be 2.4 or 2.5 (the Ultimate Multisite stand-ins there are), not '{$generation}'.\n");
	exit(2);
}
$token      = 'demo-' . bin2hex(random_bytes(8));
$emulator   = Emulator::start(['--token', $token, '--app', '1:1', '--ssl', 'letsencrypt']);

echo 'wu_runcloud ', wu_runcloud_version(), ' against the RunCloud emulator at ', $emulator->base_url(), PHP_EOL;

$connection = wu_runcloud_test_connection(['api_url' => $emulator->base_url(), 'api_token' => $token, 'server_id' => 1, 'app_id' => 1]);
printf(
	"== test connection: %s (API %s, web app %d:%d \"%s\")\n\n",
	$connection['ok'] ? 'OK' : 'FAILED',
	$connection['api_version'],
	$connection['targets'][0]['server_id'],
	$connection['targets'][0]['app_id'],
	$connection['targets'][0]['webapp']['name']
);

\WU_RunCloud_Stubs\Demo::run($emulator, $token, $generation);

// The constants the demo network defined are what the native API reads without options.
$config = wu_runcloud_config();
printf("\n== configuration from the WU_RUNCLOUD_* constants: API %s, auth %s, targets %s\n", $config['api_version'], $config['auth'], json_encode($config['targets']));

$emulator->stop();
echo "demo: OK\n";
