<?php
/**
 * RunCloud_State: the plugin's network options. Every option it writes is one uninstall.php
 * finds (prefix and option_names()); a change re-reads its shard, so two workers' changes to
 * different names both stay; ids remembered by versions before the SSL lifecycle are migrated.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Admin_Jobs as Jobs;
use WU_RunCloud\RunCloud_State;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class StateTest extends Plugin_Test_Case {

	public function test_ids_remembered_by_an_older_version_are_migrated(): void {

		$this->start_emulator();
		$added = wu_runcloud_add_domain('old.example.com', ['api_url' => $this->emulator->base_url(), 'api_token' => self::TOKEN, 'server_id' => 1, 'app_id' => 1, 'ssl' => false]);

		require_once __DIR__ . '/support/class-state.php';
		State::$network_options['wu_runcloud_domain_ids'] = ['1:1' => ['old.example.com' => $added['domain']['id']]];

		$this->boot();

		$this->assertSame('covered', $this->cert('old.example.com'), 'taken as covered: never parked');
		$this->assertSame($added['domain']['id'], $this->entry('old.example.com')['id']);
		$this->assertArrayNotHasKey('wu_runcloud_domain_ids', State::$network_options, 'the old option is gone');

		$seen = count($this->emulator->requests());
		Harness::fire('wu_remove_domain', 'old.example.com', 2);

		$this->assertSame(['GET /api/v3/servers/1/webapps/1/domains/' . $added['domain']['id'], 'DELETE /api/v3/servers/1/webapps/1/domains/' . $added['domain']['id']], array_slice($this->request_lines(), $seen), 'removed by the migrated id');
	}

	public function test_every_option_the_plugin_writes_is_one_uninstall_finds(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$before = array_keys(State::$network_options);

		// Adds, a certificate job, a refused add (a failure record), a connection test, a drift check.
		Harness::map_and_fire('a.example.com', 2);
		Harness::map_and_fire('b.example.com', 3);
		State::run_due(self::WINDOW);
		$this->emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/*/webapps/*/domains', 'status' => 422, 'body' => '{"message":"The name format is invalid."}']);
		Harness::map_and_fire('refused.example.com', 4);
		$plugin->connection()->check_and_remember();
		$plugin->admin_jobs()->queue(Jobs::KIND_DRIFT);
		State::run_actions(Jobs::HOOK);

		$written = array_values(array_diff(array_keys(State::$network_options), $before));
		$known   = RunCloud_State::option_names([self::APP]);

		$this->assertGreaterThanOrEqual(6, count($written), implode(', ', $written));
		foreach ($written as $option) {
			$this->assertStringStartsWith(RunCloud_State::PREFIX, $option, 'uninstall.php deletes by this prefix');
			$this->assertContains($option, $known, 'RunCloud_State names every option it writes');
		}
		foreach ($known as $option) {
			$this->assertStringStartsWith(RunCloud_State::PREFIX, $option);
		}
	}

	public function test_a_change_rereads_its_shard_so_two_workers_changes_both_stay(): void {

		$this->start_emulator();
		$this->boot();

		// Two names of the same shard, changed by two workers that each read the state before
		// the other wrote (each has its own RunCloud_State, as two PHP processes would).
		$names = [];
		for ($i = 0; count($names) < 2; $i++) {
			if ('0' === substr(md5("n{$i}.example.com"), 0, 1)) {
				$names[] = "n{$i}.example.com";
			}
		}

		$first  = new RunCloud_State();
		$second = new RunCloud_State();
		$this->assertNull($first->entry($names[0]));
		$this->assertNull($second->entry($names[1]));

		$first->remember_id(self::APP, $names[0], 101);
		$second->remember_id(self::APP, $names[1], 102);

		$this->assertSame(101, $second->remembered_id(self::APP, $names[0]), 'the first worker\'s change survived the second\'s write');
		$this->assertSame(102, $first->remembered_id(self::APP, $names[1]));
		$this->assertCount(2, State::$network_options[ RunCloud_State::OPTION_NAMES_PREFIX . '0' ]);

		// A name forgotten on its last app leaves no entry; an emptied shard leaves no option.
		$first->forget_id(self::APP, $names[0]);
		$second->forget_id(self::APP, $names[1]);
		$this->assertNull($first->entry($names[0]));
		$this->assertArrayNotHasKey(RunCloud_State::OPTION_NAMES_PREFIX . '0', State::$network_options);
	}
}
