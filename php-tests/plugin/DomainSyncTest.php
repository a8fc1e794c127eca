<?php
/**
 * RunCloud_Domain_Sync: one event or retry job applied to every target; renames (the old name
 * leaves the app unless another mapping uses it); retry jobs dropped when their target, the
 * integration or the mapping changed since.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class DomainSyncTest extends Plugin_Test_Case {

	const DOMAINS = '/api/v3/servers/*/webapps/*/domains';

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

	/**
	 * @dataProvider generations
	 */
	public function test_a_rename_removes_the_old_name_and_covers_the_new(string $generation): void {

		$this->start_emulator();
		$this->boot(['generation' => $generation]);

		Harness::map_and_fire('old.example.com', 2);
		State::run_due(self::WINDOW);
		$this->assertSame('covered', $this->cert('old.example.com'));

		Harness::rename_domain('old.example.com', 'new.example.com');

		$this->assertSame(['wu_add_domain', 'wu_runcloud_rename'], array_column(State::$actions, 'hook'), 'UM enqueues the add of the new name; the plugin the removal of the old');

		State::run_due(self::WINDOW);

		$this->assertSame(['new.example.com'], $this->emulator->domain_names());
		$this->assertNull(RunCloud_Plugin::instance()->state()->entry('old.example.com'), 'its SSL state is forgotten');
		$this->assertSame('covered', $this->cert('new.example.com'));
		$this->assertContains('new.example.com', $this->covered());
		$this->assertSame(2, $this->redeploys(), 'one for the new name; the removal itself never redeploys');
	}

	public function test_a_rename_keeps_the_old_name_another_mapping_uses(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('shared.example.com', 2);
		Harness::map_domain('shared.example.com', 3);
		State::run_due(self::WINDOW);

		Harness::rename_domain('shared.example.com', 'mine.example.com');
		State::run_due(self::WINDOW);

		$this->assertSame(['mine.example.com', 'shared.example.com'], $this->emulator->domain_names());
		$this->assertSame('covered', $this->cert('shared.example.com'));
		$this->assertStringContainsString('shared.example.com stays on RunCloud: mapping 2 still uses it', $this->log_text());
	}

	public function test_a_rename_undone_before_its_job_ran_keeps_the_name(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('a.example.com', 2);
		State::run_due(self::WINDOW);
		$puts = $this->redeploys();

		Harness::rename_domain('a.example.com', 'b.example.com');
		Harness::rename_domain('b.example.com', 'a.example.com');
		State::run_due(self::WINDOW);

		$this->assertContains('a.example.com', $this->emulator->domain_names(), 'never taken off: the mapping is named so again');
		$this->assertSame(100001, (int) $this->record('a.example.com')['id'], 'the same record: a.example.com was never removed');
		$this->assertCount(1, $this->requests_matching('DELETE', '~/domains/\\d+$~'), 'one removal: b.example.com, added meanwhile');
		$this->assertNotContains('b.example.com', $this->emulator->domain_names());
		$this->assertSame('covered', $this->cert('a.example.com'));
		$this->assertStringContainsString('a.example.com stays on RunCloud: mapping 1 was renamed back to it', $this->log_text());
		$this->assertLessThanOrEqual($puts + 1, $this->redeploys());
	}

	public function test_a_rename_keeps_the_old_name_another_mapping_spells_in_other_case(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('shared.example.com', 2);
		Harness::map_domain('Shared.Example.COM', 3);
		State::run_due(self::WINDOW);

		Harness::rename_domain('shared.example.com', 'mine.example.com');
		State::run_due(self::WINDOW);

		$this->assertSame(['mine.example.com', 'shared.example.com'], $this->emulator->domain_names(), 'host names are case-insensitive: mapping 3 still uses it');
		$this->assertStringContainsString('stays on RunCloud', $this->log_text());
	}

	public function test_retry_jobs_are_dropped_when_the_integration_is_disabled_or_the_target_gone(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$plugin->sync()->handle_retry(['op' => 'add_domain', 'domain' => 'shop.example.com', 'site_id' => 2, 'server_id' => 9, 'app_id' => 9, 'attempt' => 2]);
		$plugin->sync()->handle_retry('garbage');

		update_network_option(null, 'wu_host_integrations_enabled', ['runcloud' => false]);
		$plugin->sync()->handle_retry(['op' => 'add_domain', 'domain' => 'shop.example.com', 'site_id' => 2, 'server_id' => 1, 'app_id' => 1, 'attempt' => 2]);

		$this->assertSame([], array_filter($this->emulator->requests(), static function ($r) {
			return 'GET' !== $r['method'];
		}));
		$this->assertStringContainsString('no longer a configured target', $this->log_text());
		$this->assertStringContainsString('integration is disabled', $this->log_text());
	}

	public function test_a_retried_add_is_dropped_when_the_mapping_was_removed_meanwhile(): void {

		$this->start_emulator();
		$this->boot();

		$this->emulator->fault(['method' => 'POST', 'path' => self::DOMAINS, 'times' => 3, 'status' => 503]);

		Harness::map_domain('gone.example.com', 2);
		Harness::fire('wu_add_domain', 'gone.example.com', 2);
		$this->assertCount(1, State::scheduled(), 'the add waits for its retry');

		// The customer removes the mapping before the retry: UM fires wu_remove_domain, which finds nothing.
		Harness::unmap_domain('gone.example.com');
		Harness::fire('wu_remove_domain', 'gone.example.com', 2);

		State::run_actions('wu_runcloud_retry');

		$this->assertSame([], $this->emulator->domain_names(), 'the stale add did not leave an orphan on the app');
		$this->assertCount(3, $this->requests_matching('POST', '~/domains$~'), 'the event\'s 3 refused POSTs; the dropped retry sent none');
		$this->assertStringContainsString('Retry of add_domain gone.example.com on 1:1 dropped: the mapping changed since (it is no longer mapped).', implode("\n", State::log_lines('info')));
	}

	public function test_a_retried_removal_is_dropped_when_the_name_is_mapped_again(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_domain('back.example.com', 2);
		Harness::fire('wu_add_domain', 'back.example.com', 2);
		$this->assertSame(['back.example.com'], $this->emulator->domain_names());

		$this->emulator->fault(['method' => 'DELETE', 'path' => self::DOMAINS . '/*', 'times' => 3, 'status' => 503]);
		Harness::unmap_domain('back.example.com');
		Harness::fire('wu_remove_domain', 'back.example.com', 2);
		$this->assertCount(1, State::scheduled(), 'the removal waits for its retry');

		// Mapped again before the retry: the live domain must stay on the app.
		Harness::map_domain('back.example.com', 2);
		Harness::fire('wu_add_domain', 'back.example.com', 2);

		State::run_actions('wu_runcloud_retry');

		$this->assertSame(['back.example.com'], $this->emulator->domain_names(), 'the stale removal did not take the live domain off');
		$this->assertStringContainsString('Retry of remove_domain back.example.com on 1:1 dropped: the mapping changed since (it is mapped again).', implode("\n", State::log_lines('info')));
	}
}
