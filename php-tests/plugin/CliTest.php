<?php
/**
 * WP-CLI: wp runcloud test|status|sync [--dry-run] [--remove-orphans].
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class CliTest extends Plugin_Test_Case {

	/**
	 * An app with its primary domain, a wildcard, a domain the network still maps and an orphan;
	 * a network mapping one more domain (and an inactive one) with two subdomain sites.
	 */
	private function drifted_network(): void {

		$this->start_emulator();
		$this->boot();

		wu_runcloud_add_domain('app.runcloud.test', ['type' => 'primary', 'ssl' => false]);
		wu_runcloud_add_domain('*.other.test', ['wildcard' => true, 'ssl' => false]);
		wu_runcloud_add_domain('kept.example.com', ['ssl' => false]);
		wu_runcloud_add_domain('old.example.com', ['ssl' => false]);
		wu_runcloud_add_domain('network.test', ['ssl' => false]);

		Harness::map_domain('kept.example.com', 2);
		Harness::map_domain('shop.example.com', 3);
		Harness::map_domain('gone.example.com', 4, false);
		Harness::add_site(1, 'network.test');
		Harness::add_site(5, 'blog.network.test');
	}

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
		$this->assertNotNull(\WU_RunCloud\RunCloud_Plugin::instance()->sync()->remembered_id(['server_id' => 1, 'app_id' => 1], 'shop.example.com'));
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
