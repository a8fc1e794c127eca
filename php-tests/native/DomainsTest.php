<?php
/**
 * list/find/add/remove on both API versions, against the emulator's real state.
 */

namespace WU_RunCloud_Tests;

use WU\RunCloud\ValidationException;

final class DomainsTest extends Native_Test_Case {

	private const DOMAIN_KEYS = ['id', 'name', 'type', 'www', 'redirection', 'wildcard', 'created_at'];

	/** @dataProvider versions */
	public function test_add_then_list_find_remove(string $version): void {
		$options = $this->options($version);
		$added   = wu_runcloud_add_domain('Shop.Example.COM.', $options + ['www' => true]);
		$this->assertTrue($added['created']);
		$this->assertSame('shop.example.com', $added['domain']['name']);
		$this->assertSame(self::DOMAIN_KEYS, array_keys($added['domain']));
		$this->assertTrue($added['domain']['www']);
		$this->assertSame('non-www', $added['domain']['redirection']);
		$this->assertSame('alias', $added['domain']['type']);
		$this->assertFalse($added['domain']['wildcard']);
		$this->assertIsInt($added['domain']['id']);
		$this->assertContains('shop.example.com', $this->emulator()->domain_names());

		$listed = wu_runcloud_list_domains($options);
		$this->assertContains('shop.example.com', array_column($listed, 'name'));

		$found = wu_runcloud_find_domain('shop.example.com', $options);
		$this->assertSame($added['domain'], $found);
		$this->assertNull(wu_runcloud_find_domain('absent.example.com', $options));

		$removed = wu_runcloud_remove_domain('shop.example.com', $options);
		$this->assertTrue($removed['removed']);
		$this->assertSame('shop.example.com', $removed['domain']['name']);
		$this->assertNotContains('shop.example.com', $this->emulator()->domain_names());
	}

	/** @dataProvider versions */
	public function test_duplicate_add_is_idempotent(string $version): void {
		$options = $this->options($version, ['ssl' => false]);
		$first   = wu_runcloud_add_domain('dup.example.com', $options);
		$second  = wu_runcloud_add_domain('dup.example.com', $options);
		$this->assertTrue($first['created']);
		$this->assertFalse($second['created']);
		$this->assertSame($first['domain']['id'], $second['domain']['id']);
		$this->assertSame(1, count(array_keys($this->emulator()->domain_names(), 'dup.example.com', true)));
	}

	/** @dataProvider versions */
	public function test_remove_of_a_missing_domain_is_not_an_error(string $version): void {
		$result = wu_runcloud_remove_domain('never-added.example.com', $this->options($version));
		$this->assertSame(['removed' => false, 'domain' => null], $result);
	}

	/** @dataProvider versions */
	public function test_find_and_remove_on_page_two_of_45(string $version): void {
		$this->emulator()->seed(1, 1, 45);
		$options = $this->options($version);
		$all     = wu_runcloud_list_domains($options);
		$this->assertCount(45, $all);
		$this->assertCount(45, array_unique(array_column($all, 'name')));
		$last = end($all)['name'];

		$found = wu_runcloud_find_domain($last, $options);
		$this->assertNotNull($found, "{$last} is on page 2 and must be found");

		$removed = wu_runcloud_remove_domain($last, $options);
		$this->assertTrue($removed['removed']);
		$this->assertCount(44, $this->emulator()->domain_names());
		$this->assertNotContains($last, $this->emulator()->domain_names());
		foreach ($this->emulator()->requests() as $request) {
			if ('GET' === $request['method'] && preg_match('#/domains$#', $request['path'])) {
				$this->assertStringContainsString('perPage=40', $request['query']);
			}
		}
	}

	/** @dataProvider versions */
	public function test_remove_with_a_remembered_id_costs_two_requests(string $version): void {
		$this->emulator()->seed(1, 1, 100);
		$options = $this->options($version);
		$added   = wu_runcloud_add_domain('remembered.example.com', $options + ['ssl' => false]);
		$before  = $this->emulator()->request_count();
		$result  = wu_runcloud_remove_domain('remembered.example.com', $options + ['domain_id' => $added['domain']['id']]);
		$this->assertTrue($result['removed']);
		$this->assertSame(2, $this->emulator()->request_count() - $before, 'GET by id, then DELETE');
		$this->assertNotContains('remembered.example.com', $this->emulator()->domain_names());
	}

	/** @dataProvider versions */
	public function test_a_stale_domain_id_falls_back_to_the_scan(string $version): void {
		$options = $this->options($version);
		$other   = wu_runcloud_add_domain('other.example.com', $options + ['ssl' => false]);
		wu_runcloud_add_domain('target.example.com', $options + ['ssl' => false]);
		// The remembered id now belongs to another name: it must not be deleted.
		$result = wu_runcloud_remove_domain('target.example.com', $options + ['domain_id' => $other['domain']['id']]);
		$this->assertTrue($result['removed']);
		$this->assertSame('target.example.com', $result['domain']['name']);
		$this->assertContains('other.example.com', $this->emulator()->domain_names());
		$this->assertNotContains('target.example.com', $this->emulator()->domain_names());
	}

	public function test_an_id_that_no_longer_exists_falls_back_to_the_scan(): void {
		$options = $this->v3();
		$added   = wu_runcloud_add_domain('gone.example.com', $options + ['ssl' => false]);
		wu_runcloud_remove_domain('gone.example.com', $options);
		$result = wu_runcloud_remove_domain('gone.example.com', $options + ['domain_id' => $added['domain']['id']]);
		$this->assertFalse($result['removed']);
	}

	public function test_idn_is_sent_as_punycode(): void {
		$added = wu_runcloud_add_domain('Bücher.Example', $this->v3(['ssl' => false]));
		$this->assertSame('xn--bcher-kva.example', $added['domain']['name']);
		$this->assertNotNull(wu_runcloud_find_domain('bücher.example', $this->v3()));
	}

	public function test_wildcard_needs_the_option(): void {
		$e = $this->expectThrown(ValidationException::class, function () {
			wu_runcloud_add_domain('*.example.com', $this->v3());
		});
		$this->assertStringContainsString('wildcard', $e->getMessage());
		$this->assertSame(0, $this->emulator()->request_count());
		$added = wu_runcloud_add_domain('*.example.com', $this->v3(['wildcard' => true, 'ssl' => false]));
		$this->assertTrue($added['domain']['wildcard']);
	}

	public function test_explicit_add_options_are_sent(): void {
		wu_runcloud_add_domain('opts.example.com', $this->v3(['www' => true, 'redirection' => 'www', 'type' => 'primary', 'ssl' => false]));
		$post = array_values(array_filter($this->emulator()->requests(), function ($r) {
			return 'POST' === $r['method'];
		}))[0];
		$body = json_decode($post['body'], true);
		$this->assertSame('opts.example.com', $body['name']);
		$this->assertTrue($body['www']);
		$this->assertSame('www', $body['redirection']);
		$this->assertSame('primary', $body['type']);
	}

	/** @dataProvider invalid_domains */
	public function test_invalid_domain_sends_nothing(string $domain): void {
		$this->expectThrown(ValidationException::class, function () use ($domain) {
			wu_runcloud_add_domain($domain, $this->v3());
		});
		$this->assertSame(0, $this->emulator()->request_count());
	}

	public function invalid_domains(): array {
		$cases = ['', ' ', 'localhost', 'http://shop.example.com', 'shop.example.com:8080', 'shop.example.com/path',
			'sh op.example.com', 'user@example.com', '-shop.example.com', 'shop-.example.com', 'shop..example.com',
			str_repeat('a', 64) . '.example.com', str_repeat('abcdefghi.', 25) . 'example', '192.168.1.10',
			"shop\x00.example.com", "sh\xffop.example.com", '*.example.com', 'shop.*.example.com', 'xn--zz.example', '.example.com'];
		$data = [];
		foreach ($cases as $i => $case) {
			$data[ $i . ': ' . addcslashes(substr($case, 0, 40), "\0..\37\177..\377") ] = [ $case ];
		}
		return $data;
	}
}
