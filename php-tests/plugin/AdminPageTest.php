<?php
/**
 * RunCloud_Admin_Page, the RunCloud page's controller: where it sits, who may use it, and its
 * actions (capability, method and nonce checked first; long actions queued, never run in the
 * request). Its HTML: AdminPageViewTest.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Admin_Jobs as Jobs;
use WU_RunCloud\RunCloud_Admin_Page as Page;
use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class AdminPageTest extends Plugin_Test_Case {

	/**
	 * An action's request, with a valid nonce unless told otherwise.
	 */
	private static function request(string $action, array $fields = [], ?string $nonce = null): array {

		$which = 'retry' === $action ? (string) ($fields['domain'] ?? '') : (string) ($fields['key'] ?? '');

		return $fields + [
			Page::ACTION_FIELD => $action,
			'_wpnonce'         => $nonce ?? wp_create_nonce(Page::nonce_action($action, $which)),
		];
	}

	private function page(): Page {

		return RunCloud_Plugin::instance()->admin_page();
	}

	/**
	 * The page action jobs queued in Action Scheduler.
	 */
	private static function queued_jobs(): array {

		return array_map(
			static function ($action) {
				return $action['args'][0]['id'];
			},
			State::scheduled(Jobs::HOOK)
		);
	}

	public function test_the_page_sits_under_ultimate_multisites_menu_else_under_settings(): void {

		global $admin_page_hooks;

		$this->start_emulator();
		$plugin = $this->boot();

		$admin_page_hooks = ['wp-ultimo' => 'ultimate-multisite'];
		$this->assertSame('wp-ultimo_page_wu-runcloud', $plugin->admin_page()->add_menu());
		$this->assertSame(['parent' => 'wp-ultimo', 'capability' => 'manage_network_options'], array_intersect_key(State::$menu['wu-runcloud'], ['parent' => 1, 'capability' => 1]));
		$this->assertSame('https://network.test/wp-admin/network/admin.php?page=wu-runcloud&view=failed', Page::url(['view' => 'failed']));

		$admin_page_hooks = [];
		$plugin->admin_page()->add_menu();
		$this->assertSame('settings.php', State::$menu['wu-runcloud']['parent']);
		$this->assertSame('https://network.test/wp-admin/network/settings.php?page=wu-runcloud', Page::url());
	}

	public function test_every_action_is_refused_without_the_capability_or_with_a_forged_nonce(): void {

		$this->start_emulator();
		$this->boot();

		foreach (Page::ACTIONS as $action => $method) {
			State::$denied_caps = ['manage_network_options'];
			$refused            = $this->page()->handle($action, self::request($action, ['domain' => 'a.example.com', 'key' => 'k']), $method, 1);
			$this->assertSame(['refused', 403], [$refused['status'], $refused['code']], "{$action} without the capability");

			State::$denied_caps = [];
			$forged             = $this->page()->handle($action, self::request($action, ['domain' => 'a.example.com', 'key' => 'k'], 'forged'), $method, 1);
			$this->assertSame(['refused', 403], [$forged['status'], $forged['code']], "{$action} with a forged nonce");
			$this->assertStringContainsString('expired', $forged['message']);

			$other = $this->page()->handle($action, self::request($action, ['domain' => 'a.example.com', 'key' => 'k']), 'GET' === $method ? 'POST' : 'GET', 1);
			$this->assertSame(['refused', 400], [$other['status'], $other['code']], "{$action} with the other method");
		}

		$retry = self::request('retry', ['domain' => 'a.example.com']);
		$this->assertSame('refused', $this->page()->handle('retry', ['domain' => 'b.example.com'] + $retry, 'GET', 1)['status'], 'a retry nonce is for its domain only');
		$this->assertSame('refused', $this->page()->handle('rm-rf', self::request('rm-rf'), 'POST', 1)['status']);
		$this->assertSame([], self::queued_jobs(), 'nothing was queued');
		$this->assertSame([], $this->emulator->requests(), 'nothing was sent');
	}

	public function test_sync_drift_and_retry_are_queued_never_run_in_the_request(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$sync = $this->page()->handle('sync', self::request('sync'), 'POST', 7);
		$this->assertSame('done', $sync['status']);
		$this->assertSame('sync', $sync['args']['wu_runcloud_done']);
		$again = $this->page()->handle('sync', self::request('sync'), 'POST', 7);
		$this->assertSame($sync['args']['job'], $again['args']['job'], 'a Sync now already queued is not queued twice');

		$drift = $this->page()->handle('drift', self::request('drift'), 'POST', 7)['args']['job'];
		$retry = $this->page()->handle('retry', self::request('retry', ['domain' => 'shop.example.com']), 'GET', 7)['args']['job'];

		$this->assertSame([$sync['args']['job'], $drift, $retry], self::queued_jobs());
		$this->assertSame([['sync', '', 7], ['drift', '', 7], ['retry', 'shop.example.com', 7]], array_map(static function ($job) {
			return [$job['kind'], $job['domain'], $job['by']];
		}, $plugin->admin_jobs()->all()));
		$this->assertSame(['queued', 'queued', 'queued'], array_column($plugin->admin_jobs()->all(), 'status'));
		$this->assertSame([], $this->emulator->requests(), 'the page request sent nothing');
	}

	public function test_orphans_are_removed_only_after_an_explicit_confirmation(): void {

		$this->start_emulator();
		$this->boot();

		$unconfirmed = $this->page()->handle('orphans', self::request('orphans'), 'POST', 1);
		$this->assertSame('confirm-orphans', $unconfirmed['args']['wu_runcloud_error']);
		$this->assertSame([], self::queued_jobs());

		$confirmed = $this->page()->handle('orphans', self::request('orphans', ['confirm_orphans' => '1']), 'POST', 1);
		$this->assertSame(['orphans'], array_column(RunCloud_Plugin::instance()->admin_jobs()->all(), 'kind'));
		$this->assertSame([$confirmed['args']['job']], self::queued_jobs());
	}

	public function test_dismiss_hides_a_failure_for_everyone(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$plugin->notices()->record_error('x', ['domain' => 'a.example.com', 'target' => '1:1', 'op' => 'add_domain']);
		$key = $plugin->notices()->get_errors()[0]['key'];

		$this->assertSame('done', $this->page()->handle('dismiss', self::request('dismiss', ['key' => $key]), 'GET', 3)['status']);
		$record = $plugin->notices()->get_errors()[0];
		$this->assertSame(3, $record['dismissed_by']);
		$this->assertNotContains('domain-failed', array_column($plugin->notices()->get_notices(), 'id'));
	}

	public function test_actions_that_cannot_run_now_say_why(): void {

		$this->start_emulator();
		$this->boot(['action_scheduler' => false]);

		$this->assertSame('queue', $this->page()->handle('sync', self::request('sync'), 'POST', 1)['args']['wu_runcloud_error']);
		$this->assertNull($this->page()->blocked('test'), 'Test connection needs no queue');
		$this->assertNull($this->page()->blocked('dismiss'));
	}

	public function test_test_connection_runs_in_the_request_with_a_few_seconds_at_most_and_is_remembered(): void {

		$this->start_emulator();
		$plugin = $this->boot(['wp_cli' => false]);

		$done = $this->page()->handle('test', self::request('test'), 'POST', 1);
		$this->assertSame('ok', $done['args']['wu_runcloud_result']);
		$result = $plugin->state()->connection_results()['1:1'];
		$this->assertSame([true, 'v3', 'app-1-1'], [$result['ok'], $result['api_version'], $result['webapp']]);

		$request = $this->emulator->requests()[0];
		$this->assertNotEmpty($request, 'the test asked RunCloud');

		$options = $plugin->config()->options();
		$this->assertSame(3, $options['max_wait'], 'someone waits: a few seconds of rate-limit wait at most');
		$this->assertSame(10, $options['timeout'], 'and one request may take 10 s, not the background 30');
	}
}
