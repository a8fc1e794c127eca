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
		$this->assertSame('pending', $this->cert('toomany.example.com'));
		$this->assertStringContainsString('102 names, over Let\'s Encrypt\'s 100', $this->entry('toomany.example.com')['reason']);
		$this->assertContains('certificate-names-limit', $this->notice_ids());
		$this->assertStringContainsString('would hold 102 names', $this->notice('certificate-names-limit'));
		$this->assertStringContainsString('advanced (per-domain) SSL', $this->notice('certificate-names-limit'));
		$this->assertNotContains('certificate-names-warning', $this->notice_ids(), 'one notice at a time');

		// Removing domains brings it back under the limit: the next try covers the new one.
		Harness::map_domain('ninety.example.com', 2);
		Harness::fire('wu_remove_domain', 'ninety.example.com', 2);
		wu_runcloud_remove_domain('site-1.example.test');
		RunCloud_Plugin::instance()->inventory()->refresh(self::APP);
		State::run_due(300);

		$this->assertSame('covered', $this->cert('toomany.example.com'), $this->log_text());
		$this->assertNotContains('certificate-names-limit', $this->notice_ids());
		$this->assertContains('certificate-names-warning', $this->notice_ids(), '99 names: still warned');
	}
}
