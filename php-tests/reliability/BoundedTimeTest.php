<?php
/**
 * Bounded time: no call blocks longer than its timeout x attempts + the backoff cap, against
 * a server that accepts and never answers, a server that drips its body, a closed port, and
 * a Retry-After far in the future.
 *
 * The client's documented worst case (crates/runcloud/src/http/retry.rs, wait.rs):
 * 3 attempts x timeout + the waiting allowed by max_wait (pacer, Retry-After/X-RateLimit-Reset,
 * backoff: default 60 s; a wait that does not fit is not started). A response timeout is not
 * retried, so a silent server costs one timeout.
 */

namespace WU_RunCloud_Tests\Reliability;

require_once __DIR__ . '/support/class-reliability-support.php';

final class BoundedTimeTest extends Reliability_Test_Case {

	private const TIMEOUT = 1;
	/** timeout x 3 attempts + 20 s: these servers name no wait, so at most two backoffs of <= 5 s each. */
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

	/**
	 * A Retry-After beyond max_wait (default 60 s) is not waited for: the 429 comes at once and
	 * says when to retry (it was capped at 10 s and waited before max_wait existed).
	 */
	public function test_a_retry_after_beyond_max_wait_ends_the_call_at_once(): void {
		$this->emulator()->fault(['path' => '/api/v3/servers/*/webapps/*/domains', 'status' => 429, 'headers' => ['Retry-After' => '3600'], 'body' => '{"message":"Too Many Attempts."}']);
		[, $e, $elapsed] = $this->attempt(function () {
			return wu_runcloud_list_domains($this->v3(['timeout' => self::TIMEOUT]));
		});
		$this->assertInstanceOf('WU\RunCloud\ApiException', $e);
		$this->assertSame(429, $e->getCode());
		$this->assertStringContainsString('retry after 3600 s', $e->getMessage());
		$this->assertStringContainsString('max_wait = 60 s', $e->getMessage());
		$this->assertLessThan(3.0, $elapsed, 'not waited');
		$this->assertSame(1, $this->emulator()->request_count());
	}

	/** A Retry-After within max_wait is honoured in full, then the call succeeds. */
	public function test_a_retry_after_within_max_wait_is_honoured(): void {
		$this->emulator()->fault(['path' => '/api/v3/servers/*/webapps/*/domains', 'status' => 429, 'headers' => ['Retry-After' => '2'], 'body' => '{"message":"Too Many Attempts."}']);
		[$result, $e, $elapsed] = $this->attempt(function () {
			return wu_runcloud_list_domains($this->v3(['timeout' => self::TIMEOUT, 'max_wait' => 5]));
		});
		$this->assertNull($e, null === $e ? '' : $e->getMessage());
		$this->assertSame([], $result);
		$this->assertGreaterThanOrEqual(1.9, $elapsed, 'Retry-After honoured');
	}

	/**
	 * The issue's example: a 429 storm asking for 45 s, max_wait 3 (an admin request): every
	 * function throws the 429 ApiException at once, far below 45 s, saying when to retry.
	 *
	 * @dataProvider functions
	 */
	public function test_a_429_storm_with_max_wait_3_throws_at_once(string $function): void {
		foreach (['/api/v3/ping', '/api/v3/servers/*/webapps/*', '/api/v3/servers/*/webapps/*/domains', '/api/v3/servers/*/webapps/*/ssl'] as $path) {
			$this->emulator()->fault(['path' => $path, 'status' => 429, 'times' => 100, 'headers' => ['Retry-After' => '45'], 'body' => '{"message":"Too Many Attempts."}']);
		}
		[, $e, $elapsed] = $this->attempt(function () use ($function) {
			return self::call($function, $this->v3(['timeout' => self::TIMEOUT, 'max_wait' => 3]));
		});
		$this->assertInstanceOf('WU\RunCloud\ApiException', $e, $function);
		$this->assertSame(429, $e->getCode());
		$this->assertStringEndsWith('(retry after 45 s; not waited: this call waits at most max_wait = 3 s)', $e->getMessage());
		$this->assertLessThan(6.0, $elapsed, "{$function}: a bound on behaviour, far below the 45 s asked for");
		$this->assertSame(1, $this->emulator()->request_count(), "{$function}: one request, no lookup after a 429");
	}
}
