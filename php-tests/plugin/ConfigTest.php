<?php
/**
 * RunCloud_Config: where each native call's options come from (stored credentials, the filter
 * `wu_runcloud_options`, the call's own), which web apps a change goes to (primary first, then
 * the extra targets of the constant and of the wizard, each once), and the names and keys every
 * other class compares.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Config as Config;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class ConfigTest extends Plugin_Test_Case {

	public function test_targets_are_the_primary_then_each_extra_target_once(): void {

		$this->start_emulator(['--app', '1:1', '--app', '2:2', '--app', '3:3']);
		$plugin = $this->boot(['constants' => ['WU_RUNCLOUD_EXTRA_TARGETS' => '2:2']]);

		$this->assertSame([['server_id' => 1, 'app_id' => 1], ['server_id' => 2, 'app_id' => 2]], $plugin->config()->targets(), 'the extension\'s targets: the constants');

		// Extra targets saved by the 2.5 wizard (the extension reads only the constant).
		$config = new Config(
			$plugin->logger(),
			static function (): array {
				return ['extra_targets' => '3:3, 2:2 ,x:y,,0:4'];
			}
		);

		$this->assertSame(
			[['server_id' => 1, 'app_id' => 1], ['server_id' => 2, 'app_id' => 2], ['server_id' => 3, 'app_id' => 3]],
			$config->targets()
		);

		$warnings = implode("\n", State::log_lines('warning'));
		$this->assertStringContainsString('Ignoring extra target "x:y": expected SERVER_ID:APP_ID.', $warnings);
		$this->assertStringContainsString('Ignoring extra target "0:4"', $warnings);
		$this->assertSame([], $config->targets(['targets' => []]), 'no primary web app: no extra target either');
	}

	public function test_options_carry_stored_credentials_never_extra_targets_and_the_filter_has_its_say(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$config = new Config(
			$plugin->logger(),
			static function (): array {
				return ['api_token' => 'rc-stored-token-1234567890', 'timeout' => 12, 'extra_targets' => '2:2'];
			}
		);

		$this->assertSame(
			['api_token' => 'rc-stored-token-1234567890', 'timeout' => 12, 'server_id' => 1, 'app_id' => 1],
			$config->options(['server_id' => 1, 'app_id' => 1]),
			'background work (WP-CLI): no max_wait'
		);
		$this->assertSame(['rc-stored-token-1234567890'], $config->secrets(), 'for the logger\'s redaction');

		add_filter(
			'wu_runcloud_options',
			static function (array $options): array {
				return ['api_url' => 'https://filtered.example.test/api', 'timeout' => 5] + $options;
			}
		);

		$options = $config->options(['timeout' => 7]);
		$this->assertSame('https://filtered.example.test/api', $options['api_url']);
		$this->assertSame(7, $options['timeout'], 'the call\'s own options come last');
	}

	public function test_names_keys_and_targets_are_normalised(): void {

		$this->load_plugin_classes();

		$this->assertSame('shop.example.com', Config::normalize(" Shop.Example.COM. \n"));
		$this->assertSame('bücher.example', Config::normalize('BÜCHER.Example'), 'the extension makes it punycode');
		$this->assertSame('example.com.', Config::normalize('example.com..'), 'one trailing dot only');
		$this->assertSame('7:9', Config::key(['server_id' => '7', 'app_id' => 9]));
		$this->assertSame(['server_id' => 7, 'app_id' => 9], Config::target(['app_id' => '9', 'server_id' => '7', 'www' => true]));
	}
}
