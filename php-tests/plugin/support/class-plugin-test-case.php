<?php
/**
 * Base of the plugin tests: one emulator per test, the plugin booted in the test's own process.
 *
 * Concrete classes carry @runTestsInSeparateProcesses and @preserveGlobalState disabled.
 */

namespace WU_RunCloud_Tests\Plugin;

use PHPUnit\Framework\TestCase;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;
use WU_RunCloud_Tests\Emulator;

abstract class Plugin_Test_Case extends TestCase {

	/** The emulator's v3 token (looks like a real secret: it must never reach a log). */
	const TOKEN = 'rc-token-8f14e45fceea167a5a36dedd4bea2543';

	/** The web app most tests use. */
	const APP = ['server_id' => 1, 'app_id' => 1];

	/** The certificate job's coalescing window (default). */
	const WINDOW = 60;

	/** @var Emulator|null */
	protected $emulator;

	/**
	 * Data provider: both Ultimate Multisite generations.
	 */
	public function generations(): array {

		return [
			'2.4' => ['2.4'],
			'2.5' => ['2.5'],
		];
	}

	protected function tearDown(): void {

		if (null !== $this->emulator) {
			$this->emulator->stop();
			$this->emulator = null;
		}
	}

	/**
	 * Starts the emulator.
	 *
	 * @param array $flags Extra flags (default: one app 1:1 with a Let's Encrypt certificate).
	 */
	protected function start_emulator(array $flags = ['--app', '1:1', '--ssl', 'letsencrypt']): Emulator {

		$this->emulator = Emulator::start(array_merge(['--token', self::TOKEN], $flags));

		return $this->emulator;
	}

	/**
	 * Boots the plugin with constants pointing at the emulator (2.4 reads constants).
	 *
	 * @param array $options Harness options; 'constants' are merged over the defaults.
	 */
	protected function boot(array $options = []): \WU_RunCloud\RunCloud_Plugin {

		$defaults = [
			'WU_RUNCLOUD_API_URL'   => $this->emulator->base_url(),
			'WU_RUNCLOUD_API_TOKEN' => self::TOKEN,
			'WU_RUNCLOUD_SERVER_ID' => 1,
			'WU_RUNCLOUD_APP_ID'    => 1,
		];

		$options['constants'] = array_filter(
			array_merge($defaults, $options['constants'] ?? []),
			static function ($value) {
				return null !== $value;
			}
		);

		return Harness::boot($options);
	}

	/**
	 * Boots 2.5 with credentials saved by the wizard (no constant at all).
	 *
	 * @param array $options     Harness options.
	 * @param array $credentials Wizard values merged over the defaults (the emulator, app 1:1).
	 */
	protected function boot25(array $options = [], array $credentials = []): \WU_RunCloud\RunCloud_Plugin {

		return Harness::boot(
			array_merge(
				[
					'generation'  => '2.5',
					'credentials' => array_merge(
						[
							'WU_RUNCLOUD_API_URL'   => $this->emulator->base_url(),
							'WU_RUNCLOUD_API_TOKEN' => self::TOKEN,
							'WU_RUNCLOUD_SERVER_ID' => '1',
							'WU_RUNCLOUD_APP_ID'    => '1',
						],
						$credentials
					),
				],
				$options
			)
		);
	}

	/**
	 * A network out of step with its web app 1:1, booted on 2.4: the app holds its primary
	 * domain, a wildcard (`*.other.test`), a domain the network still maps, an orphan and the
	 * network's own domain; the network maps one more domain (and an inactive one) and has a
	 * site on its own domain and one below it.
	 */
	protected function drifted_network(): \WU_RunCloud\RunCloud_Plugin {

		$this->start_emulator();
		$plugin = $this->boot();

		wu_runcloud_add_domain('app.runcloud.test', ['type' => 'primary', 'ssl' => false]);
		wu_runcloud_add_domain('*.other.test', ['wildcard' => true, 'ssl' => false]);
		wu_runcloud_add_domain('kept.example.com', ['ssl' => false]);
		wu_runcloud_add_domain('old.example.com', ['ssl' => false]);
		wu_runcloud_add_domain('network.test', ['ssl' => false]);

		Harness::map_domain('kept.example.com', 2);
		Harness::map_domain('shop.example.com', 3);
		Harness::map_domain('gone.example.com', 4, false);
		Harness::add_site(1, 'network.test');
		Harness::add_site(5, 'blog.network.test');

		return $plugin;
	}

	/**
	 * The plugin's classes alone, without WordPress or Ultimate Multisite (unit checks).
	 */
	protected function load_plugin_classes(): void {

		defined('ABSPATH') || define('ABSPATH', sys_get_temp_dir() . '/');

		foreach (['clock', 'request-context', 'queue', 'logger', 'state', 'environment', 'failure-records', 'failure-messages', 'admin-notices', 'credentials', 'config', 'failure-policy', 'domain-operations', 'certificate-names', 'ssl-schedule', 'certificate-inventory', 'ssl-lifecycle', 'certificate-refusal', 'certificate-job', 'ssl-report', 'drift', 'connection-check', 'domain-sync', 'repair', 'admin-jobs', 'recovery', 'domains-table', 'admin-page', 'admin-page-view'] as $name) {
			require_once dirname(__DIR__, 3) . "/php/inc/class-runcloud-{$name}.php";
		}
	}

	/**
	 * The certificate state of a name on app 1:1 (null: no entry).
	 */
	protected function cert(string $name): ?string {

		return \WU_RunCloud\RunCloud_Plugin::instance()->state()->target_entry($name, self::APP)['cert'] ?? null;
	}

	/**
	 * The plugin's entry of a name on app 1:1 (null: none).
	 */
	protected function entry(string $name): ?array {

		return \WU_RunCloud\RunCloud_Plugin::instance()->state()->target_entry($name, self::APP);
	}

	/**
	 * A covered name whose DNS then moves away, and a new tenant mapped after it: the moved name
	 * blocks the app's certificate (checked), the new one waits behind it.
	 */
	protected function a_covered_name_moves_away(string $moved, int $moved_site, string $waiting, int $waiting_site): void {

		Harness::map_and_fire($moved, $moved_site);
		State::run_due(self::WINDOW);
		$this->emulator->set_dns($moved, false);
		Harness::map_and_fire($waiting, $waiting_site);
		State::run_due(self::WINDOW);
		$this->assertSame('blocking', $this->cert($moved));
	}

	/**
	 * The names the app's basic certificate covers now (emulator state).
	 */
	protected function covered(int $server_id = 1, int $app_id = 1): array {

		foreach ($this->emulator->state()['apps'] as $app) {
			if ((int) $app['server_id'] === $server_id && (int) $app['app_id'] === $app_id) {
				return (array) ($app['ssl']['basic']['covered_domains'] ?? []);
			}
		}

		return [];
	}

	/**
	 * Redeploys of a whole-app certificate the emulator received.
	 */
	protected function redeploys(): int {

		return count($this->requests_matching('PUT', '~/webapps/\d+/ssl/\d+$~'));
	}

	/**
	 * The ids of the network notices shown now.
	 */
	protected function notice_ids(): array {

		return array_column(\WU_RunCloud\RunCloud_Plugin::instance()->notices()->get_notices(), 'id');
	}

	/**
	 * The text of one network notice ('' when it is not shown).
	 */
	protected function notice(string $id): string {

		foreach (\WU_RunCloud\RunCloud_Plugin::instance()->notices()->get_notices() as $notice) {
			if ($notice['id'] === $id) {
				return $notice['message'];
			}
		}

		return '';
	}

	/**
	 * One domain record on an app, from the emulator's state.
	 */
	protected function record(string $name, int $server_id = 1, int $app_id = 1): ?array {

		foreach ($this->emulator->state()['apps'] as $app) {
			if ((int) $app['server_id'] === $server_id && (int) $app['app_id'] === $app_id) {
				foreach ($app['domains'] as $domain) {
					if ($domain['name'] === $name) {
						return $domain;
					}
				}
			}
		}

		return null;
	}

	/**
	 * Requests the emulator received, as "METHOD path" strings (version prefix kept).
	 */
	protected function request_lines(): array {

		return array_map(
			static function ($request) {
				return $request['method'] . ' ' . $request['path'];
			},
			$this->emulator->requests()
		);
	}

	/**
	 * Requests matching a method and a path regex.
	 */
	protected function requests_matching(string $method, string $path_regex): array {

		return array_values(
			array_filter(
				$this->emulator->requests(),
				static function ($request) use ($method, $path_regex) {
					return $request['method'] === $method && preg_match($path_regex, $request['path']);
				}
			)
		);
	}

	/**
	 * Everything logged, as one text (for "contains" and "never contains" checks).
	 */
	protected function log_text(): string {

		return implode("\n", array_map(static function ($log) {
			return $log['level'] . ' ' . $log['message'];
		}, State::$logs));
	}

	/**
	 * Fails with the log when $condition is false.
	 */
	protected function assertWithLog(bool $condition, string $message): void {

		$this->assertTrue($condition, $message . "\nLog:\n" . $this->log_text() . "\nRequests:\n" . implode("\n", $this->request_lines()));
	}
}
