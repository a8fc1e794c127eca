<?php
/**
 * Replies RunCloud never documented, produced with the emulator's fault rules: the client must
 * take them as what they mean (docs/RUNCLOUD_API.md §2-§4), and guide the operator on 401,
 * 403 and 404 without ever showing a secret.
 */

namespace WU_RunCloud_Tests;

use WU\RunCloud\ApiException;
use WU\RunCloud\ValidationException;

final class RealWorldRepliesTest extends Native_Test_Case {

	private const DOMAINS = '/api/v3/servers/*/webapps/*/domains';
	private const SSL     = '/api/v3/servers/*/webapps/*/ssl';

	protected static function emulator_flags(): array {
		return ['--ssl', 'letsencrypt', '--app', '1:1', '--app', '9:4'];
	}

	public function test_a_422_without_field_errors_for_a_name_already_there_is_created_false(): void {
		$first = wu_runcloud_add_domain('there.example.com', $this->v3());
		$this->emulator()->fault(['method' => 'POST', 'path' => self::DOMAINS, 'status' => 422, 'body' => '{"message":"The given data was invalid."}']);
		$again = wu_runcloud_add_domain('there.example.com', $this->v3());
		$this->assertFalse($again['created']);
		$this->assertSame($first['domain'], $again['domain']);
		$this->assertSame('skipped', $again['ssl']['action'], 'no SSL step for a domain already there');
		// Not there: RunCloud's error stands.
		$this->emulator()->fault(['method' => 'POST', 'path' => self::DOMAINS, 'status' => 422, 'body' => '{"message":"The given data was invalid."}']);
		$e = $this->expectThrown(ApiException::class, function () {
			wu_runcloud_add_domain('absent.example.com', $this->v3());
		});
		$this->assertSame(422, $e->getCode());
		$this->assertNotContains('absent.example.com', $this->emulator()->domain_names());
	}

	public function test_ssl_not_installed_with_another_field_is_no_certificate(): void {
		// An emulator of its own: this process has not seen its certificate, so the add looks
		// it up (once known, an add goes straight to the redeploy).
		$emulator = Emulator::start(['--token', self::TOKEN, '--ssl', 'letsencrypt']);
		try {
			$options = ['api_url' => $emulator->base_url(), 'api_token' => self::TOKEN, 'server_id' => 1, 'app_id' => 1];
			$emulator->fault(['method' => 'GET', 'path' => self::SSL, 'status' => 200, 'body' => '{"message":"SSL not installed!","foo":1}']);
			$result = wu_runcloud_add_domain('nocert.example.com', $options);
			$this->assertTrue($result['created']);
			$this->assertSame('none', $result['ssl']['action']);
			$emulator->fault(['method' => 'GET', 'path' => self::SSL, 'status' => 200, 'body' => '[1]']);
			$result = wu_runcloud_add_domain('odd.example.com', $options);
			$this->assertSame('failed', $result['ssl']['action']);
			$this->assertStringStartsWith('GET /servers/1/webapps/1/ssl: ', $result['ssl']['message']);
		} finally {
			$emulator->stop();
		}
	}

	public function test_a_page_size_other_than_asked_is_followed(): void {
		$this->emulator()->seed(1, 1, 45);
		$this->assertCount(45, wu_runcloud_list_domains($this->v3()));
		$this->assertSame(2, $this->emulator()->request_count(), 'pages of 40');
	}

	/** @dataProvider versions */
	public function test_401_says_which_credential_and_where_each_is_created(string $version): void {
		$wrong = 'v2' === $version ? ['api_secret' => 'sec-SECRET-wrong-2222'] : ['api_token' => 'tok-SECRET-wrong-3333'];
		$e = $this->expectThrown(ApiException::class, function () use ($version, $wrong) {
			wu_runcloud_test_connection($this->options($version, $wrong));
		});
		$this->assertSame(401, $e->getCode());
		$expected = 'v2' === $version
			? 'RunCloud rejected the v2 API key and secret (options api_key and api_secret).'
			: 'RunCloud rejected the v3 API token (option api_token).';
		$this->assertStringContainsString($expected, $e->getMessage());
		$this->assertStringContainsString('Workspace > Settings > API Management, with the "RunCloud API" toggle on', $e->getMessage());
		$this->assertStringContainsString('profile menu > Settings > API Key', $e->getMessage());
		$this->assertNoSecret(self::describe_exception($e), 'exception');
		$this->assertStringNotContainsString('wrong', self::describe_exception($e));
	}

	public function test_403_names_the_server_and_the_plan(): void {
		$this->emulator()->fault(['path' => self::DOMAINS, 'status' => 403, 'body' => '{"message":"This action is unauthorized."}']);
		$e = $this->expectThrown(ApiException::class, function () {
			wu_runcloud_list_domains($this->v3(['server_id' => 9, 'app_id' => 4]));
		});
		$this->assertSame(403, $e->getCode());
		$this->assertStringContainsString('refused the v3 API token access to server 9', $e->getMessage());
		$this->assertStringContainsString('Business or Enterprise plan', $e->getMessage());
		$this->assertStringContainsString("outside the token's workspace", $e->getMessage());
		$this->assertNoSecret(self::describe_exception($e), 'exception');
	}

	public function test_404_names_the_server_or_the_web_app(): void {
		$e = $this->expectThrown(ApiException::class, function () {
			wu_runcloud_list_domains($this->v3(['app_id' => 77]));
		});
		$this->assertSame(404, $e->getCode());
		$this->assertStringContainsString('web app 77 was not found on server 1', $e->getMessage());
		$e = $this->expectThrown(ApiException::class, function () {
			wu_runcloud_test_connection($this->v2(['server_id' => 5]));
		});
		$this->assertStringContainsString('server 5 was not found', $e->getMessage());
		$this->assertNoSecret(self::describe_exception($e), 'exception');
	}

	public function test_max_wait_is_accepted_by_every_function_and_validated(): void {
		$this->assertIsArray(wu_runcloud_config($this->v3(['max_wait' => 2.5])));
		$this->assertIsArray(wu_runcloud_list_domains($this->v3(['max_wait' => 0])));
		$this->assertIsArray(wu_runcloud_test_connection($this->v3(['max_wait' => 3])));
		$this->emulator()->reset();
		$this->assertIsArray(wu_runcloud_config($this->v3(['max_wait' => '3'])), 'a numeric string, as timeout takes');
		foreach (['three', '-1', -1, 3601, NAN, INF, true, []] as $bad) {
			$e = $this->expectThrown(ValidationException::class, function () use ($bad) {
				wu_runcloud_add_domain('x.example.com', $this->v3(['max_wait' => $bad]));
			});
			$this->assertStringContainsString('"max_wait"', $e->getMessage());
		}
		$this->assertSame(0, $this->emulator()->request_count(), 'nothing was sent');
	}
}
