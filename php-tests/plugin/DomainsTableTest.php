<?php
/**
 * RunCloud_Domains_Table, the data of the RunCloud page's domains table: the plugin's state per
 * web app, with the last error, searched, filtered and paged on the server, never asking RunCloud.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud\RunCloud_State;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class DomainsTableTest extends Plugin_Test_Case {

	const WINDOW = 60;

	/**
	 * name => cert state on 1:1, from rows.
	 */
	private static function certs(array $rows, string $key = '1:1'): array {

		$certs = [];

		foreach ($rows as $row) {
			$certs[ $row['name'] ] = $row['targets'][ $key ]['cert'] ?? null;
		}

		return $certs;
	}

	/**
	 * Seeds $count covered names through the state's API.
	 */
	private static function seed(int $count, string $prefix = 'bulk'): void {

		$names = [];

		for ($i = 0; $i < $count; $i++) {
			$names[] = sprintf('%s-%05d.example.com', $prefix, $i);
		}

		RunCloud_Plugin::instance()->state()->update_entries(
			$names,
			static function (string $name): array {
				return [
					'site' => 3,
					'op'   => 'add_domain',
					'www'  => true,
					't'    => ['1:1' => RunCloud_State::complete(['id' => 1, 'present' => true, 'added' => true, 'cert' => RunCloud_State::CERT_COVERED, 'covered_at' => 1])],
				];
			}
		);
	}

	public function test_rows_say_where_each_name_stands_per_app_with_its_last_error(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		Harness::map_and_fire('covered.example.com', 2);
		State::run_due(self::WINDOW);
		$this->emulator->set_dns('parked.example.com', false);
		Harness::map_and_fire('parked.example.com', 2);
		State::run_due(self::WINDOW);
		Harness::map_and_fire('pending.example.com', 4);
		$this->emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/*/webapps/*/domains', 'times' => 1000, 'status' => 404, 'body' => '{"message":"Web application not found."}']);
		Harness::map_and_fire('refused.example.com', 5);

		$this->assertSame([], array_diff(['POST', 'GET', 'PUT', 'DELETE'], array_column($this->emulator->requests(), 'method')), 'the scenario talked to RunCloud');
		$before = count($this->emulator->requests());
		$page   = $plugin->domains_table()->query();
		$this->assertSame($before, count($this->emulator->requests()), 'the table asks RunCloud nothing');

		$this->assertSame(4, $page['total']);
		$this->assertSame(['covered.example.com' => 'covered', 'parked.example.com' => 'parked', 'pending.example.com' => 'pending', 'refused.example.com' => null], self::certs($page['rows']));

		$rows = array_column($page['rows'], null, 'name');
		$this->assertSame([2, true, true], [$rows['covered.example.com']['site'], $rows['covered.example.com']['www'], $rows['covered.example.com']['known']]);
		$this->assertFalse($rows['parked.example.com']['targets']['1:1']['present']);
		$this->assertStringStartsWith('parked, waiting for DNS (not on the app), next try in 5 min (1 of 12 tries failed)', $rows['parked.example.com']['targets']['1:1']['state_label']);
		$this->assertStringStartsWith('pending, next try in 1 min', $rows['pending.example.com']['targets']['1:1']['state_label']);
		$this->assertNull($rows['covered.example.com']['error']);

		$this->assertFalse($rows['refused.example.com']['known'], 'listed from its failure record');
		$this->assertSame(5, (int) $rows['refused.example.com']['failures'][0]['site']);
		$this->assertSame('refused.example.com could not be added to web app 1:1.', $rows['refused.example.com']['error']['headline']);
		$this->assertFalse($rows['refused.example.com']['error']['dismissed']);
	}

	public function test_views_and_search(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		Harness::map_and_fire('covered.example.com', 2);
		State::run_due(self::WINDOW);
		Harness::map_and_fire('pending.example.org', 2);
		$plugin->notices()->record_error('x', ['domain' => 'refused.example.net', 'target' => '1:1', 'op' => 'add_domain']);

		$table = $plugin->domains_table();
		$this->assertSame(['all' => 3, 'covered' => 1, 'pending' => 1, 'parked' => 0, 'blocking' => 0, 'failed' => 0, 'errors' => 1], $table->view_counts());
		$this->assertSame(['pending.example.org'], array_column($table->query(['view' => 'pending'])['rows'], 'name'));
		$this->assertSame(['refused.example.net'], array_column($table->query(['view' => 'errors'])['rows'], 'name'));
		$this->assertSame(['covered.example.com'], array_column($table->query(['search' => '.COM '])['rows'], 'name'), 'case and spaces do not matter');
		$this->assertSame(['refused.example.net'], array_column($table->query(['search' => 'example.net'])['rows'], 'name'), 'failure-only rows are searched too');
		$this->assertSame(3, $table->query(['view' => 'no-such-view'])['total'], 'an unknown view is all');
	}

	public function test_thousands_of_names_are_counted_and_paged_on_the_server(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		self::seed(5000);
		$plugin->notices()->record_error('x', ['domain' => 'bulk-02500x.example.com', 'target' => '1:1', 'op' => 'add_domain']);

		$table = $plugin->domains_table();
		$first = $table->query(['per_page' => 50]);
		$this->assertSame([5001, 101, 1, 50], [$first['total'], $first['pages'], $first['page'], count($first['rows'])]);
		$this->assertSame('bulk-00000.example.com', $first['rows'][0]['name']);

		$page = $table->query(['per_page' => 50, 'page' => 51]);
		$this->assertSame(['bulk-02500.example.com', 'bulk-02500x.example.com', 'bulk-02501.example.com'], array_slice(array_column($page['rows'], 'name'), 0, 3), 'the failure-only row takes its place in the order');

		$last = $table->query(['per_page' => 50, 'page' => 101]);
		$this->assertSame(['bulk-04999.example.com'], array_column($last['rows'], 'name'));

		$found = $table->query(['search' => 'bulk-0499']);
		$this->assertSame(10, $found['total']);
		$this->assertSame(10, count($found['rows']));

		$this->assertSame(RunCloud_Plugin::instance()->report()->domains(100, 10)['rows'][0]['name'], $table->query(['per_page' => 10, 'page' => 11])['rows'][0]['name'], 'the same order as the report');
		$this->assertSame(500, $table->query(['per_page' => 100000])['per_page'], 'rows per page are capped');
		$this->assertSame([], $this->emulator->requests(), 'none of it asks RunCloud');
	}
}
