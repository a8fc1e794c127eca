<?php
/**
 * Bounded time: no call blocks longer than its timeout x attempts + the backoff cap, against
 * a server that accepts and never answers, a server that drips its body, a closed port, and
 * a Retry-After far in the future.
 *
 * The client's documented worst case (crates/runcloud/src/http/retry.rs, rate_limit.rs):
 * 3 attempts x (timeout + pacing wait <= 5 s) + 2 backoffs (<= 5 s each, or Retry-After
 * capped at 10 s). A response timeout is not retried, so a silent server costs one timeout.
 */

namespace WU_RunCloud_Tests\Reliability;

require_once __DIR__ . '/support/class-reliability-support.php';

final class BoundedTimeTest extends Reliability_Test_Case {

	private const TIMEOUT = 1;
	/** timeout x 3 attempts + 2 x Retry-After cap (10 s): the bound of any single call. */
	private const BOUND = self::TIMEOUT * 3 + 20;

	/** @var Raw_Server[] */
	private static $servers = [];

	public static function tearDownAfterClass(): void {
		foreach (self::$servers as $server) {
			$server->stop();
		}
		self::$servers = [];
		parent::tearDownAfterClass();
	}

	private static function server(string $mode): Raw_Server {
		if (!isset(self::$servers[$mode])) {
			self::$servers[$mode] = Raw_Server::start($mode, 300);
		}
		return self::$servers[$mode];
	}

	private static function call(string $function, array $options) {
		switch ($function) {
			case 'test_connection':
				return wu_runcloud_test_connection($options);
			case 'list_domains':
				return wu_runcloud_list_domains($options);
			case 'find_domain':
				return wu_runcloud_find_domain('shop.example.com', $options);
			case 'add_domain':
				return wu_runcloud_add_domain('shop.example.com', $options);
			case 'remove_domain':
				return wu_runcloud_remove_domain('shop.example.com', $options);
			case 'redeploy_ssl':
				return wu_runcloud_redeploy_ssl($options);
		}
		throw new \LogicException($function);
	}

	public function functions(): array {
		$data = [];
		foreach (['test_connection', 'list_domains', 'find_domain', 'add_domain', 'remove_domain', 'redeploy_ssl'] as $f) {
			$data[$f] = [$f];
		}
		return $data;
	}

	private function hostile_options(string $mode): array {
		return ['api_url' => 'http://' . self::server($mode)->address() . '/api', 'api_token' => self::TOKEN, 'server_id' => 1, 'app_id' => 1, 'timeout' => self::TIMEOUT];
	}

	/** @dataProvider functions */
	public function test_a_server_that_never_answers(string $function): void {
		[, $e, $elapsed] = $this->attempt(function () use ($function) {
			return self::call($function, $this->hostile_options('silent'));
		});
		$this->assertInstanceOf('WU\RunCloud\TransportException', $e, 'a server that never answers must fail');
		$this->assertMatchesRegularExpression('/timed out/i', $e->getMessage());
		$this->assertGreaterThanOrEqual(self::TIMEOUT * 0.9, $elapsed, 'it did wait for the answer');
		// A response timeout is not retried: one timeout, not three.
		$this->assertLessThan(self::TIMEOUT * 1.5 + 0.5, $elapsed, "{$function} blocked {$elapsed} s");
		$this->assertLessThan(self::BOUND, $elapsed);
		$this->assertNoSecret(self::describe_exception($e), 'exception');
	}

	/** @dataProvider functions */
	public function test_a_server_that_drips_its_answer(string $function): void {
		[, $e, $elapsed] = $this->attempt(function () use ($function) {
			return self::call($function, $this->hostile_options('drip'));
		});
		$this->assertInstanceOf('WU\RunCloud\TransportException', $e, 'a body that never ends must fail');
		$this->assertLessThan(self::TIMEOUT * 3 + 2, $elapsed, "{$function} blocked {$elapsed} s on a dripping body");
	}

	/** @dataProvider functions */
	public function test_a_closed_port(string $function): void {
		$options = ['api_url' => 'http://127.0.0.1:1/api', 'api_token' => self::TOKEN, 'server_id' => 1, 'app_id' => 1, 'timeout' => self::TIMEOUT];
		[, $e, $elapsed] = $this->attempt(function () use ($function, $options) {
			return self::call($function, $options);
		});
		$this->assertInstanceOf('WU\RunCloud\TransportException', $e);
		$this->assertMatchesRegularExpression('/connect/i', $e->getMessage());
		// Refused connections are retried: 3 attempts, 2 backoffs of at most 0.3 + 0.6 s.
		$this->assertLessThan(2.0, $elapsed, "{$function} took {$elapsed} s");
	}

	public function test_a_slow_emulator_with_every_attempt_delayed(): void {
		$this->emulator()->fault(['path' => '/api/v3/servers/*/webapps/*/domains', 'delay_ms' => 3000, 'times' => 3]);
		[, $e, $elapsed] = $this->attempt(function () {
			return wu_runcloud_list_domains($this->v3(['timeout' => self::TIMEOUT]));
		});
		$this->assertInstanceOf('WU\RunCloud\TransportException', $e);
		$this->assertLessThan(self::TIMEOUT * 3 + 5, $elapsed);
	}

	/** Retry-After: 3600 is capped (10 s): the call waits the cap once, then succeeds. */
	public function test_retry_after_is_capped(): void {
		$this->emulator()->fault(['path' => '/api/v3/servers/*/webapps/*/domains', 'status' => 429, 'headers' => ['Retry-After' => '3600'], 'body' => '{"message":"Too Many Attempts."}']);
		[$result, $e, $elapsed] = $this->attempt(function () {
			return wu_runcloud_list_domains($this->v3(['timeout' => self::TIMEOUT]));
		});
		$this->assertNull($e, null === $e ? '' : $e->getMessage());
		$this->assertSame([], $result);
		$this->assertGreaterThanOrEqual(9.5, $elapsed, 'Retry-After honoured up to its cap');
		$this->assertLessThan(12.0, $elapsed, 'Retry-After capped at 10 s');
	}
}
