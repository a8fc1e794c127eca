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
 * Map a domain, create a subdomain site, remove both; a domain mapped before its DNS points at
 * the server getting its certificate once DNS is fixed; a burst of mappings covered by one
 * redeploy; then `wp runcloud sync --dry-run` and `wp runcloud status`.
 */
final class Demo {

	/** Mappings in the burst step. */
	const BURST = 10;

	/**
	 * Runs the demo (once per process).
	 *
	 * @param object   $emulator   A started WU_RunCloud_Tests\Emulator (base_url(), state(), set_dns()).
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

		$plugin = Harness::boot(
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
		$target = ['server_id' => $server_id, 'app_id' => $app_id];
		$window = $plugin->schedule()->window();

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

			$issuance = $emulator->state()['issuance'];
			$print(sprintf('   Let\'s Encrypt: %d certificate(s) issued, %d order(s) refused', $issuance['issued_count'], $issuance['failed_count']));
		};

		$certificate = static function (string $name) use ($plugin, $target, $print): void {
			$entry = $plugin->state()->target_entry($name, $target);
			$print(sprintf('   plugin: %s is %s', $name, null === $entry ? 'unknown' : $plugin->report()->describe(\WU_RunCloud\RunCloud_State::complete($entry))));
		};

		$show('start');

		$print('-- map shop.example.com to site 2 (wu_add_domain): one POST, no SSL step');
		Harness::map_and_fire('shop.example.com', 2);
		$show('after mapping shop.example.com');
		$certificate('shop.example.com');

		$print("-- {$window} s later: the web app's certificate job redeploys once");
		State::run_due($window);
		$show('after the certificate job');
		$certificate('shop.example.com');

		$print('-- create the site blog.network.test (wu_add_subdomain)');
		Harness::add_site(3, 'blog.network.test');
		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);
		State::run_due($window);
		$show('after creating blog.network.test');

		$print('-- delete the mapping and the site (wu_remove_domain, wu_remove_subdomain): removals never redeploy');
		Harness::unmap_domain('shop.example.com');
		Harness::fire('wu_remove_domain', 'shop.example.com', 2);
		Harness::remove_site(3);
		Harness::fire('wu_remove_subdomain', 'blog.network.test', 3);
		$show('after removing both');

		$print('-- a customer maps late.example.com before pointing its DNS here (emulator DNS: late.example.com does not point here)');
		$emulator->set_dns('late.example.com', false);
		Harness::map_and_fire('late.example.com', 4);
		State::run_due($window);
		$show('after the certificate job: Let\'s Encrypt refused late.example.com');
		$certificate('late.example.com');

		$print('-- another tenant maps fast.example.com meanwhile: not blocked by late.example.com');
		Harness::map_and_fire('fast.example.com', 5);
		State::run_due($window);
		$show('after the certificate job');
		$certificate('fast.example.com');

		$print('-- the customer fixes DNS; Ultimate Multisite\'s DNS check passes (wu_domain_manager_dns_propagation_finished)');
		$emulator->set_dns('late.example.com', true);
		Harness::dns_propagated('late.example.com');
		State::run_due($window);
		$show('after the certificate job: late.example.com added back and covered');
		$certificate('late.example.com');

		$print(sprintf('-- a burst of %d mappings within the window', self::BURST));
		$before    = count($emulator->requests());
		$redeploys = self::redeploys($emulator, $server_id, $app_id);

		for ($i = 1; $i <= self::BURST; $i++) {
			Harness::map_and_fire("tenant{$i}.example.com", 10 + $i);
		}

		State::run_due($window);
		$show(sprintf('after the burst of %d', self::BURST));
		$print(sprintf('   burst: %d requests to RunCloud (%d adds + the certificate step), %d redeploy(s)', count($emulator->requests()) - $before, self::BURST, self::redeploys($emulator, $server_id, $app_id) - $redeploys));

		$print('-- drift: later.example.com was mapped while the integration was off (no event)');
		Harness::map_domain('later.example.com', 40);

		$print('-- wp runcloud sync --dry-run');
		Harness::cli('runcloud sync', ['dry-run' => true]);
		$show('after sync --dry-run (unchanged)');

		$print('-- wp runcloud status');
		Harness::cli('runcloud status');

		$print(sprintf('core RunCloud handler calls: %d (exactly one handler ran per event: ours)', count(State::$core_calls)));
	}

	/**
	 * Successful redeploys of the app's certificate so far.
	 *
	 * @param object $emulator  The emulator.
	 * @param int    $server_id The server.
	 * @param int    $app_id    The app.
	 * @return int
	 */
	private static function redeploys($emulator, int $server_id, int $app_id): int {

		foreach ($emulator->state()['apps'] as $app) {
			if ((int) $app['server_id'] === $server_id && (int) $app['app_id'] === $app_id) {
				return (int) ($app['ssl']['basic']['redeploy_count'] ?? 0);
			}
		}

		return 0;
	}
}
