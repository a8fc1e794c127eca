<?php
/**
 * RunCloud_Queue, the job queue: Action Scheduler when loaded, else WP-Cron (retries, certificate
 * jobs and the RunCloud page's actions still run), else none.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Queue;
use WU_RunCloud\RunCloud_Ssl_Schedule;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class QueueTest extends Plugin_Test_Case {

	const DOMAINS = '~^/api/v3/servers/1/webapps/1/domains$~';

	public function test_the_engine_is_action_scheduler_then_wp_cron_then_none(): void {

		$this->start_emulator();
		$plugin = $this->boot(['action_scheduler' => false, 'wp_cron' => true]);

		$this->assertSame(RunCloud_Queue::ENGINE_WP_CRON, $plugin->queue()->engine());
		$this->assertTrue($plugin->queue()->available());
	}

	public function test_without_any_engine_nothing_is_available(): void {

		$this->start_emulator();
		$plugin = $this->boot(['action_scheduler' => false]);

		$this->assertNull($plugin->queue()->engine());
		$this->assertFalse($plugin->queue()->available());
		$this->assertNull($plugin->queue()->next('wu_runcloud_x', ['a' => 1]));
	}

	public function test_wp_cron_schedule_ensure_reschedule_cancel_next_and_enqueue(): void {

		$this->start_emulator();
		$plugin = $this->boot(['action_scheduler' => false, 'wp_cron' => true]);
		$queue  = $plugin->queue();
		$now    = State::now();
		$job    = ['server_id' => 1, 'app_id' => 1];

		$this->assertSame($now + 60, $queue->ensure('wu_runcloud_certificate', $job, $now + 60));
		$this->assertSame($now + 60, $queue->ensure('wu_runcloud_certificate', $job, $now + 300), 'an earlier run is kept');
		$this->assertSame($now + 30, $queue->ensure('wu_runcloud_certificate', $job, $now + 30), 'a later one moves forward');
		$this->assertCount(1, State::$cron, 'one event per exact argument');
		$this->assertSame($now + 30, $queue->next('wu_runcloud_certificate', $job));
		$this->assertNull($queue->next('wu_runcloud_certificate', ['server_id' => 2, 'app_id' => 2]), 'another app\'s job is another event');

		$this->assertSame($now + 900, $queue->reschedule('wu_runcloud_certificate', $job, $now + 900));
		$this->assertSame([[$now + 900, 'wu_runcloud_certificate', [$job]]], array_map(static function ($e) {
			return [$e['timestamp'], $e['hook'], $e['args']];
		}, State::$cron));

		$queue->cancel('wu_runcloud_certificate', $job);
		$this->assertSame([], State::$cron);

		$queue->enqueue('wu_runcloud_admin_job', ['id' => 'x']);
		$this->assertSame([[$now, 'wu_runcloud_admin_job', [['id' => 'x']]]], array_map(static function ($e) {
			return [$e['timestamp'], $e['hook'], $e['args']];
		}, State::$cron), 'as soon as WP-Cron runs');
	}

	public function test_without_action_scheduler_a_transient_failure_is_retried_through_wp_cron(): void {

		$this->start_emulator();
		$this->boot(['action_scheduler' => false, 'wp_cron' => true]);
		$this->emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/*/webapps/*/domains', 'times' => 3, 'status' => 503, 'body' => '{"message":"down"}']);

		Harness::map_domain('retry.example.com', 2);
		Harness::fire('wu_add_domain', 'retry.example.com', 2);

		$this->assertSame([], $this->emulator->domain_names());
		$this->assertSame(['wu_runcloud_retry'], array_column(State::$cron, 'hook'), 'the retry is a WP-Cron event');
		$this->assertSame(2, State::$cron[0]['args'][0]['attempt']);

		State::run_cron_due(180);

		$this->assertSame(['retry.example.com'], $this->emulator->domain_names());
		$this->assertSame([], \WU_RunCloud\RunCloud_Plugin::instance()->notices()->get_errors());
	}

	public function test_without_action_scheduler_adds_share_one_certificate_job_through_wp_cron(): void {

		$this->start_emulator();
		$plugin = $this->boot(['action_scheduler' => false, 'wp_cron' => true]);

		foreach (['a.example.com', 'b.example.com', 'c.example.com'] as $domain) {
			Harness::map_and_fire($domain, 2);
		}

		$this->assertCount(0, $this->requests_matching('PUT', '~/ssl/~'), 'no SSL step at the add: the certificate job covers them');
		$this->assertSame([RunCloud_Ssl_Schedule::JOB_HOOK], array_column(State::$cron, 'hook'), 'one job for the app');

		State::run_cron_due(120);

		$this->assertCount(1, $this->requests_matching('PUT', '~/ssl/~'), 'one redeploy for the three adds');

		foreach (['a.example.com', 'b.example.com', 'c.example.com'] as $domain) {
			$this->assertSame('covered', $plugin->state()->target_entry($domain, ['server_id' => 1, 'app_id' => 1])['cert']);
		}

		$this->assertSame([], State::$cron, 'nothing waits: the job is not queued again');
	}
}
