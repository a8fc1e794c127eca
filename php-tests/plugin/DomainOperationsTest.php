<?php
/**
 * RunCloud_Domain_Operations: what is sent to RunCloud for one domain on one web app. Removal
 * by the remembered id, else by name; nothing for a name the plugin parked itself; a
 * subdomain a wildcard domain covers is skipped; www per Ultimate Multisite's setting, with
 * `main_only` decided by the Public Suffix List.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud_Stubs\Harness;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class DomainOperationsTest extends Plugin_Test_Case {

	public function test_a_stale_remembered_id_falls_back_to_the_name(): void {

		$this->start_emulator();
		$this->boot();

		Harness::fire('wu_add_domain', 'shop.example.com', 2);
		$old = $this->record('shop.example.com')['id'];

		// Someone deleted and re-created the domain in the RunCloud panel: it has a new id.
		wu_runcloud_remove_domain('shop.example.com', ['domain_id' => $old]);
		wu_runcloud_add_domain('shop.example.com', ['ssl' => false]);
		$this->assertNotEquals($old, $this->record('shop.example.com')['id']);

		Harness::fire('wu_remove_domain', 'shop.example.com', 2);

		$this->assertNull($this->record('shop.example.com'), $this->log_text());
		$this->assertSame([], State::log_lines('error'));
	}

	public function test_removing_a_parked_mapping_sends_nothing_and_forgets_it(): void {

		$this->start_emulator();
		$this->boot();
		$this->emulator->set_dns('late.example.com', false);

		Harness::map_and_fire('late.example.com', 2);
		State::run_due(self::WINDOW);
		$this->assertSame('parked', $this->cert('late.example.com'));

		$seen = count($this->emulator->requests());
		Harness::unmap_domain('late.example.com');
		Harness::fire('wu_remove_domain', 'late.example.com', 2);

		$this->assertSame([], array_slice($this->request_lines(), $seen), 'the plugin took it off itself: nothing to send');
		$this->assertNull(RunCloud_Plugin::instance()->state()->entry('late.example.com'));
		$this->assertSame([], State::$actions, 'no try left');
	}

	public function test_subdomain_covered_by_a_wildcard_domain_is_skipped(): void {

		$this->start_emulator();
		$this->boot();

		wu_runcloud_add_domain('*.network.test', ['wildcard' => true, 'ssl' => false]);

		$before = count($this->emulator->requests());

		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);
		Harness::fire('wu_remove_subdomain', 'blog.network.test', 3);
		Harness::fire('wu_add_subdomain', 'blog.network.test', 3);

		$this->assertSame(['*.network.test'], $this->emulator->domain_names(1, 1));
		$this->assertCount(1, $this->requests_matching('POST', '~/domains$~'), 'only the wildcard itself was ever POSTed');
		$this->assertSame([], $this->requests_matching('DELETE', '~/domains/~'));

		$after = array_slice($this->emulator->requests(), $before);
		$this->assertLessThanOrEqual(1, count($after), 'the wildcard list is read once, then cached');

		$this->assertNotEmpty(array_filter(State::log_lines('info'), static function ($line) {
			return false !== strpos($line, 'skipped') && false !== strpos($line, '*.network.test');
		}));

		// Two levels below the wildcard are not covered by it.
		Harness::fire('wu_add_subdomain', 'a.blog.network.test', 4);
		$this->assertNotNull($this->record('a.blog.network.test'));
	}

	/**
	 * @dataProvider www_cases
	 */
	public function test_www_follows_the_auto_create_www_subdomain_setting(string $setting, string $domain, bool $www): void {

		$this->start_emulator();
		$this->boot(['settings' => ['auto_create_www_subdomain' => $setting]]);

		Harness::fire('wu_add_domain', $domain, 2);

		$record = $this->record($domain);
		$this->assertWithLog(null !== $record, "{$domain} is on the app");
		$this->assertEquals($www ? 1 : 0, $record['www'], "{$setting}: www for {$domain}");
		$this->assertSame($www ? 'non-www' : 'none', $record['redirection']);
	}

	public function www_cases(): array {

		return [
			'always, main domain'    => ['always', 'example.com', true],
			'always, subdomain'      => ['always', 'blog.example.com', true],
			'main_only, main domain' => ['main_only', 'example.com', true],
			'main_only, co.uk'       => ['main_only', 'example.co.uk', true],
			'main_only, org.uk (PSL)' => ['main_only', 'example.org.uk', true],
			'main_only, below org.uk' => ['main_only', 'shop.example.org.uk', false],
			'main_only, below co.uk' => ['main_only', 'shop.example.co.uk', false],
			'main_only, subdomain'   => ['main_only', 'blog.example.com', false],
			'never'                  => ['never', 'example.com', false],
			'www. itself'            => ['always', 'www.example.org', false],
		];
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
}
