<?php
/**
 * RunCloud_Logger: the `integration-runcloud` log without secrets (every credential shape
 * redacted), and error_log() when Ultimate Multisite's wu_log_add() is not there.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Logger;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class LoggerTest extends Plugin_Test_Case {

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
