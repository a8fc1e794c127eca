<?php
/**
 * RunCloud_Ssl_Report, the read side of the certificate lifecycle (`wp runcloud status`, the
 * RunCloud page, RunCloud_Plugin::report()): per web app its SSL mode, the names against the
 * limit, the certificate job; per domain a row in words, sorted, searched, filtered by state,
 * paged, and counted.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class SslReportTest extends Plugin_Test_Case {

	public function test_an_app_in_words_before_and_after_its_certificate_job(): void {

		$this->start_emulator();
		$this->boot();
		$report = RunCloud_Plugin::instance()->report();

		Harness::map_and_fire('a.example.com', 2);
		Harness::map_and_fire('b.example.com', 3);

		$before = $report->target(self::APP);
		$this->assertSame(['1:1', null, 100, 90, [], null, null], [$before['key'], $before['mode'], $before['limit'], $before['warn_at'], $before['blocking'], $before['hold_until'], $before['last_job']]);
		$this->assertSame(State::now() + self::WINDOW, $before['next_job'], 'the job a window after the first add');
		$this->assertSame(4, $before['names'], 'two domains with www');

		State::run_due(self::WINDOW);

		$after = $report->target(self::APP);
		$this->assertSame('basic', $after['mode'], 'learned from the redeploy');
		$this->assertNull($after['next_job'], 'nothing waits');
		$this->assertSame(4, $after['names']);
		$this->assertIsArray($after['last_job']);
		$this->assertNotNull($after['inventory_at']);
	}

	public function test_rows_are_sorted_worded_searched_filtered_paged_and_counted(): void {

		$this->start_emulator();
		$this->boot();
		$report = RunCloud_Plugin::instance()->report();

		$this->emulator->set_dns('slow.example.com', false);
		Harness::map_and_fire('slow.example.com', 2);
		Harness::map_and_fire('fast.example.com', 3);
		State::run_due(self::WINDOW);

		$all = $report->domains();
		$this->assertSame(2, $all['total']);
		$this->assertSame(['fast.example.com', 'slow.example.com'], array_column($all['rows'], 'name'));
		$this->assertSame([3, true, true, 'add_domain'], [$all['rows'][0]['site'], $all['rows'][0]['www'], $all['rows'][0]['known'], $all['rows'][0]['op']]);

		$fast = $all['rows'][0]['targets']['1:1'];
		$slow = $all['rows'][1]['targets']['1:1'];
		$this->assertSame(['covered', 'covered', 'covered'], [$fast['cert'], $fast['state_label'], $fast['label']]);
		$this->assertSame('parked', $slow['cert']);
		$this->assertSame('parked, waiting for DNS (not on the app), next try in 5 min (1 of 12 tries failed)', $slow['state_label']);
		$this->assertStringStartsWith($slow['state_label'] . ': ', $slow['label'], 'the label adds the reason');
		$this->assertStringContainsString('slow.example.com', $slow['label']);

		$this->assertSame(['slow.example.com'], array_column($report->domains(0, 0, 'SLO')['rows'], 'name'), 'search, any case');
		$this->assertSame(['slow.example.com'], array_column($report->domains(0, 0, '', 'parked')['rows'], 'name'));
		$this->assertSame(['slow.example.com'], array_column($report->domains(1, 1)['rows'], 'name'), 'paged');
		$this->assertSame(['all' => 2, 'covered' => 1, 'parked' => 1], $report->counts());

		// A name with a failure record the plugin never stored is merged in as unknown.
		$merged = $report->select('', '', ['Other.Example.com'], 0, 0);
		$this->assertSame(['fast.example.com', 'other.example.com', 'slow.example.com'], array_column($merged['rows'], 'name'));
		$this->assertSame([false, []], [$merged['rows'][1]['known'], $merged['rows'][1]['targets']]);
		$this->assertSame(['other.example.com'], array_column($report->select('', '', ['other.example.com'], 0, 0, true)['rows'], 'name'));
	}
}
