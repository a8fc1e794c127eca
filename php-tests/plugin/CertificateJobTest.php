<?php
/**
 * RunCloud_Certificate_Job: one run per web app covers every waiting name with one redeploy (a
 * burst of mappings is one issuance), or per domain in advanced SSL mode; a forced run
 * (`wp runcloud sync`) checks a blocking name again.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class CertificateJobTest extends Plugin_Test_Case {

	/**
	 * @dataProvider generations
	 */
	public function test_a_burst_of_20_mappings_is_one_redeploy(string $generation): void {

		$this->start_emulator();
		$this->boot(['generation' => $generation]);

		$names = [];

		for ($i = 1; $i <= 20; $i++) {
			$names[] = "tenant{$i}.example.com";
			Harness::map_and_fire("tenant{$i}.example.com", $i + 1);
		}

		$this->assertCount(1, State::scheduled('wu_runcloud_certificate'), 'one certificate job queued for the burst, not one per mapping');

		State::run_due(self::WINDOW);

		$covered = $this->covered();
		foreach ($names as $name) {
			$this->assertContains($name, $covered);
			$this->assertSame('covered', $this->cert($name));
		}

		$this->assertLessThanOrEqual(2, $this->redeploys());
		$this->assertSame(1, $this->emulator->issuance()['issued_count'], 'one Let\'s Encrypt certificate for the burst');
		$this->assertLessThanOrEqual(20 + 3, count($this->emulator->requests()), implode("\n", $this->request_lines()));
		$this->assertCount(20, $this->requests_matching('POST', '~/domains$~'));
		$this->assertSame([], State::$actions);
	}

	public function test_a_burst_of_50_stays_at_the_request_floor(): void {

		$this->start_emulator();
		$this->boot();

		for ($i = 1; $i <= 50; $i++) {
			Harness::map_and_fire("tenant{$i}.example.com", $i + 1);
		}

		State::run_due(self::WINDOW);

		$this->assertCount(50, array_intersect(array_map(static function ($i) {
			return "tenant{$i}.example.com";
		}, range(1, 50)), $this->covered()));
		$this->assertSame(1, $this->emulator->issuance()['issued_count']);
		$this->assertLessThanOrEqual(50 + 3, count($this->emulator->requests()), implode("\n", $this->request_lines()));
		// 50 domains with www: exactly 100 names, allowed, with the warning.
		$this->assertContains('certificate-names-warning', $this->notice_ids());
	}

	public function test_advanced_mode_issues_per_domain_and_retries_one_name_alone(): void {

		$this->start_emulator(['--app', '1:1', '--ssl', 'advanced']);
		$this->boot();
		$this->emulator->set_dns('slow.example.com', false);

		Harness::map_and_fire('slow.example.com', 2);
		Harness::map_and_fire('fast.example.com', 3);
		State::run_due(self::WINDOW);

		$certificates = $this->emulator->state()['apps'][0]['ssl']['domains'];
		$this->assertArrayHasKey('fast.example.com', $certificates, 'one name\'s DNS blocks only itself: ' . $this->log_text());
		$this->assertSame('covered', $this->cert('fast.example.com'));
		$this->assertSame('pending', $this->cert('slow.example.com'), 'per-domain: never taken off the app');
		$this->assertNotNull($this->record('slow.example.com'));
		$this->assertSame('advanced', RunCloud_Plugin::instance()->lifecycle()->mode(self::APP));

		$this->emulator->set_dns('slow.example.com', true);
		State::run_due(300);

		$this->assertArrayHasKey('slow.example.com', $this->emulator->state()['apps'][0]['ssl']['domains'], $this->log_text());
		$this->assertSame('covered', $this->cert('slow.example.com'));
		$this->assertSame(0, $this->redeploys(), 'never the whole-app certificate');

		// The mode is known now: an add takes its own SSL step, as before the lifecycle.
		Harness::map_and_fire('third.example.com', 4);
		$this->assertSame('covered', $this->cert('third.example.com'));
		$this->assertSame([], State::$actions);
	}

	public function test_syncs_run_again_and_again_stay_within_lets_encrypts_hourly_limit(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('moved.example.com', 2);
		State::run_due(self::WINDOW);
		$this->emulator->set_dns('moved.example.com', false);
		$this->emulator->set_dns('late.example.com', false);
		Harness::map_and_fire('late.example.com', 3);
		State::run_due(self::WINDOW);

		for ($i = 0; $i < 8; $i++) {
			Harness::cli('runcloud sync');
			State::$now = State::now() + 60;
		}

		foreach (['moved.example.com', 'late.example.com'] as $name) {
			$orders = array_filter($this->emulator->issuance()['failed'] ?? [], static fn($order) => in_array($name, (array) ($order['names'] ?? []), true));
			$this->assertLessThanOrEqual(4, count($orders), "{$name}: at most 4 failed orders within the hour, however often sync runs");
		}
	}

	public function test_a_job_met_while_the_integration_is_off_looks_again_later(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('shop.example.com', 2);
		update_network_option(null, 'wu_host_integrations_enabled', ['runcloud' => false]);
		State::run_due(self::WINDOW);

		$this->assertSame('pending', $this->cert('shop.example.com'));
		$this->assertStringContainsString('paused: the RunCloud integration is disabled. It looks again in an hour.', $this->log_text());
		$this->assertCount(1, State::scheduled('wu_runcloud_certificate'), 'not dropped');

		update_network_option(null, 'wu_host_integrations_enabled', ['runcloud' => true]);
		State::run_due(3600);

		$this->assertSame('covered', $this->cert('shop.example.com'), $this->log_text());
		$this->assertSame([], State::$actions);
	}

	public function test_a_name_removed_then_mapped_again_is_not_redeployed_for_the_same_set(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('a.example.com', 2);
		State::run_due(self::WINDOW);
		Harness::map_and_fire('toggle.example.com', 3);
		State::run_due(self::WINDOW);
		$puts = $this->redeploys();

		// The tenant unmaps and maps it again, six times: the certificate still holds it
		// (removals never redeploy), so no identical certificate is issued.
		for ($i = 0; $i < 6; $i++) {
			Harness::fire('wu_remove_domain', 'toggle.example.com', 3);
			Harness::map_and_fire('toggle.example.com', 3);
			State::run_due(self::WINDOW);
		}

		$this->assertSame($puts, $this->redeploys(), $this->log_text());
		$this->assertSame(0, $this->emulator->issuance()['failed_count']);
		$this->assertSame('covered', $this->cert('toggle.example.com'));
		$this->assertStringContainsString('the certificate already holds these 4 names: not redeployed', $this->log_text());

		// A week later the set is not trusted any more (RunCloud may have renewed it since).
		State::$now = State::now() + 8 * 86400;
		Harness::fire('wu_remove_domain', 'toggle.example.com', 3);
		Harness::map_and_fire('toggle.example.com', 3);
		State::run_due(self::WINDOW);
		$this->assertSame($puts + 1, $this->redeploys());
	}

	public function test_a_sync_checks_a_blocking_name_again_when_nothing_else_waits(): void {

		$this->start_emulator();
		$this->boot();

		$this->a_covered_name_moves_away('moved.example.com', 2, 'new.example.com', 3);

		// The tenant waiting behind it leaves; nothing waits any more, the notice stays: the
		// certificate still cannot be renewed.
		Harness::unmap_domain('new.example.com');
		Harness::fire('wu_remove_domain', 'new.example.com', 3);
		State::run_due(86400);
		$this->assertContains('certificate-blocked', $this->notice_ids());
		$this->assertSame(1, $this->emulator->issuance()['failed_count'], 'no retry with nothing to cover');

		// The operator fixes DNS and runs a sync: one redeploy proves it and clears the notice.
		$this->emulator->set_dns('moved.example.com', true);
		$this->assertSame(0, Harness::cli('runcloud sync'), State::cli_text());

		$this->assertSame('covered', $this->cert('moved.example.com'));
		$this->assertNotContains('certificate-blocked', $this->notice_ids());
		$this->assertSame(2, $this->emulator->issuance()['issued_count']);
	}
}
