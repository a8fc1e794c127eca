<?php
/**
 * The bad-input corpus: invalid domains and invalid options are refused with a
 * ValidationException or ConfigException that names the problem, and nothing reaches the
 * emulator. Valid internationalised names normalise to the right punycode (checked against
 * Python's `idna` package, UTS 46 non-transitional).
 */

namespace WU_RunCloud_Tests\Reliability;

require_once __DIR__ . '/support/class-reliability-support.php';

use WU_RunCloud_Tests\Php_Script;

final class BadInputTest extends Reliability_Test_Case {

	private const VALIDATION = 'WU\RunCloud\ValidationException';
	private const CONFIG     = 'WU\RunCloud\ConfigException';

	/**
	 * Invalid domains, each with a pattern its message must match (the problem named).
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public function invalid_domains(): array {
		$l63  = str_repeat('a', 63);
		$list = [
			// empty and blank
			['', '/empty/i'],
			['.', '/empty|label/i'],
			['..', '/empty|label/i'],
			[' ', '/space|empty/i'],
			["\t", '/control|space/i'],
			// spaces
			['shop example.com', '/space/i'],
			[' shop.example.com', '/space/i'],
			['shop.example.com ', '/space/i'],
			["shop.example.com\u{00A0}", '/space|character|invalid/i'],
			// schemes, ports, paths, queries, credentials
			['http://shop.example.com', '/scheme/i'],
			['https://shop.example.com/', '/scheme/i'],
			['ftp://shop.example.com', '/scheme/i'],
			['//shop.example.com', '/path/i'],
			['shop.example.com:8080', '/port/i'],
			['shop.example.com:', '/port/i'],
			['[::1]', '/IPv6|port/i'],
			['::1', '/IPv6|port/i'],
			['shop.example.com/path', '/path/i'],
			['shop.example.com\\path', '/path/i'],
			['shop.example.com?x=1', '/query/i'],
			['shop.example.com#top', '/fragment|query/i'],
			['user@shop.example.com', '/@/'],
			['user:pass@shop.example.com', '/@|port/i'],
			// dots and labels
			['shop..example.com', '/empty label/i'],
			['.shop.example.com', '/empty label|leading dot/i'],
			['shop.example.com..', '/empty label/i'],
			['com', '/two labels/i'],
			['localhost', '/two labels/i'],
			[str_repeat('a', 64) . '.example.com', '/63/'],
			['shop.' . str_repeat('b', 64), '/63/'],
			[$l63 . '.' . $l63 . '.' . $l63 . '.' . str_repeat('b', 62), '/253/'], // 254 characters
			[str_repeat('abcdefghi.', 25) . 'example', '/253/'],
			[str_repeat('a.', 127) . 'com', '/253/'],
			// hyphens
			['-shop.example.com', "/hyphen|starts or ends with '-'/i"],
			['shop-.example.com', "/hyphen|starts or ends with '-'/i"],
			['shop.-example.com', "/hyphen|starts or ends with '-'/i"],
			['shop.example-.com', "/hyphen|starts or ends with '-'/i"],
			['shop.example.com-', "/hyphen|starts or ends with '-'/i"],
			// characters outside [a-z0-9-]
			['sh_op.example.com', '/character|not allowed/i'],
			['sh!op.example.com', '/character|not allowed/i'],
			['sh$op.example.com', '/character|not allowed/i'],
			['sh%op.example.com', '/character|not allowed/i'],
			['sh"op.example.com', '/character|not allowed/i'],
			["sh'op.example.com", '/character|not allowed/i'],
			['sh<op>.example.com', '/character|not allowed/i'],
			['sh,op.example.com', '/character|not allowed/i'],
			['sh;op.example.com', '/character|not allowed/i'],
			['sh=op.example.com', '/character|not allowed/i'],
			// control characters
			["shop\x00.example.com", '/control/i'],
			["shop.example.com\n", '/control/i'],
			["shop\r\n.example.com", '/control/i'],
			["sh\x1bop.example.com", '/control/i'],
			["sh\x7fop.example.com", '/control/i'],
			["shop.example.com\u{0085}", '/control|space/i'],
			// invalid UTF-8
			["sh\xffop.example.com", '/UTF-8/i'],
			["caf\xc3.example", '/UTF-8/i'],
			["\xed\xa0\x80.example", '/UTF-8/i'], // a UTF-16 surrogate, encoded
			["\xc0\xae.example", '/UTF-8/i'],    // overlong '.'
			// IP addresses and numeric last labels
			['192.168.1.10', '/IP|digits/i'],
			['1.2.3.4', '/IP|digits/i'],
			['example.123', '/IP|digits/i'],
			['10.0.0.1.', '/IP|digits/i'],
			// wildcards
			['*.example.com', '/wildcard/i', true], // a valid name to look up; only adding it needs the option
			['*.*.example.com', '/wildcard|\*/i'],
			['shop.*.example.com', '/\*/'],
			['*shop.example.com', '/\*/'],
			['sh*op.example.com', '/\*/'],
			['*', '/\*|wildcard|two labels/i'],
			// invalid A-labels and IDNA
			['xn--zz.example', '/A-label|IDNA|xn--/i'],
			['xn--.example', '/A-label|IDNA|xn--/i'],
			['xn--bcher-kva-.example', '/-|A-label|IDNA/i'],
			["\u{200B}.example", '/IDNA|empty|invalid/i'], // zero-width space only
			["sh\u{0301}op.example.com", '/IDNA|invalid/i'], // combining mark is fine mid-label; see below
			["\u{0301}shop.example.com", '/IDNA|invalid/i'],   // a label starting with a combining mark
		];
		// The combining mark in the middle of a label is valid IDNA: keep only the leading one.
		$list = array_values(array_filter($list, function ($case) {
			return "sh\u{0301}op.example.com" !== $case[0];
		}));
		$data = [];
		foreach ($list as $i => $case) {
			$shown = addcslashes(mb_strimwidth(mb_convert_encoding($case[0], 'UTF-8', 'UTF-8'), 0, 36, '…'), "\0..\37\177");
			$data[sprintf('%02d: %s', $i, $shown)] = [$case[0], $case[1], $case[2] ?? false];
		}
		return $data;
	}

	public function test_the_corpus_has_at_least_60_invalid_domains(): void {
		$this->assertGreaterThanOrEqual(60, count($this->invalid_domains()));
	}

	/** @dataProvider invalid_domains */
	public function test_invalid_domain_is_refused_before_any_request(string $domain, string $pattern, bool $add_only = false): void {
		$options = $this->v3();
		$calls   = [
			'add'    => function () use ($domain, $options) {
				return wu_runcloud_add_domain($domain, $options + ['ssl' => false]);
			},
			'find'   => function () use ($domain, $options) {
				return wu_runcloud_find_domain($domain, $options);
			},
			'remove' => function () use ($domain, $options) {
				return wu_runcloud_remove_domain($domain, $options);
			},
		];
		if ($add_only) {
			$calls = ['add' => $calls['add']];
		}
		foreach ($calls as $name => $call) {
			$e = $this->expectThrown(self::VALIDATION, $call);
			$this->assertMatchesRegularExpression($pattern, $e->getMessage(), "{$name}: the message names the problem");
			$this->assertMatchesRegularExpression('/domain/i', $e->getMessage(), "{$name}: the message says it is about the domain");
			// A hostile name cannot forge log lines or break out of the message.
			$this->assertStringNotContainsString("\n", $e->getMessage(), "{$name}: no raw newline in the message");
			$this->assertStringNotContainsString("\r", $e->getMessage());
			$this->assertStringNotContainsString("\0", $e->getMessage());
			$this->assertTrue(mb_check_encoding($e->getMessage(), 'UTF-8'), "{$name}: the message is valid UTF-8");
		}
		$this->assertSame(0, $this->emulator()->request_count(), 'an invalid domain sent a request');
	}

	public function test_a_wildcard_is_refused_when_wildcard_is_false(): void {
		$e = $this->expectThrown(self::VALIDATION, function () {
			wu_runcloud_add_domain('*.example.com', $this->v3(['wildcard' => false]));
		});
		$this->assertStringContainsString('wildcard', $e->getMessage());
		$this->assertSame(0, $this->emulator()->request_count());
	}

	/**
	 * Valid names and the ASCII form they must be sent and stored as.
	 *
	 * @return array<string, array{0: string, 1: string, 2?: bool}>
	 */
	public function idn_examples(): array {
		return [
			'German'                      => ['Bücher.Example', 'xn--bcher-kva.example'],
			'German, upper case, dot'     => ['MÜNCHEN.DE.', 'xn--mnchen-3ya.de'],
			'sharp s (non-transitional)'  => ['straße.de', 'xn--strae-oqa.de'],
			'Japanese'                    => ['例え.テスト', 'xn--r8jz45g.xn--zckzah'],
			'Japanese 2'                  => ['日本語.jp', 'xn--wgv71a119e.jp'],
			'Cyrillic'                    => ['пример.испытание', 'xn--e1afmkfd.xn--80akhbyknj4f'],
			'Spanish'                     => ['mañana.com', 'xn--maana-pta.com'],
			'Spanish, three labels'       => ['ñandú.com.ar', 'xn--and-6ma2c.com.ar'],
			'French'                      => ['café.example', 'xn--caf-dma.example'],
			'Greek'                       => ['ελληνικά.gr', 'xn--hxargifdar.gr'],
			'fullwidth ASCII'             => ['ＥＸＡＭＰＬＥ．ｃｏｍ', 'example.com'],
			'ideographic full stop'       => ['bücher。example', 'xn--bcher-kva.example'],
			'already punycode'            => ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
			'punycode, upper case'        => ['XN--BCHER-KVA.EXAMPLE', 'xn--bcher-kva.example'],
			'wildcard IDN'                => ['*.Bücher.example', '*.xn--bcher-kva.example', true],
			'63-character label'          => [str_repeat('a', 63) . '.com', str_repeat('a', 63) . '.com'],
			'253 characters'              => [str_repeat('a', 63) . '.' . str_repeat('a', 63) . '.' . str_repeat('a', 63) . '.' . str_repeat('b', 61), str_repeat('a', 63) . '.' . str_repeat('a', 63) . '.' . str_repeat('a', 63) . '.' . str_repeat('b', 61)],
			'digits in labels'            => ['1-2.example0', '1-2.example0'],
		];
	}

	/** @dataProvider idn_examples */
	public function test_valid_names_normalise_to_punycode(string $input, string $ascii, bool $wildcard = false): void {
		$options = $this->v3(['ssl' => false, 'wildcard' => $wildcard]);
		$added   = wu_runcloud_add_domain($input, $options);
		$this->assertSame($ascii, $added['domain']['name']);
		$this->assertTrue($added['created']);
		$posts = array_values(array_filter($this->emulator()->requests(), function ($r) {
			return 'POST' === $r['method'];
		}));
		$this->assertCount(1, $posts);
		$this->assertSame($ascii, json_decode($posts[0]['body'], true)['name'], 'sent as punycode');
		$this->assertSame([$ascii], $this->emulator()->domain_names());
		// Any spelling of the same name finds and removes it; adding it again is not a duplicate.
		$found = wu_runcloud_find_domain($input, $this->v3());
		$this->assertNotNull($found);
		$this->assertSame($ascii, $found['name']);
		$this->assertFalse(wu_runcloud_add_domain($input, $options)['created']);
		$this->assertTrue(wu_runcloud_remove_domain($input, $this->v3())['removed']);
		$this->assertSame([], $this->emulator()->domain_names());
	}

	/**
	 * Invalid options: [function, options to merge into valid v3 options, classes allowed,
	 * pattern the message must match].
	 */
	public function invalid_options(): array {
		$vc    = [self::VALIDATION, self::CONFIG];
		$v     = [self::VALIDATION];
		$c     = [self::CONFIG];
		$cases = [];
		$all   = ['config', 'test_connection', 'list_domains', 'find_domain', 'add_domain', 'remove_domain', 'redeploy_ssl'];
		$wrong_types = [
			'int'    => 123,
			'bool'   => true,
			'array'  => ['x'],
			'float'  => 1.5,
			'object' => new \stdClass(),
		];
		// The wrong PHP type for every configuration option, on every function.
		foreach (['api_token', 'api_key', 'api_secret', 'api_url', 'ca_file'] as $key) {
			foreach (['int', 'bool', 'array', 'object'] as $type) {
				foreach ($all as $function) {
					$cases["{$function}: {$key} as {$type}"] = [$function, [$key => $wrong_types[$type]], $vc, "/{$key}/"];
				}
			}
		}
		foreach (['server_id', 'app_id'] as $key) {
			$bad = [
				'non-numeric'    => 'abc',
				'digits+letters' => '12a',
				'negative'       => -1,
				'negative str'   => '-5',
				'zero'           => 0,
				'zero string'    => '0',
				'huge'           => '99999999999999999999999',
				'float'          => 1.5,
				'exponent'       => '1e3',
				'hex'            => '0x10',
				'plus sign'      => '+7',
				'spaces'         => ' 7 ',
				'empty string'   => '',
				'bool'           => true,
				'array'          => [7],
				'object'         => new \stdClass(),
			];
			foreach ($bad as $what => $value) {
				foreach (['config', 'list_domains', 'add_domain'] as $function) {
					$cases["{$function}: {$key} {$what}"] = [$function, [$key => $value], $vc, "/{$key}/"];
				}
			}
		}
		foreach (['non-numeric' => 'soon', 'negative' => -1, 'zero' => 0, 'huge' => 1e30, 'bool' => true, 'array' => [30], 'NAN' => NAN, 'INF' => INF] as $what => $value) {
			foreach (['config', 'list_domains'] as $function) {
				$cases["{$function}: timeout {$what}"] = [$function, ['timeout' => $value], $vc, '/timeout/'];
			}
		}
		// api_url values that are not an HTTPS API root (loopback http is allowed).
		foreach ([
			'plain http to a remote host' => 'http://manage.runcloud.io/api',
			'ftp scheme'                  => 'ftp://127.0.0.1/api',
			'no scheme'                   => 'manage.runcloud.io/api',
			'not a URL'                   => 'not a url',
			'empty'                       => '',
			'scheme only'                 => 'https://',
			'file URL'                    => 'file:///etc/passwd',
			'javascript'                  => 'javascript:alert(1)',
			'control char'                => "https://manage.runcloud.io/api\n",
		] as $what => $url) {
			foreach (['config', 'list_domains'] as $function) {
				$cases["{$function}: api_url {$what}"] = [$function, ['api_url' => $url], $c, '/api_url/'];
			}
		}
		// Empty credentials.
		foreach (['list_domains', 'add_domain'] as $function) {
			$cases["{$function}: empty api_token"]  = [$function, ['api_token' => ''], $c, '/api_token/'];
			$cases["{$function}: empty api_secret"] = [$function, ['api_token' => null, 'api_key' => 'k', 'api_secret' => ''], $c, '/api_secret/'];
			$cases["{$function}: empty api_key"]    = [$function, ['api_token' => null, 'api_key' => '', 'api_secret' => 's'], $c, '/api_key/'];
			$cases["{$function}: missing ca_file"]  = [$function, ['ca_file' => '/nonexistent/ca.pem'], $c, '/ca_file/'];
			$cases["{$function}: ca_file is a directory"] = [$function, ['ca_file' => sys_get_temp_dir()], $c, '/ca_file/'];
		}
		// add_domain's own options.
		foreach (['www', 'wildcard', 'ssl'] as $key) {
			foreach (['yes' => 'yes', 'string true' => 'true', 'int 1' => 1, 'int 0' => 0, 'array' => [true], 'float' => 1.0] as $what => $value) {
				$cases["add_domain: {$key} {$what}"] = ['add_domain', [$key => $value], $v, "/{$key}/"];
			}
		}
		foreach (['sideways' => 'sideways', 'empty' => '', 'upper case' => 'WWW', 'int' => 1, 'bool' => true, 'array' => ['www']] as $what => $value) {
			$cases["add_domain: redirection {$what}"] = ['add_domain', ['redirection' => $value], $v, '/redirection/'];
		}
		foreach (['bogus' => 'bogus', 'empty' => '', 'int' => 1, 'array' => ['alias']] as $what => $value) {
			$cases["add_domain: type {$what}"] = ['add_domain', ['type' => $value], $v, '/type/'];
		}
		// remove_domain's domain_id.
		foreach (['zero' => 0, 'negative' => -3, 'non-numeric' => 'abc', 'float' => 2.5, 'huge' => '99999999999999999999999', 'bool' => true, 'array' => [1]] as $what => $value) {
			$cases["remove_domain: domain_id {$what}"] = ['remove_domain', ['domain_id' => $value], $vc, '/domain_id/'];
		}
		// Unknown keys: typos, other functions' keys, odd keys.
		$unknown = [
			'typo wwww'             => ['add_domain', 'wwww'],
			'typo api_tokn'         => ['list_domains', 'api_tokn'],
			'upper case API_TOKEN'  => ['list_domains', 'API_TOKEN'],
			'constant name'         => ['list_domains', 'WU_RUNCLOUD_API_TOKEN'],
			'domain_id on add'      => ['add_domain', 'domain_id'],
			'www on list'           => ['list_domains', 'www'],
			'ssl on remove'         => ['remove_domain', 'ssl'],
			'wildcard on find'      => ['find_domain', 'wildcard'],
			'www on test_connection' => ['test_connection', 'www'],
			'redirection on redeploy' => ['redeploy_ssl', 'redirection'],
			'www on config'         => ['config', 'www'],
			'empty key'             => ['list_domains', ''],
			'key with newline'      => ['list_domains', "api_url\n"],
			'key with a space'      => ['add_domain', 'www '],
		];
		foreach ($unknown as $what => [$function, $key]) {
			$cases["{$function}: unknown key, {$what}"] = [$function, [$key => true], $v, '/' . preg_quote(trim($key), '/') . '|unknown/i'];
		}
		$cases['list_domains: integer key'] = ['list_domains', [0 => 'x'], $v, '/0|unknown/i'];
		return $cases;
	}

	private static function call(string $function, array $options) {
		switch ($function) {
			case 'config':
				return wu_runcloud_config($options);
			case 'test_connection':
				return wu_runcloud_test_connection($options);
			case 'list_domains':
				return wu_runcloud_list_domains($options);
			case 'find_domain':
				return wu_runcloud_find_domain('shop.example.com', $options);
			case 'add_domain':
				return wu_runcloud_add_domain('shop.example.com', $options);
			case 'remove_domain':
				return wu_runcloud_remove_domain('shop.example.com', $options);
			case 'redeploy_ssl':
				return wu_runcloud_redeploy_ssl($options);
		}
		throw new \LogicException($function);
	}

	public function test_the_options_corpus_covers_every_function(): void {
		$functions = array_unique(array_column($this->invalid_options(), 0));
		sort($functions);
		$this->assertSame(['add_domain', 'config', 'find_domain', 'list_domains', 'redeploy_ssl', 'remove_domain', 'test_connection'], $functions);
	}

	/** All invalid options in one test per function: each one refused, none sends anything. */
	public function test_invalid_options_are_refused_before_any_request(): void {
		$failures = [];
		$checked  = 0;
		foreach ($this->invalid_options() as $case => [$function, $bad, $classes, $pattern]) {
			$options = $this->v3($bad);
			foreach ($bad as $key => $value) {
				if (null === $value) {
					unset($options[$key]);
				}
			}
			try {
				self::call($function, $options);
				$failures[] = "{$case}: accepted";
			} catch (\Throwable $e) {
				if (!in_array(get_class($e), $classes, true)) {
					$failures[] = "{$case}: " . get_class($e) . ': ' . $e->getMessage();
				} elseif (!preg_match($pattern, $e->getMessage())) {
					$failures[] = "{$case}: the message does not name the problem ({$pattern}): " . $e->getMessage();
				} elseif (false !== strpos($e->getMessage(), "\n")) {
					$failures[] = "{$case}: raw newline in the message";
				}
			}
			$checked++;
		}
		$this->assertGreaterThanOrEqual(300, $checked);
		$this->assertSame([], $failures, count($failures) . " of {$checked} invalid options were not refused properly");
		$this->assertSame(0, $this->emulator()->request_count(), 'an invalid option sent a request');
	}

	/** Each malformed constant is refused, naming the constant (one child process each). */
	public function malformed_constants(): array {
		return [
			'server id not a number' => ['WU_RUNCLOUD_SERVER_ID', "'abc'"],
			'server id negative'     => ['WU_RUNCLOUD_SERVER_ID', '-3'],
			'app id zero'            => ['WU_RUNCLOUD_APP_ID', '0'],
			'app id float'           => ['WU_RUNCLOUD_APP_ID', '2.5'],
			'extra targets garbage'  => ['WU_RUNCLOUD_EXTRA_TARGETS', "'1:x'"],
			'extra targets no colon' => ['WU_RUNCLOUD_EXTRA_TARGETS', "'12'"],
			'extra targets zero'     => ['WU_RUNCLOUD_EXTRA_TARGETS', "'0:5'"],
			'timeout not a number'   => ['WU_RUNCLOUD_TIMEOUT', "'soon'"],
			'timeout negative'       => ['WU_RUNCLOUD_TIMEOUT', '-1'],
			'api url http remote'    => ['WU_RUNCLOUD_API_URL', "'http://manage.runcloud.io/api'"],
			'token not a string'     => ['WU_RUNCLOUD_API_TOKEN', '[1, 2]'],
		];
	}

	/** @dataProvider malformed_constants */
	public function test_malformed_constant_is_a_config_error(string $constant, string $php_value): void {
		$defaults = [
			'WU_RUNCLOUD_API_TOKEN' => var_export(self::TOKEN, true),
			'WU_RUNCLOUD_SERVER_ID' => '1',
			'WU_RUNCLOUD_APP_ID'    => '1',
			'WU_RUNCLOUD_API_URL'   => var_export($this->emulator()->base_url(), true),
		];
		$defaults[$constant] = $php_value;
		$script = "<?php\n";
		foreach ($defaults as $name => $value) {
			$script .= "define('{$name}', {$value});\n";
		}
		$script .= 'try { wu_runcloud_list_domains(); echo "ACCEPTED\n"; } catch (\Throwable $e) { echo get_class($e), "\n", $e->getMessage(), "\n"; }';
		$run = Php_Script::run($script);
		$this->assertSame(0, $run['exit'], $run['stderr']);
		$this->assertStringStartsWith(self::CONFIG . "\n", $run['stdout']);
		$this->assertStringContainsString($constant, $run['stdout'], 'the message names the constant');
		$this->assertStringNotContainsString(self::TOKEN, $run['stdout']);
		$this->assertSame(0, $this->emulator()->request_count());
	}
}
