<?php
/**
 * Ultimate Multisite 2.5: RunCloud_Domain_Mapping_Module, the domain-mapping capability,
 * hands the four events to RunCloud_Domain_Sync (credentials saved by the wizard).
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud_Stubs\Harness;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class DomainMappingModuleTest extends Plugin_Test_Case {

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
}
