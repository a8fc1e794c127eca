<?php
/**
 * The RunCloud page's HTML (RunCloud_Admin_Page_View): every state shown, each action form with
 * its nonce, nothing secret in it, and nothing for people without the capability.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Admin_Jobs as Jobs;
use WU_RunCloud\RunCloud_Admin_Page as Page;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class AdminPageViewTest extends Plugin_Test_Case {

	public function test_the_page_html_shows_each_state_and_never_a_secret(): void {

		require_once dirname(__DIR__) . '/plugin/support/wp-list-table.php';

		$this->start_emulator();
		$plugin = $this->boot();

		Harness::map_and_fire('covered.example.com', 2);
		State::run_due(60);
		// RunCloud echoing the token back in an error: redacted before it is recorded.
		$this->emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/*/webapps/*/domains', 'times' => 1000, 'status' => 422, 'body' => json_encode(['message' => 'Bad name for token ' . self::TOKEN])]);
		Harness::map_and_fire('refused.example.com', 2);
		$this->emulator->fault(['path' => '/api/v3/ping', 'times' => 10, 'status' => 401, 'body' => '{"message":"Unauthenticated."}']);
		$page = $plugin->admin_page();
		$page->handle('test', [Page::ACTION_FIELD => 'test', '_wpnonce' => wp_create_nonce(Page::nonce_action('test', ''))], 'POST', 1);
		$plugin->admin_jobs()->queue(Jobs::KIND_SYNC);

		ob_start();
		$page->render();
		$html = (string) ob_get_clean();

		$this->assertStringNotContainsString(self::TOKEN, $html);
		$this->assertStringNotContainsString(substr(self::TOKEN, 3, 16), $html);

		foreach (['Requirements', 'Background actions', 'Web app 1:1', 'Sync now', 'Test connection', 'Check drift', 'Domains'] as $section) {
			$this->assertStringContainsString($section, $html);
		}

		$this->assertStringContainsString('data-requirement="extension" data-ok="yes"', $html);
		$this->assertStringContainsString('data-wu-runcloud-job=', $html);
		$this->assertStringContainsString('wu_runcloud_jobs', $html, 'the page polls its queued action');
		$this->assertStringContainsString('failed. ', $html, 'the failed connection test');
		$this->assertStringContainsString('v3 API token', $html, 'the extension\'s 401 guidance');
		$this->assertStringContainsString('data-cert="covered"', $html);
		$this->assertStringContainsString('refused.example.com could not be added to web app 1:1.', $html);
		$this->assertStringContainsString('name="confirm_orphans"', $html);
		$this->assertSame(4, substr_count($html, 'name="_wpnonce"'), 'a nonce in each action form (test, drift, sync, orphans)');

		State::$denied_caps = ['manage_network_options'];
		$this->expectException(\WU_RunCloud_Stubs\Died::class);
		$page->render();
	}
}
