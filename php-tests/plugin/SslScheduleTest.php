<?php
/**
 * RunCloud_Ssl_Schedule: a certificate try that did not cover a name comes again 5, 10, 20 min
 * later and so on, the retries alone converge, and after the 12th try the name is `failed`,
 * logged and shown in a notice.
 *
 * The queue is advanced with State::run_due() (the stand-in Action Scheduler runs what comes
 * due and moves the clock the plugin reads): nothing sleeps.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud\RunCloud_Ssl_Schedule;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class SslScheduleTest extends Plugin_Test_Case {

	/**
	 * @dataProvider generations
	 */
	public function test_dns_ready_later_converges_through_the_retries_alone(string $generation): void {

		$this->start_emulator();
		$this->boot(['generation' => $generation]);
		$this->emulator->set_dns('www.late.example.com', false);

		$runs = [];
		add_action(
			'action_scheduler_before_execute',
			static function () use (&$runs) {
				if (isset(State::$running[0]) && 'wu_runcloud_certificate' === State::$running[0]['hook']) {
					$runs[] = State::now();
				}
			}
		);

		// No DNS hook at all (a domain added by sync, a UM version that never fires it).
		Harness::map_and_fire('late.example.com', 2);
		State::run_due(self::WINDOW);

		$this->assertSame('parked', $this->cert('late.example.com'), 'www.<name> failing blames <name>\'s record: ' . $this->log_text());
		$this->assertNull($this->record('late.example.com'));

		State::run_due(300 + 600);

		$this->assertSame('parked', $this->cert('late.example.com'), 'still not ready after 2 more tries');
		$this->assertSame(3, $this->entry('late.example.com')['attempt']);
		$this->assertSame(3, $this->emulator->issuance()['failed_count']);

		$this->emulator->set_dns('www.late.example.com', true);
		State::run_due(1200);

		$this->assertSame('covered', $this->cert('late.example.com'), $this->log_text());
		$this->assertContains('late.example.com', $this->covered());
		$this->assertSame([300, 600, 1200], array_map(static function ($a, $b) {
			return $b - $a;
		}, array_slice($runs, 0, -1), array_slice($runs, 1)), 'tries 5, 10, 20 min apart');
		$this->assertSame([], State::$actions);
	}

	public function test_a_failed_redeploy_is_retried_on_the_ssl_schedule(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$this->emulator->fault(['method' => 'PUT', 'path' => '/api/v3/servers/*/webapps/*/ssl/*', 'times' => 1, 'status' => 500, 'body' => '{"message":"Let\'s Encrypt is down"}']);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		State::run_due(60);

		$entry = $plugin->state()->target_entry('shop.example.com', ['server_id' => 1, 'app_id' => 1]);
		$this->assertNotNull($this->record('shop.example.com'), 'the domain stays added');
		$this->assertSame('pending', $entry['cert'], $this->log_text());
		$this->assertSame(1, $entry['attempt']);
		$this->assertStringContainsString('Let\'s Encrypt is down', $entry['reason']);
		$this->assertSame([], State::scheduled(), 'no retry of the add itself');
		$this->assertCount(1, State::scheduled('wu_runcloud_certificate'), 'the certificate job is due again');
		$this->assertSame(State::now() + 300, State::scheduled('wu_runcloud_certificate')[0]['timestamp'], 'the next try 5 min later');
		$this->assertStringContainsString('Try 1 of 12 failed; next try in 5 min', implode("\n", State::log_lines('warning')));

		State::run_due(300);

		$this->assertSame('covered', $plugin->state()->target_entry('shop.example.com', ['server_id' => 1, 'app_id' => 1])['cert'], $this->log_text());
		$this->assertContains('shop.example.com', $this->emulator->state()['apps'][0]['ssl']['basic']['covered_domains']);
		$this->assertSame([], State::$actions, 'nothing left to do');
	}

	public function test_after_the_last_try_the_name_is_failed_logged_and_noticed(): void {

		$this->start_emulator();
		$this->boot();
		$this->emulator->set_dns('never.example.com', false);

		Harness::map_and_fire('never.example.com', 2);
		State::run_due(self::WINDOW + array_sum(RunCloud_Ssl_Schedule::RETRY_DELAYS) + 60);

		$entry = $this->entry('never.example.com');
		$this->assertSame('failed', $entry['cert'], $this->log_text());
		$this->assertSame(12, $entry['attempt']);
		$this->assertStringContainsString('does not point to this server', $entry['reason']);
		$this->assertSame([], State::$actions, 'no more tries');
		$this->assertSame(12, $this->emulator->issuance()['failed_count'], 'one refused order per try');
		$this->assertNull($this->record('never.example.com'), 'it stays off the app');

		$expected = 'never.example.com got no certificate after 12 tries over 3.8 days';
		$this->assertStringContainsString($expected, implode("\n", State::log_lines('error')), 'the integration log');
		$this->assertStringContainsString($expected, implode("\n", State::log_lines('error', 'domain-never.example.com')), 'UM\'s per-domain log');
		$this->assertStringContainsString($expected, $this->notice('certificate-failed'));
		$this->assertStringContainsString('does not point to this server', $this->notice('certificate-failed'), 'with the reason');

		$errors = RunCloud_Plugin::instance()->notices()->get_errors('ssl_failed');
		$this->assertSame(['never.example.com', '1:1'], [$errors[0]['domain'], $errors[0]['target']], 'recorded as structured data');
		$this->assertNotEmpty($errors[0]['reason']);
		$this->assertStringContainsString('wp runcloud sync', $errors[0]['action']);

		// DNS fixed days later: a sync tries again (a new schedule) and the notice goes.
		$this->emulator->set_dns('never.example.com', true);
		$this->assertSame(0, Harness::cli('runcloud sync'));
		$this->assertSame('covered', $this->cert('never.example.com'), State::cli_text());
		$this->assertNotContains('certificate-failed', $this->notice_ids());
	}

	public function test_a_name_that_failed_for_another_reason_is_not_told_to_fix_its_dns(): void {

		$this->start_emulator();
		$this->boot();
		$this->emulator->fault(['method' => 'PUT', 'path' => '/api/v3/servers/*/webapps/*/ssl/*', 'times' => 1000, 'status' => 503, 'body' => '{"message":"Service Unavailable"}']);

		Harness::map_and_fire('shop.example.com', 2);
		State::run_due(self::WINDOW + array_sum(RunCloud_Ssl_Schedule::RETRY_DELAYS) + 60);

		$this->assertSame('failed', $this->cert('shop.example.com'), $this->log_text());
		$notice = $this->notice('certificate-failed');
		$this->assertStringContainsString('the certificate step kept failing', $notice);
		$this->assertStringNotContainsString('never validated', $notice);
		$this->assertStringNotContainsString('Point shop.example.com', $notice);
		$this->assertStringContainsString('Service Unavailable', $notice, 'with the reason');
	}
}
