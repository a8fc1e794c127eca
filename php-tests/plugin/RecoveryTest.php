<?php
/**
 * RunCloud_Recovery: work lost with a dead worker comes back by itself: Action Scheduler marks the
 * action failed, the plugin queues its work again (bounded); changes not sent while the extension
 * or the configuration was missing are sent once they can be.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Admin_Jobs as Jobs;
use WU_RunCloud\RunCloud_Failure_Policy as Policy;
use WU_RunCloud\RunCloud_Failure_Records as Records;
use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud\RunCloud_Ssl_Schedule as Schedule;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class RecoveryTest extends Plugin_Test_Case {

	const APP = ['server_id' => 1, 'app_id' => 1];

	/**
	 * An action Action Scheduler ran and then gave up on (its worker died): its id.
	 */
	private static function dead_action(string $hook, array $args): int {

		$id = as_enqueue_async_action($hook, $args, 'domain');

		State::$actions = array_values(
			array_filter(
				State::$actions,
				static function ($action) use ($id) {
					return $action['id'] !== $id;
				}
			)
		);

		return $id;
	}

	public function test_a_dead_add_event_is_sent_again_and_adopts_what_runcloud_created(): void {

		$this->start_emulator();
		$plugin = $this->boot(['generation' => '2.5']);
		Harness::map_domain('half.example.com', 2);

		// The worker died after RunCloud created the domain, before WordPress stored anything.
		wu_runcloud_add_domain('half.example.com', self::APP + ['www' => true]);
		$id = self::dead_action('wu_add_domain', ['domain' => 'half.example.com', 'site_id' => 2]);

		do_action('action_scheduler_failed_action', $id, 300);

		$retries = State::scheduled(Policy::RETRY_HOOK);
		$this->assertCount(1, $retries);
		$this->assertSame(['add_domain', 'half.example.com', 2, 2, State::now()], [$retries[0]['args'][0]['op'], $retries[0]['args'][0]['domain'], $retries[0]['args'][0]['site_id'], $retries[0]['args'][0]['attempt'], $retries[0]['timestamp']], 'queued again at once, as attempt 2');

		State::run_due(120);

		$this->assertSame(['half.example.com'], $this->emulator->domain_names(), 'not duplicated');
		$entry = $plugin->state()->target_entry('half.example.com', self::APP);
		$this->assertSame([$this->record('half.example.com')['id'], true, 'covered'], [$entry['id'], $entry['present'], $entry['cert']], 'its id adopted, its certificate followed');
		$this->assertSame([], $plugin->notices()->get_errors());
	}

	public function test_a_retry_that_keeps_dying_is_given_up_and_told(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$job    = Policy::retry_job('add_domain', 'dying.example.com', 2, self::APP, 5);

		$this->assertFalse($plugin->recovery()->requeue(Policy::RETRY_HOOK, [$job]), 'attempt 6 of 5: given up');
		$records = $plugin->notices()->get_errors();
		$this->assertSame([Records::CAUSE_INTERRUPTED, 'dying.example.com', '1:1'], [$records[0]['cause'], $records[0]['domain'], $records[0]['target']]);
		$this->assertStringContainsString('stopped (killed or timed out) every time', $plugin->notices()->get_notices()[0]['headline']);

		$this->assertTrue($plugin->recovery()->requeue(Policy::RETRY_HOOK, [Policy::retry_job('add_domain', 'ok.example.com', 2, self::APP, 2)]));
		$this->assertSame(3, State::scheduled(Policy::RETRY_HOOK)[0]['args'][0]['attempt']);
	}

	public function test_a_dead_certificate_job_runs_again_a_few_times_in_a_row_at_most(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		Harness::map_and_fire('a.example.com', 2);
		State::$actions = [];

		for ($i = 1; $i <= 3; $i++) {
			$this->assertTrue($plugin->recovery()->requeue(Schedule::JOB_HOOK, [self::APP]), "death {$i}: queued again");
			$this->assertSame(State::now(), State::scheduled(Schedule::JOB_HOOK)[0]['timestamp']);
		}

		$this->assertFalse($plugin->recovery()->requeue(Schedule::JOB_HOOK, [self::APP]), 'the fourth in a row: left to the next event');

		State::run_due(60);
		$this->assertSame('covered', $plugin->state()->target_entry('a.example.com', self::APP)['cert']);
		$this->assertSame(0, $plugin->state()->target(self::APP)['crashes'], 'a run that ends resets the count');
	}

	public function test_a_dead_rename_and_a_dead_page_action_are_queued_again(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$this->assertTrue($plugin->recovery()->requeue('wu_runcloud_rename', [['domain' => 'old.example.com', 'new' => 'new.example.com', 'item_id' => 3]]));
		$this->assertSame(2, State::scheduled('wu_runcloud_rename')[0]['args'][0]['attempt']);
		$this->assertFalse($plugin->recovery()->requeue('wu_runcloud_rename', [['domain' => 'old.example.com', 'attempt' => 3]]));

		$record = $plugin->admin_jobs()->queue(Jobs::KIND_DRIFT);
		$this->assertTrue($plugin->recovery()->requeue(Jobs::HOOK, [['id' => $record['id']]]));
		$this->assertSame(2, $plugin->admin_jobs()->find($record['id'])['attempt']);

		$this->assertFalse($plugin->recovery()->requeue('someone_elses_hook', [['x' => 1]]), 'other hooks are not ours');
		$this->assertFalse($plugin->recovery()->requeue(Policy::RETRY_HOOK, ['garbage']));
	}

	public function test_a_dead_event_our_handler_did_not_run_is_left_alone(): void {

		$this->start_emulator();
		$plugin = $this->boot(['enabled' => false]);

		$this->assertFalse($plugin->recovery()->requeue('wu_add_domain', ['x.example.com', 2]), 'the integration is off: the event did nothing');
		$this->assertSame([], State::scheduled(Policy::RETRY_HOOK));
	}

	public function test_replay_drops_records_of_apps_no_longer_configured(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$plugin->notices()->record_error('old app', ['domain' => 'a.example.com', 'target' => '9:9', 'op' => 'add_domain']);
		$plugin->notices()->record_error('this app', ['domain' => 'b.example.com', 'target' => '1:1', 'op' => 'add_domain']);

		$this->assertSame(0, $plugin->recovery()->replay());
		$this->assertSame(['b.example.com'], array_column($plugin->notices()->get_errors(), 'domain'));

		State::$is_network_admin = true;
		$plugin->notices()->record_error('env', ['domain' => 'c.example.com', 'op' => 'add_domain', 'site' => 2, 'cause' => Records::CAUSE_ENVIRONMENT, 'answer' => 'the wu_runcloud PHP extension is not loaded']);
		do_action('admin_init');
		$this->assertSame(['c.example.com'], array_column(array_column(array_column(State::scheduled(Policy::RETRY_HOOK), 'args'), 0), 'domain'), 'a network admin page load replays it');
	}
}
