<?php
/**
 * Admin notices (extension missing through the seam, incomplete configuration, v2 credentials,
 * recorded failures) and logging without secrets.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Admin_Notices;
use WU_RunCloud\RunCloud_Logger;
use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class NoticesAndLoggingTest extends Plugin_Test_Case {

	public function test_extension_missing_notice_and_events_degrade_without_requests(): void {

		$this->start_emulator();
		$this->boot();

		$notices = new RunCloud_Admin_Notices(
			static function () {
				return false;
			}
		);

		$ids = array_column($notices->get_notices(), 'id');
		$this->assertSame(['extension-missing'], $ids);

		// The same seam in the domain events (wired by the plugin around these notices): the event
		// is logged and recorded, nothing is sent.
		$sync = ( new RunCloud_Plugin(__FILE__, $notices) )->sync();
		$sync->add_domain('shop.example.com', 2);

		$this->assertSame([], $this->emulator->requests());
		$this->assertStringContainsString('extension is not loaded', implode("\n", State::log_lines('error')));
		$this->assertContains('domain-failed', array_column($notices->get_notices(), 'id'));
	}

	public function test_incomplete_configuration_names_the_missing_constants(): void {

		$this->start_emulator();
		$plugin = $this->boot(['constants' => ['WU_RUNCLOUD_API_TOKEN' => null, 'WU_RUNCLOUD_SERVER_ID' => null, 'WU_RUNCLOUD_APP_ID' => null]]);

		$notices = $plugin->notices()->get_notices();
		$this->assertSame(['config-incomplete'], array_column($notices, 'id'), var_export($notices, true));
		$this->assertStringContainsString('WU_RUNCLOUD_SERVER_ID', $notices[0]['message']);
		$this->assertStringContainsString('WU_RUNCLOUD_APP_ID', $notices[0]['message']);
	}

	public function test_invalid_configuration_is_an_error_notice(): void {

		$this->start_emulator();
		$plugin = $this->boot(['constants' => ['WU_RUNCLOUD_SERVER_ID' => 'not-a-number']]);

		$notices = $plugin->notices()->get_notices();
		$this->assertContains('config-invalid', array_column($notices, 'id'), var_export($notices, true));
	}

	public function test_v2_notice_and_no_notice_when_all_is_well(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$this->assertSame([], $plugin->notices()->get_notices(), 'v3 token, complete: no notice');

		$v2 = new RunCloud_Admin_Notices(
			null,
			static function () {
				return ['auth' => 'key_secret', 'missing' => []];
			}
		);

		$this->assertSame(['v2-credentials'], array_column($v2->get_notices(), 'id'));
	}

	public function test_notices_render_escaped_on_network_admin(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$plugin->notices()->record_error('add_domain <b>x</b> failed');

		$this->expectOutputRegex('~<div class="notice notice-error is-dismissible" data-wu-runcloud-notice="domain-failed" data-wu-runcloud-key="[^"]+"><p><strong>[^<]+</strong> [^<]+ <a href="[^"]+">Open the RunCloud page</a></p><p class="wu-runcloud-details"><small>add_domain &lt;b&gt;x&lt;/b&gt; failed\.</small></p></div>~');

		do_action('network_admin_notices');
	}

	public function test_recorded_failures_are_capped_and_cleared_by_a_clean_sync(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		for ($i = 0; $i < 30; $i++) {
			$plugin->notices()->record_error("failure {$i}");
		}

		$this->assertCount(RunCloud_Admin_Notices::MAX_ERRORS, $plugin->notices()->get_errors());
		$this->assertSame('failure 29', $plugin->notices()->get_errors()[ RunCloud_Admin_Notices::MAX_ERRORS - 1 ]['message']);

		Harness::cli('runcloud sync');

		$this->assertSame([], $plugin->notices()->get_errors());
	}

	public function test_failures_are_structured_records_that_go_with_their_cause(): void {

		$this->start_emulator();
		$plugin  = $this->boot();
		$notices = $plugin->notices();

		// A record written by an earlier version (no kind): a permanent failure.
		update_network_option(null, RunCloud_Admin_Notices::OPTION_ERRORS, [['time' => 1, 'message' => 'old failure']]);

		$notices->record_error('blocked by a.example.com', ['kind' => RunCloud_Admin_Notices::KIND_BLOCKING, 'domain' => 'a.example.com', 'target' => '1:1', 'reason' => 'DNS problem', 'action' => 'Point it back']);
		$notices->record_error('still blocked by a.example.com', ['kind' => RunCloud_Admin_Notices::KIND_BLOCKING, 'domain' => 'a.example.com', 'target' => '1:1', 'reason' => 'DNS problem', 'action' => 'Point it back']);
		$notices->record_error('b.example.com failed', ['kind' => RunCloud_Admin_Notices::KIND_SSL_FAILED, 'domain' => 'b.example.com', 'target' => '1:1', 'reason' => 'NXDOMAIN', 'action' => 'Fix DNS']);

		$blocking = $notices->get_errors(RunCloud_Admin_Notices::KIND_BLOCKING);
		$this->assertCount(1, $blocking, 'the same cause is recorded once');
		$this->assertSame(['still blocked by a.example.com', 'blocking', 'a.example.com', '1:1', 'DNS problem', 'Point it back'], [$blocking[0]['message'], $blocking[0]['kind'], $blocking[0]['domain'], $blocking[0]['target'], $blocking[0]['reason'], $blocking[0]['action']]);
		$this->assertSame('permanent', $notices->get_errors(RunCloud_Admin_Notices::KIND_PERMANENT)[0]['kind']);

		$this->assertSame(['domain-failed', 'certificate-blocked', 'certificate-failed'], array_column($notices->get_notices(), 'id'));

		$notices->clear_errors();
		$this->assertSame(['certificate-blocked', 'certificate-failed'], array_column($notices->get_notices(), 'id'), 'a clean sync clears permanent failures only');

		$notices->resolve(RunCloud_Admin_Notices::KIND_BLOCKING, '1:1', 'a.example.com');
		$notices->resolve(RunCloud_Admin_Notices::KIND_SSL_FAILED, '2:2');
		$this->assertSame(['certificate-failed'], array_column($notices->get_notices(), 'id'));
	}

	public function test_no_secret_in_any_log_line_notice_or_option(): void {

		$this->start_emulator();
		$plugin = $this->boot(['constants' => ['WU_RUNCLOUD_EXTRA_TARGETS' => '7:7']]);

		// Success, permanent failure (unknown app 7:7 -> 404), transient failure, CLI.
		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		$this->emulator->fault(['method' => 'DELETE', 'path' => '/api/v3/servers/*/webapps/*/domains/*', 'times' => 3, 'status' => 503, 'body' => '{"message":"down, token ' . self::TOKEN . '"}']);
		Harness::fire('wu_remove_domain', 'shop.example.com', 2);
		Harness::cli('runcloud status');
		$plugin->logger()->error('a message quoting Authorization: Bearer ' . self::TOKEN);

		$this->assertNotSame([], State::log_lines('error'));
		$this->assertNotSame([], State::log_lines('warning'));

		$everything = $this->log_text() . State::cli_text() . serialize($plugin->notices()->get_notices()) . serialize(State::$network_options) . serialize(State::$actions);
		$this->assertStringNotContainsString(self::TOKEN, $everything);
		$this->assertStringNotContainsString(substr(self::TOKEN, 3, 20), $everything);
	}

	public function test_redaction_of_credential_shapes(): void {

		$this->load_plugin_classes();

		$logger = new RunCloud_Logger(
			static function () {
				return ['s3cr3t-value-from-options'];
			}
		);

		$text = $logger->redact('Authorization: Basic dXNlcjpwYXNz; Bearer abc.def-ghi; {"api_token":"xyz123","api_secret": "qq"} api_key=K123&x=1; s3cr3t-value-from-options; shop.example.com on 1:1');

		foreach (['dXNlcjpwYXNz', 'abc.def-ghi', 'xyz123', '"qq"', 'K123', 's3cr3t-value-from-options'] as $secret) {
			$this->assertStringNotContainsString($secret, $text);
		}

		$this->assertStringContainsString('shop.example.com on 1:1', $text);
	}

	public function test_without_wu_log_add_lines_go_to_error_log(): void {

		$this->load_plugin_classes();
		$this->assertFalse(function_exists('wu_log_add'));

		$file = tempnam(sys_get_temp_dir(), 'wu-rc-errlog-');
		ini_set('error_log', $file);

		try {
			( new RunCloud_Logger() )->error('plain line with token=abc12345');
		} finally {
			ini_restore('error_log');
		}

		$logged = (string) file_get_contents($file);
		@unlink($file);

		$this->assertStringContainsString('[integration-runcloud] ERROR: plain line with token=[redacted]', $logged);
	}
}
