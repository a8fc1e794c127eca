<?php
/**
 * Secrets in the plugin's output: with distinctive credentials (constants for Ultimate
 * Multisite 2.4, stored credentials for 2.5, v3 token and v2 key + secret), every failure the
 * plugin can meet is driven through its real event path (domain events, the retry job, WP-CLI,
 * admin notices, the RunCloud page's actions), and nothing it wrote may hold a credential: the
 * integration-runcloud log, WP-CLI output, JSON answers, admin notices, Ultimate Multisite
 * notices, stored options, the arguments of scheduled retry actions and the RunCloud page's HTML.
 *
 * Uses the plugin suite's stand-ins (php-tests/plugin/support), one process per test.
 */

namespace WU_RunCloud_Tests\Reliability;

require_once __DIR__ . '/support/class-reliability-support.php';

use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;
use WU_RunCloud_Tests\Emulator;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class PluginLogSecretsTest extends Reliability_Test_Case {

	/** @var Emulator|null */
	private $plugin_emulator;

	protected function setUp(): void {
		if (!class_exists(Harness::class)) {
			$this->markTestSkipped('the plugin suite harness (php-tests/plugin/support) is not there');
		}
	}

	protected function tearDown(): void {
		if (null !== $this->plugin_emulator) {
			$this->plugin_emulator->stop();
		}
	}

	public function setups(): array {
		return [
			// Both generations and both kinds of credentials, in two processes (CI time).
			'2.4, v3 token in constants'     => ['2.4', 'v3'],
			'2.5, v2 key+secret stored'      => ['2.5', 'v2'],
		];
	}

	/** Everything the plugin and the stand-ins recorded, as one text. */
	private function recorded(): string {
		$plugin  = \WU_RunCloud\RunCloud_Plugin::instance();
		$notices = null === $plugin ? [] : $plugin->notices()->get_notices();
		return print_r(State::$logs, true)
			. print_r(State::$cli, true)
			. print_r(State::$json, true)
			. print_r(State::$um_notices, true)
			. print_r($notices, true)
			. print_r(State::$actions, true)
			. json_encode(State::$actions)
			// Stored options minus the encrypted credentials the wizard saved on purpose.
			. print_r(array_filter(State::$network_options, function ($key) {
				return 0 !== strpos((string) $key, 'wu_hosting_credential_');
			}, ARRAY_FILTER_USE_KEY), true);
	}

	/** @dataProvider setups */
	public function test_no_credential_in_anything_the_plugin_records(string $generation, string $version): void {
		$this->plugin_emulator = Emulator::start(['--token', self::TOKEN, '--api-key', self::KEY, '--api-secret', self::SECRET, '--ssl', 'letsencrypt', '--seed-domains', '2']);
		$emulator = $this->plugin_emulator;
		$auth     = 'v2' === $version
			? ['WU_RUNCLOUD_API_KEY' => self::KEY, 'WU_RUNCLOUD_API_SECRET' => self::SECRET]
			: ['WU_RUNCLOUD_API_TOKEN' => self::TOKEN];
		$place    = ['WU_RUNCLOUD_API_URL' => $emulator->base_url(), 'WU_RUNCLOUD_SERVER_ID' => 1, 'WU_RUNCLOUD_APP_ID' => 1];
		$options  = ['generation' => $generation];
		if ('2.5' === $generation) {
			$options['constants']   = ['WU_RUNCLOUD_API_URL' => $emulator->base_url()];
			$options['credentials'] = array_merge($auth, ['WU_RUNCLOUD_SERVER_ID' => '1', 'WU_RUNCLOUD_APP_ID' => '1']);
		} else {
			$options['constants'] = array_merge($auth, $place);
		}
		$plugin = Harness::boot($options);
		$this->assertNotNull($plugin);
		$v = 'v2' === $version ? 'v2' : 'v3';
		$p = "/api/{$v}/servers/*/webapps/*";

		$scenarios = [
			'ok'              => null,
			'503 persistent'  => ['path' => $p . '/domains', 'status' => 503, 'times' => 6],
			'429 persistent'  => ['path' => $p . '/domains', 'status' => 429, 'headers' => ['Retry-After' => '0'], 'times' => 6],
			'401'             => ['path' => $p . '/domains', 'status' => 401, 'body' => '{"message":"Unauthenticated."}', 'times' => 6],
			// A server quoting the credentials of this setup back (only those can be known).
			'422 echoing'     => ['path' => $p . '/domains', 'status' => 422, 'times' => 6, 'body' => json_encode('v2' === $version
				? ['message' => 'bad ' . self::KEY . ' ' . self::SECRET, 'errors' => ['name' => [self::SECRET]]]
				: ['message' => 'bad ' . self::TOKEN, 'errors' => ['name' => [self::TOKEN]]])],
			'500'             => ['path' => $p . '/domains', 'status' => 500, 'times' => 6],
			'HTML 502'        => ['path' => $p . '/domains', 'html' => true, 'status' => 502, 'times' => 6],
			'dropped'         => ['path' => $p . '/domains', 'drop' => true, 'times' => 6],
			'malformed'       => ['path' => $p . '/domains', 'malformed_json' => true, 'times' => 6],
			'redirect'        => ['path' => $p . '/domains', 'redirect_to' => 'http://127.0.0.1:9', 'times' => 6],
			'slow'            => ['path' => $p . '/domains', 'delay_ms' => 1200, 'times' => 2],
			'SSL step fails'  => ['path' => $p . '/ssl/*', 'status' => 422, 'body' => '{"message":"Too many certificates"}', 'times' => 6],
		];
		add_filter('wu_runcloud_options', function ($o) {
			return array_merge((array) $o, ['timeout' => 1]);
		});
		$i = 0;
		foreach ($scenarios as $name => $rule) {
			self::clear_faults($emulator);
			if (null !== $rule) {
				$emulator->fault($rule);
			}
			$i++;
			$domain = "leak-{$i}.example.com";
			Harness::map_domain($domain, 2);
			Harness::fire('wu_add_domain', $domain, 2);
			Harness::fire('wu_remove_domain', 'site-1.example.test', 2);
			Harness::fire('wu_add_subdomain', "sub{$i}.network.test", 3);
			State::run_actions();
			if (in_array($name, ['ok', '401', 'dropped', '422 echoing'], true)) {
				Harness::cli('runcloud test');
				Harness::cli('runcloud status');
				Harness::cli('runcloud sync', ['dry-run' => true]);
			}
			$this->assertNoSecret($this->recorded(), "plugin output after '{$name}' ({$generation}, {$version})");
			foreach ([base64_encode(self::KEY . ':' . self::SECRET)] as $form) {
				$this->assertStringNotContainsString($form, $this->recorded(), "Basic credentials after '{$name}'");
			}
		}

		// The SSL lifecycle: a covered name whose DNS moved away (blocking), a name whose DNS is
		// never ready (parked, retried for days, failed), a refusal that quotes the credentials.
		self::clear_faults($emulator);
		Harness::map_domain('moved.example.com', 4);
		Harness::fire('wu_add_domain', 'moved.example.com', 4);
		State::run_due(90);
		$emulator->set_dns('moved.example.com', false);
		$emulator->set_dns('unready.example.com', false);
		Harness::map_domain('unready.example.com', 5);
		Harness::fire('wu_add_domain', 'unready.example.com', 5);
		State::run_due(90);
		// A refusal quoting the credentials of this setup back (only those can be known).
		$echo = 'v2' === $version ? self::KEY . ' ' . self::SECRET : self::TOKEN;
		$emulator->fault(['path' => $p . '/ssl/*', 'status' => 422, 'times' => 1, 'body' => json_encode(['message' => 'could not validate unready.example.com ' . $echo])]);
		State::run_due(3600);
		// The moved name is pointed back: the unready one, no longer waiting behind it, runs its
		// own schedule to the end.
		$emulator->set_dns('moved.example.com', true);
		State::run_due(5 * 86400);
		Harness::cli('runcloud status');
		Harness::cli('runcloud sync');
		$recorded = $this->recorded();
		$this->assertStringContainsString('blocks the certificate', $recorded, 'the blocking scenario ran');
		$this->assertStringContainsString('got no certificate after', $recorded, 'the last-try scenario ran');
		$this->assertNoSecret($recorded, "plugin output after the SSL lifecycle scenarios ({$generation}, {$version})");

		// The RunCloud page: its background actions, a connection test, its whole HTML, the notices.
		require_once dirname(__DIR__) . '/plugin/support/wp-list-table.php';
		$emulator->fault(['path' => $p . '/domains', 'status' => 422, 'times' => 20, 'body' => json_encode(['message' => 'bad ' . $echo])]);
		$plugin->admin_jobs()->queue(\WU_RunCloud\RunCloud_Admin_Jobs::KIND_SYNC);
		$plugin->admin_jobs()->queue(\WU_RunCloud\RunCloud_Admin_Jobs::KIND_RETRY, 'unready.example.com');
		State::run_actions(\WU_RunCloud\RunCloud_Admin_Jobs::HOOK);
		$emulator->fault(['path' => "/api/{$v}/ping", 'status' => 401, 'times' => 5, 'body' => json_encode(['message' => 'Unauthenticated ' . $echo])]);
		$plugin->connection()->check_and_remember();
		ob_start();
		$plugin->admin_page()->render();
		$plugin->notices()->render();
		$html = (string) ob_get_clean();
		$this->assertStringContainsString('RunCloud domains and SSL', $html, 'the page rendered');
		$this->assertNoSecret($html . print_r($plugin->admin_jobs()->all(), true) . $this->recorded(), "the RunCloud page's HTML and actions ({$generation}, {$version})");

		$this->assertNotEmpty(State::$logs, 'the plugin logged nothing: the scenarios did not run');
		$this->assertNotEmpty(State::log_lines('error'), 'no failure was logged: the faults did not reach the plugin');
	}
}
