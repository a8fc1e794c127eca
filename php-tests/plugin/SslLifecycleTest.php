<?php
/**
 * The SSL lifecycle end to end on the emulator (its Let's Encrypt issuance model, DNS and
 * clock control plane), both Ultimate Multisite generations: certificates follow DNS, one
 * tenant never blocks another, a burst costs one redeploy, the 100-name limit, renames,
 * retries that outlast Ultimate Multisite's checks and end in a reported failure.
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
final class SslLifecycleTest extends Plugin_Test_Case {

	const APP = ['server_id' => 1, 'app_id' => 1];

	/** The coalescing window (default). */
	const WINDOW = 60;

	public function generations(): array {

		return [
			'2.4' => ['2.4'],
			'2.5' => ['2.5'],
		];
	}

	/**
	 * The certificate state of a name on app 1:1 (null: no entry).
	 */
	private function cert(string $name): ?string {

		return RunCloud_Plugin::instance()->state()->target_entry($name, self::APP)['cert'] ?? null;
	}

	private function entry(string $name): ?array {

		return RunCloud_Plugin::instance()->state()->target_entry($name, self::APP);
	}

	/**
	 * The names the app's basic certificate covers now (emulator state).
	 */
	private function covered(int $server_id = 1, int $app_id = 1): array {

		foreach ($this->emulator->state()['apps'] as $app) {
			if ((int) $app['server_id'] === $server_id && (int) $app['app_id'] === $app_id) {
				return (array) ($app['ssl']['basic']['covered_domains'] ?? []);
			}
		}

		return [];
	}

	private function redeploys(): int {

		return count($this->requests_matching('PUT', '~/webapps/\d+/ssl/\d+$~'));
	}

	private function notice_ids(): array {

		return array_column(RunCloud_Plugin::instance()->notices()->get_notices(), 'id');
	}

	private function notice(string $id): string {

		foreach (RunCloud_Plugin::instance()->notices()->get_notices() as $notice) {
			if ($notice['id'] === $id) {
				return $notice['message'];
			}
		}

		return '';
	}

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

	public function test_a_sync_checks_a_blocking_name_again_when_nothing_else_waits(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('moved.example.com', 2);
		State::run_due(self::WINDOW);
		$this->emulator->set_dns('moved.example.com', false);
		Harness::map_and_fire('new.example.com', 3);
		State::run_due(self::WINDOW);
		$this->assertSame('blocking', $this->cert('moved.example.com'));

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

	public function test_removing_a_parked_mapping_sends_nothing_and_forgets_it(): void {

		$this->start_emulator();
		$this->boot();
		$this->emulator->set_dns('late.example.com', false);

		Harness::map_and_fire('late.example.com', 2);
		State::run_due(self::WINDOW);
		$this->assertSame('parked', $this->cert('late.example.com'));

		$seen = count($this->emulator->requests());
		Harness::unmap_domain('late.example.com');
		Harness::fire('wu_remove_domain', 'late.example.com', 2);

		$this->assertSame([], array_slice($this->request_lines(), $seen), 'the plugin took it off itself: nothing to send');
		$this->assertNull(RunCloud_Plugin::instance()->state()->entry('late.example.com'));
		$this->assertSame([], State::$actions, 'no try left');
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

	public function test_without_action_scheduler_the_add_keeps_its_ssl_step(): void {

		$this->start_emulator();
		$this->boot(['action_scheduler' => false]);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertSame(['POST /api/v3/servers/1/webapps/1/domains', 'GET /api/v3/servers/1/webapps/1/ssl', 'PUT /api/v3/servers/1/webapps/1/ssl/900001'], $this->request_lines());
		$this->assertSame('covered', $this->cert('shop.example.com'));
	}
}
