<?php
/**
 * RunCloud_Plugin: the wiring and the one-handler rule. On 2.4 the core RunCloud provider's
 * callbacks are taken off (also when it is created late); on 2.5 our integration and module
 * replace the core's in the registry; nothing is hooked while the integration is disabled.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Domain_Mapping_Module;
use WU_RunCloud\RunCloud_Integration;
use WU_RunCloud\RunCloud_Legacy_Provider;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class PluginTest extends Plugin_Test_Case {

	public function test_exactly_one_handler_when_the_core_runcloud_provider_is_enabled(): void {

		$this->start_emulator();
		$plugin = $this->boot(['core_runcloud' => true]);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);
		Harness::fire('wu_remove_domain', 'shop.example.com', 2);
		Harness::fire('wu_remove_subdomain', 'blog.network.test', 3);

		$this->assertSame([], State::$core_calls, 'the core RunCloud provider never ran');
		$this->assertCount(2, $this->requests_matching('POST', '~/domains$~'), 'one POST per add');
		$this->assertCount(2, $this->requests_matching('DELETE', '~/domains/\d+$~'), 'one DELETE per remove');

		foreach (['wu_add_domain', 'wu_remove_domain', 'wu_add_subdomain', 'wu_remove_subdomain'] as $event) {
			foreach ($GLOBALS['wp_filter'][ $event ]->callbacks as $callbacks) {
				foreach ($callbacks as $callback) {
					$this->assertNotInstanceOf(\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::class, $callback['function'][0] ?? null, $event);
				}
			}
		}

		// The wizard and its connection test get our class for the id 'runcloud'.
		$this->assertInstanceOf(RunCloud_Legacy_Provider::class, \WP_Ultimo\Managers\Domain_Manager::get_instance()->get_integration_instance('runcloud'));
		$this->assertSame(0, $plugin->neutralise_core_handlers(), 'nothing left to take off');
	}

	public function test_core_provider_instantiated_late_is_taken_off_before_the_event(): void {

		$this->start_emulator();
		$this->boot();

		// Something creates the core provider after plugins_loaded: it hooks the events itself.
		require_once dirname(__DIR__) . '/plugin/support/ultimate-multisite-24.php';
		\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::get_instance();

		Harness::fire('wu_add_domain', 'late.example.com', 2);

		$this->assertSame([], State::$core_calls);
		$this->assertContains('late.example.com', $this->emulator->domain_names(1, 1));
	}

	public function test_nothing_is_hooked_when_the_integration_is_disabled(): void {

		$this->start_emulator();
		$plugin = $this->boot(['enabled' => false]);

		Harness::fire('wu_add_domain', 'shop.example.com', 2);

		$this->assertFalse($plugin->is_handler_active());
		$this->assertSame([], $this->emulator->requests());
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
}
