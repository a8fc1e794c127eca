<?php
/**
 * Configuration: WU_RUNCLOUD_* constants, per-call options, and their validation.
 * Constants can be defined once per process, so those tests run in separate processes.
 */

namespace WU_RunCloud_Tests;

use WU\RunCloud\ConfigException;
use WU\RunCloud\ValidationException;

final class ConfigTest extends Native_Test_Case {

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_v3_from_constants(): void {
		define('WU_RUNCLOUD_API_TOKEN', self::TOKEN);
		define('WU_RUNCLOUD_SERVER_ID', 12);
		define('WU_RUNCLOUD_APP_ID', '34');
		define('WU_RUNCLOUD_EXTRA_TARGETS', '56:78, 90:12');
		$config = wu_runcloud_config();
		$this->assertSame('v3', $config['api_version']);
		$this->assertSame('https://manage.runcloud.io/api/v3', $config['base_url']);
		$this->assertSame('token', $config['auth']);
		$this->assertSame(
			[['server_id' => 12, 'app_id' => 34], ['server_id' => 56, 'app_id' => 78], ['server_id' => 90, 'app_id' => 12]],
			$config['targets']
		);
		$this->assertSame([], $config['missing']);
		$this->assertEquals(30, $config['timeout']);
		$this->assertNoSecret(print_r($config, true) . var_export($config, true), 'config array');
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_v2_from_constants(): void {
		define('WU_RUNCLOUD_API_KEY', self::KEY);
		define('WU_RUNCLOUD_API_SECRET', self::SECRET);
		define('WU_RUNCLOUD_SERVER_ID', '7');
		define('WU_RUNCLOUD_APP_ID', 8);
		define('WU_RUNCLOUD_TIMEOUT', 5);
		$config = wu_runcloud_config();
		$this->assertSame('v2', $config['api_version']);
		$this->assertSame('https://manage.runcloud.io/api/v2', $config['base_url']);
		$this->assertSame('key_secret', $config['auth']);
		$this->assertSame([['server_id' => 7, 'app_id' => 8]], $config['targets']);
		$this->assertEquals(5, $config['timeout']);
		$this->assertSame([], $config['missing']);
		$this->assertNoSecret(print_r($config, true), 'config array');
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_token_wins_over_key_and_secret(): void {
		define('WU_RUNCLOUD_API_TOKEN', self::TOKEN);
		define('WU_RUNCLOUD_API_KEY', self::KEY);
		define('WU_RUNCLOUD_API_SECRET', self::SECRET);
		define('WU_RUNCLOUD_SERVER_ID', 1);
		define('WU_RUNCLOUD_APP_ID', 1);
		$this->assertSame('token', wu_runcloud_config()['auth']);
		$this->assertSame('v3', wu_runcloud_config()['api_version']);
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_constants_from_wp_config_reach_the_api(): void {
		define('WU_RUNCLOUD_API_TOKEN', self::TOKEN);
		define('WU_RUNCLOUD_SERVER_ID', 1);
		define('WU_RUNCLOUD_APP_ID', 1);
		define('WU_RUNCLOUD_API_URL', $this->emulator()->base_url());
		$result = wu_runcloud_test_connection();
		$this->assertTrue($result['ok']);
		$this->assertSame('v3', $result['api_version']);
	}

	public function test_missing_constants_are_listed_not_thrown(): void {
		$config = wu_runcloud_config();
		$this->assertNull($config['auth']);
		$this->assertContains('WU_RUNCLOUD_API_TOKEN', $config['missing']);
		$this->assertContains('WU_RUNCLOUD_SERVER_ID', $config['missing']);
		$this->assertContains('WU_RUNCLOUD_APP_ID', $config['missing']);
		$this->assertSame([], $config['targets']);
	}

	public function test_a_call_without_configuration_names_the_missing_constants(): void {
		$e = $this->expectThrown(ConfigException::class, function () {
			wu_runcloud_list_domains();
		});
		$this->assertStringContainsString('WU_RUNCLOUD_API_TOKEN', $e->getMessage());
		$this->assertStringContainsString('WU_RUNCLOUD_SERVER_ID', $e->getMessage());
		$this->assertStringContainsString('WU_RUNCLOUD_APP_ID', $e->getMessage());
		$this->assertSame(0, $this->emulator()->request_count());
	}

	public function test_options_override_and_name_the_server(): void {
		$config = wu_runcloud_config($this->v3(['server_id' => '9', 'app_id' => 10, 'timeout' => 2.5]));
		$this->assertSame([['server_id' => 9, 'app_id' => 10]], $config['targets']);
		$this->assertSame($this->emulator()->base_url() . '/v3', $config['base_url']);
		$this->assertEquals(2.5, $config['timeout']);
	}

	public function test_plain_http_to_a_remote_host_is_refused(): void {
		$e = $this->expectThrown(ConfigException::class, function () {
			wu_runcloud_list_domains($this->v3(['api_url' => 'http://manage.runcloud.io/api']));
		});
		$this->assertStringContainsString('https', $e->getMessage());
		$this->assertStringContainsString('api_url', $e->getMessage());
	}

	public function test_plain_http_to_loopback_is_allowed(): void {
		foreach (['http://127.0.0.1:9/api', 'http://localhost:9/api', 'http://[::1]:9/api', 'http://127.8.9.10/api'] as $url) {
			$config = wu_runcloud_config($this->v3(['api_url' => $url]));
			$this->assertStringStartsWith(rtrim($url, '/'), $config['base_url'], $url);
		}
	}

	public function test_unknown_option_is_named(): void {
		$e = $this->expectThrown(ValidationException::class, function () {
			wu_runcloud_add_domain('shop.example.com', $this->v3(['wwww' => true]));
		});
		$this->assertStringContainsString('wwww', $e->getMessage());
		$this->assertSame(0, $this->emulator()->request_count());
	}

	public function test_option_of_the_wrong_type_is_named(): void {
		$e = $this->expectThrown(ValidationException::class, function () {
			wu_runcloud_add_domain('shop.example.com', $this->v3(['www' => 'yes']));
		});
		$this->assertStringContainsString('www', $e->getMessage());
		$this->assertSame(0, $this->emulator()->request_count());
	}

	public function test_invalid_ids_are_config_errors(): void {
		foreach ([0, -1, '12a', '', 1.5, '99999999999999999999999'] as $bad) {
			$e = $this->expectThrown(ConfigException::class, function () use ($bad) {
				wu_runcloud_list_domains($this->v3(['server_id' => $bad]));
			});
			$this->assertStringContainsString('server_id', $e->getMessage(), var_export($bad, true));
		}
		$this->assertSame(0, $this->emulator()->request_count());
	}

	public function test_empty_credential_is_a_config_error(): void {
		$e = $this->expectThrown(ConfigException::class, function () {
			wu_runcloud_list_domains($this->v3(['api_token' => '']));
		});
		$this->assertStringContainsString('api_token', $e->getMessage());
	}

	public function test_key_without_secret_is_a_config_error(): void {
		$options = $this->v2();
		unset($options['api_secret']);
		$e = $this->expectThrown(ConfigException::class, function () use ($options) {
			wu_runcloud_list_domains($options);
		});
		$this->assertMatchesRegularExpression('/api_secret|WU_RUNCLOUD_API_SECRET/', $e->getMessage());
		$this->assertNoSecret(self::describe_exception($e), 'exception');
	}

	public function test_unreadable_ca_file_is_a_config_error(): void {
		$e = $this->expectThrown(ConfigException::class, function () {
			wu_runcloud_list_domains($this->v3(['ca_file' => '/nonexistent/ca.pem']));
		});
		$this->assertStringContainsString('ca_file', $e->getMessage());
	}
}
