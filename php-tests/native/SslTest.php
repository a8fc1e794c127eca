<?php
/**
 * The SSL step after an add, for each SSL state a web app can be in, and redeploy_ssl().
 * One emulator per SSL mode, started per test (the mode is a start-up flag).
 */

namespace WU_RunCloud_Tests;

final class SslTest extends Native_Test_Case {

	private function with_ssl_mode(string $mode, callable $test): void {
		$emulator = Emulator::start(['--token', self::TOKEN, '--api-key', self::KEY, '--api-secret', self::SECRET, '--ssl', $mode]);
		try {
			$test($emulator);
		} finally {
			$emulator->stop();
		}
	}

	private function opts(Emulator $emulator, string $version = 'v3', array $extra = []): array {
		$auth = 'v2' === $version ? ['api_key' => self::KEY, 'api_secret' => self::SECRET] : ['api_token' => self::TOKEN];
		return array_merge(['api_url' => $emulator->base_url(), 'server_id' => 1, 'app_id' => 1], $auth, $extra);
	}

	private static function app_state(Emulator $emulator): array {
		return $emulator->state()['apps'][0];
	}

	/** @dataProvider versions */
	public function test_letsencrypt_is_redeployed_to_cover_the_new_domain(string $version): void {
		$this->with_ssl_mode('letsencrypt', function (Emulator $emulator) use ($version) {
			$result = wu_runcloud_add_domain('secure.example.com', $this->opts($emulator, $version));
			$this->assertSame('redeployed', $result['ssl']['action']);
			$this->assertIsInt($result['ssl']['certificate_id']);
			$this->assertContains('secure.example.com', self::app_state($emulator)['ssl']['basic']['covered_domains']);
			$methods = array_map(function ($r) {
				return $r['method'] . ' ' . $r['path'];
			}, $emulator->requests());
			$this->assertContains("PUT /api/{$version}/servers/1/webapps/1/ssl/" . $result['ssl']['certificate_id'], $methods);
		});
	}

	public function test_no_certificate_means_none(): void {
		$this->with_ssl_mode('none', function (Emulator $emulator) {
			$result = wu_runcloud_add_domain('plain.example.com', $this->opts($emulator));
			$this->assertTrue($result['created']);
			$this->assertSame('none', $result['ssl']['action']);
			$this->assertNull($result['ssl']['certificate_id']);
		});
	}

	public function test_custom_certificate_is_skipped(): void {
		$this->with_ssl_mode('custom', function (Emulator $emulator) {
			$result = wu_runcloud_add_domain('custom.example.com', $this->opts($emulator));
			$this->assertSame('skipped', $result['ssl']['action']);
			$this->assertNotEmpty($result['ssl']['message']);
			foreach ($emulator->requests() as $request) {
				$this->assertNotSame('PUT', $request['method'], 'a custom certificate must not be redeployed');
			}
		});
	}

	public function test_advanced_ssl_issues_a_certificate_for_the_domain(): void {
		$this->with_ssl_mode('advanced', function (Emulator $emulator) {
			$result = wu_runcloud_add_domain('adv.example.com', $this->opts($emulator));
			$this->assertSame('issued', $result['ssl']['action']);
			$id    = $result['domain']['id'];
			$posts = array_filter($emulator->requests(), function ($r) use ($id) {
				return 'POST' === $r['method'] && "/api/v3/servers/1/webapps/1/domains/{$id}/ssl" === $r['path'];
			});
			$this->assertCount(1, $posts);
		});
	}

	public function test_advanced_auto_ssl_needs_no_call(): void {
		$this->with_ssl_mode('advanced-auto', function (Emulator $emulator) {
			$result = wu_runcloud_add_domain('auto.example.com', $this->opts($emulator));
			$this->assertSame('auto', $result['ssl']['action']);
			foreach ($emulator->requests() as $request) {
				$this->assertDoesNotMatchRegularExpression('#/domains/\d+/ssl#', $request['path']);
			}
		});
	}

	public function test_ssl_false_skips_ssl(): void {
		$this->with_ssl_mode('letsencrypt', function (Emulator $emulator) {
			$result = wu_runcloud_add_domain('nossl.example.com', $this->opts($emulator, 'v3', ['ssl' => false]));
			$this->assertSame('skipped', $result['ssl']['action']);
			foreach ($emulator->requests() as $request) {
				$this->assertStringNotContainsString('/ssl', $request['path']);
			}
		});
	}

	public function test_ssl_failure_after_add_does_not_throw(): void {
		$this->with_ssl_mode('letsencrypt', function (Emulator $emulator) {
			$emulator->fault(['method' => 'PUT', 'path' => '/api/v3/servers/*/webapps/*/ssl/*', 'status' => 422, 'body' => '{"message":"Too many certificates already issued"}', 'times' => 5]);
			$result = wu_runcloud_add_domain('fail.example.com', $this->opts($emulator));
			$this->assertTrue($result['created']);
			$this->assertSame('failed', $result['ssl']['action']);
			$this->assertStringContainsString('Too many certificates', $result['ssl']['message']);
			$this->assertContains('fail.example.com', $emulator->domain_names());
		});
	}

	/** @dataProvider versions */
	public function test_redeploy_ssl(string $version): void {
		$this->with_ssl_mode('letsencrypt', function (Emulator $emulator) use ($version) {
			wu_runcloud_add_domain('one.example.com', $this->opts($emulator, $version, ['ssl' => false]));
			$result = wu_runcloud_redeploy_ssl($this->opts($emulator, $version));
			$this->assertSame('redeployed', $result['action']);
			$this->assertContains('one.example.com', self::app_state($emulator)['ssl']['basic']['covered_domains']);
		});
	}

	/** redeploy_ssl(['domain' => ...]): the SSL step for one domain already on the app. */
	public function test_redeploy_for_one_domain_with_a_lets_encrypt_certificate(): void {
		$this->with_ssl_mode('letsencrypt', function (Emulator $emulator) {
			wu_runcloud_add_domain('one.example.com', $this->opts($emulator, 'v3', ['ssl' => false]));
			$before = count($emulator->requests());
			$result = wu_runcloud_redeploy_ssl($this->opts($emulator, 'v3', ['domain' => 'ONE.example.com.']));
			$this->assertSame('redeployed', $result['action']);
			$this->assertSame(self::app_state($emulator)['ssl']['basic']['id'], $result['certificate_id']);
			$this->assertContains('one.example.com', self::app_state($emulator)['ssl']['basic']['covered_domains']);
			$this->assertCount($before + 3, $emulator->requests(), 'GET domains, GET ssl, PUT ssl/{id}');
		});
	}

	public function test_redeploy_for_one_advanced_domain_issues_then_redeploys(): void {
		$this->with_ssl_mode('advanced', function (Emulator $emulator) {
			wu_runcloud_add_domain('adv.example.com', $this->opts($emulator, 'v3', ['ssl' => false]));
			$options = $this->opts($emulator, 'v3', ['domain' => 'adv.example.com']);
			$this->assertSame('issued', wu_runcloud_redeploy_ssl($options)['action']);
			$again = wu_runcloud_redeploy_ssl($options);
			$this->assertSame('redeployed', $again['action']);
			$own = self::app_state($emulator)['ssl']['domains']['adv.example.com'];
			$this->assertSame($own['id'], $again['certificate_id']);
			$this->assertSame(1, $own['redeploy_count']);
		});
	}

	public function test_redeploy_for_one_domain_throws_runclouds_errors(): void {
		$this->with_ssl_mode('letsencrypt', function (Emulator $emulator) {
			wu_runcloud_add_domain('one.example.com', $this->opts($emulator, 'v3', ['ssl' => false]));
			$emulator->fault(['method' => 'PUT', 'path' => '/api/v3/servers/*/webapps/*/ssl/*', 'status' => 422, 'body' => '{"message":"DNS problem: NXDOMAIN looking up A for blocked.example.com"}']);
			try {
				wu_runcloud_redeploy_ssl($this->opts($emulator, 'v3', ['domain' => 'one.example.com']));
				$this->fail('a 422 must be thrown');
			} catch (\WU\RunCloud\ApiException $e) {
				$this->assertSame(422, $e->getCode());
				$this->assertStringContainsString('blocked.example.com', $e->getMessage());
			}
			try {
				wu_runcloud_redeploy_ssl($this->opts($emulator, 'v3', ['domain' => 'nothere.example.com', 'server_id' => '1']));
				$this->fail('a domain that is not on the app must be a 404');
			} catch (\WU\RunCloud\ApiException $e) {
				$this->assertSame(404, $e->getCode());
				$this->assertStringContainsString('nothere.example.com', $e->getMessage());
				$this->assertStringContainsString('1:1', $e->getMessage());
			}
			$count = count($emulator->requests());
			foreach (['https://x.example.com', 5, true] as $bad) {
				try {
					wu_runcloud_redeploy_ssl($this->opts($emulator, 'v3', ['domain' => $bad]));
					$this->fail('invalid domain accepted');
				} catch (\WU\RunCloud\ValidationException $e) {
					$this->assertStringContainsString('domain', $e->getMessage());
				}
			}
			$this->assertCount($count, $emulator->requests(), 'nothing sent for invalid input');
		});
	}

	/**
	 * What the RunCloud panel would do behind the extension's back: a request to the emulator's
	 * API with the token. Returns the decoded answer (asserting a 2xx).
	 */
	private function panel(Emulator $emulator, string $method, string $path, array $body = []): array {
		$context = stream_context_create(['http' => [
			'method'        => $method,
			'header'        => "Authorization: Bearer " . self::TOKEN . "\r\nContent-Type: application/json\r\nAccept: application/json\r\n",
			'content'       => json_encode((object) $body),
			'ignore_errors' => true,
			'timeout'       => 10,
		]]);
		$text = (string) file_get_contents($emulator->base_url() . '/v3/servers/1/webapps/1' . $path, false, $context);
		$this->assertMatchesRegularExpression('#^HTTP/\S+ 2\d\d#', $http_response_header[0] ?? '', "{$method} {$path}: {$text}");
		return (array) json_decode($text, true);
	}

	/** The requests since $from, as "METHOD /path" after the web app's prefix. */
	private static function requests_since(Emulator $emulator, int $from): array {
		return array_map(function ($r) {
			return $r['method'] . ' ' . preg_replace('#^/api/v\d/servers/1/webapps/1#', '', $r['path']);
		}, array_slice($emulator->requests(), $from));
	}

	public function test_a_known_certificate_is_redeployed_in_two_requests_and_found_again_when_replaced(): void {
		$this->with_ssl_mode('letsencrypt', function (Emulator $emulator) {
			$first  = wu_runcloud_add_domain('one.example.com', $this->opts($emulator));
			$old_id = $first['ssl']['certificate_id'];
			$this->assertSame(['POST /domains', 'GET /ssl', "PUT /ssl/{$old_id}"], self::requests_since($emulator, 0));

			$from   = $emulator->request_count();
			$second = wu_runcloud_add_domain('two.example.com', $this->opts($emulator));
			$this->assertSame('redeployed', $second['ssl']['action']);
			$this->assertSame($old_id, $second['ssl']['certificate_id']);
			$this->assertSame(['POST /domains', "PUT /ssl/{$old_id}"], self::requests_since($emulator, $from), 'POST + PUT once the certificate is known');

			// Replaced in the panel: the stale id's 404 leads to one lookup in the same call.
			$this->panel($emulator, 'DELETE', "/ssl/{$old_id}");
			$new_id = $this->panel($emulator, 'POST', '/ssl', ['provider' => 'letsencrypt'])['id'];
			$from   = $emulator->request_count();
			$third  = wu_runcloud_add_domain('three.example.com', $this->opts($emulator));
			$this->assertSame('redeployed', $third['ssl']['action']);
			$this->assertSame($new_id, $third['ssl']['certificate_id']);
			$this->assertSame(['POST /domains', "PUT /ssl/{$old_id}", 'GET /ssl', "PUT /ssl/{$new_id}"], self::requests_since($emulator, $from));
			$this->assertContains('three.example.com', self::app_state($emulator)['ssl']['basic']['covered_domains']);

			// Replaced by a custom certificate: never sent a PUT, and not remembered.
			$this->panel($emulator, 'DELETE', "/ssl/{$new_id}");
			$custom_id = $this->panel($emulator, 'POST', '/ssl', ['provider' => 'custom', 'privateKey' => 'KEY', 'certificate' => 'CERT'])['id'];
			$from      = $emulator->request_count();
			foreach (['four.example.com', 'five.example.com'] as $name) {
				$this->assertSame('skipped', wu_runcloud_add_domain($name, $this->opts($emulator))['ssl']['action']);
			}
			$this->assertSame(['POST /domains', "PUT /ssl/{$new_id}", 'GET /ssl', 'POST /domains', 'GET /ssl'], self::requests_since($emulator, $from));
			$this->assertNotContains("PUT /ssl/{$custom_id}", self::requests_since($emulator, 0));
		});
	}
}
