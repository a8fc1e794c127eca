<?php
/**
 * The plugin part of `make demo`: a stand-in network with the plugin, driven through its event
 * handlers on a running emulator, printing the emulator's state after each step.
 *
 *     require 'php-tests/support/class-emulator.php';
 *     require 'php-tests/plugin/support/class-demo.php';
 *     $emulator = \WU_RunCloud_Tests\Emulator::start(['--token', 'demo-token', '--app', '1:1', '--ssl', 'letsencrypt']);
 *     \WU_RunCloud_Stubs\Demo::run($emulator, 'demo-token');
 *
 * @package WU_RunCloud_Stubs
 */

namespace WU_RunCloud_Stubs;

require_once __DIR__ . '/class-harness.php';

/**
 * Map a domain, create a subdomain site, remove both, then `wp runcloud sync --dry-run` with one
 * domain mapped while the integration was off.
 */
final class Demo {

	/**
	 * Runs the demo (once per process).
	 *
	 * @param object   $emulator   A started WU_RunCloud_Tests\Emulator (base_url(), state()).
	 * @param string   $token      The emulator's --token.
	 * @param string   $generation Ultimate Multisite generation to emulate: '2.5' or '2.4'.
	 * @param int      $server_id  The web app's server id.
	 * @param int      $app_id     The web app's id.
	 * @param callable|null $print Prints one line (default: echo).
	 * @return void
	 */
	public static function run($emulator, string $token, string $generation = '2.5', int $server_id = 1, int $app_id = 1, ?callable $print = null): void {

		$print = $print ?? static function (string $line): void {
			echo $line, PHP_EOL;
		};

		State::$echo_logs = true;
		State::$echo_cli  = true;

		$print("Ultimate Multisite {$generation} stand-in + wu-runcloud plugin, RunCloud emulator at " . $emulator->base_url());

		Harness::boot(
			[
				'generation'    => $generation,
				'core_runcloud' => true, // The core's RunCloud integration is there too: ours replaces it.
				'constants'     => [
					'WU_RUNCLOUD_API_URL'   => $emulator->base_url(),
					'WU_RUNCLOUD_API_TOKEN' => $token,
					'WU_RUNCLOUD_SERVER_ID' => $server_id,
					'WU_RUNCLOUD_APP_ID'    => $app_id,
				],
			]
		);

		$show = static function (string $step) use ($emulator, $print, $server_id, $app_id): void {
			$print("== {$step}");

			foreach ($emulator->state()['apps'] as $app) {
				if ((int) $app['server_id'] !== $server_id || (int) $app['app_id'] !== $app_id) {
					continue;
				}

				$domains = [];

				foreach ($app['domains'] as $domain) {
					$domains[] = sprintf('%s (id %d, www %s, %s)', $domain['name'], $domain['id'], $domain['www'] ? 'on' : 'off', $domain['type']);
				}

				$basic = $app['ssl']['basic'] ?? null;

				$print(sprintf('   app %d:%d domains: %s', $server_id, $app_id, $domains ? implode(', ', $domains) : '(none)'));
				$print(sprintf('   SSL: %s', $basic ? sprintf('%s certificate covering [%s], redeployed %d time(s)', $basic['method'] ?? '?', implode(', ', (array) ($basic['covered_domains'] ?? [])), (int) ($basic['redeploy_count'] ?? 0)) : 'none'));
			}
		};

		$show('start');

		$print('-- map shop.example.com to site 2 (wu_add_domain)');
		Harness::map_domain('shop.example.com', 2);
		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		$show('after mapping shop.example.com');

		$print('-- create the site blog.network.test (wu_add_subdomain)');
		Harness::add_site(3, 'blog.network.test');
		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);
		$show('after creating blog.network.test');

		$print('-- delete the mapping and the site (wu_remove_domain, wu_remove_subdomain)');
		Harness::unmap_domain('shop.example.com');
		Harness::fire('wu_remove_domain', 'shop.example.com', 2);
		Harness::remove_site(3);
		Harness::fire('wu_remove_subdomain', 'blog.network.test', 3);
		$show('after removing both');

		$print('-- drift: later.example.com was mapped while the integration was off (no event)');
		Harness::map_domain('later.example.com', 4);

		$print('-- wp runcloud sync --dry-run');
		Harness::cli('runcloud sync', ['dry-run' => true]);
		$show('after sync --dry-run (unchanged)');

		$print(sprintf('core RunCloud handler calls: %d (exactly one handler ran per event: ours)', count(State::$core_calls)));
	}
}
