<?php
/**
 * RunCloud_Ssl_Lifecycle, the event side of the certificate lifecycle, end to end on the
 * emulator (its Let's Encrypt issuance model, DNS and clock control plane): an add leaves its
 * certificate to the job of its web app, a parked name comes back when Ultimate Multisite's DNS
 * check passes (also for a name the plugin never added), nothing happens without the extension,
 * and without Action Scheduler an add keeps its own SSL step.
 *
 * The queue is advanced with State::run_due() (the stand-in Action Scheduler runs what comes
 * due and moves the clock the plugin reads): nothing sleeps.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class SslLifecycleTest extends Plugin_Test_Case {

	/**
	 * @dataProvider generations
	 */
	public function test_dns_not_ready_then_ready_via_the_hook(string $generation): void {

		$this->start_emulator();
		$this->boot(['generation' => $generation]);
		$this->emulator->set_dns('late.example.com', false);

		Harness::map_and_fire('late.example.com', 2);

		$this->assertNotNull($this->record('late.example.com'), 'added at once, without an SSL step');
		$this->assertSame('pending', $this->cert('late.example.com'));
		$this->assertCount(1, State::scheduled('wu_runcloud_certificate'), 'one certificate job');

		State::run_due(self::WINDOW);

		// Let's Encrypt refused the order naming it; never covered: taken back off the app.
		$this->assertNull($this->record('late.example.com'), $this->log_text());
		$this->assertSame('parked', $this->cert('late.example.com'));
		$this->assertSame(['issued_count' => 0, 'failed_count' => 1], array_intersect_key($this->emulator->issuance(), ['issued_count' => 0, 'failed_count' => 0]));
		$this->assertStringContainsString('late.example.com does not validate for Let\'s Encrypt', implode("\n", State::log_lines(null, 'domain-late.example.com')), 'UM\'s per-domain log says why');
		$this->assertSame(State::now() + 300, State::scheduled('wu_runcloud_certificate')[0]['timestamp'], 'next try in 5 min');

		// The DNS is fixed; Ultimate Multisite's DNS check passes and fires its hook.
		$this->emulator->set_dns('late.example.com', true);
		Harness::dns_propagated('late.example.com');

		$this->assertSame(State::now() + self::WINDOW, State::scheduled('wu_runcloud_certificate')[0]['timestamp'], 'tried within the window, not in 5 min');

		State::run_due(self::WINDOW);

		$this->assertNotNull($this->record('late.example.com'), 'added back');
		$this->assertSame('covered', $this->cert('late.example.com'), $this->log_text());
		$this->assertContains('late.example.com', $this->covered());
		$this->assertSame(1, $this->emulator->issuance()['issued_count']);
		$this->assertSame([], State::$actions, 'nothing left to do');
		$this->assertStringContainsString('now covers late.example.com', implode("\n", State::log_lines(null, 'domain-late.example.com')));
	}

	public function test_a_flapping_dns_hook_neither_burns_the_schedule_nor_lets_encrypts_hourly_limit(): void {

		$this->start_emulator();
		$this->boot();
		$this->emulator->set_dns('flap.example.com', false);

		Harness::map_and_fire('flap.example.com', 2);
		State::run_due(self::WINDOW);
		$this->assertSame('parked', $this->cert('flap.example.com'));
		$start = State::now();

		// UM's DNS check passes again and again (flapping DNS, or a Retry pressed each minute)
		// while the name still does not validate: 30 hooks over 30 minutes.
		for ($minute = 0; $minute < 30; $minute++) {
			Harness::dns_propagated('flap.example.com');
			State::run_due(60);
		}

		$failed = $this->emulator->issuance()['failed_count'];
		$this->assertLessThanOrEqual(4, $failed, 'at most 4 failed orders for the name within the hour (Let\'s Encrypt refuses a 6th failed validation)');
		$this->assertGreaterThanOrEqual(2, $failed, 'the hooks did bring tries forward');
		$entry = $this->entry('flap.example.com');
		$this->assertSame('parked', $entry['cert']);
		$this->assertLessThanOrEqual(3, $entry['attempt'], 'extra tries do not count against the schedule: only 0, 5, 15 min were scheduled tries');
		$this->assertGreaterThanOrEqual($start + 3600 - self::WINDOW, (int) $entry['next_at'], 'the next try waits for the hour to pass');

		// The DNS is fixed for good: the retries alone still converge.
		$this->emulator->set_dns('flap.example.com', true);
		State::run_due(2 * 3600);
		$this->assertSame('covered', $this->cert('flap.example.com'), $this->log_text());
	}

	public function test_a_name_whose_add_fails_is_not_shown_as_waiting_for_dns(): void {

		$this->start_emulator();
		$this->boot();
		$this->emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/*/webapps/*/domains', 'times' => 1000, 'status' => 404, 'body' => '{"message":"Web application not found."}']);

		Harness::map_and_fire('broken.example.com', 2);
		Harness::dns_propagated('broken.example.com');
		State::run_due(self::WINDOW);

		$this->assertNull($this->record('broken.example.com'));
		$entry = $this->entry('broken.example.com');
		$this->assertTrue($entry['not_added'], 'off the app because its add fails, not because of DNS');

		Harness::cli('runcloud status');
		$out = State::cli_text();
		$this->assertStringContainsString('1 difference(s)', $out, 'status does not say all is well');
		$this->assertStringContainsString('  missing  broken.example.com', $out);
		$this->assertStringNotContainsString('waiting for DNS', $out);
		$this->assertStringContainsString('not on the app: the certificate job adds it', $out);
		$this->assertStringContainsString('adding it back failed', $out);
		$this->assertStringNotContainsString('RunCloud and the network agree', $out);
	}

	public function test_the_dns_hook_without_the_extension_does_nothing(): void {

		$this->start_emulator();
		$this->boot();

		$notices = new \WU_RunCloud\RunCloud_Admin_Notices(
			static function () {
				return false;
			}
		);
		$plugin  = new RunCloud_Plugin(__FILE__, $notices);

		Harness::map_domain('quiet.example.com', 2);
		$plugin->lifecycle()->on_dns_propagated(State::$domains[0]);

		$this->assertSame([], $this->emulator->requests());
		$this->assertNull($plugin->state()->entry('quiet.example.com'));
	}

	public function test_the_dns_hook_adds_a_name_the_plugin_never_added(): void {

		$this->start_emulator();
		$this->boot();

		// Mapped while the integration was off: no wu_add_domain ever reached the plugin.
		Harness::map_domain('quiet.example.com', 2);
		Harness::dns_propagated('quiet.example.com');
		State::run_due(self::WINDOW);

		$this->assertNotNull($this->record('quiet.example.com'), $this->log_text());
		$this->assertSame('covered', $this->cert('quiet.example.com'));
		$this->assertContains('quiet.example.com', $this->covered());
	}

	public function test_without_action_scheduler_the_add_keeps_its_ssl_step(): void {

		$this->start_emulator();
		$this->boot(['action_scheduler' => false]);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertSame(['POST /api/v3/servers/1/webapps/1/domains', 'GET /api/v3/servers/1/webapps/1/ssl', 'PUT /api/v3/servers/1/webapps/1/ssl/900001'], $this->request_lines());
		$this->assertSame('covered', $this->cert('shop.example.com'));
	}

	public function test_a_name_already_on_the_app_gets_its_certificate_without_action_scheduler(): void {

		$this->start_emulator();
		$this->boot(['action_scheduler' => false]);

		// On the app before the mapping (added in RunCloud's panel, or an add whose answer was lost).
		wu_runcloud_add_domain('shop.example.com', ['ssl' => false]);
		$this->assertNotContains('shop.example.com', $this->covered());

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertSame('covered', $this->cert('shop.example.com'), $this->log_text());
		$this->assertContains('shop.example.com', $this->covered(), 'the add\'s "skipped" (already there) is not a custom certificate');
		$this->assertNotSame('custom', RunCloud_Plugin::instance()->lifecycle()->mode(self::APP));

		// Mapped again: settled, so no second redeploy of an unchanged set.
		$puts = $this->redeploys();
		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		$this->assertSame($puts, $this->redeploys());
	}

	public function test_a_name_already_on_the_app_gets_its_own_certificate_in_advanced_mode(): void {

		$this->start_emulator(['--app', '1:1', '--ssl', 'advanced']);
		$this->boot();

		Harness::map_and_fire('first.example.com', 2);
		State::run_due(self::WINDOW);
		$this->assertSame('advanced', RunCloud_Plugin::instance()->lifecycle()->mode(self::APP));

		wu_runcloud_add_domain('shop.example.com', ['ssl' => false]);
		Harness::map_and_fire('shop.example.com', 3);
		State::run_due(self::WINDOW);

		$this->assertArrayHasKey('shop.example.com', $this->emulator->state()['apps'][0]['ssl']['domains'], $this->log_text());
		$this->assertSame('covered', $this->cert('shop.example.com'));
		$this->assertSame('advanced', RunCloud_Plugin::instance()->lifecycle()->mode(self::APP), 'not taken for a custom certificate');
	}

	public function test_removing_and_mapping_again_does_not_reset_the_hourly_limit(): void {

		$this->start_emulator();
		$this->boot();
		$this->emulator->set_dns('u.example.com', false);

		Harness::map_and_fire('u.example.com', 2);
		State::run_due(40 * 60);
		for ($i = 0; $i < 2; $i++) {
			Harness::unmap_domain('u.example.com');
			Harness::fire('wu_remove_domain', 'u.example.com', 2);
			Harness::map_and_fire('u.example.com', 2);
			State::run_due(9 * 60);
		}

		$orders = array_filter($this->emulator->issuance()['failed'] ?? [], static fn($order) => in_array('u.example.com', (array) ($order['names'] ?? []), true));
		$this->assertLessThanOrEqual(4, count($orders), 'within the hour: forgetting the name does not forget its failed tries');
	}
}
