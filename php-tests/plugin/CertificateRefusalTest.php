<?php
/**
 * RunCloud_Certificate_Refusal: a redeploy Let's Encrypt refused, naming a name. A name the
 * plugin added and no certificate ever covered is parked (the others get their certificate
 * at once); a name covered before, or not the plugin's, is never removed but reported as
 * blocking the certificate.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class CertificateRefusalTest extends Plugin_Test_Case {

	public function test_a_second_tenant_with_working_dns_gets_its_certificate_meanwhile(): void {

		$this->start_emulator();
		$this->boot();
		$this->emulator->set_dns('slow.example.com', false);

		Harness::map_and_fire('slow.example.com', 2);
		Harness::map_and_fire('fast.example.com', 3);
		State::run_due(self::WINDOW);

		$this->assertSame('covered', $this->cert('fast.example.com'), $this->log_text());
		$this->assertContains('fast.example.com', $this->covered());
		$this->assertSame('parked', $this->cert('slow.example.com'));
		$this->assertNotContains('slow.example.com', $this->emulator->domain_names());
		$this->assertSame(['issued' => 1, 'failed' => 1], ['issued' => $this->emulator->issuance()['issued_count'], 'failed' => $this->emulator->issuance()['failed_count']], 'the refused order was retried at once without the unready name');

		// Later, a third tenant while the first still waits: not blocked either.
		Harness::map_and_fire('third.example.com', 4);
		State::run_due(self::WINDOW);

		$this->assertSame('covered', $this->cert('third.example.com'));
		$this->assertSame('parked', $this->cert('slow.example.com'));

		$this->assertSame(0, Harness::cli('runcloud status'));
		$out = State::cli_text();
		$this->assertStringContainsString('  parked   slow.example.com (waiting for DNS', $out);
		$this->assertStringContainsString('  ssl      fast.example.com  on the app; covered', $out);
		$this->assertMatchesRegularExpression('~  ssl      slow\.example\.com  not on the app; parked, waiting for DNS \(not on the app\), next try in \d+ min \(1 of 12 tries failed\): DNS not ready: .*slow\.example\.com~', $out);
		$this->assertStringContainsString('1:1: SSL basic (one Let\'s Encrypt certificate for the whole web app); a whole-app certificate holds 4 of 100 names', $out);
	}

	public function test_a_moved_covered_name_is_reported_by_name_and_never_removed(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('moved.example.com', 2);
		State::run_due(self::WINDOW);
		$this->assertSame('covered', $this->cert('moved.example.com'));

		// Its owner points its DNS elsewhere; then another tenant maps a domain.
		$this->emulator->set_dns('moved.example.com', false);
		Harness::map_and_fire('new.example.com', 3);
		State::run_due(self::WINDOW);

		$this->assertContains('moved.example.com', $this->emulator->domain_names(), 'a name covered before is never removed');
		$this->assertSame([], $this->requests_matching('DELETE', '~/domains/~'));
		$this->assertSame('blocking', $this->cert('moved.example.com'));
		$this->assertSame('pending', $this->cert('new.example.com'));
		$this->assertStringContainsString('waiting: moved.example.com blocks the certificate', $this->entry('new.example.com')['reason']);

		$this->assertContains('certificate-blocked', $this->notice_ids());
		$this->assertStringContainsString('moved.example.com no longer validates', $this->notice('certificate-blocked'));
		$this->assertStringContainsString('Point moved.example.com (and www.moved.example.com when www is on) back at the server', $this->notice('certificate-blocked'));
		$this->assertStringContainsString('moved.example.com no longer validates', implode("\n", State::log_lines('error')));

		$this->assertSame(0, Harness::cli('runcloud status'));
		$this->assertStringContainsString('1:1: blocking the certificate: moved.example.com (', State::cli_text());
		$this->assertStringContainsString('  ssl      moved.example.com  on the app; blocking the certificate', State::cli_text());
		$this->assertStringContainsString('1 certificate state(s) need you', State::cli_text(), 'no "Success" while a name blocks the certificate');
		$this->assertStringNotContainsString('RunCloud and the network agree.', State::cli_text());
		$this->assertMatchesRegularExpression('~  ssl      new\.example\.com  on the app; pending, next try in \d+ min~', State::cli_text(), 'held behind the blocking name: not "now"');

		// No retry before the hold ends (Let's Encrypt's failed-validation limit), even for new names.
		Harness::map_and_fire('newer.example.com', 4);
		State::run_due(self::WINDOW);
		$this->assertSame(1, $this->emulator->issuance()['failed_count'], 'one refused order, not one per new name');

		$this->emulator->set_dns('moved.example.com', true);
		State::run_due(300);

		foreach (['moved.example.com', 'new.example.com', 'newer.example.com'] as $name) {
			$this->assertSame('covered', $this->cert($name), $this->log_text());
		}
		$this->assertNotContains('certificate-blocked', $this->notice_ids(), 'the notice goes with its cause');
		$this->assertSame([], RunCloud_Plugin::instance()->state()->target(self::APP)['blocking']);
	}

	public function test_a_flapping_dns_hook_for_a_blocking_name_stays_within_the_hourly_limit(): void {

		$this->start_emulator();
		$this->boot();

		$this->a_covered_name_moves_away('moved.example.com', 2, 'new.example.com', 3);

		// Each hook lifts the hold, and each redeploy validates the blocking name again.
		for ($minute = 0; $minute < 30; $minute++) {
			Harness::dns_propagated('moved.example.com');
			State::run_due(60);
		}

		$this->assertLessThanOrEqual(4, $this->emulator->issuance()['failed_count'], 'at most 4 refused orders within the hour');
		$this->assertContains('moved.example.com', $this->emulator->domain_names(), 'never removed');
		$this->assertSame('blocking', $this->cert('moved.example.com'));
	}

	public function test_the_apps_own_domain_blocking_is_reported_and_kept(): void {

		$this->start_emulator();
		$this->boot();

		wu_runcloud_add_domain('app.runcloud.test', ['type' => 'primary', 'ssl' => false]);
		$this->emulator->set_dns('app.runcloud.test', false);

		Harness::map_and_fire('shop.example.com', 2);
		State::run_due(self::WINDOW);

		$this->assertContains('app.runcloud.test', $this->emulator->domain_names());
		$this->assertSame('pending', $this->cert('shop.example.com'));
		$this->assertStringContainsString('app.runcloud.test no longer validates', $this->notice('certificate-blocked'));
		$this->assertStringContainsString('was not added by this plugin', $this->notice('certificate-blocked'));

		// Removing the blocking domain in RunCloud is one way out: the hold ends at its next try.
		wu_runcloud_remove_domain('app.runcloud.test');
		RunCloud_Plugin::instance()->inventory()->refresh(self::APP);
		State::run_due(300);

		$this->assertSame('covered', $this->cert('shop.example.com'), $this->log_text());
		$this->assertNotContains('certificate-blocked', $this->notice_ids());
	}

	public function test_a_refusal_listing_the_order_without_a_reason_parks_nobody(): void {

		$this->start_emulator();
		$this->boot();

		$names = ['t1.example.com', 't2.example.com', 't3.example.com'];
		foreach ($names as $i => $name) {
			Harness::map_and_fire($name, $i + 2);
		}
		// RunCloud relays a refusal that lists every name of the order and gives no validation
		// reason: nothing says which tenant is at fault, so none is taken off the app.
		$this->emulator->fault(['method' => 'PUT', 'path' => '/api/v3/servers/*/webapps/*/ssl/*', 'times' => 1, 'status' => 422, 'body' => json_encode(['message' => 'Failed to issue SSL certificate for t1.example.com, www.t1.example.com, t2.example.com, www.t2.example.com, t3.example.com, www.t3.example.com. Please try again later.'])]);
		State::run_due(self::WINDOW);

		$this->assertSame($names, $this->emulator->domain_names(), 'every tenant stays on the app');
		foreach ($names as $name) {
			$this->assertSame('pending', $this->cert($name), $this->log_text());
		}
		$this->assertCount(1, $this->requests_matching('PUT', '~/ssl/\\d+$~'), 'no second redeploy in the same run: the refusal named nobody to take off');

		// The next scheduled try succeeds for all.
		State::run_due(300);
		foreach ($names as $name) {
			$this->assertSame('covered', $this->cert($name), $this->log_text());
		}
	}

	public function test_a_burst_with_several_unready_names_keeps_each_within_the_hourly_limit(): void {

		$this->start_emulator();
		$this->boot();

		$good = ['g1.example.com', 'g2.example.com', 'g3.example.com', 'g4.example.com', 'g5.example.com', 'g6.example.com'];
		$bad  = ['b1.example.com', 'b2.example.com', 'b3.example.com', 'b4.example.com', 'b5.example.com', 'b6.example.com'];
		foreach ($bad as $name) {
			$this->emulator->set_dns($name, false);
		}
		foreach (array_merge($good, $bad) as $i => $name) {
			Harness::map_and_fire($name, $i + 2);
		}

		// Two hours, a minute at a time; per name, when each refused order that held it came.
		$seen   = 0;
		$orders = [];
		for ($minute = 0; $minute < 120; $minute++) {
			State::run_due(60);
			$failed = $this->emulator->issuance()['failed'] ?? [];
			foreach (array_slice($failed, $seen) as $order) {
				foreach ((array) ($order['names'] ?? []) as $name) {
					$orders[ $name ][] = State::now();
				}
			}
			$seen = count($failed);
		}

		foreach ($bad as $name) {
			$times = $orders[ $name ] ?? [];
			$worst = 0;
			foreach ($times as $start) {
				$worst = max($worst, count(array_filter($times, static fn($t) => $t >= $start && $t < $start + 3600)));
			}
			$this->assertLessThanOrEqual(5, $worst, "{$name}: on {$worst} refused orders within an hour (Let's Encrypt allows 5 failed validations per host name per hour)");
			$this->assertNotContains($name, $this->covered());
			$this->assertSame('parked', $this->cert($name), 'each unready name ends off the app, waiting for its DNS');
		}
		// The ready names were held back with the unready ones for at most the hour (4 refused
		// orders put them at the limit too: it cannot tell which of them failed validation).
		foreach ($good as $name) {
			$this->assertSame('covered', $this->cert($name), $this->log_text());
		}
	}

	public function test_a_tenant_waiting_behind_a_blocking_name_never_fails_and_is_covered_once_it_is_fixed(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('moved.example.com', 2);
		State::run_due(self::WINDOW);
		$this->emulator->set_dns('moved.example.com', false);
		Harness::map_and_fire('w.example.com', 3);

		// Five days, nobody presses anything; then the blocking name is pointed back here.
		State::run_due(5 * 86400);
		$this->assertSame('pending', $this->cert('w.example.com'), 'its own DNS is fine: it waits, it does not fail');
		$this->assertSame(0, $this->entry('w.example.com')['attempt'], 'the hold\'s tries are not its own');
		$this->assertNotContains('certificate-failed', $this->notice_ids());
		$this->assertContains('certificate-blocked', $this->notice_ids());

		$this->emulator->set_dns('moved.example.com', true);
		State::run_due(2 * 86400);
		$this->assertSame('covered', $this->cert('w.example.com'), $this->log_text());
		$this->assertSame('covered', $this->cert('moved.example.com'));
		$this->assertNotContains('certificate-blocked', $this->notice_ids());
	}

	public function test_syncs_do_not_use_up_the_tries_of_a_tenant_waiting_behind_a_blocking_name(): void {

		$this->start_emulator();
		$this->boot();

		$this->a_covered_name_moves_away('moved.example.com', 2, 'w.example.com', 3);

		for ($i = 0; $i < 18; $i++) {
			Harness::cli('runcloud sync');
			State::run_due(600);
		}

		$this->assertSame('pending', $this->cert('w.example.com'), $this->log_text());
		$this->assertSame(0, $this->entry('w.example.com')['attempt']);
	}
}
