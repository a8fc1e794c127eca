<?php
/**
 * The fault matrix: every network-facing function x every fault kind of the emulator.
 *
 * For each cell the expected outcome is written below (and in docs/RELIABILITY.md): success
 * after retry, or a given exception class (and code) with a clear message, after a given
 * number of attempts at the faulted endpoint. After every cell, whatever happened:
 * - the exception (if any) is one of the extension's classes (a panic or crash fails the test);
 * - the emulator's app holds no duplicate and has lost no domain;
 * - the same call made again without the fault succeeds (a background job retrying later),
 *   and the final state is exactly what the call should have produced.
 */

namespace WU_RunCloud_Tests\Reliability;

require_once __DIR__ . '/support/class-reliability-support.php';

use WU_RunCloud_Tests\Emulator;
use WU_RunCloud_Tests\Php_Script;

final class FaultMatrixTest extends Reliability_Test_Case {

	private const NEW_DOMAIN = 'fresh.example.com';

	/** Timeout (seconds) given to every call; the slow fault answers after SLOW_MS. */
	private const TIMEOUT = 0.5;
	private const SLOW_MS = 1500;

	private const API      = 'WU\RunCloud\ApiException';
	private const TRANSPORT = 'WU\RunCloud\TransportException';

	/** @var Raw_Server|null Redirect target: records what reaches it. */
	private static $redirect_target;

	/** @var array<string, Emulator> TLS emulators: 'untrusted' (no CA given), 'wrong_host' (127.0.0.2). */
	private static $tls = [];

	protected static function emulator_flags(): array {
		return ['--ssl', 'letsencrypt'];
	}

	public static function tearDownAfterClass(): void {
		if (null !== self::$redirect_target) {
			self::$redirect_target->stop();
			self::$redirect_target = null;
		}
		foreach (self::$tls as $emulator) {
			$emulator->stop();
		}
		self::$tls = [];
		parent::tearDownAfterClass();
	}

	private static function redirect_target(): Raw_Server {
		if (null === self::$redirect_target) {
			self::$redirect_target = Raw_Server::start('record', 600);
		}
		return self::$redirect_target;
	}

	/**
	 * The endpoint each function is faulted at: [method, fault path, regex to count it].
	 * `wrong shape` goes to the endpoint whose answer carries the data the function reads.
	 */
	private static function endpoint(string $function, string $kind, string $version = 'v3'): array {
		$v       = $version;
		$webapp  = ['GET', "/api/{$v}/servers/*/webapps/*", "#^/api/{$v}/servers/1/webapps/1$#"];
		$list    = ['GET', "/api/{$v}/servers/*/webapps/*/domains", "#^/api/{$v}/servers/1/webapps/1/domains$#"];
		$post    = ['POST', "/api/{$v}/servers/*/webapps/*/domains", "#^/api/{$v}/servers/1/webapps/1/domains$#"];
		$delete  = ['DELETE', "/api/{$v}/servers/*/webapps/*/domains/*", "#^/api/{$v}/servers/1/webapps/1/domains/\\d+$#"];
		$get_ssl = ['GET', "/api/{$v}/servers/*/webapps/*/ssl", "#^/api/{$v}/servers/1/webapps/1/ssl$#"];
		$put_ssl = ['PUT', "/api/{$v}/servers/*/webapps/*/ssl/*", "#^/api/{$v}/servers/1/webapps/1/ssl/\\d+$#"];
		switch ($function) {
			case 'test_connection':
				return $webapp;
			case 'list_domains':
			case 'find_domain':
				return $list;
			case 'add_domain':
				return $post;
			case 'remove_domain':
				return 'wrong shape' === $kind ? $list : $delete;
			case 'redeploy_ssl':
				return 'wrong shape' === $kind ? $get_ssl : $put_ssl;
		}
		throw new \LogicException($function);
	}

	/** The fault rules (without method/path), by kind. */
	private static function rule(string $kind): array {
		$too_many = '{"message":"Too Many Attempts."}';
		switch ($kind) {
			case '429 with Retry-After':
				return ['status' => 429, 'headers' => ['Retry-After' => '1'], 'body' => $too_many];
			case '429 without Retry-After':
				return ['status' => 429, 'body' => $too_many];
			case '429 persistent':
				return ['status' => 429, 'body' => $too_many, 'times' => 3];
			case '500':
				return ['status' => 500, 'body' => '{"message":"Server Error"}'];
			case '502 HTML page':
				return ['html' => true, 'status' => 502];
			case '502 HTML page persistent':
				return ['html' => true, 'status' => 502, 'times' => 3];
			case '503':
				return ['status' => 503, 'body' => '{"message":"Service Unavailable"}'];
			case '503 persistent':
				return ['status' => 503, 'body' => '{"message":"Service Unavailable"}', 'times' => 3];
			case 'dropped connection':
				return ['drop' => true];
			case 'dropped connection persistent':
				return ['drop' => true, 'times' => 3];
			case 'truncated body':
				return ['truncate' => true];
			case 'malformed JSON':
				return ['malformed_json' => true];
			case 'wrong shape':
				return ['status' => 200, 'body' => '[42,"surprise"]'];
			case 'slower than the timeout':
				return ['delay_ms' => self::SLOW_MS];
			case 'redirect to another host':
				return ['redirect_to' => 'http://' . self::redirect_target()->address()];
		}
		throw new \LogicException($kind);
	}

	/**
	 * The written-down outcome of one cell.
	 *
	 * @return array{ok: bool|null, class?: string, code?: int, message?: string, attempts: int|null}
	 *   ok null: either outcome is acceptable (noted in RELIABILITY.md), the state checks still apply.
	 */
	private static function expected(string $function, string $kind): array {
		$method = self::endpoint($function, $kind)[0];
		// The redeploy PUT is repeated only when the answer proves it was not processed (429,
		// 503): a second issue counts against Let's Encrypt's limits (crates/runcloud/src/ssl.rs).
		if ('PUT' === $method) {
			switch ($kind) {
				case '502 HTML page':
				case '502 HTML page persistent':
					return ['ok' => false, 'class' => self::TRANSPORT, 'code' => 502, 'attempts' => 1];
				case 'dropped connection':
				case 'dropped connection persistent':
					return ['ok' => false, 'class' => self::TRANSPORT, 'message' => '/closed|connection/i', 'attempts' => 1];
				case 'truncated body':
					return ['ok' => false, 'class' => self::TRANSPORT, 'message' => '/closed|answer/i', 'attempts' => 1];
			}
		}
		// A POST answered 200 with an unreadable body did add the domain: it is read back.
		if ('POST' === $method && 'malformed JSON' === $kind) {
			return ['ok' => true, 'attempts' => 1];
		}
		switch ($kind) {
			case '429 with Retry-After':
			case '429 without Retry-After':
			case '503':
			case '502 HTML page':
				return ['ok' => true, 'attempts' => 2];
			case '429 persistent':
				return ['ok' => false, 'class' => self::API, 'code' => 429, 'attempts' => 3];
			case '503 persistent':
				return ['ok' => false, 'class' => self::API, 'code' => 503, 'message' => '/Service Unavailable/', 'attempts' => 3];
			case '502 HTML page persistent':
				return ['ok' => false, 'class' => self::TRANSPORT, 'code' => 502, 'attempts' => 3];
			case '500':
				return ['ok' => false, 'class' => self::API, 'code' => 500, 'message' => '/Server Error/', 'attempts' => 1];
			case 'dropped connection':
			case 'truncated body':
				// GET/PUT/DELETE are repeated; a POST that took effect is found, not repeated.
				return ['ok' => true, 'attempts' => 'POST' === $method ? 1 : 2];
			case 'dropped connection persistent':
				if ('POST' === $method) {
					return ['ok' => true, 'attempts' => 1]; // the first POST took effect: found by the check
				}
				if ('DELETE' === $method) {
					return ['ok' => null, 'attempts' => null]; // the first DELETE took effect; either way the domain is gone
				}
				return ['ok' => false, 'class' => self::TRANSPORT, 'message' => '/closed|connection/i', 'attempts' => 3];
			case 'malformed JSON':
				return ['ok' => false, 'class' => self::TRANSPORT, 'message' => '/not JSON/i', 'attempts' => 1];
			case 'wrong shape':
				return ['ok' => false, 'class' => self::TRANSPORT, 'message' => '/unexpected/i', 'attempts' => 1];
			case 'slower than the timeout':
				return ['ok' => false, 'class' => self::TRANSPORT, 'message' => '/timed out/i', 'attempts' => 1];
			case 'redirect to another host':
				return ['ok' => false, 'class' => self::TRANSPORT, 'message' => '/redirect/i', 'attempts' => 1];
		}
		throw new \LogicException($kind);
	}

	public function matrix(): array {
		$functions = ['test_connection', 'list_domains', 'find_domain', 'add_domain', 'remove_domain', 'redeploy_ssl'];
		$kinds     = [
			'429 with Retry-After', '429 without Retry-After', '429 persistent', '500', '502 HTML page',
			'502 HTML page persistent', '503', '503 persistent', 'dropped connection', 'dropped connection persistent',
			'truncated body', 'malformed JSON', 'wrong shape', 'slower than the timeout', 'redirect to another host',
		];
		$data = [];
		foreach ($functions as $function) {
			foreach ($kinds as $kind) {
				$data["{$function} x {$kind}"] = [$function, $kind, 'v3'];
			}
		}
		// The same rules hold on v2 (HTTP Basic): a slice of the matrix.
		foreach (['list_domains', 'add_domain', 'remove_domain'] as $function) {
			foreach (['429 with Retry-After', '503 persistent', 'dropped connection', 'malformed JSON', 'redirect to another host'] as $kind) {
				$data["v2 {$function} x {$kind}"] = [$function, $kind, 'v2'];
			}
		}
		return $data;
	}

	/** Calls one of the six functions against $options; the domain depends on the function. */
	private static function call(string $function, array $options, string $target) {
		switch ($function) {
			case 'test_connection':
				return wu_runcloud_test_connection($options);
			case 'list_domains':
				return wu_runcloud_list_domains($options);
			case 'find_domain':
				return wu_runcloud_find_domain($target, $options);
			case 'add_domain':
				return wu_runcloud_add_domain(self::NEW_DOMAIN, $options);
			case 'remove_domain':
				return wu_runcloud_remove_domain($target, $options);
			case 'redeploy_ssl':
				return wu_runcloud_redeploy_ssl($options);
		}
		throw new \LogicException($function);
	}

	/** The names app 1:1 must hold after $function succeeded, given the seeded names. */
	private static function final_names(string $function, array $seeded, string $target): array {
		$names = $seeded;
		if ('add_domain' === $function) {
			$names[] = self::NEW_DOMAIN;
		} elseif ('remove_domain' === $function) {
			$names = array_values(array_diff($names, [$target]));
		}
		sort($names);
		return $names;
	}

	/** A successful result has the right shape and content. */
	private function assertGoodResult(string $function, $result, array $seeded, string $target, string $context): void {
		switch ($function) {
			case 'test_connection':
				$this->assertTrue($result['ok'], $context);
				$this->assertSame(1, $result['targets'][0]['webapp']['id'], $context);
				break;
			case 'list_domains':
				$names = array_column($result, 'name');
				sort($names);
				$this->assertSame($seeded, $names, $context);
				break;
			case 'find_domain':
				$this->assertIsArray($result, $context);
				$this->assertSame($target, $result['name'], $context);
				break;
			case 'add_domain':
				$this->assertSame(self::NEW_DOMAIN, $result['domain']['name'], $context);
				$this->assertIsBool($result['created'], $context);
				$this->assertSame('redeployed', $result['ssl']['action'], $context);
				break;
			case 'remove_domain':
				$this->assertIsBool($result['removed'], $context);
				break;
			case 'redeploy_ssl':
				$this->assertSame('redeployed', $result['action'], $context);
				break;
		}
	}

	/** @dataProvider matrix */
	public function test_fault(string $function, string $kind, string $version = 'v3'): void {
		$emulator = $this->emulator();
		$emulator->seed(1, 1, 3);
		$seeded = $emulator->domain_names();
		$target = $seeded[1];
		$redirect_before = 'redirect to another host' === $kind ? self::redirect_target()->request_count() : 0;

		[$method, $path, $regex] = self::endpoint($function, $kind, $version);
		$emulator->fault(array_merge(['method' => $method, 'path' => $path], self::rule($kind)));
		$expected = self::expected($function, $kind);
		$context  = "{$version} {$function} x {$kind}";

		[$result, $e, $elapsed] = $this->attempt(function () use ($function, $target, $version) {
			return self::call($function, $this->options($version, ['timeout' => self::TIMEOUT]), $target);
		});
		$attempts = self::count_requests($emulator, $method, $regex);
		$got      = null === $e ? 'success' : get_class($e) . '(' . $e->getCode() . '): ' . $e->getMessage();

		// The outcome written down for this cell.
		if (true === $expected['ok']) {
			$this->assertNull($e, "{$context}: expected success, got {$got}");
			$this->assertGoodResult($function, $result, $seeded, $target, $context);
			if ('add_domain' === $function && in_array($kind, ['429 with Retry-After', '429 without Retry-After', '503', '502 HTML page'], true)) {
				$this->assertTrue($result['created'], "{$context}: the POST never reached the API, the retry created it");
			}
			if ('remove_domain' === $function) {
				$this->assertTrue($result['removed'], "{$context}: the domain was removed by this call");
			}
		} elseif (false === $expected['ok']) {
			$this->assertNotNull($e, "{$context}: expected {$expected['class']}, got success");
			$this->assertInstanceOf($expected['class'], $e, "{$context}: got {$got}");
			if (isset($expected['code'])) {
				$this->assertSame($expected['code'], $e->getCode(), "{$context}: {$got}");
			}
			if (isset($expected['message'])) {
				$this->assertMatchesRegularExpression($expected['message'], $e->getMessage(), $context);
			}
			// A clear message names the endpoint (method and path below /api/v3).
			$this->assertMatchesRegularExpression('#(GET|POST|PUT|DELETE) /servers/1/webapps/1#', $e->getMessage(), "{$context}: the message names the endpoint");
			$this->assertNoSecret(self::describe_exception($e), "exception of {$context}");
		}
		if (null !== $expected['attempts']) {
			$this->assertSame($expected['attempts'], $attempts, "{$context}: attempts at {$method} {$path} ({$got})");
		}
		$this->assertLessThanOrEqual(3, $attempts, "{$context}: never more than 3 attempts");

		// Bounded time: timeout x attempts + backoff (Retry-After 1 s here, else at most 0.9 s in all).
		$this->assertLessThan(self::TIMEOUT * 3 + 3.0, $elapsed, "{$context}: took {$elapsed} s");
		if ('429 with Retry-After' === $kind) {
			$this->assertGreaterThanOrEqual(0.95, $elapsed, "{$context}: Retry-After: 1 was honoured");
		}
		if ('redirect to another host' === $kind) {
			$this->assertSame($redirect_before, self::redirect_target()->request_count(), "{$context}: the redirect was followed");
		}

		// Whatever happened: no duplicate, no lost domain.
		self::clear_faults($emulator);
		if ('slower than the timeout' === $kind) {
			usleep((int) (self::SLOW_MS * 1000 - min($elapsed, self::SLOW_MS / 1000) * 1e6) + 300000); // the delayed request completes
		}
		$this->assertNoDuplicateDomain($emulator, $context);
		$now = $emulator->domain_names();
		foreach ($seeded as $name) {
			if (!('remove_domain' === $function && $name === $target)) {
				$this->assertContains($name, $now, "{$context}: {$name} was lost");
			}
		}
		if (null !== $e && 'add_domain' === $function && in_array($kind, ['429 persistent', '503 persistent', '502 HTML page persistent', '500', 'wrong shape', 'redirect to another host'], true)) {
			$this->assertNotContains(self::NEW_DOMAIN, $now, "{$context}: the request never reached the API");
		}

		// The job retried later, without the fault: succeeds and leaves exactly the right set.
		[$again, $e2] = $this->attempt(function () use ($function, $target, $version) {
			return self::call($function, $this->options($version, ['timeout' => 5]), $target);
		});
		$this->assertNull($e2, "{$context}: the repeat without fault failed: " . (null === $e2 ? '' : get_class($e2) . ': ' . $e2->getMessage()));
		if ('add_domain' === $function) {
			$this->assertSame(self::NEW_DOMAIN, $again['domain']['name']);
		}
		$this->assertSame(self::final_names($function, $seeded, $target), $emulator->domain_names(), "{$context}: final state");
		$this->assertNoDuplicateDomain($emulator, $context);
	}

	/**
	 * GET ssl answered 200 with JSON of the wrong shape: not "no certificate". Taking it for
	 * "none" would skip the redeploy silently while a Let's Encrypt certificate is installed.
	 * Only an empty answer (`{}`, `null`) or a bare message (`{"message":"SSL not installed!"}`)
	 * means "no certificate".
	 */
	/**
	 * GET ssl: a 2xx object without `id` (whatever else it holds) means "no certificate" [seen:
	 * clients test for a missing id]; any other shape (not an object, an id that is not a
	 * positive integer) is a TransportException naming the endpoint, never "none".
	 */
	public function test_certificate_answers_without_id_are_none_and_other_shapes_errors(): void {
		foreach (['{"message":"SSL not installed!","foo":1}', '{}', '{"data":"surprise"}', '{"id":null,"method":"letsencrypt"}'] as $body) {
			$this->emulator()->reset();
			$this->emulator()->fault(['method' => 'GET', 'path' => '/api/v3/servers/*/webapps/*/ssl', 'status' => 200, 'body' => $body]);
			[$result, $e] = $this->attempt(function () {
				return wu_runcloud_redeploy_ssl($this->v3());
			});
			$this->assertNull($e, "GET ssl answered {$body}: " . (null === $e ? '' : $e->getMessage()));
			$this->assertSame('none', $result['action'], $body);
		}
		foreach (['[42,"surprise"]', '"SSL not installed!"', '', '{"id":"abc","method":"letsencrypt"}', '{"data":{"id":-1}}'] as $body) {
			$this->emulator()->reset();
			$this->emulator()->fault(['method' => 'GET', 'path' => '/api/v3/servers/*/webapps/*/ssl', 'status' => 200, 'body' => $body]);
			[$result, $e] = $this->attempt(function () {
				return wu_runcloud_redeploy_ssl($this->v3());
			});
			$this->assertNotNull($e, "GET ssl answered {$body}: taken for " . json_encode($result));
			$this->assertInstanceOf(self::TRANSPORT, $e);
			$this->assertStringContainsString('GET /servers/1/webapps/1/ssl', $e->getMessage());
		}
	}

	/**
	 * A long-running worker meeting faults for hours must not run out of descriptors or
	 * memory: 140 faulted calls (after 28 to warm up) in a child process, open descriptors and resident memory
	 * measured before (after a warm-up) and after.
	 */
	public function test_no_descriptor_or_memory_growth_across_faults(): void {
		$script = '<?php
			$emulator = ' . var_export($this->emulator()->base_url(), true) . ';
			$root = substr($emulator, 0, -4);
			$options = ["api_url" => $emulator, "api_token" => ' . var_export(self::TOKEN, true) . ', "server_id" => 1, "app_id" => 1, "timeout" => 2];
			$control = function ($method, $path, $body = null) use ($root) {
				$http = ["method" => $method, "ignore_errors" => true, "header" => "Content-Type: application/json\r\n"];
				if (null !== $body) { $http["content"] = json_encode($body); }
				return file_get_contents($root . $path, false, stream_context_create(["http" => $http]));
			};
			$kinds = [["drop" => true], ["truncate" => true], ["malformed_json" => true], ["status" => 500], ["html" => true, "status" => 404], ["status" => 200, "body" => "[1]"], ["redirect_to" => "http://127.0.0.1:9"]];
			$fds = function () { return count(scandir("/proc/self/fd")) - 2; };
			$rss = function () { return preg_match("/VmRSS:\\s+(\\d+)/", (string) file_get_contents("/proc/self/status"), $m) ? (int) $m[1] : 0; };
			$run = function (int $n) use ($kinds, $control, $options) {
				for ($i = 0; $i < $n; $i++) {
					$control("POST", "/__emulator/faults", ["path" => "/api/v3/servers/*/webapps/*/domains"] + $kinds[$i % count($kinds)]);
					try { wu_runcloud_list_domains($options); } catch (\WU\RunCloud\Exception $e) {}
					try { wu_runcloud_add_domain("fd-$i.example.com", $options + ["ssl" => false]); } catch (\WU\RunCloud\Exception $e) {}
					$control("DELETE", "/__emulator/faults");
				}
			};
			$run(14);
			gc_collect_cycles();
			[$fd0, $rss0] = [$fds(), $rss()];
			$run(70);
			gc_collect_cycles();
			echo json_encode(["fd_before" => $fd0, "fd_after" => $fds(), "rss_before_kb" => $rss0, "rss_after_kb" => $rss()]), "\n";';
		$run = Php_Script::run($script);
		$this->assertSame(0, $run['exit'], $run['stderr']);
		$figures = json_decode(trim($run['stdout']), true);
		$this->assertIsArray($figures, $run['stdout'] . $run['stderr']);
		$this->assertLessThanOrEqual($figures['fd_before'] + 2, $figures['fd_after'], 'descriptors leak across faults: ' . $run['stdout']);
		$this->assertLessThan(16 * 1024, $figures['rss_after_kb'] - $figures['rss_before_kb'], 'resident memory grows across faults: ' . $run['stdout']);
		file_put_contents(sys_get_temp_dir() . '/wu-runcloud-growth-figures.txt', $run['stdout']);
	}

	public function tls_matrix(): array {
		$data = [];
		foreach (['test_connection', 'list_domains', 'find_domain', 'add_domain', 'remove_domain', 'redeploy_ssl'] as $function) {
			foreach (['untrusted CA', 'wrong hostname'] as $kind) {
				$data["{$function} x TLS {$kind}"] = [$function, $kind];
			}
		}
		return $data;
	}

	private static function tls_emulator(string $kind): Emulator {
		if (!isset(self::$tls[$kind])) {
			$flags = ['--tls', '--token', self::TOKEN, '--ssl', 'letsencrypt', '--seed-domains', '3'];
			if ('wrong hostname' === $kind) {
				// Same trusted CA, but the certificate names 127.0.0.1, ::1 and localhost only.
				$flags = array_merge($flags, ['--listen', '127.0.0.2:0']);
			}
			self::$tls[$kind] = Emulator::start($flags);
		}
		return self::$tls[$kind];
	}

	/** @dataProvider tls_matrix */
	public function test_tls_fault(string $function, string $kind): void {
		$tls     = self::tls_emulator($kind);
		$before  = self::control($tls, 'GET', '/__emulator/state');
		$options = ['api_url' => $tls->base_url(), 'api_token' => self::TOKEN, 'server_id' => 1, 'app_id' => 1, 'timeout' => 5];
		if ('wrong hostname' === $kind) {
			$this->assertStringStartsWith('https://127.0.0.2:', $tls->base_url());
			$options['ca_file'] = $tls->ca_file();
		}
		$names  = array_column($before['apps'][0]['domains'], 'name');
		$target = $names[1];
		self::control($tls, 'DELETE', '/__emulator/requests');

		[, $e, $elapsed] = $this->attempt(function () use ($function, $options, $target) {
			return self::call($function, $options, $target);
		});
		$this->assertNotNull($e, "{$function} x TLS {$kind}: a certificate that does not verify must never succeed");
		$this->assertInstanceOf(self::TRANSPORT, $e);
		$this->assertMatchesRegularExpression('/certificate|TLS/i', $e->getMessage());
		$this->assertNoSecret(self::describe_exception($e), 'exception');
		$this->assertLessThan(5.0, $elapsed);
		$this->assertSame([], self::control($tls, 'GET', '/__emulator/requests')['requests'], 'no request reached the API');
		$this->assertSame($before, self::control($tls, 'GET', '/__emulator/state'), 'state unchanged');
	}

	/**
	 * The PHP process never dies: a child process goes through every fault kind with every
	 * function, catching only WU\RunCloud\Exception, and must reach its last line.
	 */
	public function test_the_process_survives_every_fault(): void {
		$kinds = [];
		foreach (array_column($this->matrix(), 1) as $kind) {
			// Persistent and Retry-After kinds only cost time here: the matrix covers them in-process.
			if (!in_array($kind, ['redirect to another host', 'slower than the timeout', '429 with Retry-After'], true) && false === strpos($kind, 'persistent')) {
				$kinds[$kind] = self::rule($kind);
			}
		}
		$kinds['slower than the timeout'] = ['delay_ms' => 700];
		$kinds['redirect'] = ['redirect_to' => 'http://127.0.0.1:9'];
		$kinds['garbage status'] = ['status' => 599, 'body' => "\xff\xfe\x00garbage"];
		$kinds['huge error message'] = ['status' => 422, 'body' => json_encode(['message' => str_repeat('x', 200000), 'errors' => ['name' => array_fill(0, 1000, str_repeat('y', 100))]])];
		$kinds['deep JSON'] = ['status' => 200, 'body' => str_repeat('[', 100000) . str_repeat(']', 100000)];
		$kinds['error of the wrong shape'] = ['status' => 422, 'body' => '{"message":["not","a","string"],"errors":"nope"}'];
		$script = '<?php
			$emulator = ' . var_export($this->emulator()->base_url(), true) . ';
			$root = substr($emulator, 0, -4);
			$kinds = ' . var_export($kinds, true) . ';
			$options = ["api_url" => $emulator, "api_token" => ' . var_export(self::TOKEN, true) . ', "server_id" => 1, "app_id" => 1, "timeout" => 0.4];
			$endpoints = [
				"test_connection" => ["GET", "/api/v3/servers/*/webapps/*"],
				"list_domains" => ["GET", "/api/v3/servers/*/webapps/*/domains"],
				"find_domain" => ["GET", "/api/v3/servers/*/webapps/*/domains"],
				"add_domain" => ["POST", "/api/v3/servers/*/webapps/*/domains"],
				"remove_domain" => ["DELETE", "/api/v3/servers/*/webapps/*/domains/*"],
				"redeploy_ssl" => ["PUT", "/api/v3/servers/*/webapps/*/ssl/*"],
			];
			$control = function ($method, $path, $body = null) use ($root) {
				$http = ["method" => $method, "ignore_errors" => true, "header" => "Content-Type: application/json\r\n"];
				if (null !== $body) { $http["content"] = json_encode($body); }
				return file_get_contents($root . $path, false, stream_context_create(["http" => $http]));
			};
			$outcomes = [];
			foreach ($kinds as $kind => $rule) {
				foreach ($endpoints as $function => [$method, $path]) {
					$control("DELETE", "/__emulator/faults");
					$control("POST", "/__emulator/faults", ["method" => $method, "path" => $path] + $rule);
					try {
						switch ($function) {
							case "test_connection": wu_runcloud_test_connection($options); break;
							case "list_domains": wu_runcloud_list_domains($options); break;
							case "find_domain": wu_runcloud_find_domain("site-1.example.test", $options); break;
							case "add_domain": wu_runcloud_add_domain("survivor.example.com", $options); break;
							case "remove_domain": wu_runcloud_remove_domain("survivor.example.com", $options); break;
							case "redeploy_ssl": wu_runcloud_redeploy_ssl($options); break;
						}
						$outcomes[] = "$function/$kind: ok";
					} catch (\WU\RunCloud\Exception $e) {
						$outcomes[] = "$function/$kind: " . get_class($e);
					}
				}
			}
			echo implode("\n", $outcomes), "\nALIVE\n";';
		$this->emulator()->seed(1, 1, 3);
		$run = Php_Script::run($script);
		$this->assertSame(0, $run['exit'], "the child process died:\n" . $run['stderr'] . "\n" . $run['stdout']);
		$this->assertStringEndsWith("ALIVE\n", $run['stdout'], $run['stderr']);
		$this->assertStringNotContainsStringIgnoringCase('panic', $run['stderr']);
		$this->assertStringNotContainsString('Fatal', $run['stderr']);
		$this->assertSame(count($kinds) * 6, substr_count($run['stdout'], "\n") - 1);
		$this->assertNoDuplicateDomain($this->emulator(), 'after the survival run');
	}
}
