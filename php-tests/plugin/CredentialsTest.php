<?php
/**
 * RunCloud_Credentials: the setup check both generations share (a token, or a key and its
 * secret, and both ids) and the wizard's saved values turned into native options wherever
 * wp-config.php does not define the constant (the extension reads defined constants itself).
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Credentials as Credentials;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class CredentialsTest extends Plugin_Test_Case {

	/**
	 * Cases: values by constant (unset = ''), the missing constants.
	 */
	public function setups(): array {

		$ids = ['WU_RUNCLOUD_SERVER_ID' => '1', 'WU_RUNCLOUD_APP_ID' => '2'];

		return [
			'nothing'                 => [[], ['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID']],
			'a token and both ids'    => [['WU_RUNCLOUD_API_TOKEN' => 'T'] + $ids, []],
			'a key and its secret'    => [['WU_RUNCLOUD_API_KEY' => 'K', 'WU_RUNCLOUD_API_SECRET' => 'S'] + $ids, []],
			'a key alone'             => [['WU_RUNCLOUD_API_KEY' => 'K'] + $ids, ['WU_RUNCLOUD_API_SECRET']],
			'a secret alone'          => [['WU_RUNCLOUD_API_SECRET' => 'S'] + $ids, ['WU_RUNCLOUD_API_KEY']],
			'a token wins over a key' => [['WU_RUNCLOUD_API_TOKEN' => 'T', 'WU_RUNCLOUD_API_KEY' => 'K'] + $ids, []],
			'no app id'               => [['WU_RUNCLOUD_API_TOKEN' => 'T', 'WU_RUNCLOUD_SERVER_ID' => '1'], ['WU_RUNCLOUD_APP_ID']],
		];
	}

	/**
	 * @dataProvider setups
	 */
	public function test_setup_wants_a_token_or_a_key_and_its_secret_and_both_ids(array $values, array $missing): void {

		$this->load_plugin_classes();

		$get = static function (string $constant) use ($values): string {
			return $values[ $constant ] ?? '';
		};

		$this->assertSame($missing, Credentials::missing_credentials($get));
	}

	public function test_saved_values_become_native_options_only_where_no_constant_is_set(): void {

		$this->load_plugin_classes();

		define('WU_RUNCLOUD_SERVER_ID', 5);
		define('WU_RUNCLOUD_API_URL', '');

		$saved = [
			'WU_RUNCLOUD_API_TOKEN'     => ' rc-saved-token-1234567890 ',
			'WU_RUNCLOUD_API_KEY'       => '',
			'WU_RUNCLOUD_SERVER_ID'     => '9',
			'WU_RUNCLOUD_APP_ID'        => '3',
			'WU_RUNCLOUD_API_URL'       => 'https://runcloud.example.test/api',
			'WU_RUNCLOUD_CA_FILE'       => '   ',
			'WU_RUNCLOUD_TIMEOUT'       => '15',
			'WU_RUNCLOUD_EXTRA_TARGETS' => '2:2',
		];

		$options = Credentials::options_from_credentials(
			static function (string $constant) use ($saved): string {
				return $saved[ $constant ] ?? '';
			}
		);

		$this->assertSame(
			[
				'api_token'     => 'rc-saved-token-1234567890',
				'app_id'        => '3',
				'api_url'       => 'https://runcloud.example.test/api',
				'timeout'       => 15,
				'extra_targets' => '2:2',
			],
			$options,
			'the defined server id wins; an empty constant counts as not defined; blank values are not options'
		);

		$this->assertSame('5', Credentials::constant_value('WU_RUNCLOUD_SERVER_ID'));
		$this->assertSame('', Credentials::constant_value('WU_RUNCLOUD_API_URL'));
		$this->assertSame('', Credentials::constant_value('WU_RUNCLOUD_APP_ID'));
	}
}
