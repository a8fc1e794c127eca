<?php
/**
 * Ultimate Multisite 2.4.x: RunCloud_Legacy_Provider, the host provider. Each event end to end
 * on the emulator, v2 credentials, the setup check, the wizard's fields and connection test.
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
