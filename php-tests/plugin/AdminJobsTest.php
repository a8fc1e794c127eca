<?php
/**
 * RunCloud_Admin_Jobs, the RunCloud page's background actions: Sync now, Sync now and remove
 * orphans, Check drift, Retry one domain; each a record (queued, running, done or failed, with its
 * outcome) and one queued job; run again when its worker died.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Admin_Jobs as Jobs;
use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class AdminJobsTest extends Plugin_Test_Case {

	const APP = ['server_id' => 1, 'app_id' => 1];

	private static function jobs(): Jobs {

		return RunCloud_Plugin::instance()->admin_jobs();
	}

	/**
	 * Queues an action and runs its job (as Action Scheduler would); returns its record.
	 */
	private static function run_action(string $kind, string $domain = ''): array {

		$record = self::jobs()->queue($kind, $domain);

		State::run_actions(Jobs::HOOK);

		return self::jobs()->find($record['id']);
	}

	public function test_sync_now_adds_what_is_missing_and_tells_what_it_did(): void {

		$this->start_emulator();
		$plugin = $this->boot(['settings' => ['auto_create_www_subdomain' => 'never']]);
		Harness::map_domain('one.example.com', 2);
		Harness::map_domain('two.example.com', 2);
		wu_runcloud_add_domain('orphan.example.com', ['server_id' => 1, 'app_id' => 1]);

		$record = self::jobs()->queue(Jobs::KIND_SYNC, '', 4);
		$this->assertSame(['queued', 4, 1], [$record['status'], $record['by'], $record['attempt']]);
		$this->assertSame([['id' => $record['id']]], State::scheduled(Jobs::HOOK)[0]['args']);

		State::run_actions(Jobs::HOOK);
		$done = self::jobs()->find($record['id']);

		$this->assertSame('done', $done['status']);
		$this->assertSame('2 change(s) applied; 2 domain(s) newly covered by SSL certificates.', $done['result']);
		$this->assertContains('1:1: add one.example.com', $done['lines']);
		$this->assertContains('1:1: orphan orphan.example.com kept (use --remove-orphans)', $done['lines']);
		$this->assertNotNull($done['started_at']);
		$this->assertNotNull($done['finished_at']);
		$this->assertSame(['one.example.com', 'orphan.example.com', 'two.example.com'], $this->emulator->domain_names(), 'never removes');

		$drift = $plugin->state()->drift_summaries()['1:1'];
		$this->assertSame([0, 1, ['orphan.example.com'], 3], [$drift['missing_n'], $drift['orphans_n'], $drift['orphans'], $drift['present']]);
	}

	public function test_orphans_go_only_through_their_own_action(): void {

		$this->start_emulator();
		$this->boot();
		Harness::map_domain('one.example.com', 2);
		wu_runcloud_add_domain('orphan.example.com', ['server_id' => 1, 'app_id' => 1]);

		$done = self::run_action(Jobs::KIND_ORPHANS);

		$this->assertSame('done', $done['status']);
		$this->assertSame(['one.example.com'], $this->emulator->domain_names());
		$this->assertContains('1:1: remove orphan.example.com', $done['lines']);
	}

	public function test_check_drift_reads_each_app_once_and_changes_nothing(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		Harness::map_domain('missing.example.com', 2);
		wu_runcloud_add_domain('orphan.example.com', ['server_id' => 1, 'app_id' => 1]);
		$before = count($this->emulator->requests());

		$done = self::run_action(Jobs::KIND_DRIFT);

		$this->assertSame('1:1: 1 missing, 1 orphan(s).', $done['result']);
		$this->assertSame(['GET'], array_values(array_unique(array_column(array_slice($this->emulator->requests(), $before), 'method'))), 'reads only');
		$drift = $plugin->state()->drift_summaries()['1:1'];
		$this->assertSame([['missing.example.com'], ['orphan.example.com']], [$drift['missing'], $drift['orphans']]);
		$this->assertNotNull($plugin->state()->inventory(self::APP), 'the listing serves as the app\'s domain list');
	}

	public function test_retry_sends_a_refused_add_again_and_covers_it(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$this->emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/*/webapps/*/domains', 'times' => 1, 'status' => 404, 'body' => '{"message":"Web application not found."}']);
		Harness::map_and_fire('broken.example.com', 2);
		$this->assertCount(1, $plugin->notices()->get_errors());

		$done = self::run_action(Jobs::KIND_RETRY, 'broken.example.com');

		$this->assertSame(['done', 'broken.example.com: covered on 1:1.'], [$done['status'], $done['result']]);
		$this->assertSame(['broken.example.com'], $this->emulator->domain_names());
		$this->assertSame([], $plugin->notices()->get_errors(), 'the failure went with its cause');
	}

	public function test_retry_tries_a_failed_certificate_now_with_a_new_schedule(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$this->emulator->set_dns('late.example.com', false);
		Harness::map_and_fire('late.example.com', 2);
		State::run_due(4 * 86400);
		$this->assertSame('failed', $plugin->state()->target_entry('late.example.com', self::APP)['cert']);
		$this->assertSame(['ssl_failed'], array_column($plugin->notices()->get_errors(), 'kind'));

		$this->emulator->set_dns('late.example.com', true);
		$done = self::run_action(Jobs::KIND_RETRY, 'late.example.com');

		$this->assertSame('late.example.com: covered on 1:1.', $done['result']);
		$this->assertSame([], $plugin->notices()->get_errors());
	}

	public function test_retry_pressed_again_and_again_stays_within_lets_encrypts_hourly_limit(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$this->emulator->set_dns('late.example.com', false);
		$this->emulator->set_dns('other.example.com', false);
		Harness::map_and_fire('other.example.com', 3);
		State::run_due(self::WINDOW);
		Harness::map_and_fire('late.example.com', 2);
		State::run_due(self::WINDOW);
		$this->assertSame('parked', $plugin->state()->target_entry('late.example.com', self::APP)['cert']);
		$before = $this->emulator->issuance()['failed'] ?? [];

		// The operator presses Retry on late.example.com every minute for 10 minutes.
		for ($i = 0; $i < 10; $i++) {
			self::run_action(Jobs::KIND_RETRY, 'late.example.com');
			State::$now = State::now() + 60;
		}

		$orders = array_slice($this->emulator->issuance()['failed'] ?? [], count($before));
		$with   = static function (string $name) use ($orders): int {
			return count(array_filter($orders, static fn($order) => in_array($name, (array) ($order['names'] ?? []), true)));
		};
		$this->assertLessThanOrEqual(3, $with('late.example.com'), 'with its first failure: at most 4 within the hour');
		$this->assertLessThanOrEqual(1, $with('other.example.com'), 'a Retry for one name does not re-add every parked name: other.example.com only had its own scheduled try (5 min)');
	}

	public function test_retry_of_a_name_neither_mapped_nor_known_sends_nothing(): void {

		$this->start_emulator();
		$this->boot();

		$done = self::run_action(Jobs::KIND_RETRY, 'stranger.example.com');

		$this->assertSame('stranger.example.com is neither mapped nor known on RunCloud: nothing to retry.', $done['result']);
		$this->assertSame([], $this->emulator->requests());
	}

	public function test_a_failing_listing_ends_the_action_failed_with_the_reason(): void {

		$this->start_emulator();
		$this->boot();
		$this->emulator->fault(['method' => 'GET', 'path' => '/api/v3/servers/*/webapps/*/domains', 'times' => 10, 'status' => 403, 'body' => '{"message":"This action is unauthorized."}']);

		$done = self::run_action(Jobs::KIND_DRIFT);

		$this->assertSame('failed', $done['status']);
		$this->assertStringStartsWith('Nothing more was done: ApiException HTTP 403', $done['result']);
	}

	public function test_a_job_whose_worker_died_is_queued_again_a_few_times_at_most(): void {

		$this->start_emulator();
		$this->boot();
		$record = self::jobs()->queue(Jobs::KIND_SYNC);
		State::$actions = [];

		$this->assertTrue(self::jobs()->interrupted(['id' => $record['id']]));
		$this->assertSame([2, 'queued'], [self::jobs()->find($record['id'])['attempt'], self::jobs()->find($record['id'])['status']]);
		$this->assertCount(1, State::scheduled(Jobs::HOOK));
		$this->assertTrue(self::jobs()->interrupted(['id' => $record['id']]));
		$this->assertFalse(self::jobs()->interrupted(['id' => $record['id']]), 'the third death: given up');

		$final = self::jobs()->find($record['id']);
		$this->assertSame('failed', $final['status']);
		$this->assertStringContainsString('stopped 3 times', $final['result']);
		$this->assertFalse(self::jobs()->interrupted(['id' => 'no-such-record']));
	}

	public function test_records_are_kept_to_the_newest_twenty(): void {

		$this->start_emulator();
		$this->boot();

		for ($i = 0; $i < 25; $i++) {
			self::jobs()->queue(Jobs::KIND_RETRY, "d{$i}.example.com");
		}

		$all = self::jobs()->all();
		$this->assertCount(Jobs::MAX_RECORDS, $all);
		$this->assertSame('d24.example.com', end($all)['domain']);
	}
}
