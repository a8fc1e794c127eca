<?php
/**
 * RunCloud_Admin_Notices: the network notices. One per failure (what happened, to which domain,
 * what to do, a link to the RunCloud page), dismissible for everyone (nonce and capability
 * checked), gone by themselves when the cause is; environment notices (the extension, Ultimate
 * Multisite, the toggle, the configuration) that cannot be dismissed; the facade the plugin
 * records failures through (capped, structured, cleared by a clean sync); escaped markup.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Admin_Notices as Notices;
use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class AdminNoticesTest extends Plugin_Test_Case {

	const DOMAINS = '/api/v3/servers/*/webapps/*/domains';

	/**
	 * The notices now, by id.
	 */
	private function notices(): array {

		$by = [];

		foreach (RunCloud_Plugin::instance()->notices()->get_notices() as $notice) {
			$by[ $notice['id'] ][] = $notice;
		}

		return $by;
	}

	private function refuse_adds(int $status = 404, string $message = 'Web application not found.'): void {

		$this->emulator->fault(['method' => 'POST', 'path' => self::DOMAINS, 'times' => 1000, 'status' => $status, 'body' => json_encode(['message' => $message])]);
	}

	public function test_a_refused_add_is_one_notice_for_people_with_a_link_to_its_row(): void {

		$this->start_emulator();
		$this->boot();
		$this->refuse_adds();

		Harness::map_and_fire('shop.example.com', 2);

		$notice = $this->notices()['domain-failed'][0];
		$this->assertSame('error', $notice['type']);
		$this->assertSame('RunCloud: shop.example.com could not be added to web app 1:1.', $notice['headline']);
		$this->assertStringContainsString('press Retry on the RunCloud page', $notice['action']);
		$this->assertStringStartsWith('RunCloud answered: (HTTP 404) Web application not found.', $notice['details']);
		$this->assertTrue($notice['dismissible']);
		$this->assertSame('https://network.test/wp-admin/network/admin.php?page=wu-runcloud&s=shop.example.com', $notice['link']);
		$this->assertStringNotContainsString('..', $notice['message']);
		$this->assertStringNotContainsString('`', $notice['message']);
		$this->assertStringNotContainsString('log', $notice['message'], 'no log file named');
	}

	public function test_dismissing_hides_the_notice_for_everyone_until_the_reason_changes(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$this->refuse_adds();

		Harness::map_and_fire('shop.example.com', 2);
		$key = $this->notices()['domain-failed'][0]['key'];

		$this->assertTrue($plugin->notices()->dismiss($key, 1));
		$this->assertArrayNotHasKey('domain-failed', $this->notices());
		$this->assertCount(1, $plugin->notices()->get_errors(), 'the record stays (the RunCloud page shows it)');

		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		$this->assertArrayNotHasKey('domain-failed', $this->notices(), 'the same failure again: still dismissed');

		$this->emulator->reset();
		$this->refuse_adds(403, 'This action is unauthorized.');
		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		$this->assertStringContainsString('403', $this->notices()['domain-failed'][0]['details'], 'another reason is shown again');
	}

	public function test_the_dismiss_endpoint_checks_nonce_and_capability(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$this->refuse_adds();
		Harness::map_and_fire('shop.example.com', 2);
		$key = $plugin->notices()->get_errors()[0]['key'];

		$_POST = $_REQUEST = ['key' => $key, '_ajax_nonce' => 'forged'];
		$plugin->notices()->ajax_dismiss();
		$this->assertSame(false, State::$json[0]['success'], 'a forged nonce is refused');

		State::$denied_caps = ['manage_network_options'];
		$_POST              = $_REQUEST = ['key' => $key, '_ajax_nonce' => wp_create_nonce(Notices::DISMISS_ACTION)];
		$plugin->notices()->ajax_dismiss();
		$this->assertSame(false, State::$json[1]['success'], 'without the capability: refused');
		$this->assertArrayHasKey('domain-failed', $this->notices());

		State::$denied_caps = [];
		$plugin->notices()->ajax_dismiss();
		$this->assertSame(['success' => true, 'data' => ['dismissed' => $key]], State::$json[2]);
		$this->assertArrayNotHasKey('domain-failed', $this->notices());
	}

	public function test_at_most_five_failure_notices_then_one_that_counts_the_rest(): void {

		$this->start_emulator();
		$this->boot();
		$this->refuse_adds();

		for ($i = 1; $i <= 7; $i++) {
			Harness::map_and_fire("d{$i}.example.com", 2);
		}

		$notices = $this->notices();
		$this->assertCount(5, $notices['domain-failed']);
		$this->assertSame('RunCloud: d7.example.com could not be added to web app 1:1.', $notices['domain-failed'][0]['headline'], 'newest first');
		$this->assertSame('RunCloud: 2 more failures need attention.', $notices['more-failures'][0]['headline']);
		$this->assertFalse($notices['more-failures'][0]['dismissible']);
	}

	public function test_a_failure_notice_goes_when_the_domain_is_synced_or_unmapped(): void {

		$this->start_emulator();
		$this->boot();
		$this->refuse_adds();

		Harness::map_and_fire('synced.example.com', 2);
		Harness::map_and_fire('unmapped.example.com', 2);
		$this->assertCount(2, $this->notices()['domain-failed']);

		$this->emulator->reset();
		Harness::fire('wu_add_domain', 'synced.example.com', 2);
		Harness::unmap_domain('unmapped.example.com');
		Harness::fire('wu_remove_domain', 'unmapped.example.com', 2);

		$this->assertSame([], $this->notices(), 'synced: gone; removed: gone');
		$this->assertSame([], RunCloud_Plugin::instance()->notices()->get_errors());
	}

	public function test_a_change_not_sent_without_the_extension_is_sent_by_itself_once_it_can_be(): void {

		$this->start_emulator();
		$plugin  = $this->boot();
		$loaded  = false;
		$notices = new Notices(
			static function () use (&$loaded) {
				return $loaded;
			}
		);
		$offline = new RunCloud_Plugin(__FILE__, $notices);

		Harness::map_domain('late.example.com', 2);
		$offline->sync()->add_domain('late.example.com', 2);
		$this->assertSame(['extension-missing', 'domain-failed'], array_column($notices->get_notices(), 'id'));
		$this->assertStringContainsString('It is sent by itself once that is fixed.', $notices->get_notices()[1]['message']);

		$this->assertSame(0, $offline->recovery()->replay(), 'still not loaded: nothing queued');

		$loaded = true;
		$this->assertSame(1, $plugin->recovery()->replay(), 'loaded: queued again for each app');
		$this->assertSame(0, $plugin->recovery()->replay(), 'not twice');
		State::run_due(120);

		$this->assertSame(['late.example.com'], $this->emulator->domain_names());
		$this->assertSame([], $notices->get_notices(), 'both notices gone with their cause');
	}

	public function test_environment_notices_link_to_the_page_and_only_advice_is_dismissible(): void {

		$this->start_emulator();
		$plugin = $this->boot(['enabled' => false]);

		$notice = $this->notices()['integration-disabled'][0];
		$this->assertSame(['warning', false], [$notice['type'], $notice['dismissible']]);
		$this->assertSame('https://network.test/wp-admin/network/admin.php?page=wu-runcloud', $notice['link']);
		$this->assertFalse($plugin->notices()->dismiss('integration-disabled'), 'a cause to fix is not dismissed');

		$v2 = new Notices(
			null,
			static function () {
				return ['auth' => 'key_secret', 'missing' => []];
			}
		);
		$ids = array_column($v2->get_notices(), 'dismissible', 'id');
		$this->assertSame(['integration-disabled' => false, 'v2-credentials' => true], $ids);
		$this->assertTrue($v2->dismiss('v2-credentials'));
		$this->assertNotContains('v2-credentials', array_column($v2->get_notices(), 'id'));
	}

	public function test_render_escapes_and_is_for_administrators_only(): void {

		$this->start_emulator();
		$plugin = $this->boot();
		$plugin->notices()->record_error('x', ['domain' => '<b>x</b>.example.com', 'target' => '1:1', 'op' => 'add_domain', 'status' => 422, 'answer' => '<script>alert(1)</script>', 'cause' => 'runcloud']);

		ob_start();
		$plugin->notices()->render();
		$html = (string) ob_get_clean();

		$this->assertStringContainsString('&lt;b&gt;x&lt;/b&gt;.example.com', $html);
		$this->assertStringNotContainsString('<script>', $html);
		$this->assertStringContainsString('class="notice notice-error is-dismissible" data-wu-runcloud-notice="domain-failed"', $html);

		ob_start();
		$plugin->notices()->print_dismiss_script();
		$this->assertStringContainsString('wu_runcloud_dismiss', (string) ob_get_clean(), 'the dismissal is remembered through admin-ajax');

		State::$denied_caps = ['manage_network_options'];
		ob_start();
		$plugin->notices()->render();
		$this->assertSame('', (string) ob_get_clean());
	}

	public function test_extension_missing_notice_and_events_degrade_without_requests(): void {

		$this->start_emulator();
		$this->boot();

		$notices = new Notices(
			static function () {
				return false;
			}
		);

		$ids = array_column($notices->get_notices(), 'id');
		$this->assertSame(['extension-missing'], $ids);

		// The same seam in the domain events (wired by the plugin around these notices): the event
		// is logged and recorded, nothing is sent.
		$sync = ( new RunCloud_Plugin(__FILE__, $notices) )->sync();
		$sync->add_domain('shop.example.com', 2);

		$this->assertSame([], $this->emulator->requests());
		$this->assertStringContainsString('extension is not loaded', implode("\n", State::log_lines('error')));
		$this->assertContains('domain-failed', array_column($notices->get_notices(), 'id'));
	}

	public function test_incomplete_configuration_names_the_missing_constants(): void {

		$this->start_emulator();
		$plugin = $this->boot(['constants' => ['WU_RUNCLOUD_API_TOKEN' => null, 'WU_RUNCLOUD_SERVER_ID' => null, 'WU_RUNCLOUD_APP_ID' => null]]);

		$notices = $plugin->notices()->get_notices();
		$this->assertSame(['config-incomplete'], array_column($notices, 'id'), var_export($notices, true));
		$this->assertStringContainsString('WU_RUNCLOUD_SERVER_ID', $notices[0]['message']);
		$this->assertStringContainsString('WU_RUNCLOUD_APP_ID', $notices[0]['message']);
	}

	public function test_invalid_configuration_is_an_error_notice(): void {

		$this->start_emulator();
		$plugin = $this->boot(['constants' => ['WU_RUNCLOUD_SERVER_ID' => 'not-a-number']]);

		$notices = $plugin->notices()->get_notices();
		$this->assertContains('config-invalid', array_column($notices, 'id'), var_export($notices, true));
	}

	public function test_v2_notice_and_no_notice_when_all_is_well(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$this->assertSame([], $plugin->notices()->get_notices(), 'v3 token, complete: no notice');

		$v2 = new Notices(
			null,
			static function () {
				return ['auth' => 'key_secret', 'missing' => []];
			}
		);

		$this->assertSame(['v2-credentials'], array_column($v2->get_notices(), 'id'));
	}

	public function test_notices_render_escaped_on_network_admin(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$plugin->notices()->record_error('add_domain <b>x</b> failed');

		$this->expectOutputRegex('~<div class="notice notice-error is-dismissible" data-wu-runcloud-notice="domain-failed" data-wu-runcloud-key="[^"]+"><p><strong>[^<]+</strong> [^<]+ <a href="[^"]+">Open the RunCloud page</a></p><p class="wu-runcloud-details"><small>add_domain &lt;b&gt;x&lt;/b&gt; failed\.</small></p></div>~');

		do_action('network_admin_notices');
	}

	public function test_on_the_runcloud_page_a_link_to_it_is_left_out(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		$plugin->notices()->record_error('add_domain x failed');
		$_GET['page'] = 'wu-runcloud';

		try {
			ob_start();
			do_action('network_admin_notices');
			$html = (string) ob_get_clean();
		} finally {
			unset($_GET['page']);
		}

		$this->assertStringContainsString('data-wu-runcloud-notice="domain-failed"', $html);
		$this->assertStringNotContainsString('Open the RunCloud page', $html);
	}

	public function test_recorded_failures_are_capped_and_cleared_by_a_clean_sync(): void {

		$this->start_emulator();
		$plugin = $this->boot();

		for ($i = 0; $i < 30; $i++) {
			$plugin->notices()->record_error("failure {$i}");
		}

		$this->assertCount(Notices::MAX_ERRORS, $plugin->notices()->get_errors());
		$this->assertSame('failure 29', $plugin->notices()->get_errors()[ Notices::MAX_ERRORS - 1 ]['message']);

		Harness::cli('runcloud sync');

		$this->assertSame([], $plugin->notices()->get_errors());
	}

	public function test_failures_are_structured_records_that_go_with_their_cause(): void {

		$this->start_emulator();
		$plugin  = $this->boot();
		$notices = $plugin->notices();

		// A record written by an earlier version (no kind): a permanent failure.
		update_network_option(null, Notices::OPTION_ERRORS, [['time' => 1, 'message' => 'old failure']]);

		$notices->record_error('blocked by a.example.com', ['kind' => Notices::KIND_BLOCKING, 'domain' => 'a.example.com', 'target' => '1:1', 'reason' => 'DNS problem', 'action' => 'Point it back']);
		$notices->record_error('still blocked by a.example.com', ['kind' => Notices::KIND_BLOCKING, 'domain' => 'a.example.com', 'target' => '1:1', 'reason' => 'DNS problem', 'action' => 'Point it back']);
		$notices->record_error('b.example.com failed', ['kind' => Notices::KIND_SSL_FAILED, 'domain' => 'b.example.com', 'target' => '1:1', 'reason' => 'NXDOMAIN', 'action' => 'Fix DNS']);

		$blocking = $notices->get_errors(Notices::KIND_BLOCKING);
		$this->assertCount(1, $blocking, 'the same cause is recorded once');
		$this->assertSame(['still blocked by a.example.com', 'blocking', 'a.example.com', '1:1', 'DNS problem', 'Point it back'], [$blocking[0]['message'], $blocking[0]['kind'], $blocking[0]['domain'], $blocking[0]['target'], $blocking[0]['reason'], $blocking[0]['action']]);
		$this->assertSame('permanent', $notices->get_errors(Notices::KIND_PERMANENT)[0]['kind']);

		$this->assertSame(['domain-failed', 'certificate-blocked', 'certificate-failed'], array_column($notices->get_notices(), 'id'));

		$notices->clear_errors();
		$this->assertSame(['certificate-blocked', 'certificate-failed'], array_column($notices->get_notices(), 'id'), 'a clean sync clears permanent failures only');

		$notices->resolve(Notices::KIND_BLOCKING, '1:1', 'a.example.com');
		$notices->resolve(Notices::KIND_SSL_FAILED, '2:2');
		$this->assertSame(['certificate-failed'], array_column($notices->get_notices(), 'id'));
	}
}
