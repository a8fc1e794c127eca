<?php
/**
 * RunCloud_Drift: the host names the network expects on RunCloud (active mappings, and the
 * sites of a subdomain network, never the network's own domain) and, per web app, what is
 * missing, what is an orphan and what is protected (the app's primary domain, wildcards, the
 * network's domain, the filter's names). The network: Plugin_Test_Case::drifted_network(), with
 * one more site below the wildcard.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud_Stubs\Harness;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class DriftTest extends Plugin_Test_Case {

	public function test_expected_names_are_active_mappings_and_subdomain_sites(): void {

		$drift = $this->drifted_network()->drift();
		Harness::add_site(6, 'x.other.test');

		$this->assertSame(
			[
				'kept.example.com'  => ['kind' => 'domain', 'site_id' => 2],
				'shop.example.com'  => ['kind' => 'domain', 'site_id' => 3],
				'blog.network.test' => ['kind' => 'subdomain', 'site_id' => 5],
				'x.other.test'      => ['kind' => 'subdomain', 'site_id' => 6],
			],
			$drift->expected_domains(),
			'not the inactive mapping, not the network\'s own domain'
		);

		foreach (['SHOP.example.com.' => true, 'blog.network.test' => true, 'gone.example.com' => false, 'network.test' => false, 'nobody.example.com' => false] as $name => $expected) {
			$this->assertSame($expected, $drift->is_expected($name), $name);
		}

		add_filter(
			'wu_runcloud_expected_domains',
			static function (array $expected): array {
				return $expected + ['extra.example.com' => ['kind' => 'domain', 'site_id' => 9]];
			}
		);
		$this->assertTrue($drift->is_expected('extra.example.com'), 'the filter has the last word');
		$this->assertArrayHasKey('extra.example.com', $drift->expected_domains());
	}

	public function test_the_report_names_missing_orphans_and_protected_per_app(): void {

		$drift = $this->drifted_network()->drift();
		Harness::add_site(6, 'x.other.test');

		$report = $drift->drift_report();

		$this->assertCount(1, $report);
		$this->assertSame('1:1', $report[0]['key']);
		$this->assertSame(5, $report[0]['present']);
		$this->assertSame(['shop.example.com', 'blog.network.test'], array_keys($report[0]['missing']), 'x.other.test is served by the wildcard');
		$this->assertSame(['old.example.com'], array_keys($report[0]['orphans']));
		$this->assertSame(['app.runcloud.test', '*.other.test', 'network.test'], $report[0]['protected']);
		$this->assertCount(1, $this->requests_matching('GET', '~/domains$~'), 'one listing per app');

		add_filter(
			'wu_runcloud_protected_domains',
			static function (): array {
				return ['Old.Example.com'];
			}
		);
		$report = $drift->drift_report();

		$this->assertSame([], $report[0]['orphans'], 'a name the filter protects is never an orphan');
		$this->assertContains('old.example.com', $report[0]['protected']);
	}
}
