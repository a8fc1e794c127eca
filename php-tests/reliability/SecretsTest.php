<?php
/**
 * Secrets: with distinctive token, key and secret values, every error path is driven and the
 * values (and the Basic credentials built from them) must appear nowhere: exception messages,
 * traces (getTraceAsString, and getTrace with arguments in a child process with
 * zend.exception_ignore_args=0), var_dump/print_r/var_export of every returned value,
 * phpinfo(), requests seen by the emulator, and requests seen by a redirect target.
 * The plugin's log is covered in PluginLogSecretsTest.
 */

namespace WU_RunCloud_Tests\Reliability;

require_once __DIR__ . '/support/class-reliability-support.php';

use WU_RunCloud_Tests\Emulator;
use WU_RunCloud_Tests\Php_Script;

final class SecretsTest extends Reliability_Test_Case {

	private const DOMAINS = '/api/v3/servers/*/webapps/*/domains';

	/** @var Raw_Server|null */
	private static $redirect_target;

	protected static function emulator_flags(): array {
		return ['--ssl', 'letsencrypt'];
	}

	public static function tearDownAfterClass(): void {
		if (null !== self::$redirect_target) {
			self::$redirect_target->stop();
			self::$redirect_target = null;
		}
		parent::tearDownAfterClass();
	}

	/** Every form a secret could leak in: literal, and the Basic credentials. */
	private static function secret_forms(): array {
		return [
			self::TOKEN,
			self::KEY,
			self::SECRET,
			base64_encode(self::KEY . ':' . self::SECRET),
			rtrim(base64_encode(self::KEY . ':' . self::SECRET), '='),
			base64_encode(self::TOKEN),
			rawurlencode(self::TOKEN),
		];
	}

	private function assertNoSecretInAnyForm(string $text, string $what): void {
		$this->assertNoSecret($text, $what);
		foreach (self::secret_forms() as $form) {
			$this->assertStringNotContainsString($form, $text, "a secret (in some encoding) leaked into the {$what}");
		}
	}

	/** Everything observable about an exception, var_dump included. */
	private static function everything(\Throwable $e): string {
		ob_start();
		var_dump($e);
		$dump = (string) ob_get_clean();
		$errors = method_exists($e, 'getErrors') ? print_r($e->getErrors(), true) : '';
		return self::describe_exception($e) . "\n" . $dump . "\n" . $errors . "\n" . json_encode($e->getTrace()) . "\n" . ($e->getPrevious() ? self::describe_exception($e->getPrevious()) : '');
	}

	/**
	 * Error paths: name => [options to merge, call, fault rule or null, expected class].
	 * The wrong credentials used are distinctive too ('SECRET' in them).
	 */
	private function error_paths(string $version): array {
		$list   = function (array $o) {
			return wu_runcloud_list_domains($o);
		};
		$add    = function (array $o) {
			return wu_runcloud_add_domain('leak-check.example.com', $o);
		};
		$remove = function (array $o) {
			return wu_runcloud_remove_domain('site-1.example.test', $o);
		};
		$test = function (array $o) {
			return wu_runcloud_test_connection($o);
		};
		$redeploy = function (array $o) {
			return wu_runcloud_redeploy_ssl($o);
		};
		$find = function (array $o) {
			return wu_runcloud_find_domain('site-1.example.test', $o);
		};
		$v = ucfirst($version);
		$wrong_credentials = 'v2' === $version ? ['api_secret' => 'sec-SECRET-wrong-1111'] : ['api_token' => 'tok-SECRET-wrong-0000'];
		$p = '/api/' . $version . '/servers/*/webapps/*';
		return [
			'config: server_id zero'      => [['server_id' => 0], $list, null],
			'config: app_id not a number' => [['app_id' => 'x'], $add, null],
			'config: plain http remote'   => [['api_url' => 'http://manage.runcloud.io/api'], $test, null],
			'config: missing ca_file'     => [['ca_file' => '/nonexistent/ca.pem'], $redeploy, null],
			'config: negative timeout'    => [['timeout' => -1], $find, null],
			'config: empty credential'    => ['v2' === $version ? ['api_secret' => ''] : ['api_token' => ''], $list, null],
			'validation: bad domain'      => [[], function (array $o) {
				return wu_runcloud_add_domain('https://bad domain', $o);
			}, null],
			'validation: unknown option'  => [['wwww' => true], $add, null],
			'validation: wrong type'      => [['www' => self::TOKEN], $add, null],
			'validation: credential of the wrong type' => [['api_token' => [self::TOKEN]], $list, null],
			'validation: secret in an unknown key' => [['api_tokn' => self::TOKEN], $list, null],
			'api: 401 wrong credentials'  => [$wrong_credentials, $test, null],
			'api: 404 unknown app'        => [['app_id' => 99], $list, null],
			'api: 403'                    => [[], $list, ['path' => $p . '/domains', 'status' => 403, 'body' => '{"message":"API access is turned off."}']],
			'api: 422 with field errors'  => [[], $add, ['method' => 'POST', 'path' => $p . '/domains', 'status' => 422, 'body' => '{"message":"The given data was invalid.","errors":{"name":["The name format is invalid."]}}']],
			'api: 500'                    => [[], $remove, ['method' => 'GET', 'path' => $p . '/domains', 'status' => 500]],
			'api: 503 persistent'         => [[], $redeploy, ['method' => 'GET', 'path' => $p . '/ssl', 'status' => 503, 'times' => 3]],
			'api: 429 persistent'         => [[], $find, ['path' => $p . '/domains', 'status' => 429, 'times' => 3, 'headers' => ['Retry-After' => '0']]],
			'transport: refused'          => [['api_url' => 'http://127.0.0.1:1/api', 'timeout' => 1], $list, null],
			'transport: timeout'          => [['timeout' => 0.3], $list, ['path' => $p . '/domains', 'delay_ms' => 800]],
			'transport: dropped'          => [[], $test, ['path' => $p, 'drop' => true, 'times' => 3]],
			'transport: truncated'        => [[], $list, ['path' => $p . '/domains', 'truncate' => true, 'times' => 3]],
			'transport: malformed JSON'   => [[], $find, ['method' => 'GET', 'path' => $p . '/domains', 'malformed_json' => true]],
			'transport: wrong shape'      => [[], $list, ['path' => $p . '/domains', 'status' => 200, 'body' => '{"data":7}']],
			'transport: HTML 502'         => [[], $remove, ['method' => 'DELETE', 'path' => $p . '/domains/*', 'html' => true, 'status' => 502, 'times' => 3]],
			'transport: redirect'         => [[], $list, ['path' => $p . '/domains', 'redirect_to' => 'http://' . self::redirect_target()->address()]],
		];
	}

	private static function redirect_target(): Raw_Server {
		if (null === self::$redirect_target) {
			self::$redirect_target = Raw_Server::start('record', 600);
		}
		return self::$redirect_target;
	}

	/** @dataProvider versions */
	public function test_no_secret_on_any_error_path(string $version): void {
		$emulator = $this->emulator();
		$seen     = 0;
		foreach ($this->error_paths($version) as $name => [$extra, $call, $fault]) {
			$emulator->reset();
			$emulator->seed(1, 1, 2);
			if (null !== $fault) {
				$emulator->fault($fault);
			}
			$options = $this->options($version, $extra);
			try {
				$call($options);
				$this->fail("{$version} {$name}: no exception");
			} catch (\WU\RunCloud\Exception $e) {
				$seen++;
				$this->assertNoSecretInAnyForm(self::everything($e), "{$version} {$name}: exception");
				$this->assertStringNotContainsString('wrong-0000', self::everything($e), "{$name}: the wrong token leaked");
				$this->assertStringNotContainsString('wrong-1111', self::everything($e), "{$name}: the wrong secret leaked");
			}
			// Nothing but the Authorization header carries credentials: not the path, query or body.
			$this->assertNoSecretInAnyForm(json_encode($emulator->requests()), "{$version} {$name}: requests seen by the emulator");
		}
		$this->assertSame(count($this->error_paths($version)), $seen);
		$this->assertSame(0, self::redirect_target()->request_count(), 'the redirect was followed');
	}

	/**
	 * A hostile or buggy server that echoes the credentials in its error text: RunCloud's
	 * message is quoted in exception messages, so the client must blank its own secrets.
	 */
	public function test_a_server_echoing_the_credentials_does_not_leak_them(): void {
		$echoes = [
			// Only the credentials of the call can be known to the client: v3 sends the token,
			// v2 the key and secret (as HTTP Basic, base64 of "key:secret").
			'v3' => 'Invalid token: ' . self::TOKEN . ' (Authorization: Bearer ' . self::TOKEN . ')',
			'v2' => 'Invalid credentials: ' . self::KEY . ' / ' . self::SECRET . ' / Basic ' . base64_encode(self::KEY . ':' . self::SECRET),
		];
		foreach ($echoes as $version => $echo) {
			foreach ([401, 422, 500] as $status) {
				$this->emulator()->reset();
				$this->emulator()->fault([
					'path'   => "/api/{$version}/servers/*/webapps/*/domains",
					'status' => $status,
					'body'   => json_encode(['message' => $echo, 'errors' => ['token' => [$echo]]]),
				]);
				$e = $this->expectThrown('WU\RunCloud\ApiException', function () use ($version) {
					wu_runcloud_list_domains($this->options($version));
				});
				$this->assertStringContainsString('Invalid', $e->getMessage(), 'the rest of the message is kept');
				$this->assertNoSecretInAnyForm(self::everything($e), "{$version} {$status} exception quoting a hostile message");
			}
		}
	}

	/**
	 * The same echo where the client's cut of RunCloud's text would fall inside the secret, or in
	 * another case: no part of a credential may be left (scrubbing comes before the cut).
	 */
	public function test_a_credential_echoed_at_the_cut_or_in_another_case_leaves_no_part(): void {
		$echoes = [
			'v3' => [str_repeat('a', 595) . self::TOKEN, 'Bad token ' . strtoupper(self::TOKEN)],
			'v2' => [str_repeat('a', 595) . self::SECRET, str_repeat('b', 590) . self::KEY . ' ' . self::SECRET, 'Bad key ' . strtolower(self::KEY)],
		];
		foreach ($echoes as $version => $messages) {
			foreach ($messages as $echo) {
				$this->emulator()->reset();
				$this->emulator()->fault([
					'path'   => "/api/{$version}/servers/*/webapps/*/domains",
					'status' => 500,
					'body'   => json_encode(['message' => $echo, 'errors' => ['x' => [$echo]]]),
				]);
				$e    = $this->expectThrown('WU\RunCloud\ApiException', function () use ($version) {
					wu_runcloud_list_domains($this->options($version));
				});
				$text = strtolower(self::everything($e));
				foreach ([self::TOKEN, self::KEY, self::SECRET] as $secret) {
					$this->assertStringNotContainsString(strtolower(substr($secret, 0, 6)), $text, "{$version}: the start of a credential is left after the cut");
				}
			}
		}
	}

	/** var_dump/print_r/var_export/json_encode/serialize of everything the functions return. */
	public function test_no_secret_in_returned_values(): void {
		$emulator = Emulator::start(['--token', self::TOKEN, '--api-key', self::KEY, '--api-secret', self::SECRET, '--ssl', 'letsencrypt', '--seed-domains', '3']);
		try {
			foreach (['v3', 'v2'] as $version) {
				$auth    = 'v2' === $version ? ['api_key' => self::KEY, 'api_secret' => self::SECRET] : ['api_token' => self::TOKEN];
				$options = array_merge(['api_url' => $emulator->base_url(), 'server_id' => 1, 'app_id' => 1], $auth);
				$values  = [
					'config'          => wu_runcloud_config($options),
					'test_connection' => wu_runcloud_test_connection($options),
					'list_domains'    => wu_runcloud_list_domains($options),
					'add_domain'      => wu_runcloud_add_domain("returned-{$version}.example.com", $options),
					'find_domain'     => wu_runcloud_find_domain("returned-{$version}.example.com", $options),
					'redeploy_ssl'    => wu_runcloud_redeploy_ssl($options),
					'remove_domain'   => wu_runcloud_remove_domain("returned-{$version}.example.com", $options),
					'remove missing'  => wu_runcloud_remove_domain('absent.example.com', $options),
					'find missing'    => wu_runcloud_find_domain('absent.example.com', $options),
				];
				foreach ($values as $name => $value) {
					ob_start();
					var_dump($value);
					$text = (string) ob_get_clean() . print_r($value, true) . var_export($value, true) . json_encode($value) . serialize($value);
					$this->assertNoSecretInAnyForm($text, "{$version} {$name} result");
				}
			}
		} finally {
			$emulator->stop();
		}
	}

	/**
	 * getTrace() with arguments: PHP records the arguments of the frame that threw (here the
	 * wu_runcloud_* function itself, with its $options array holding the credentials) unless
	 * zend.exception_ignore_args is on, which production php.ini sets but development does not.
	 */
	public function test_no_secret_in_traces_with_arguments(): void {
		$url    = $this->emulator()->base_url();
		$script = '<?php
			ini_set("zend.exception_ignore_args", "0");
			ini_set("zend.exception_string_param_max_len", "1000000");
			$v3 = ["api_url" => ' . var_export($url, true) . ', "api_token" => ' . var_export(self::TOKEN, true) . ', "server_id" => 1, "app_id" => 1];
			$v2 = ["api_url" => ' . var_export($url, true) . ', "api_key" => ' . var_export(self::KEY, true) . ', "api_secret" => ' . var_export(self::SECRET, true) . ', "server_id" => 1, "app_id" => 1];
			function sync_site(string $domain, array $options) { return wu_runcloud_add_domain($domain, $options); }
			$report = function (string $name, \Throwable $e) {
				echo "== {$name}: ", get_class($e), "\n";
				echo "ARGS ", isset($e->getTrace()[0]["args"]) ? "present" : "absent", "\n";
				echo $e->getMessage(), "\n", $e->getTraceAsString(), "\n", (string) $e, "\n";
				print_r($e->getTrace());
				var_export($e->getTrace());
				var_dump($e);
				echo json_encode($e->getTrace()), "\n";
			};
			foreach (["v3" => $v3, "v2" => $v2] as $version => $o) {
				try { wu_runcloud_list_domains($o + ["timeout" => -1]); } catch (\Throwable $e) { $report("$version config", $e); }
				try { wu_runcloud_add_domain("bad domain", $o); } catch (\Throwable $e) { $report("$version validation", $e); }
				try { wu_runcloud_find_domain("x.example.com", ["app_id" => 99] + $o); } catch (\Throwable $e) { $report("$version api 404", $e); }
				try { wu_runcloud_test_connection(["api_url" => "http://127.0.0.1:1/api", "timeout" => 1] + $o); } catch (\Throwable $e) { $report("$version transport", $e); }
				try { sync_site("ok.example.com", ["www" => "yes"] + $o); } catch (\Throwable $e) { $report("$version nested", $e); }
				try { wu_runcloud_remove_domain("bad domain", $o); } catch (\Throwable $e) { $report("$version remove", $e); }
				try { wu_runcloud_redeploy_ssl(["wwww" => 1] + $o); } catch (\Throwable $e) { $report("$version redeploy", $e); }
				try { wu_runcloud_config(["timeout" => "x"] + $o); } catch (\Throwable $e) { $report("$version config()", $e); }
			}
			// Scrubbing the trace must not touch the arrays of the caller: they are used again.
			echo $v3["api_token"] === ' . var_export(self::TOKEN, true) . ' && $v2["api_secret"] === ' . var_export(self::SECRET, true) . ' ? "OPTIONS INTACT\n" : "OPTIONS CHANGED\n";
			echo count(wu_runcloud_list_domains($v3)) >= 0 && count(wu_runcloud_list_domains($v2)) >= 0 ? "SECOND CALLS OK\n" : "";
			echo "END\n";
			wu_runcloud_list_domains(["app_id" => 99] + $v3); // uncaught: the engine prints it
		';
		$run = Php_Script::run($script);
		$this->assertStringContainsString("END\n", $run['stdout'], $run['stderr']);
		$this->assertStringContainsString('ARGS present', $run['stdout'], 'the child must record arguments, else this test proves nothing');
		$this->assertStringContainsString("OPTIONS INTACT\n", $run['stdout'], "the caller's options array was changed");
		$this->assertStringContainsString("SECOND CALLS OK\n", $run['stdout']);
		$this->assertStringContainsString('Uncaught WU\RunCloud\ApiException', $run['stderr']);
		$this->assertSame(16, preg_match_all('/^== /m', $run['stdout']), $run['stdout']);
		$this->assertNoSecretInAnyForm($run['stdout'], 'exception traces with arguments');
		$this->assertNoSecretInAnyForm($run['stderr'], 'uncaught exception report');
	}

	/** The same in the PHPUnit process, whatever zend.exception_ignore_args says here. */
	public function test_no_secret_in_traces_in_process(): void {
		foreach (['v3', 'v2'] as $version) {
			$e = $this->expectThrown('WU\RunCloud\ApiException', function () use ($version) {
				wu_runcloud_list_domains($this->options($version, ['app_id' => 99]));
			});
			$this->assertNoSecretInAnyForm(self::everything($e), "{$version} trace");
		}
	}

	/** phpinfo(), whole, with the secrets in constants and after calls that passed them as options. */
	public function test_no_secret_in_phpinfo(): void {
		$url    = $this->emulator()->base_url();
		$script = '<?php
			define("WU_RUNCLOUD_API_TOKEN", ' . var_export(self::TOKEN, true) . ');
			define("WU_RUNCLOUD_API_KEY", ' . var_export(self::KEY, true) . ');
			define("WU_RUNCLOUD_API_SECRET", ' . var_export(self::SECRET, true) . ');
			define("WU_RUNCLOUD_SERVER_ID", 1);
			define("WU_RUNCLOUD_APP_ID", 1);
			define("WU_RUNCLOUD_API_URL", ' . var_export($url, true) . ');
			wu_runcloud_list_domains();
			wu_runcloud_list_domains(["api_token" => null, "api_key" => ' . var_export(self::KEY, true) . ', "api_secret" => ' . var_export(self::SECRET, true) . ']);
			try { wu_runcloud_list_domains(["app_id" => 99]); } catch (\Throwable $e) {}
			phpinfo();
			echo "\nEND\n";
		';
		$run = Php_Script::run($script);
		$this->assertSame(0, $run['exit'], $run['stderr']);
		$this->assertStringContainsString('wu_runcloud', $run['stdout']);
		$this->assertStringContainsString("END\n", $run['stdout']);
		$this->assertNoSecretInAnyForm($run['stdout'] . $run['stderr'], 'phpinfo() output');
	}

	public function redirects(): array {
		$data = [];
		foreach ([301, 302, 303, 307, 308] as $status) {
			foreach (['v3', 'v2'] as $version) {
				foreach (['list_domains', 'add_domain', 'remove_domain', 'redeploy_ssl'] as $function) {
					foreach (['127.0.0.1', 'localhost'] as $host) {
						$data["{$status} {$version} {$function} to {$host}"] = [$status, $version, $function, $host];
					}
				}
			}
		}
		return $data;
	}

	/**
	 * A redirect to another host (here: the raw listener, another port or name) is not
	 * followed: the target must see no request, and certainly no Authorization header.
	 *
	 * @dataProvider redirects
	 */
	public function test_a_redirect_target_receives_no_credentials(int $status, string $version, string $function, string $host): void {
		$target = self::redirect_target();
		$target->clear();
		$emulator = $this->emulator();
		$emulator->seed(1, 1, 2);
		$endpoints = [
			'list_domains'  => ['GET', "/api/{$version}/servers/*/webapps/*/domains"],
			'add_domain'    => ['POST', "/api/{$version}/servers/*/webapps/*/domains"],
			'remove_domain' => ['DELETE', "/api/{$version}/servers/*/webapps/*/domains/*"],
			'redeploy_ssl'  => ['PUT', "/api/{$version}/servers/*/webapps/*/ssl/*"],
		];
		[$method, $path] = $endpoints[$function];
		$emulator->fault(['method' => $method, 'path' => $path, 'status' => $status, 'redirect_to' => "http://{$host}:" . $target->port(), 'times' => 3]);
		$options = $this->options($version, ['timeout' => 3]);
		$e = $this->expectThrown('WU\RunCloud\TransportException', function () use ($function, $options) {
			switch ($function) {
				case 'list_domains':
					return wu_runcloud_list_domains($options);
				case 'add_domain':
					return wu_runcloud_add_domain('redirected.example.com', $options);
				case 'remove_domain':
					return wu_runcloud_remove_domain('site-1.example.test', $options);
				default:
					return wu_runcloud_redeploy_ssl($options);
			}
		});
		$this->assertStringContainsString('redirect', strtolower($e->getMessage()));
		$this->assertNoSecretInAnyForm(self::everything($e), 'exception');
		usleep(50000);
		$captured = $target->captured();
		$this->assertStringNotContainsStringIgnoringCase('authorization:', $captured, 'the redirect target received an Authorization header');
		$this->assertNoSecretInAnyForm($captured, 'requests seen by the redirect target');
		$this->assertSame(0, $target->request_count(), 'the redirect was followed');
	}
}

