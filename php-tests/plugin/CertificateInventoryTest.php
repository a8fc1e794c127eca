<?php
/**
 * RunCloud_Certificate_Inventory: the names the app's certificate would hold, counted from the
 * remembered domain list; the warning from 90 names, nothing sent over 100, reported.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class CertificateInventoryTest extends Plugin_Test_Case {

	public function test_90_names_warn_and_over_100_is_refused_and_reported(): void {

		$this->start_emulator(['--app', '1:1', '--ssl', 'letsencrypt', '--seed-domains', '88']);
		$this->boot();

		// 88 names + one domain with www = 90: redeployed, with a warning naming advanced SSL.
		Harness::map_and_fire('ninety.example.com', 2);
		State::run_due(self::WINDOW);

		$this->assertSame('covered', $this->cert('ninety.example.com'), $this->log_text());
		$this->assertContains('certificate-names-warning', $this->notice_ids());
		$this->assertStringContainsString('holds 90 of the 100 names', $this->notice('certificate-names-warning'));
		$this->assertStringContainsString('advanced (per-domain) SSL', $this->notice('certificate-names-warning'));
		$this->assertStringContainsString('holds 90 of the 100 names', implode("\n", State::log_lines('warning')));

		// Someone adds 10 domains in the RunCloud panel (the plugin does not know); time passes.
		$this->emulator->seed(1, 1, 10);
		State::run_due(600);
		$puts = $this->redeploys();

		// 100 names on the app + one with www: 102. Near the limit, the list is read again first.
		Harness::map_and_fire('toomany.example.com', 3);
		State::run_due(self::WINDOW);

		$this->assertSame($puts, $this->redeploys(), 'no redeploy over 100 names is sent');
		$this->assertSame(0, $this->emulator->issuance()['failed_count']);
		// The new name, never covered, is kept off the app: over 100 names RunCloud's own renewal
		// of the app's certificate would fail for every tenant.
		$this->assertSame('parked', $this->cert('toomany.example.com'), $this->log_text());
		$this->assertTrue($this->entry('toomany.example.com')['over_limit']);
		$this->assertNull($this->record('toomany.example.com'), 'taken back off the app');
		$this->assertSame(100, count($this->emulator->domain_names()) + 1, '99 records, 100 names with ninety\'s www');
		$this->assertStringContainsString('102 names, over Let\'s Encrypt\'s 100', $this->entry('toomany.example.com')['reason']);
		$this->assertContains('certificate-names-limit', $this->notice_ids());
		$this->assertStringContainsString('is full', $this->notice('certificate-names-limit'));
		$this->assertStringContainsString('toomany.example.com', $this->notice('certificate-names-limit'));
		$this->assertStringContainsString('advanced (per-domain) SSL', $this->notice('certificate-names-limit'));
		$this->assertNotContains('certificate-names-warning', $this->notice_ids(), 'one notice at a time');

		Harness::cli('runcloud status');
		$this->assertStringContainsString('  parked   toomany.example.com (no room on the certificate', State::cli_text());
		$this->assertStringContainsString('parked: no room on the certificate (100 names)', State::cli_text());

		// Its next try: still no room, nothing is added or sent.
		$posts = count($this->requests_matching('POST', '~/domains$~'));
		State::run_due(300);
		$this->assertSame($posts, count($this->requests_matching('POST', '~/domains$~')), 'not added while there is no room');
		$this->assertSame('parked', $this->cert('toomany.example.com'));

		// Removing domains brings it back under the limit: the next try covers the new one.
		Harness::map_domain('ninety.example.com', 2);
		Harness::fire('wu_remove_domain', 'ninety.example.com', 2);
		wu_runcloud_remove_domain('site-1.example.test');
		RunCloud_Plugin::instance()->inventory()->refresh(self::APP);
		State::run_due(300);

		State::run_due(1200);

		$this->assertSame('covered', $this->cert('toomany.example.com'), $this->log_text());
		$this->assertNotContains('certificate-names-limit', $this->notice_ids());
		$this->assertContains('certificate-names-warning', $this->notice_ids(), '99 names: still warned');
	}

	public function test_over_100_names_that_are_not_the_plugins_own_is_reported_and_nothing_taken_off(): void {

		// 101 names on the app already (added in RunCloud's panel): taking the new name off
		// would not bring it under the limit, so nothing is taken off and nothing sent.
		$this->start_emulator(['--app', '1:1', '--ssl', 'letsencrypt', '--seed-domains', '101']);
		$this->boot();

		Harness::map_and_fire('late.example.com', 2);
		State::run_due(self::WINDOW);

		$this->assertSame(0, $this->redeploys());
		$this->assertSame('pending', $this->cert('late.example.com'));
		$this->assertNotNull($this->record('late.example.com'), 'left on the app: nothing could make room');
		$this->assertStringContainsString('would hold 103 names', $this->notice('certificate-names-limit'));
	}

	public function test_a_burst_past_100_names_covers_what_fits_and_keeps_the_newest_off(): void {

		// 80 names on the app; 15 mappings with www: 110 names. The 10 that fit get their
		// certificate in one redeploy; the 5 mapped last wait off the app.
		$this->start_emulator(['--app', '1:1', '--ssl', 'letsencrypt', '--seed-domains', '80']);
		$this->boot();

		$names = [];
		for ($i = 1; $i <= 15; $i++) {
			$names[] = sprintf('t%02d.example.com', $i);
			Harness::map_and_fire(end($names), $i + 1);
			State::$now = State::now() + 1;
		}
		State::run_due(self::WINDOW);

		$covered = array_slice($names, 0, 10);
		$waiting = array_slice($names, 10);
		foreach ($covered as $name) {
			$this->assertSame('covered', $this->cert($name), $this->log_text());
		}
		foreach ($waiting as $name) {
			$this->assertSame('parked', $this->cert($name));
			$this->assertNull($this->record($name));
		}
		$this->assertSame(1, $this->redeploys(), 'one redeploy for the names that fit');
		$this->assertCount(90, $this->covered(), 'the certificate holds 100 names: 80 seeded, 10 with their www');
		$this->assertStringContainsString(implode(', ', $waiting), $this->notice('certificate-names-limit'));
	}
}
