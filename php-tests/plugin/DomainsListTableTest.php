<?php
/**
 * RunCloud_Domains_List_Table, the domains table's rendering (WordPress's list-table idiom): one
 * column per web app, the last error, Retry and Dismiss row actions carrying their nonces, views
 * with counts, everything escaped.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Admin_Page as Page;
use WU_RunCloud\RunCloud_Domains_List_Table as List_Table;
use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class DomainsListTableTest extends Plugin_Test_Case {

	protected function setUp(): void {

		require_once __DIR__ . '/support/wp-list-table.php';
	}

	/**
	 * The table's HTML for a request.
	 */
	private static function render(array $query, bool $can_retry = true, array $targets = ['1:1']): string {

		require_once dirname(__DIR__, 2) . '/php/inc/class-runcloud-domains-list-table.php';

		$table = new List_Table(RunCloud_Plugin::instance()->domains_table(), $targets, $can_retry);
		$table->prepare_items_from($query);

		ob_start();
		$table->views();
		$table->display();

		return (string) ob_get_clean();
	}

	public function test_columns_states_and_row_actions(): void {

		$this->start_emulator(['--app', '1:1', '--app', '2:2', '--ssl', 'letsencrypt']);
		Harness::add_site(2, 'shop.network.test');
		$plugin = $this->boot(['constants' => ['WU_RUNCLOUD_EXTRA_TARGETS' => '2:2']]);

		Harness::map_and_fire('covered.example.com', 2);
		State::run_due(60);
		Harness::map_and_fire('pending.example.com', 2);
		$plugin->notices()->record_error('x', ['domain' => 'refused.example.com', 'target' => '1:1', 'op' => 'add_domain', 'status' => 404, 'answer' => 'POST /x: 404 <b>Not</b> found.', 'cause' => 'runcloud']);

		$html = self::render([], true, ['1:1', '2:2']);

		$this->assertStringContainsString('<th class="column-app_1_1">Web app 1:1</th><th class="column-app_2_2">Web app 2:2</th>', $html);
		$this->assertSame(2, substr_count($html, 'data-cert="covered"'), 'covered on both apps');
		$this->assertStringContainsString('pending, next try in 1 min', $html);
		$this->assertStringContainsString('<a href="https://network.test/wp-admin/network/site-info.php?id=2">shop.network.test</a>', $html, 'the site, linked, by its address');
		$this->assertStringContainsString('refused.example.com could not be added to web app 1:1.', $html);
		$this->assertStringContainsString('&lt;b&gt;Not&lt;/b&gt; found', $html, 'escaped');
		$this->assertStringNotContainsString('<b>Not</b>', $html);

		$retry = Page::action_url('retry', 'pending.example.com');
		$this->assertStringContainsString('wu_runcloud_action=retry&amp;domain=pending.example.com&amp;_wpnonce=' . wp_create_nonce('wu_runcloud_retry_pending.example.com'), esc_url($retry));
		$this->assertStringContainsString(esc_url($retry), $html);
		$this->assertStringNotContainsString(esc_url(Page::action_url('retry', 'covered.example.com')), $html, 'nothing to retry for a covered name');
		$key = $plugin->notices()->get_errors()[0]['key'];
		$this->assertStringContainsString(esc_url(Page::action_url('dismiss', $key)), $html);

		$plugin->notices()->dismiss($key);
		$html = self::render([]);
		$this->assertStringNotContainsString('class="wu-runcloud-dismiss"', $html, 'dismissed: no Dismiss');
		$this->assertStringContainsString('(dismissed)', $html, 'the row keeps the error');

		$this->assertStringNotContainsString('class="wu-runcloud-retry"', self::render([], false), 'no Retry while it cannot run');
	}

	public function test_views_search_and_no_items(): void {

		$this->start_emulator();
		$this->boot();

		Harness::map_and_fire('covered.example.com', 2);
		State::run_due(60);
		Harness::map_and_fire('pending.example.org', 2);

		$html = self::render([]);
		$this->assertStringContainsString('All <span class="count">(2)</span>', $html);
		$this->assertStringContainsString('Covered <span class="count">(1)</span>', $html);
		$this->assertStringNotContainsString('Blocking', $html, 'empty views are left out');
		$this->assertStringContainsString('view=pending', $html);

		$html = self::render(['view' => 'pending']);
		$this->assertStringContainsString('pending.example.org', $html);
		$this->assertStringNotContainsString('data-domain="covered.example.com"', $html);
		$this->assertStringContainsString('class="current" aria-current="page">Pending', $html);

		$this->assertStringContainsString('No domain yet', self::render(['s' => 'nothing-like-it']));
	}
}
