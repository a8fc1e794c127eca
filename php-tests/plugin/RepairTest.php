<?php
/**
 * RunCloud_Repair, drift repair (`wp runcloud sync`, Sync now): expected names already on the app
 * that the plugin does not remember are adopted (id, certificate); a sync killed half-way and run
 * again converges, nothing duplicated; without Ultimate Multisite nothing is an orphan.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class RepairTest extends Plugin_Test_Case {

	const APP = ['server_id' => 1, 'app_id' => 1];

	public function test_a_sync_killed_half_way_then_run_again_adopts_and_converges(): void {

		$this->start_emulator();
		$plugin = $this->boot(['settings' => ['auto_create_www_subdomain' => 'never']]);

		for ($i = 0; $i < 6; $i++) {
			Harness::map_domain("d{$i}.example.com", 2);
		}

		// What a killed run left: three domains on RunCloud, the last one without anything in
		// WordPress (killed between RunCloud's answer and the write), the others remembered.
		foreach (['d0.example.com', 'd1.example.com'] as $name) {
			$plugin->sync()->apply('add_domain', $name, 2, self::APP);
		}

		wu_runcloud_add_domain('d2.example.com', self::APP + ['ssl' => false]);
		$this->assertNull($plugin->state()->entry('d2.example.com'));
		$puts = count($this->requests_matching('PUT', '~/ssl/~'));

		$lines  = [];
		$result = $plugin->repair()->run(
			false,
			false,
			static function (string $level, string $message) use (&$lines): void {
				$lines[] = $message;
			}
		);

		$this->assertSame([3, 1, 0], [$result['done'], $result['adopted'], $result['failures']]);
		$this->assertContains(sprintf('1:1: adopt d2.example.com (on RunCloud with id %d, not remembered)', $this->record('d2.example.com')['id']), $lines);
		$this->assertSame(['d0.example.com', 'd1.example.com', 'd2.example.com', 'd3.example.com', 'd4.example.com', 'd5.example.com'], $this->emulator->domain_names(), 'each once');

		foreach ($this->emulator->state()['apps'][0]['domains'] as $record) {
			$entry = $plugin->state()->target_entry($record['name'], self::APP);
			$this->assertSame([$record['id'], true, 'covered'], [$entry['id'], $entry['present'], $entry['cert']], $record['name']);
		}

		$this->assertSame(6, $result['covered'], 'the adopted name and the added ones: one redeploy');
		$this->assertCount($puts + 1, $this->requests_matching('PUT', '~/ssl/~'));

		$again = $plugin->repair()->run();
		$this->assertSame([0, 0], [$again['done'], $again['adopted']], 'a second run has nothing to do');
	}

	public function test_a_remembered_id_runcloud_no_longer_has_is_replaced(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		Harness::map_and_fire('shop.example.com', 2);
		State::run_due(60);

		// Re-created in RunCloud's panel: a new id.
		wu_runcloud_remove_domain('shop.example.com', self::APP);
		wu_runcloud_add_domain('shop.example.com', self::APP);
		$new = $this->record('shop.example.com')['id'];

		$result = $plugin->repair()->run();

		$this->assertSame(1, $result['adopted']);
		$this->assertSame($new, $plugin->state()->remembered_id(self::APP, 'shop.example.com'));
	}

	public function test_wp_runcloud_sync_says_what_it_adopted(): void {

		$this->start_emulator();
		$this->boot();
		Harness::map_domain('known.example.com', 2);
		wu_runcloud_add_domain('known.example.com', self::APP);

		$this->assertSame(0, Harness::cli('runcloud sync', ['dry-run' => true]));
		$this->assertStringContainsString('1:1: would adopt known.example.com', State::cli_text());
		$this->assertNull(RunCloud_Plugin::instance()->state()->entry('known.example.com'), 'a dry run changes nothing');

		$this->assertSame(0, Harness::cli('runcloud sync'));
		$this->assertStringContainsString('success: 0 change(s) applied. 1 domain(s) adopted. 1 domain(s) newly covered by SSL certificates.', State::cli_text());
	}

	public function test_without_ultimate_multisites_mappings_nothing_is_an_orphan(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		wu_runcloud_add_domain('mapped-somewhere.example.com', self::APP + ['ssl' => false]);

		$this->assertSame(['mapped-somewhere.example.com'], array_keys($plugin->drift()->drift_report()[0]['orphans']), 'with Ultimate Multisite: an orphan');

		$blind = new class($plugin->config(), $plugin->operations()) extends \WU_RunCloud\RunCloud_Drift {
			protected function mappings_known(): bool {
				return false;
			}
		};
		$row   = $blind->drift_report()[0];

		$this->assertSame([], $row['orphans'], 'without Ultimate Multisite nothing says it is not mapped');
		$this->assertContains('mapped-somewhere.example.com', $row['protected']);
	}
}
