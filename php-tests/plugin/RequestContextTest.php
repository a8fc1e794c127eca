<?php
/**
 * RunCloud_Request_Context: a call made while someone waits (a web request, an admin page) gets
 * a small `max_wait` (filterable); Action Scheduler actions and WP-CLI keep the default.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class RequestContextTest extends Plugin_Test_Case {

	public function test_calls_made_while_someone_waits_get_a_small_max_wait(): void {

		$this->start_emulator();
		$plugin = $this->boot(['wp_cli' => false]);
		$config = $plugin->config();

		$this->assertSame(3, $config->options()['max_wait'] ?? null, 'a web request with no job running: someone waits');

		State::$is_admin = true;
		$this->assertSame(3, $config->options(['server_id' => 1])['max_wait'] ?? null, 'an admin page');

		add_filter(
			'wu_runcloud_interactive_max_wait',
			static function () {
				return 5;
			}
		);
		$this->assertSame(5, $config->options()['max_wait'] ?? null, 'filterable');

		$seen = null;
		add_action(
			'wu_runcloud_probe',
			static function () use ($config, &$seen) {
				$seen = $config->options();
			}
		);
		State::execute(['id' => 7, 'timestamp' => State::now(), 'hook' => 'wu_runcloud_probe', 'args' => [], 'group' => 'domain']);

		$this->assertIsArray($seen);
		$this->assertArrayNotHasKey('max_wait', $seen, 'an Action Scheduler action (even inside admin-ajax.php): the default');
		$this->assertSame(5, $config->options()['max_wait'] ?? null, 'and after it, interactive again');
	}

	public function test_wp_cli_keeps_the_default_max_wait(): void {

		$this->start_emulator();
		$plugin = $this->boot(['wp_cli' => true]);

		State::$is_admin = true;

		$this->assertArrayNotHasKey('max_wait', $plugin->config()->options());
	}
}
