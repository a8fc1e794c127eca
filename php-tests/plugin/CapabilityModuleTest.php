<?php
/**
 * Ultimate Multisite 2.5: the integration + domain-mapping module, credentials from the
 * wizard's encrypted options, and the one-handler rule through the registry.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Domain_Mapping_Module;
use WU_RunCloud\RunCloud_Integration;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class CapabilityModuleTest extends Plugin_Test_Case {

	/**
	 * Boots 2.5 with credentials saved by the wizard (no constant at all).
	 */
	private function boot25(array $options = [], array $credentials = []): \WU_RunCloud\RunCloud_Plugin {

		return Harness::boot(
			array_merge(
				[
					'generation'  => '2.5',
					'credentials' => array_merge(
						[
							'WU_RUNCLOUD_API_URL'   => $this->emulator->base_url(),
							'WU_RUNCLOUD_API_TOKEN' => self::TOKEN,
							'WU_RUNCLOUD_SERVER_ID' => '1',
							'WU_RUNCLOUD_APP_ID'    => '1',
						],
						$credentials
					),
				],
				$options
			)
		);
	}

	public function test_every_event_end_to_end_with_stored_credentials(): void {

		$this->start_emulator();
		$plugin = $this->boot25();

		$this->assertFalse(defined('WU_RUNCLOUD_API_TOKEN'));
		$this->assertSame('2.5', $plugin->generation());
		$this->assertTrue($plugin->is_handler_active());
		$this->assertFalse(class_exists('WU_RunCloud\\RunCloud_Legacy_Provider', false), 'the legacy adapter is not loaded on 2.5');

		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);

		$this->assertEquals(1, $this->record('shop.example.com')['www'] ?? null, $this->log_text());
		$this->assertEquals(0, $this->record('blog.network.test')['www'] ?? null);

		$lists = count($this->requests_matching('GET', '~/domains$~'));

		Harness::fire('wu_remove_domain', 'shop.example.com', 2);
		Harness::fire('wu_remove_subdomain', 'blog.network.test', 3);

		$this->assertSame([], $this->emulator->domain_names(1, 1));
		$this->assertCount(2, $this->requests_matching('DELETE', '~/domains/\d+$~'));
		$this->assertCount($lists, $this->requests_matching('GET', '~/domains$~'), 'removal used the remembered ids, no list');
		$this->assertStringNotContainsString(self::TOKEN, $this->log_text());
	}

	public function test_our_integration_and_module_replace_the_cores(): void {

		$this->start_emulator();
		$this->boot25(['core_runcloud' => true]);

		$registry = \WP_Ultimo\Integrations\Integration_Registry::get_instance();

		$this->assertInstanceOf(RunCloud_Integration::class, $registry->get('runcloud'));
		$this->assertInstanceOf(RunCloud_Domain_Mapping_Module::class, $registry->get_capability('runcloud', 'domain-mapping'));
		$this->assertSame($registry->get('runcloud'), $registry->get_capability('runcloud', 'domain-mapping')->get_integration());

		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		Harness::fire('wu_remove_domain', 'shop.example.com', 2);

		$this->assertSame([], State::$core_calls, 'the core RunCloud module never ran');
		$this->assertCount(1, $this->requests_matching('POST', '~/domains$~'));
		$this->assertCount(1, $this->requests_matching('DELETE', '~/domains/\d+$~'));
	}

	public function test_extra_targets_saved_in_the_wizard(): void {

		$this->start_emulator(['--app', '1:1', '--app', '2:2']);
		$this->boot25([], ['WU_RUNCLOUD_EXTRA_TARGETS' => '2:2']);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertContains('shop.example.com', $this->emulator->domain_names(1, 1));
		$this->assertContains('shop.example.com', $this->emulator->domain_names(2, 2));
	}

	public function test_www_setting_applies_on_2_5(): void {

		$this->start_emulator();
		$this->boot25(['settings' => ['auto_create_www_subdomain' => 'never']]);

		Harness::fire('wu_add_domain', 'example.com', 2);

		$this->assertEquals(0, $this->record('example.com')['www'] ?? null);
	}

	public function test_main_only_www_follows_the_public_suffix_list_on_2_5(): void {

		$this->start_emulator();
		$this->boot25(['settings' => ['auto_create_www_subdomain' => 'main_only']]);

		// UM's own check knows five multi-part suffixes: it takes example.org.uk for a subdomain.
		$this->assertFalse(\WP_Ultimo\Managers\Domain_Manager::get_instance()->should_create_www_subdomain('example.org.uk'));

		Harness::fire('wu_add_domain', 'example.org.uk', 2);
		Harness::fire('wu_add_domain', 'shop.example.org.uk', 3);

		$this->assertEquals(1, $this->record('example.org.uk')['www'] ?? null, 'a registrable domain is a main domain');
		$this->assertEquals(0, $this->record('shop.example.org.uk')['www'] ?? null, 'below it is not');
	}

	public function test_main_only_falls_back_to_ultimate_multisite_without_an_answer_from_the_extension(): void {

		$this->start_emulator();
		$plugin = $this->boot25(['settings' => ['auto_create_www_subdomain' => 'main_only']]);

		// An invalid name (the extension refuses it): Ultimate Multisite's own answer stands.
		$this->assertNull(\WU_RunCloud\RunCloud_Domain_Operations::is_main_domain('not a domain'));
		$this->assertTrue($plugin->operations()->wants_www('example.co.uk', 2));
		$this->assertFalse($plugin->operations()->wants_www('www.example.co.uk', 2), 'never www.www.');

		add_filter(
			'wu_runcloud_www',
			static function ($www, $domain) {
				return 'forced.example.com' === $domain ? true : $www;
			},
			10,
			2
		);
		$this->assertTrue($plugin->operations()->wants_www('forced.example.com', 2), 'the filter has the last word');
	}

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
}
