<?php
/**
 * RunCloud_Environment: what the plugin depends on, each state told: the extension, Ultimate
 * Multisite (active, absent, installed but inactive, too old, not set up), the integration toggle,
 * the configuration.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Environment as Environment;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class EnvironmentTest extends Plugin_Test_Case {

	public function test_ultimate_multisite_absent_when_neither_loaded_nor_installed(): void {

		$this->load_plugin_classes();

		$this->assertSame('absent', ( new Environment() )->ultimate_multisite()['state']);
	}

	public function test_ultimate_multisite_installed_but_inactive(): void {

		$this->load_plugin_classes();

		// WordPress's list of installed plugins: Ultimate Multisite's directory is there.
		eval('function get_plugins() { return ["akismet/akismet.php" => [], "ultimate-multisite/ultimate-multisite.php" => []]; }'); // phpcs:ignore

		$um = ( new Environment() )->ultimate_multisite();
		$this->assertSame(['inactive', 'ultimate-multisite/ultimate-multisite.php'], [$um['state'], $um['plugin']]);
	}

	public function test_ultimate_multisite_under_an_earlier_name_counts_as_installed(): void {

		$this->load_plugin_classes();
		eval('function get_plugins() { return ["wp-ultimo/wp-ultimo.php" => []]; }'); // phpcs:ignore

		$this->assertSame('inactive', ( new Environment() )->ultimate_multisite()['state']);
	}

	public function test_ultimate_multisite_too_old(): void {

		$this->load_plugin_classes();
		eval('final class WP_Ultimo { const VERSION = "2.3.4"; }'); // phpcs:ignore

		$um = ( new Environment() )->ultimate_multisite();
		$this->assertSame(['too-old', '2.3.4'], [$um['state'], $um['version']]);
	}

	public function test_ultimate_multisite_loaded_but_not_set_up(): void {

		$this->load_plugin_classes();
		eval('function WP_Ultimo() { return new class() { public $version = "2.4.10"; public function is_loaded() { return false; } }; }'); // phpcs:ignore

		$um = ( new Environment() )->ultimate_multisite();
		$this->assertSame(['not-ready', '2.4.10'], [$um['state'], $um['version']], 'the version from the WP_Ultimo()->version property');
	}

	public function test_a_configured_network_has_no_problem_and_knows_its_generation(): void {

		$this->start_emulator();
		$plugin = $this->boot(['generation' => '2.5']);

		$environment = $plugin->notices()->environment();
		$this->assertSame([], $environment->problems($plugin->generation()));
		$this->assertSame(['active', '2.5'], [$environment->ultimate_multisite($plugin->generation())['state'], $plugin->generation()]);
		$this->assertTrue($environment->can_send());
		$this->assertSame('ok', $environment->configuration()['state']);
	}

	public function test_the_integration_turned_off_is_a_warning(): void {

		$this->start_emulator();
		$plugin = $this->boot(['enabled' => false]);

		$this->assertSame([['id' => Environment::INTEGRATION_DISABLED, 'type' => 'warning']], $plugin->notices()->environment()->problems());
	}

	public function test_configuration_states_through_the_seams_and_problems_in_order(): void {

		$this->start_emulator();
		$this->boot();

		$missing = new Environment(
			static function () {
				return false;
			}
		);
		$this->assertSame('unknown', $missing->configuration()['state']);
		$this->assertFalse($missing->can_send());
		$this->assertSame([Environment::EXTENSION_MISSING], array_column($missing->problems(), 'id'));

		$invalid = new Environment(
			null,
			static function () {
				return wu_runcloud_config(['app_id' => 'abc']);
			}
		);
		$this->assertSame('invalid', $invalid->configuration()['state']);
		$this->assertStringContainsString('app_id', $invalid->configuration()['message']);
		$this->assertSame([Environment::CONFIG_INVALID], array_column($invalid->problems(), 'id'));

		$incomplete = new Environment(
			null,
			static function () {
				return ['auth' => 'token', 'missing' => ['WU_RUNCLOUD_APP_ID']];
			}
		);
		$this->assertSame(['incomplete', ['WU_RUNCLOUD_APP_ID']], [$incomplete->configuration()['state'], $incomplete->configuration()['missing']]);
		$this->assertSame([['id' => Environment::CONFIG_INCOMPLETE, 'type' => 'warning', 'missing' => ['WU_RUNCLOUD_APP_ID']]], $incomplete->problems());

		$v2 = new Environment(
			null,
			static function () {
				return ['auth' => 'key_secret', 'missing' => []];
			}
		);
		$this->assertSame([Environment::V2_CREDENTIALS], array_column($v2->problems(), 'id'));
		$this->assertTrue($v2->can_send());

		update_network_option(null, 'wu_host_integrations_enabled', []);
		$this->assertSame([Environment::EXTENSION_MISSING, Environment::INTEGRATION_DISABLED], array_column($missing->problems(), 'id'), 'most fundamental first');
	}
}
