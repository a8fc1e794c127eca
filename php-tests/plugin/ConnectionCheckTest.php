<?php
/**
 * RunCloud_Connection_Check: the wizard's connection test (both generations) shows the
 * extension's guiding 401/403/404 messages verbatim, and gives up at once under a long
 * Retry-After (someone waits: a small max_wait, RequestContextTest).
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Legacy_Provider;
use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class ConnectionCheckTest extends Plugin_Test_Case {

	/**
	 * Runs the wizard's connection test of a generation: [ok, message].
	 */
	private function wizard(string $generation): array {

		if ('2.5' === $generation) {
			$answer = RunCloud_Plugin::instance()->integration()->test_connection();

			return true === $answer ? [true, ''] : [false, $answer->get_error_message()];
		}

		State::$json = [];
		RunCloud_Legacy_Provider::get_instance()->test_connection();

		return [State::$json[0]['success'], (string) (State::$json[0]['data']['message'] ?? '')];
	}

	/**
	 * What the extension itself says for the same configuration, the WU_RUNCLOUD_* constants
	 * (the wizard must show it as is).
	 */
	private function native_message(): string {

		try {
			wu_runcloud_test_connection();
		} catch (\WU\RunCloud\Exception $e) {
			return $e->getMessage();
		}

		$this->fail('the connection test succeeded');
	}

	public function cases(): array {

		$cases = [];

		foreach (['2.4', '2.5'] as $generation) {
			$cases[ "{$generation}, 401 token" ]     = [$generation, '401', 'Workspace > Settings > API Management'];
			$cases[ "{$generation}, 403 server" ]    = [$generation, '403', 'Business or Enterprise plan'];
			$cases[ "{$generation}, 404 web app" ]   = [$generation, '404', 'check the web app id (WU_RUNCLOUD_APP_ID'];
		}

		return $cases;
	}

	/**
	 * @dataProvider cases
	 */
	public function test_the_wizard_shows_the_guiding_message_verbatim(string $generation, string $status, string $guidance): void {

		$this->start_emulator();

		$token = '401' === $status ? 'rc-wrong-token-0000000000' : self::TOKEN;
		$app   = '404' === $status ? 9 : 1;

		$this->boot(
			[
				'generation' => $generation,
				'wp_cli'     => false,
				'constants'  => [
					'WU_RUNCLOUD_API_TOKEN' => $token,
					'WU_RUNCLOUD_APP_ID'    => $app,
				],
			]
		);

		State::$is_admin   = true;
		State::$doing_ajax = true;

		if ('403' === $status) {
			$this->emulator->fault(['path' => '/api/v3/servers/1/webapps/1', 'status' => 403, 'times' => 1, 'body' => '{"message":"This action is unauthorized."}']);
		}

		[$ok, $message] = $this->wizard($generation);

		if ('403' === $status) {
			$this->emulator->fault(['path' => '/api/v3/servers/1/webapps/1', 'status' => 403, 'times' => 1, 'body' => '{"message":"This action is unauthorized."}']);
		}

		$this->assertFalse($ok);
		$this->assertSame($this->native_message(), $message, 'the extension\'s message, verbatim');
		$this->assertStringContainsString($guidance, $message);
		$this->assertStringContainsString($status, $message);
		$this->assertStringNotContainsString($token, $message . $this->log_text());
	}

	/**
	 * @dataProvider generations
	 */
	public function test_the_wizard_gives_up_at_once_under_a_long_retry_after(string $generation): void {

		$this->start_emulator();
		$this->boot(['generation' => $generation, 'wp_cli' => false]);

		State::$is_admin   = true;
		State::$doing_ajax = true;

		$this->emulator->fault(['path' => '/api/v3/ping', 'status' => 429, 'times' => 10, 'headers' => ['Retry-After' => '45'], 'body' => '{"message":"Too Many Attempts."}']);

		[$ok, $message] = $this->wizard($generation);

		$this->assertFalse($ok);
		$this->assertStringContainsString('429', $message);
		$this->assertStringContainsString('retry after 45 s', $message);
		$this->assertStringContainsString('max_wait = 3 s', $message);
		$this->assertCount(1, $this->emulator->requests(), 'no wait, no second request');
	}
}
