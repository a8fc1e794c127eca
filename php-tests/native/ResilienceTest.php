<?php
/**
 * Retries, timeouts, bad responses and connection reuse, seen from PHP.
 */

namespace WU_RunCloud_Tests;

use WU\RunCloud\ApiException;
use WU\RunCloud\TransportException;

final class ResilienceTest extends Native_Test_Case {

	private const DOMAINS = '/api/v3/servers/*/webapps/*/domains';

	public function test_429_then_success(): void {
		$this->emulator()->fault(['method' => 'GET', 'path' => self::DOMAINS, 'status' => 429, 'headers' => ['Retry-After' => '1'], 'body' => '{"message":"Too Many Attempts."}']);
		$this->assertSame([], wu_runcloud_list_domains($this->v3()));
		$this->assertSame(2, $this->emulator()->request_count());
	}

	public function test_503_three_times_gives_up_after_three_attempts(): void {
		$this->emulator()->fault(['method' => 'GET', 'path' => self::DOMAINS, 'status' => 503, 'times' => 3, 'body' => '{"message":"down for maintenance"}']);
		$e = $this->expectThrown(ApiException::class, function () {
			wu_runcloud_list_domains($this->v3());
		});
		$this->assertSame(503, $e->getCode());
		$this->assertStringContainsString('down for maintenance', $e->getMessage());
		$this->assertSame(3, $this->emulator()->request_count());
	}

	public function test_a_slow_answer_times_out(): void {
		$this->emulator()->fault(['method' => 'GET', 'path' => self::DOMAINS, 'delay_ms' => 3000, 'times' => 3]);
		$started = microtime(true);
		$e       = $this->expectThrown(TransportException::class, function () {
			wu_runcloud_list_domains($this->v3(['timeout' => 1]));
		});
		$this->assertStringContainsString('/domains', $e->getMessage());
		$this->assertLessThan(15, microtime(true) - $started, 'bounded by timeout x attempts + backoff');
	}

	public function test_malformed_json_is_a_transport_error_naming_the_endpoint(): void {
		$this->emulator()->fault(['method' => 'GET', 'path' => self::DOMAINS, 'malformed_json' => true, 'times' => 3]);
		$e = $this->expectThrown(TransportException::class, function () {
			wu_runcloud_list_domains($this->v3());
		});
		$this->assertStringContainsString('GET /servers/1/webapps/1/domains', $e->getMessage());
	}

	public function test_a_post_is_not_repeated_when_it_took_effect(): void {
		// The connection drops after the domain was stored: the retry must find it, not add it twice.
		$this->emulator()->fault(['method' => 'POST', 'path' => self::DOMAINS, 'drop' => true]);
		$result = wu_runcloud_add_domain('dropped.example.com', $this->v3(['ssl' => false]));
		$this->assertSame('dropped.example.com', $result['domain']['name']);
		$this->assertSame(['dropped.example.com'], $this->emulator()->domain_names());
	}

	public function test_a_redirect_is_not_followed(): void {
		$this->emulator()->fault(['method' => 'GET', 'path' => self::DOMAINS, 'redirect_to' => 'http://127.0.0.1:1']);
		$e = $this->expectThrown(TransportException::class, function () {
			wu_runcloud_list_domains($this->v3());
		});
		$this->assertStringContainsString('redirect', strtolower($e->getMessage()));
		$this->assertNoSecret(self::describe_exception($e), 'exception');
	}

	public function test_one_tls_connection_for_100_domains(): void {
		$tls = Emulator::start(['--tls', '--token', self::TOKEN]);
		try {
			$options = ['api_url' => $tls->base_url(), 'api_token' => self::TOKEN, 'server_id' => 1, 'app_id' => 1, 'ca_file' => $tls->ca_file(), 'ssl' => false];
			// Control-plane requests open connections of their own: count around them.
			$before = $tls->connections_accepted();
			for ($i = 1; $i <= 100; $i++) {
				wu_runcloud_add_domain("bulk-{$i}.example.com", $options);
			}
			$after = $tls->connections_accepted();
			$this->assertSame(1, $after - $before - 1, 'one keep-alive connection for the whole run');
			$this->assertCount(100, $tls->domain_names());
		} finally {
			$tls->stop();
		}
	}
}
