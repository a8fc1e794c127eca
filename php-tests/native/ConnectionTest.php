<?php
/**
 * wu_runcloud_test_connection() on both API versions, and authentication failures.
 */

namespace WU_RunCloud_Tests;

use WU\RunCloud\ApiException;
use WU\RunCloud\TransportException;

final class ConnectionTest extends Native_Test_Case {

	protected static function emulator_flags(): array {
		return ['--app', '1:1', '--app', '2:5'];
	}

	/** @dataProvider versions */
	public function test_connection_succeeds(string $version): void {
		$result = wu_runcloud_test_connection($this->options($version));
		$this->assertTrue($result['ok']);
		$this->assertSame($version, $result['api_version']);
		$this->assertCount(1, $result['targets']);
		$this->assertSame(1, $result['targets'][0]['server_id']);
		$this->assertSame(1, $result['targets'][0]['app_id']);
		$this->assertSame(1, $result['targets'][0]['webapp']['id']);
		$this->assertIsString($result['targets'][0]['webapp']['name']);
		$paths = array_column($this->emulator()->requests(), 'path');
		$this->assertContains("/api/{$version}/ping", $paths);
		$this->assertContains("/api/{$version}/servers/1/webapps/1", $paths);
	}

	public function test_wrong_token_is_a_401_without_the_token(): void {
		$wrong = 'tok-SECRET-wrong-0000';
		$e = $this->expectThrown(ApiException::class, function () use ($wrong) {
			wu_runcloud_test_connection($this->v3(['api_token' => $wrong]));
		});
		$this->assertSame(401, $e->getCode());
		$this->assertStringContainsString('/ping', $e->getMessage());
		$text = self::describe_exception($e);
		$this->assertStringNotContainsString($wrong, $text);
		$this->assertNoSecret($text, 'exception');
	}

	public function test_wrong_v2_secret_is_a_401_without_the_secret(): void {
		$e = $this->expectThrown(ApiException::class, function () {
			wu_runcloud_test_connection($this->v2(['api_secret' => 'sec-SECRET-wrong-1111']));
		});
		$this->assertSame(401, $e->getCode());
		$this->assertNoSecret(self::describe_exception($e), 'exception');
	}

	public function test_unknown_web_app_is_a_404_naming_the_target(): void {
		$e = $this->expectThrown(ApiException::class, function () {
			wu_runcloud_test_connection($this->v3(['server_id' => 1, 'app_id' => 99]));
		});
		$this->assertSame(404, $e->getCode());
		$this->assertStringContainsString('/servers/1/webapps/99', $e->getMessage());
	}

	public function test_connection_refused_is_a_transport_error(): void {
		$e = $this->expectThrown(TransportException::class, function () {
			wu_runcloud_test_connection($this->v3(['api_url' => 'http://127.0.0.1:1/api', 'timeout' => 2]));
		});
		$this->assertSame(0, $e->getCode());
		$this->assertStringContainsString('/ping', $e->getMessage());
	}

	public function test_tls_with_the_emulator_ca(): void {
		$tls = Emulator::start(['--tls', '--token', self::TOKEN]);
		try {
			$result = wu_runcloud_test_connection([
				'api_url'   => $tls->base_url(),
				'api_token' => self::TOKEN,
				'server_id' => 1,
				'app_id'    => 1,
				'ca_file'   => $tls->ca_file(),
			]);
			$this->assertTrue($result['ok']);
			$this->assertStringStartsWith('https://', $tls->base_url());
			// Without the CA the certificate is not trusted: never a silent success.
			$e = $this->expectThrown(TransportException::class, function () use ($tls) {
				wu_runcloud_test_connection(['api_url' => $tls->base_url(), 'api_token' => self::TOKEN, 'server_id' => 1, 'app_id' => 1]);
			});
			$this->assertNoSecret(self::describe_exception($e), 'exception');
		} finally {
			$tls->stop();
		}
	}
}
