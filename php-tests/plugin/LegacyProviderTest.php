<?php
/**
 * Ultimate Multisite 2.4.x: the legacy provider, each event end to end on the emulator.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Legacy_Provider;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class LegacyProviderTest extends Plugin_Test_Case {

	public function test_add_then_remove_domain_with_www_ssl_and_remembered_id(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$this->assertSame('2.4', $plugin->generation());
		$this->assertTrue($plugin->is_handler_active());

		Harness::fire('wu_add_domain', 'Shop.Example.com', 2);

		$record = $this->record('shop.example.com');
		$this->assertWithLog(null !== $record, 'the domain is on the app');
		$this->assertEquals(1, $record['www'], 'www per the default setting (always)');
		$this->assertSame('alias', $record['type']);
		$this->assertSame(['POST /api/v3/servers/1/webapps/1/domains'], array_values(array_filter($this->request_lines(), static function ($line) {
			return 0 !== strpos($line, 'GET');
		})), 'the add itself sends no SSL step: the certificate job does');

		State::run_due(60);

		$ssl = $this->emulator->state()['apps'][0]['ssl']['basic'];
		$this->assertContains('shop.example.com', $ssl['covered_domains'], 'the Let\'s Encrypt certificate was redeployed by the certificate job');
		$this->assertSame('covered', $plugin->state()->target_entry('shop.example.com', ['server_id' => 1, 'app_id' => 1])['cert']);
		$this->assertSame((int) $record['id'], $plugin->state()->remembered_id(['server_id' => 1, 'app_id' => 1], 'shop.example.com'), 'the RunCloud id is remembered');

		$before = count($this->emulator->requests());

		Harness::fire('wu_remove_domain', 'shop.example.com', 2);

		$this->assertNull($this->record('shop.example.com'), 'the domain is gone');

		$after = array_slice($this->emulator->requests(), $before);
		$lines = array_map(static function ($r) {
			return $r['method'] . ' ' . $r['path'];
		}, $after);

		$this->assertContains('DELETE /api/v3/servers/1/webapps/1/domains/' . $record['id'], $lines);
		$this->assertLessThanOrEqual(2, count($after), 'removal by remembered id costs O(1) requests: ' . implode(', ', $lines));
		foreach ($after as $request) {
			$this->assertFalse('GET' === $request['method'] && preg_match('~/domains$~', $request['path']) === 1, 'no domain list read on removal');
		}

		$this->assertNull($plugin->state()->entry('shop.example.com'), 'the id and the certificate state are forgotten');
		$this->assertSame(1, (int) $this->emulator->state()['apps'][0]['ssl']['basic']['redeploy_count'], 'a removal never redeploys');
		$this->assertSame([], State::log_lines('error'));
	}

	public function test_a_stale_remembered_id_falls_back_to_the_name(): void {

		$this->start_emulator();
		$this->boot();

		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		$old = $this->record('shop.example.com')['id'];

		// Someone deleted and re-created the domain in the RunCloud panel: it has a new id.
		wu_runcloud_remove_domain('shop.example.com', ['domain_id' => $old]);
		wu_runcloud_add_domain('shop.example.com', ['ssl' => false]);
		$this->assertNotEquals($old, $this->record('shop.example.com')['id']);

		Harness::fire('wu_remove_domain', 'shop.example.com', 2);

		$this->assertNull($this->record('shop.example.com'), $this->log_text());
		$this->assertSame([], State::log_lines('error'));
	}

	public function test_a_failed_redeploy_is_retried_on_the_ssl_schedule(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$this->emulator->fault(['method' => 'PUT', 'path' => '/api/v3/servers/*/webapps/*/ssl/*', 'times' => 1, 'status' => 500, 'body' => '{"message":"Let\'s Encrypt is down"}']);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		State::run_due(60);

		$entry = $plugin->state()->target_entry('shop.example.com', ['server_id' => 1, 'app_id' => 1]);
		$this->assertNotNull($this->record('shop.example.com'), 'the domain stays added');
		$this->assertSame('pending', $entry['cert'], $this->log_text());
		$this->assertSame(1, $entry['attempt']);
		$this->assertStringContainsString('Let\'s Encrypt is down', $entry['reason']);
		$this->assertSame([], State::scheduled(), 'no retry of the add itself');
		$this->assertCount(1, State::scheduled('wu_runcloud_certificate'), 'the certificate job is due again');
		$this->assertSame(State::now() + 300, State::scheduled('wu_runcloud_certificate')[0]['timestamp'], 'the next try 5 min later');
		$this->assertStringContainsString('Try 1 of 12 failed; next try in 5 min', implode("\n", State::log_lines('warning')));

		State::run_due(300);

		$this->assertSame('covered', $plugin->state()->target_entry('shop.example.com', ['server_id' => 1, 'app_id' => 1])['cert'], $this->log_text());
		$this->assertContains('shop.example.com', $this->emulator->state()['apps'][0]['ssl']['basic']['covered_domains']);
		$this->assertSame([], State::$actions, 'nothing left to do');
	}

	public function test_subdomain_added_without_www_and_removed(): void {

		$this->start_emulator();
		$this->boot();

		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);

		$record = $this->record('blog.network.test');
		$this->assertWithLog(null !== $record, 'the subdomain is on the app');
		$this->assertEquals(0, $record['www']);

		Harness::fire('wu_remove_subdomain', 'blog.network.test', 3);

		$this->assertNull($this->record('blog.network.test'));
	}

	public function test_subdomain_covered_by_a_wildcard_domain_is_skipped(): void {

		$this->start_emulator();
		$this->boot();

		wu_runcloud_add_domain('*.network.test', ['wildcard' => true, 'ssl' => false]);

		$before = count($this->emulator->requests());

		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);
		Harness::fire('wu_remove_subdomain', 'blog.network.test', 3);
		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);

		$this->assertSame(['*.network.test'], $this->emulator->domain_names(1, 1));
		$this->assertCount(1, $this->requests_matching('POST', '~/domains$~'), 'only the wildcard itself was ever POSTed');
		$this->assertSame([], $this->requests_matching('DELETE', '~/domains/~'));

		$after = array_slice($this->emulator->requests(), $before);
		$this->assertLessThanOrEqual(1, count($after), 'the wildcard list is read once, then cached');

		$this->assertNotEmpty(array_filter(State::log_lines('info'), static function ($line) {
			return false !== strpos($line, 'skipped') && false !== strpos($line, '*.network.test');
		}));

		// Two levels below the wildcard are not covered by it.
		Harness::fire('wu_add_subdomain', 'a.blog.network.test', 4);
		$this->assertNotNull($this->record('a.blog.network.test'));
	}

	/**
	 * @dataProvider www_cases
	 */
	public function test_www_follows_the_auto_create_www_subdomain_setting(string $setting, string $domain, bool $www): void {

		$this->start_emulator();
		$this->boot(['settings' => ['auto_create_www_subdomain' => $setting]]);

		Harness::fire('wu_add_domain', $domain, 2);

		$record = $this->record($domain);
		$this->assertWithLog(null !== $record, "{$domain} is on the app");
		$this->assertEquals($www ? 1 : 0, $record['www'], "{$setting}: www for {$domain}");
		$this->assertSame($www ? 'non-www' : 'none', $record['redirection']);
	}

	public function www_cases(): array {

		return [
			'always, main domain'    => ['always', 'example.com', true],
			'always, subdomain'      => ['always', 'blog.example.com', true],
			'main_only, main domain' => ['main_only', 'example.com', true],
			'main_only, co.uk'       => ['main_only', 'example.co.uk', true],
			'main_only, org.uk (PSL)' => ['main_only', 'example.org.uk', true],
			'main_only, below org.uk' => ['main_only', 'shop.example.org.uk', false],
			'main_only, below co.uk' => ['main_only', 'shop.example.co.uk', false],
			'main_only, subdomain'   => ['main_only', 'blog.example.com', false],
			'never'                  => ['never', 'example.com', false],
			'www. itself'            => ['always', 'www.example.org', false],
		];
	}

	public function test_every_change_goes_to_the_extra_targets(): void {

		$this->start_emulator(['--app', '1:1', '--app', '2:2', '--app', '3:3', '--ssl', 'letsencrypt']);
		$this->boot(['constants' => ['WU_RUNCLOUD_EXTRA_TARGETS' => '2:2,3:3']]);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		foreach ([1, 2, 3] as $n) {
			$this->assertContains('shop.example.com', $this->emulator->domain_names($n, $n), "on {$n}:{$n}");
		}

		$this->assertSame(['1:1', '2:2', '3:3'], array_keys(\WU_RunCloud\RunCloud_Plugin::instance()->state()->entry('shop.example.com')['t']));

		State::run_due(60);

		foreach ($this->emulator->state()['apps'] as $app) {
			$this->assertContains('shop.example.com', $app['ssl']['basic']['covered_domains'] ?? [], "one certificate job per app: {$app['server_id']}:{$app['app_id']}");
		}

		Harness::fire('wu_remove_domain', 'shop.example.com', 2);

		foreach ([1, 2, 3] as $n) {
			$this->assertNotContains('shop.example.com', $this->emulator->domain_names($n, $n), "gone from {$n}:{$n}");
			$this->assertCount(1, $this->requests_matching('DELETE', "~/servers/{$n}/webapps/{$n}/domains/\\d+$~"));
		}
	}

	public function test_exactly_one_handler_when_the_core_runcloud_provider_is_enabled(): void {

		$this->start_emulator();
		$plugin = $this->boot(['core_runcloud' => true]);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);
		Harness::fire('wu_remove_domain', 'shop.example.com', 2);
		Harness::fire('wu_remove_subdomain', 'blog.network.test', 3);

		$this->assertSame([], State::$core_calls, 'the core RunCloud provider never ran');
		$this->assertCount(2, $this->requests_matching('POST', '~/domains$~'), 'one POST per add');
		$this->assertCount(2, $this->requests_matching('DELETE', '~/domains/\d+$~'), 'one DELETE per remove');

		foreach (['wu_add_domain', 'wu_remove_domain', 'wu_add_subdomain', 'wu_remove_subdomain'] as $event) {
			foreach ($GLOBALS['wp_filter'][ $event ]->callbacks as $callbacks) {
				foreach ($callbacks as $callback) {
					$this->assertNotInstanceOf(\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::class, $callback['function'][0] ?? null, $event);
				}
			}
		}

		// The wizard and its connection test get our class for the id 'runcloud'.
		$this->assertInstanceOf(RunCloud_Legacy_Provider::class, \WP_Ultimo\Managers\Domain_Manager::get_instance()->get_integration_instance('runcloud'));
		$this->assertSame(0, $plugin->neutralise_core_handlers(), 'nothing left to take off');
	}

	public function test_core_provider_instantiated_late_is_taken_off_before_the_event(): void {

		$this->start_emulator();
		$this->boot();

		// Something creates the core provider after plugins_loaded: it hooks the events itself.
		require_once dirname(__DIR__) . '/plugin/support/ultimate-multisite-24.php';
		\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::get_instance();

		Harness::fire('wu_add_domain', 'late.example.com', 2);

		$this->assertSame([], State::$core_calls);
		$this->assertContains('late.example.com', $this->emulator->domain_names(1, 1));
	}

	public function test_nothing_is_hooked_when_the_integration_is_disabled(): void {

		$this->start_emulator();
		$plugin = $this->boot(['enabled' => false]);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertFalse($plugin->is_handler_active());
		$this->assertSame([], $this->emulator->requests());
	}

	public function test_v2_key_and_secret(): void {

		$this->start_emulator(['--api-key', 'rc-key-1234567890', '--api-secret', 'rc-secret-abcdefghij', '--app', '1:1']);
		$plugin = $this->boot(
			[
				'constants' => [
					'WU_RUNCLOUD_API_TOKEN'  => null,
					'WU_RUNCLOUD_API_KEY'    => 'rc-key-1234567890',
					'WU_RUNCLOUD_API_SECRET' => 'rc-secret-abcdefghij',
				],
			]
		);

		$this->assertTrue($plugin->is_handler_active());

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertNotNull($this->record('shop.example.com'));
		$this->assertStringStartsWith('/api/v2/', $this->emulator->requests()[0]['path']);

		$ids = array_column($plugin->notices()->get_notices(), 'id');
		$this->assertContains('v2-credentials', $ids);
		$this->assertStringNotContainsString('rc-secret-abcdefghij', $this->log_text());
		$this->assertStringNotContainsString('rc-key-1234567890', $this->log_text());
	}

	public function test_an_api_key_without_its_secret_is_not_set_up(): void {

		$this->start_emulator();
		$plugin = $this->boot(
			[
				'constants' => [
					'WU_RUNCLOUD_API_TOKEN' => null,
					'WU_RUNCLOUD_API_KEY'   => 'rc-key-1234567890',
				],
			]
		);

		$provider = RunCloud_Legacy_Provider::get_instance();

		$this->assertFalse($provider->is_setup());
		$this->assertSame(['WU_RUNCLOUD_API_SECRET'], $provider->get_missing_constants());
		$this->assertContains('should-setup-runcloud-integration', array_column(State::$um_notices, 'id'));

		// 2.4 hooks an enabled provider even when it is not set up: the event is refused, loudly.
		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertSame([], $this->emulator->requests());
		$this->assertStringContainsString('configuration is incomplete (missing: WU_RUNCLOUD_API_SECRET', implode("\n", State::log_lines('error')));
		$this->assertContains('config-incomplete', array_column($plugin->notices()->get_notices(), 'id'));
	}

	public function test_wizard_fields_and_connection_test(): void {

		$this->start_emulator();
		$this->boot();

		$provider = RunCloud_Legacy_Provider::get_instance();
		$fields   = $provider->get_fields();

		$this->assertSame('password', $fields['WU_RUNCLOUD_API_TOKEN']['type']);
		$this->assertSame('password', $fields['WU_RUNCLOUD_API_SECRET']['type']);
		$this->assertArrayHasKey('WU_RUNCLOUD_SERVER_ID', $fields);
		$this->assertArrayHasKey('WU_RUNCLOUD_APP_ID', $fields);

		$provider->test_connection();

		$this->assertCount(1, State::$json);
		$this->assertTrue(State::$json[0]['success'], var_export(State::$json, true));
		$this->assertStringContainsString('1:1', State::$json[0]['data']['message']);
	}

	public function test_connection_test_failure_carries_runclouds_answer_without_the_token(): void {

		$this->start_emulator();
		$this->boot(['constants' => ['WU_RUNCLOUD_API_TOKEN' => 'rc-wrong-token-0000000000']]);

		RunCloud_Legacy_Provider::get_instance()->test_connection();

		$this->assertCount(1, State::$json);
		$this->assertFalse(State::$json[0]['success']);
		$this->assertStringContainsString('401', State::$json[0]['data']['message']);
		$this->assertStringNotContainsString('rc-wrong-token-0000000000', State::$json[0]['data']['message'] . $this->log_text());
	}
}
