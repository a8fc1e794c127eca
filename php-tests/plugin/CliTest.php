<?php
/**
 * RunCloud_CLI: wp runcloud test|status|sync [--dry-run] [--remove-orphans].
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class CliTest extends Plugin_Test_Case {

	public function test_status_lists_missing_orphans_and_protected_domains(): void {

		$this->drifted_network();

		$this->assertSame(0, Harness::cli('runcloud status'));

		$out = State::cli_text();
		$this->assertStringContainsString('1:1: 5 domain(s) on RunCloud, 2 missing, 1 orphan(s), 3 protected', $out);
		$this->assertStringContainsString('missing  shop.example.com', $out);
		$this->assertStringContainsString('missing  blog.network.test', $out);
		$this->assertStringContainsString('orphan   old.example.com', $out);
		$this->assertStringContainsString('kept     app.runcloud.test', $out);
		$this->assertStringNotContainsString('gone.example.com', $out, 'an inactive mapping is not expected');
		$this->assertStringContainsString('warning: 3 difference(s)', $out);
	}

	public function test_sync_dry_run_changes_nothing(): void {

		$this->drifted_network();

		$before = $this->emulator->domain_names(1, 1);
		$seen   = count($this->emulator->requests());

		$this->assertSame(0, Harness::cli('runcloud sync', ['dry-run' => true, 'remove-orphans' => true]));

		$this->assertSame($before, $this->emulator->domain_names(1, 1));
		$this->assertSame([], array_values(array_filter(array_slice($this->emulator->requests(), $seen), static function ($r) {
			return 'GET' !== $r['method'] && false !== strpos($r['path'], '/api/');
		})), 'only reads');

		$out = State::cli_text();
		$this->assertStringContainsString('1:1: would add shop.example.com', $out);
		$this->assertStringContainsString('1:1: would add blog.network.test', $out);
		$this->assertStringContainsString('1:1: would remove old.example.com', $out);
		$this->assertStringNotContainsString('would remove app.runcloud.test', $out);
		$this->assertStringContainsString('success: Dry run', $out);
	}

	public function test_sync_adds_what_is_missing_and_keeps_orphans_by_default(): void {

		$this->drifted_network();

		$this->assertSame(0, Harness::cli('runcloud sync'));

		$this->assertSame(
			['*.other.test', 'app.runcloud.test', 'blog.network.test', 'kept.example.com', 'network.test', 'old.example.com', 'shop.example.com'],
			$this->emulator->domain_names(1, 1)
		);
		$this->assertEquals(1, $this->record('shop.example.com')['www'], 'added with the www rule');
		$this->assertEquals(0, $this->record('blog.network.test')['www']);
		$this->assertNotNull(\WU_RunCloud\RunCloud_Plugin::instance()->state()->remembered_id(['server_id' => 1, 'app_id' => 1], 'shop.example.com'));
		$this->assertStringContainsString('orphan old.example.com kept', State::cli_text());
		$this->assertStringContainsString('success: 2 change(s) applied.', State::cli_text());
	}

	public function test_sync_remove_orphans_never_removes_the_primary_domain(): void {

		$this->drifted_network();

		$this->assertSame(0, Harness::cli('runcloud sync', ['remove-orphans' => true]));

		$names = $this->emulator->domain_names(1, 1);
		$this->assertNotContains('old.example.com', $names);
		$this->assertContains('app.runcloud.test', $names, 'the primary domain stays');
		$this->assertContains('*.other.test', $names, 'wildcards stay');
		$this->assertContains('network.test', $names, 'the network domain stays');
		$this->assertContains('kept.example.com', $names);

		// Nothing left to do.
		State::$cli = [];
		Harness::cli('runcloud status');
		$this->assertStringContainsString('success: RunCloud and the network agree.', State::cli_text());
	}

	public function test_sync_reports_failures_and_exits_non_zero(): void {

		$this->drifted_network();

		$this->emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/*/webapps/*/domains', 'times' => 1000, 'status' => 403, 'body' => '{"message":"API access is disabled"}']);

		$this->assertSame(1, Harness::cli('runcloud sync'));
		$this->assertStringContainsString('API access is disabled', State::cli_text());
		$this->assertStringContainsString('error: 0 change(s) applied, 2 failed', State::cli_text());
	}

	/**
	 * An app with no domain yet and a network mapping $count domains: d1.example.com ... dN.
	 *
	 * @return array The mapped names, in the order sync adds them.
	 */
	private function missing_domains(int $count, string $ssl = 'letsencrypt'): array {

		$this->start_emulator(['--app', '1:1', '--ssl', $ssl]);
		$this->boot();

		$names = [];

		for ($i = 1; $i <= $count; $i++) {
			$names[] = "d{$i}.example.com";
			Harness::map_domain("d{$i}.example.com", $i + 1);
		}

		return $names;
	}

	/**
	 * The requests sync sent after the first $seen ones, as "METHOD path" with the app prefix and
	 * ids replaced ("POST domains", "PUT ssl/{id}"), the domain list reads left out.
	 */
	private function sync_requests(int $seen): array {

		$lines = [];

		foreach (array_slice($this->emulator->requests(), $seen) as $request) {
			$path = preg_replace('#^/api/v3/servers/1/webapps/1/?#', '', $request['path']);
			$path = preg_replace('#/\d+#', '/{id}', preg_replace('#^ssl/\d+$#', 'ssl/{id}', $path));

			if ('GET' === $request['method'] && 'domains' === $path) {
				continue;
			}

			$lines[] = $request['method'] . ' ' . $path;
		}

		return $lines;
	}

	public function test_sync_batches_lets_encrypt_into_one_certificate_redeploy(): void {

		$names = $this->missing_domains(5);
		$seen  = count($this->emulator->requests());

		$this->assertSame(0, Harness::cli('runcloud sync'), State::cli_text());

		// Before the lifecycle: 5 x (POST domains + GET ssl + PUT ssl/{id}) = 15 requests, 5 issues;
		// then the first add with its SSL step + one batch redeploy = 9 requests, 2 issues.
		$this->assertSame(
			[
				'POST domains', 'POST domains', 'POST domains', 'POST domains', 'POST domains', // ssl => false
				'GET ssl', 'PUT ssl/{id}', // the certificate job: one redeploy for them all
			],
			$this->sync_requests($seen),
			$this->log_text()
		);
		$this->assertCount(1, $this->requests_matching('GET', '~/domains$~'), 'the drift listing is the only read of the domain list');

		$basic = $this->emulator->state()['apps'][0]['ssl']['basic'];
		foreach ($names as $name) {
			$this->assertContains($name, $basic['covered_domains']);
			$this->assertNotNull(\WU_RunCloud\RunCloud_Plugin::instance()->state()->remembered_id(['server_id' => 1, 'app_id' => 1], $name), "id of {$name} remembered");
			$this->assertEquals(1, $this->record($name)['www'], "{$name} added with the www rule");
			$this->assertSame('covered', \WU_RunCloud\RunCloud_Plugin::instance()->state()->target_entry($name, ['server_id' => 1, 'app_id' => 1])['cert']);
		}
		$this->assertSame(1, (int) $basic['redeploy_count']);
		$this->assertSame(1, $this->emulator->issuance()['issued_count'], 'one Let\'s Encrypt certificate');
		$this->assertSame([], State::$actions, 'no certificate job left queued: nothing waits');

		$out = State::cli_text();
		$this->assertStringContainsString('1:1: SSL: one redeploy (certificate ' . $basic['id'] . ', 10 names) covers 5 new name(s).', $out);
		$this->assertStringContainsString('success: 5 change(s) applied. 5 domain(s) newly covered by SSL certificates.', $out);
		$this->assertStringContainsString('d5.example.com on 1:1: added', $this->log_text());
		$this->assertStringContainsString('SSL left to the certificate job (ssl => false)', $this->log_text());
		$this->assertStringNotContainsString(self::TOKEN, $this->log_text() . $out);
	}

	public function test_sync_redeploys_once_per_web_app(): void {

		$this->start_emulator(['--app', '1:1', '--app', '2:2', '--ssl', 'letsencrypt']);
		$this->boot(['constants' => ['WU_RUNCLOUD_EXTRA_TARGETS' => '2:2']]);

		foreach (['a.example.com', 'b.example.com', 'c.example.com'] as $i => $name) {
			Harness::map_domain($name, $i + 2);
		}

		$this->assertSame(0, Harness::cli('runcloud sync'), State::cli_text());

		foreach ($this->emulator->state()['apps'] as $app) {
			$this->assertSame(1, (int) $app['ssl']['basic']['redeploy_count'], "app {$app['server_id']}:{$app['app_id']}");
			foreach (['a.example.com', 'b.example.com', 'c.example.com'] as $name) {
				$this->assertContains($name, $app['ssl']['basic']['covered_domains']);
			}
		}
		$this->assertCount(2, $this->requests_matching('PUT', '#/ssl/\d+$#'));
		$this->assertStringContainsString('success: 6 change(s) applied. 6 domain(s) newly covered by SSL certificates.', State::cli_text());
	}

	public function test_sync_with_one_missing_domain_needs_no_extra_redeploy(): void {

		$this->missing_domains(1);
		$seen = count($this->emulator->requests());

		$this->assertSame(0, Harness::cli('runcloud sync'));

		$this->assertSame(['POST domains', 'GET ssl', 'PUT ssl/{id}'], $this->sync_requests($seen));
		$this->assertSame(1, (int) $this->emulator->state()['apps'][0]['ssl']['basic']['redeploy_count']);
		$this->assertStringContainsString('success: 1 change(s) applied.', State::cli_text());
	}

	public function test_sync_in_advanced_ssl_mode_issues_a_certificate_per_domain(): void {

		$names = $this->missing_domains(3, 'advanced');
		$seen  = count($this->emulator->requests());

		$this->assertSame(0, Harness::cli('runcloud sync'), State::cli_text());

		$certificates = $this->emulator->state()['apps'][0]['ssl']['domains'];
		foreach ($names as $name) {
			$this->assertArrayHasKey($name, $certificates, "{$name} has its own certificate");
		}

		$requests = $this->sync_requests($seen);
		$this->assertSame(3, count(array_keys($requests, 'POST domains/{id}/ssl', true)));
		$this->assertSame(3, count(array_keys($requests, 'POST domains', true)));
		$this->assertNotContains('PUT ssl/{id}', $requests);
		$this->assertStringContainsString('per-domain SSL: 3 of 3 name(s) covered', State::cli_text());

		// The mode is learned: the next add takes its own SSL step (no certificate job).
		$this->assertSame('advanced', \WU_RunCloud\RunCloud_Plugin::instance()->lifecycle()->mode(['server_id' => 1, 'app_id' => 1]));
		Harness::fire('wu_add_domain', 'late.example.com', 9);
		$this->assertArrayHasKey('late.example.com', $this->emulator->state()['apps'][0]['ssl']['domains']);
		$this->assertSame([], State::$actions);
	}

	public function test_sync_without_a_certificate_adds_without_ssl_steps(): void {

		$this->missing_domains(3, 'none');
		$seen = count($this->emulator->requests());

		$this->assertSame(0, Harness::cli('runcloud sync'));

		// The certificate job finds no certificate (whole app, then advanced mode read for one name).
		$this->assertSame(['POST domains', 'POST domains', 'POST domains', 'GET ssl', 'GET ssl', 'GET ssl/advanced'], $this->sync_requests($seen));
		$this->assertSame('none', \WU_RunCloud\RunCloud_Plugin::instance()->state()->target_entry('d3.example.com', ['server_id' => 1, 'app_id' => 1])['cert']);
		$this->assertStringContainsString('success: 3 change(s) applied.', State::cli_text());
		$this->assertSame([], State::$actions);
	}

	public function test_a_refused_final_redeploy_is_retried_like_any_other(): void {

		$names = $this->missing_domains(3);
		$this->emulator->fault(['method' => 'PUT', 'path' => '/api/v3/servers/*/webapps/*/ssl/*', 'times' => 1, 'status' => 422, 'body' => '{"message":"Too many certificates already issued"}']);

		$this->assertSame(0, Harness::cli('runcloud sync'), 'the domains were added: the certificate is retried on schedule');

		foreach ($names as $name) {
			$this->assertContains($name, $this->emulator->domain_names(1, 1), 'added domains stay');
			$this->assertSame('pending', \WU_RunCloud\RunCloud_Plugin::instance()->state()->target_entry($name, ['server_id' => 1, 'app_id' => 1])['cert']);
		}
		$this->assertSame(0, (int) $this->emulator->state()['apps'][0]['ssl']['basic']['redeploy_count']);

		$out = State::cli_text();
		$this->assertStringContainsString('1:1: SSL: not covered: ApiException HTTP 422: PUT /servers/1/webapps/1/ssl/900001: 422 Too many certificates already issued.', $out);
		$this->assertStringContainsString('warning: 1:1: 3 domain(s) still wait for their certificate (d1.example.com, d2.example.com, d3.example.com): tried again on schedule.', $out);
		$this->assertStringContainsString('success: 3 change(s) applied. 3 domain(s) still wait for a certificate', $out);
		$this->assertStringNotContainsString(self::TOKEN, $out . $this->log_text());

		$jobs = State::scheduled('wu_runcloud_certificate');
		$this->assertCount(1, $jobs);
		$this->assertSame(State::now() + 300, $jobs[0]['timestamp'], 'the first retry 5 min later');

		State::run_due(300);

		$basic = $this->emulator->state()['apps'][0]['ssl']['basic'];
		foreach ($names as $name) {
			$this->assertContains($name, $basic['covered_domains']);
		}
		$this->assertSame(1, (int) $basic['redeploy_count']);
	}

	public function test_sync_dry_run_sends_no_write_with_many_missing_domains(): void {

		$this->missing_domains(5);
		$seen = count($this->emulator->requests());

		$this->assertSame(0, Harness::cli('runcloud sync', ['dry-run' => true]));

		$this->assertSame([], $this->sync_requests($seen), 'only the domain list is read');
		$this->assertSame([], $this->emulator->domain_names(1, 1));
		$this->assertStringContainsString('1:1: would add d5.example.com', State::cli_text());
	}

	public function test_test_command(): void {

		$this->start_emulator(['--app', '1:1', '--app', '2:2']);
		$this->boot(['constants' => ['WU_RUNCLOUD_EXTRA_TARGETS' => '2:2']]);

		$this->assertSame(0, Harness::cli('runcloud test'));

		$out = State::cli_text();
		$this->assertStringContainsString('1:1  web app', $out);
		$this->assertStringContainsString('2:2  web app', $out);
		$this->assertStringContainsString('success: Connected to RunCloud API', $out);
		$this->assertStringNotContainsString(self::TOKEN, $out);
	}

	public function test_test_command_fails_with_a_bad_token(): void {

		$this->start_emulator();
		$this->boot(['constants' => ['WU_RUNCLOUD_API_TOKEN' => 'rc-wrong-token-0000000000']]);

		$this->assertSame(1, Harness::cli('runcloud test'));
		$this->assertStringContainsString('401', State::cli_text());
		$this->assertStringNotContainsString('rc-wrong-token-0000000000', State::cli_text());
	}
}
