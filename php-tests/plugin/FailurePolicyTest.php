<?php
/**
 * RunCloud_Failure_Policy. Failures: transient ones rescheduled through Action Scheduler (capped,
 * growing delay), permanent ones logged and recorded for the admin notice, never retried; without
 * Action Scheduler a transient failure is rethrown.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Failure_Policy;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class FailurePolicyTest extends Plugin_Test_Case {

	const DOMAINS = '/api/v3/servers/*/webapps/*/domains';

	public function test_a_503_is_rescheduled_and_the_retry_adds_the_domain(): void {

		$this->start_emulator();
		$this->boot();

		// More 503s than the client's own attempts: the event fails as a whole.
		$this->emulator->fault(['method' => 'POST', 'path' => self::DOMAINS, 'times' => 3, 'status' => 503, 'body' => '{"message":"RunCloud is down for maintenance"}']);

		Harness::map_domain('shop.example.com', 2);
		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertNull($this->record('shop.example.com'));

		$jobs = State::scheduled();
		$this->assertCount(1, $jobs, $this->log_text());
		$this->assertSame('domain', $jobs[0]['group']);
		$this->assertSame(
			['op' => 'add_domain', 'domain' => 'shop.example.com', 'site_id' => 2, 'server_id' => 1, 'app_id' => 1, 'attempt' => 2],
			$jobs[0]['args'][0]
		);
		$this->assertSame(State::now() + 60, $jobs[0]['timestamp'], 'attempt 2 a minute later (the plugin\'s clock)');

		$warnings = implode("\n", State::log_lines('warning'));
		$this->assertStringContainsString('add_domain shop.example.com on 1:1', $warnings);
		$this->assertStringContainsString('503', $warnings);
		$this->assertStringContainsString('/domains', $warnings, 'the endpoint is named');
		$this->assertStringContainsString('RunCloud is down for maintenance', $warnings, 'RunCloud\'s message is kept');
		$this->assertSame([], $this->notices_errors(), 'a transient failure is not an admin notice');

		// Action Scheduler runs the retry later: the fault is used up, it succeeds.
		$this->assertSame(1, State::run_actions('wu_runcloud_retry'));

		$this->assertNotNull($this->record('shop.example.com'));
		$this->assertSame([], State::scheduled());
	}

	public function test_only_the_failed_target_is_retried(): void {

		$this->start_emulator(['--app', '1:1', '--app', '2:2']);
		$this->boot(['constants' => ['WU_RUNCLOUD_EXTRA_TARGETS' => '2:2']]);

		$this->emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/2/webapps/2/domains', 'times' => 3, 'status' => 503]);

		Harness::map_domain('shop.example.com', 2);
		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertContains('shop.example.com', $this->emulator->domain_names(1, 1));
		$this->assertNotContains('shop.example.com', $this->emulator->domain_names(2, 2));

		$jobs = State::scheduled();
		$this->assertCount(1, $jobs);
		$this->assertSame([2, 2], [$jobs[0]['args'][0]['server_id'], $jobs[0]['args'][0]['app_id']]);

		State::run_actions();

		$this->assertContains('shop.example.com', $this->emulator->domain_names(2, 2));
		$this->assertCount(1, $this->requests_matching('POST', '~/servers/1/webapps/1/domains$~'), 'the healthy target was not called again');
	}

	public function test_429_and_network_failures_are_transient_too(): void {

		$this->start_emulator();
		$this->boot();

		$this->emulator->fault(['method' => 'POST', 'path' => self::DOMAINS, 'times' => 3, 'status' => 429, 'body' => '{"message":"Too Many Attempts."}']);
		Harness::fire('wu_add_domain', 'a.example.com', 2);

		$this->emulator->fault(['method' => 'GET', 'path' => self::DOMAINS, 'times' => 3, 'drop' => true]);
		Harness::fire('wu_remove_domain', 'b.example.com', 2);

		$ops = array_map(static function ($job) {
			return $job['args'][0]['op'];
		}, State::scheduled());

		$this->assertSame(['add_domain', 'remove_domain'], $ops, $this->log_text());
		$this->assertStringContainsString('TransportException', implode("\n", State::log_lines('warning')));
	}

	public function test_retries_are_capped_and_the_last_failure_is_recorded(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$this->emulator->fault(['method' => 'POST', 'path' => self::DOMAINS, 'times' => 1000, 'status' => 503]);

		Harness::map_domain('shop.example.com', 2);
		$plugin->sync()->handle_retry(['op' => 'add_domain', 'domain' => 'shop.example.com', 'site_id' => 2, 'server_id' => 1, 'app_id' => 1, 'attempt' => RunCloud_Failure_Policy::MAX_ATTEMPTS]);

		$this->assertSame([], State::scheduled(), 'no attempt after the last');
		$this->assertStringContainsString('Gave up after 5 attempts', implode("\n", State::log_lines('error')));
		$this->assertCount(1, $this->notices_errors());
	}

	public function test_the_delay_grows_and_is_capped(): void {

		$this->load_plugin_classes();

		$this->assertSame(
			[60, 120, 240, 480, 960, 1920, 3600, 3600],
			array_map([RunCloud_Failure_Policy::class, 'retry_delay'], [2, 3, 4, 5, 6, 7, 8, 20])
		);
	}

	public function test_the_whole_chain_stops_after_max_attempts(): void {

		$this->start_emulator();
		$this->boot();

		$this->emulator->fault(['method' => 'POST', 'path' => self::DOMAINS, 'times' => 1000, 'status' => 500]);

		Harness::map_domain('shop.example.com', 2);
		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$attempts = [];

		while ($jobs = State::scheduled()) {
			$attempts[] = $jobs[0]['args'][0]['attempt'];
			State::run_actions();
			$this->assertLessThan(10, count($attempts), 'the chain ends');
		}

		$this->assertSame([2, 3, 4, 5], $attempts);
		$this->assertCount(1, $this->notices_errors());
	}

	public function test_without_action_scheduler_a_transient_failure_is_rethrown(): void {

		$this->start_emulator();
		$this->boot(['action_scheduler' => false]);

		$this->emulator->fault(['method' => 'POST', 'path' => self::DOMAINS, 'times' => 3, 'status' => 503]);

		try {
			Harness::fire('wu_add_domain', 'shop.example.com', 2);
			$this->fail('the failure was swallowed');
		} catch (\WU\RunCloud\ApiException $e) {
			$this->assertSame(503, $e->getCode());
		}

		$this->assertStringContainsString('rethrowing', implode("\n", State::log_lines('error')));
	}

	public function test_a_401_is_permanent_logged_and_noticed_not_retried(): void {

		$this->start_emulator();
		$plugin = $this->boot(['constants' => ['WU_RUNCLOUD_API_TOKEN' => 'rc-revoked-token-123456789']]);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertSame([], State::scheduled());

		$errors = implode("\n", State::log_lines('error'));
		$this->assertStringContainsString('add_domain shop.example.com on 1:1 failed', $errors);
		$this->assertStringContainsString('401', $errors);
		$this->assertStringContainsString('permanent', $errors);
		$this->assertStringNotContainsString('rc-revoked-token-123456789', $this->log_text());

		$notices = $plugin->notices()->get_notices();
		$this->assertContains('domain-failed', array_column($notices, 'id'));
		$this->assertStringNotContainsString('rc-revoked-token-123456789', serialize($notices));
	}

	public function test_a_422_is_permanent_with_runclouds_field_errors(): void {

		$this->start_emulator();
		$this->boot();

		$this->emulator->fault(['method' => 'POST', 'path' => self::DOMAINS, 'times' => 1, 'status' => 422, 'body' => '{"message":"The given data was invalid.","errors":{"name":["The name format is invalid."]}}']);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertSame([], State::scheduled());
		$errors = implode("\n", State::log_lines('error'));
		$this->assertStringContainsString('422', $errors);
		$this->assertStringContainsString('The name format is invalid.', $errors);
		$this->assertCount(1, $this->notices_errors());
	}

	public function test_an_invalid_domain_is_permanent_recorded_once_and_sends_nothing(): void {

		$this->start_emulator(['--app', '1:1', '--app', '2:2']);
		$this->boot(['constants' => ['WU_RUNCLOUD_EXTRA_TARGETS' => '2:2']]);

		Harness::fire('wu_add_domain', 'not a domain', 2);

		$this->assertSame([], $this->emulator->requests());
		$this->assertSame([], State::scheduled());
		$this->assertCount(1, State::log_lines('error'), 'one record for all targets');
		$this->assertStringContainsString('ValidationException', State::log_lines('error')[0]);
		$this->assertCount(1, $this->notices_errors());
	}

	private function notices_errors(): array {

		return \WU_RunCloud\RunCloud_Plugin::instance()->notices()->get_errors();
	}
}
