<?php
/**
 * Ultimate Multisite 2.5: RunCloud_Integration, the integration behind the wizard: set up with a
 * token or a key and secret, credentials and extra targets saved by the wizard, the connection
 * test (true or a WP_Error with RunCloud's words).
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud_Stubs\Harness;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class IntegrationTest extends Plugin_Test_Case {

	public function test_setup_needs_a_token_or_a_key_and_secret(): void {

		$this->start_emulator();
		$plugin = $this->boot25(['enabled' => false], ['WU_RUNCLOUD_API_TOKEN' => '']);

		$integration = $plugin->integration();

		$this->assertFalse($integration->is_setup());
		$this->assertSame(['WU_RUNCLOUD_API_TOKEN'], $integration->get_missing_constants());

		$integration->save_credentials(['WU_RUNCLOUD_API_KEY' => 'rc-key-1234567890', 'WU_RUNCLOUD_SERVER_ID' => '1', 'WU_RUNCLOUD_APP_ID' => '1']);
		$this->assertSame(['WU_RUNCLOUD_API_SECRET'], $integration->get_missing_constants());

		$integration->save_credentials(['WU_RUNCLOUD_API_KEY' => 'rc-key-1234567890', 'WU_RUNCLOUD_API_SECRET' => 'rc-secret-abcdefghij', 'WU_RUNCLOUD_SERVER_ID' => '1', 'WU_RUNCLOUD_APP_ID' => '1']);
		$this->assertTrue($integration->is_setup());

		$this->assertSame('password', $integration->get_fields()['WU_RUNCLOUD_API_TOKEN']['type']);
		$this->assertFalse($plugin->is_handler_active(), 'disabled: the registry added no hook');
	}

	public function test_connection_true_or_wp_error_with_runclouds_message(): void {

		$this->start_emulator();
		$plugin = $this->boot25();

		$this->assertTrue($plugin->integration()->test_connection());
		$this->assertTrue(\WP_Ultimo\Integrations\Integration_Registry::get_instance()->get_capability('runcloud', 'domain-mapping')->test_connection());

		update_network_option(null, 'wu_hosting_credential_WU_RUNCLOUD_API_TOKEN', \WP_Ultimo\Helpers\Credential_Store::encrypt('rc-wrong-token-0000000000'));

		$error = $plugin->integration()->test_connection();

		$this->assertInstanceOf(\WP_Error::class, $error);
		$this->assertSame('runcloud-error', $error->get_error_code());
		$this->assertStringContainsString('401', $error->get_error_message());
		$this->assertStringNotContainsString('rc-wrong-token-0000000000', $error->get_error_message() . $this->log_text());
	}

	public function test_extra_targets_saved_in_the_wizard(): void {

		$this->start_emulator(['--app', '1:1', '--app', '2:2']);
		$this->boot25([], ['WU_RUNCLOUD_EXTRA_TARGETS' => '2:2']);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertContains('shop.example.com', $this->emulator->domain_names(1, 1));
		$this->assertContains('shop.example.com', $this->emulator->domain_names(2, 2));
	}
}
