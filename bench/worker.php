<?php
/**
 * One measured flow, run in its own PHP process by bench.php:
 *
 *   php bench/worker.php TASK '{"base_url":...,"token":...,...}'
 *
 * Prints one JSON line: wall time and CPU time of the measured part (after PHP started and the
 * script was compiled; process start-up is measured separately in scenario 4), plus counts.
 * Every HTTPS request verifies the emulator's certificate: wu_runcloud with option ca_file,
 * PHP cURL with CURLOPT_CAINFO = system roots + the emulator's CA (as WordPress ships its own
 * ca-bundle.crt), CURLOPT_SSL_VERIFYPEER and CURLOPT_SSL_VERIFYHOST on.
 */

declare(strict_types=1);

error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

$task = $argv[1] ?? '';
$config = json_decode($argv[2] ?? '{}', true) ?: [];

/** Options for every wu_runcloud_* call: the emulator, the token, the app, the extra CA. */
function wu_options(array $c, array $more = []): array {
	return array_merge([
		'api_url' => $c['base_url'],
		'api_token' => $c['token'],
		'server_id' => $c['server_id'] ?? 1,
		'app_id' => $c['app_id'] ?? 1,
		'ca_file' => $c['ca_file'],
	], $more);
}

/** CPU seconds (user + system) of this process so far. */
function cpu_seconds(): array {
	$r = getrusage();
	return [
		'user' => $r['ru_utime.tv_sec'] + $r['ru_utime.tv_usec'] / 1e6,
		'sys' => $r['ru_stime.tv_sec'] + $r['ru_stime.tv_usec'] / 1e6,
	];
}

/** VmRSS and VmHWM of this process, in KiB. */
function memory_kib(): array {
	$status = (string) @file_get_contents('/proc/self/status');
	$out = [];
	foreach (['VmRSS', 'VmHWM'] as $key) {
		$out[$key] = preg_match('/^' . $key . ':\s+(\d+)\s+kB/m', $status, $m) ? (int) $m[1] : null;
	}
	return $out;
}

/** Times $body and returns the common measurement fields merged with what $body returned. */
function measure(callable $body): array {
	$cpu0 = cpu_seconds();
	$t0 = hrtime(true);
	$extra = $body();
	$wall = (hrtime(true) - $t0) / 1e6;
	$cpu1 = cpu_seconds();
	return array_merge([
		'wall_ms' => $wall,
		'cpu_user_ms' => ($cpu1['user'] - $cpu0['user']) * 1000,
		'cpu_sys_ms' => ($cpu1['sys'] - $cpu0['sys']) * 1000,
		'cpu_ms' => ($cpu1['user'] - $cpu0['user'] + $cpu1['sys'] - $cpu0['sys']) * 1000,
	], memory_kib(), $extra);
}

/**
 * The requests PHP code makes today, with PHP cURL.
 *
 * reuse = false: a new handle per request, as WordPress's HTTP API (Requests' cURL transport
 * creates a handle per request) and so Ultimate Multisite's wp_remote_request() code does:
 * every request opens a new TCP connection and TLS session.
 * reuse = true: one handle for the whole process (libcurl keeps the connection alive):
 * the best PHP can do without an extension.
 */
final class Curl_Client {
	/** @var array */
	private $c;
	/** @var bool */
	private $reuse;
	/** @var \CurlHandle|null */
	private $handle;
	/** @var int */
	public $requests = 0;

	public function __construct(array $c, bool $reuse) {
		$this->c = $c;
		$this->reuse = $reuse;
	}

	/** @return array{0: int, 1: mixed} status and decoded JSON body */
	public function request(string $method, string $path, ?array $body = null): array {
		$handle = $this->reuse ? ($this->handle ?? ($this->handle = curl_init())) : curl_init();
		$headers = ['Accept: application/json', 'Authorization: Bearer ' . $this->c['token'], 'Expect:'];
		$options = [
			CURLOPT_URL => $this->c['base_url'] . '/v3' . $path,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_HEADER => false,
			CURLOPT_HTTP_VERSION => CURL_HTTP_VERSION_1_1,
			CURLOPT_SSL_VERIFYPEER => true,
			CURLOPT_SSL_VERIFYHOST => 2,
			CURLOPT_CAINFO => $this->c['ca_bundle'],
			CURLOPT_CONNECTTIMEOUT => 10,
			CURLOPT_TIMEOUT => 30,
			CURLOPT_FOLLOWLOCATION => false,
			CURLOPT_USERAGENT => 'WordPress/6.7; https://network.example.test',
			CURLOPT_ENCODING => '',
		];
		if ('GET' === $method) {
			$options[CURLOPT_HTTPGET] = true;
			$options[CURLOPT_CUSTOMREQUEST] = null;
		} else {
			$options[CURLOPT_CUSTOMREQUEST] = $method;
			$headers[] = 'Content-Type: application/json';
			$options[CURLOPT_POSTFIELDS] = null === $body ? '{}' : json_encode($body);
		}
		$options[CURLOPT_HTTPHEADER] = $headers;
		curl_setopt_array($handle, $options);
		$response = curl_exec($handle);
		$this->requests++;
		if (false === $response) {
			throw new \RuntimeException("cURL {$method} {$path}: " . curl_error($handle));
		}
		$status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
		$decoded = json_decode((string) $response, true);
		if (!$this->reuse) {
			unset($handle); // PHP 8: the handle (and its connection) goes with its last reference.
		}
		return [$status, $decoded];
	}

	/** Adds a domain and redeploys the app's Let's Encrypt certificate, as the plugin does today. */
	public function add_domain_and_redeploy(string $domain): array {
		$app = '/servers/' . ($this->c['server_id'] ?? 1) . '/webapps/' . ($this->c['app_id'] ?? 1);
		$this->add_domain($domain);
		[$status, $ssl] = $this->request('GET', $app . '/ssl');
		if (200 !== $status || !isset($ssl['id'])) {
			return ['created' => true, 'ssl' => 'none'];
		}
		[$status] = $this->request('PUT', $app . '/ssl/' . (int) $ssl['id']);
		return ['created' => true, 'ssl' => 200 === $status ? 'redeployed' : "failed {$status}"];
	}

	/** Adds one domain (`POST domains` + `json_decode`), as wu_runcloud_add_domain() with `ssl => false`. */
	public function add_domain(string $domain): array {
		$app = '/servers/' . ($this->c['server_id'] ?? 1) . '/webapps/' . ($this->c['app_id'] ?? 1);
		[$status, $created] = $this->request('POST', $app . '/domains', ['name' => $domain, 'www' => false, 'redirection' => 'none', 'type' => 'alias']);
		if (200 !== $status || !isset($created['id'])) {
			throw new \RuntimeException("POST domains {$domain}: {$status} " . json_encode($created));
		}
		return $created;
	}

	/** Every domain of the app, as wu_runcloud_list_domains() returns them (all pages). */
	public function list_domains(): array {
		$app = '/servers/' . ($this->c['server_id'] ?? 1) . '/webapps/' . ($this->c['app_id'] ?? 1);
		$all = [];
		for ($page = 1; $page <= 1000; $page++) {
			[$status, $body] = $this->request('GET', $app . '/domains?page=' . $page . '&perPage=40');
			if (200 !== $status || !is_array($body)) {
				throw new \RuntimeException("GET domains: {$status}");
			}
			foreach ($body['data'] ?? [] as $domain) {
				$all[] = $domain;
			}
			$pages = $body['meta']['pagination']['total_pages'] ?? 1;
			if (empty($body['data']) || $page >= $pages) {
				break;
			}
		}
		return $all;
	}
}

/** Counts of each value of a list: ['redeployed' => 50]. */
function tally(array $values): array {
	$out = [];
	foreach ($values as $v) {
		$out[(string) $v] = ($out[(string) $v] ?? 0) + 1;
	}
	return $out;
}

/** A name no call has added yet (scenario 4's adds: one POST each). */
function fresh_name(string $flow): string {
	static $n = 0;
	return sprintf('cpu-%s-%d-%d.example.test', $flow, getmypid(), ++$n);
}

function domain_names(array $c): array {
	$names = [];
	for ($i = 1; $i <= (int) $c['count']; $i++) {
		$names[] = sprintf('%s-%d.%s', $c['prefix'] ?? 'bench', $i, $c['zone'] ?? 'example.test');
	}
	return $names;
}

switch ($task) {
	// Scenario 1: map N domains (add + SSL redeploy) in this one process.
	case 'map_wu':
		$result = measure(static function () use ($config) {
			$ssl = [];
			$created = 0;
			foreach (domain_names($config) as $name) {
				$r = wu_runcloud_add_domain($name, wu_options($config));
				$created += $r['created'] ? 1 : 0;
				$ssl[] = $r['ssl']['action'];
			}
			return ['created' => $created, 'ssl' => tally($ssl)];
		});
		break;

	case 'map_curl_new':
	case 'map_curl_reuse':
		$result = measure(static function () use ($config, $task) {
			$client = new Curl_Client($config, 'map_curl_reuse' === $task);
			$ssl = [];
			$created = 0;
			foreach (domain_names($config) as $name) {
				$r = $client->add_domain_and_redeploy($name);
				$created += $r['created'] ? 1 : 0;
				$ssl[] = $r['ssl'];
			}
			return ['created' => $created, 'ssl' => tally($ssl), 'client_requests' => $client->requests];
		});
		break;

	// Scenario "burst": N mappings through the plugin's handlers. The Ultimate Multisite
	// stand-in fires wu_add_domain for each (as Action Scheduler runs UM's async action), then
	// the stand-in Action Scheduler runs its queue to empty, the certificate job included, moving
	// its clock from one due action to the next instead of sleeping through the coalescing window.
	case 'burst_plugin':
		require_once dirname(__DIR__) . '/php-tests/plugin/support/class-harness.php';
		\WU_RunCloud_Stubs\Harness::boot([
			'generation' => $config['generation'] ?? '2.5',
			'constants' => [
				'WU_RUNCLOUD_API_URL' => $config['base_url'],
				'WU_RUNCLOUD_API_TOKEN' => $config['token'],
				'WU_RUNCLOUD_SERVER_ID' => $config['server_id'] ?? 1,
				'WU_RUNCLOUD_APP_ID' => $config['app_id'] ?? 1,
				'WU_RUNCLOUD_CA_FILE' => $config['ca_file'],
			],
			// The same names on the certificate as the per-add flows (they add without www).
			'settings' => ['auto_create_www_subdomain' => $config['www'] ?? 'never'],
		]);
		$clock_start = \WU_RunCloud_Stubs\State::now();
		$result = measure(static function () use ($config) {
			$state = \WU_RunCloud_Stubs\State::class;
			$t0 = hrtime(true);
			foreach (domain_names($config) as $i => $name) {
				\WU_RunCloud_Stubs\Harness::map_and_fire($name, $i + 2);
			}
			$events_ms = (hrtime(true) - $t0) / 1e6;
			$ran = 0;
			// To empty: each step moves the clock to the earliest queued action and runs what is due.
			for ($step = 0; $state::$actions && $step < 1000; $step++) {
				$next = min(array_column($state::$actions, 'timestamp'));
				$ran += $state::run_due(max(0, $next - $state::now()));
			}
			return [
				'created' => count($state::$domains),
				'actions_run' => $ran,
				'actions_left' => count($state::$actions),
				// The events alone (the adds), then the queue (the certificate job).
				'events_ms' => $events_ms, 'queue_ms' => (hrtime(true) - $t0) / 1e6 - $events_ms,
				'log_errors' => array_slice($state::log_lines('error'), 0, 3),
				'log_warnings' => array_slice($state::log_lines('warning'), 0, 3),
			];
		});
		$result['queue_clock_s'] = \WU_RunCloud_Stubs\State::now() - $clock_start;
		$result['ssl'] = [];
		break;

	// Scenario 2: remove one domain, with or without the id remembered from its add.
	case 'remove_wu':
		$result = measure(static function () use ($config) {
			$options = isset($config['domain_id']) ? wu_options($config, ['domain_id' => (int) $config['domain_id']]) : wu_options($config);
			$r = wu_runcloud_remove_domain($config['domain'], $options);
			return ['removed' => (bool) $r['removed']];
		});
		break;

	// Scenario 3: a bulk sync, N adds without SSL (one redeploy at the end is not part of it).
	case 'bulk_wu':
		$result = measure(static function () use ($config) {
			$created = 0;
			$errors = [];
			$slow = [];
			foreach (domain_names($config) as $name) {
				$t = hrtime(true);
				try {
					$r = wu_runcloud_add_domain($name, wu_options($config, ['ssl' => false]));
					$created += $r['created'] ? 1 : 0;
				} catch (\Throwable $e) {
					$errors[] = get_class($e) . ': ' . $e->getMessage();
				}
				$ms = (hrtime(true) - $t) / 1e6;
				if ($ms >= 500) {
					$slow[] = $ms;
				}
			}
			return [
				'created' => $created, 'errors' => count($errors), 'first_errors' => array_slice($errors, 0, 3),
				// Calls that waited (pacing or a retry): how many, how long in all, the longest.
				'slow_calls' => count($slow), 'slow_calls_ms' => array_sum($slow), 'slowest_call_ms' => $slow ? max($slow) : 0,
			];
		});
		break;

	// Scenario 4: CPU per call against a zero-latency emulator. One untimed warm-up call first
	// (it opens the connection and loads the CA store); its cost is reported apart.
	case 'cpu_wu_list':
	case 'cpu_wu_find':
	case 'cpu_wu_add':
	case 'cpu_curl_reuse_list':
	case 'cpu_curl_reuse_find':
	case 'cpu_curl_reuse_add':
	case 'cpu_curl_new_list':
		$calls = (int) $config['calls'];
		$find = $config['find'] ?? 'site-5.example.test';
		$client = 0 === strpos($task, 'cpu_curl') ? new Curl_Client($config, 0 === strpos($task, 'cpu_curl_reuse')) : null;
		$call = static function () use ($task, $config, $client, $find) {
			switch ($task) {
				case 'cpu_wu_list':
					return count(wu_runcloud_list_domains(wu_options($config)));
				case 'cpu_wu_find':
					return null === wu_runcloud_find_domain($find, wu_options($config)) ? 0 : 1;
				case 'cpu_wu_add':
					return wu_runcloud_add_domain(fresh_name('wu'), wu_options($config, ['ssl' => false]))['created'] ? 1 : 0;
				case 'cpu_curl_reuse_add':
					return isset($client->add_domain(fresh_name('curl'))['id']) ? 1 : 0;
				case 'cpu_curl_reuse_find':
					foreach ($client->list_domains() as $domain) {
						if ($domain['name'] === $find) {
							return 1;
						}
					}
					return 0;
				default:
					return count($client->list_domains());
			}
		};
		$first = measure(static fn() => ['items' => $call()]);
		$result = measure(static function () use ($call, $calls) {
			$items = 0;
			for ($i = 0; $i < $calls; $i++) {
				$items += $call();
			}
			return ['items' => $items, 'calls' => $calls];
		});
		$result['first_call'] = ['wall_ms' => $first['wall_ms'], 'cpu_ms' => $first['cpu_ms']];
		$result['cpu_us_per_call'] = $result['cpu_ms'] * 1000 / $calls;
		$result['wall_us_per_call'] = $result['wall_ms'] * 1000 / $calls;
		break;

	// Scenario 4, side by side in one process: each round makes one call of every flow, in a
	// rotating order, and times each call alone (CPU from getrusage, wall from hrtime). Machine
	// noise then hits every flow alike; the medians over the rounds are compared.
	case 'cpu_paired':
		$rounds = (int) $config['calls'];
		$find = $config['find'] ?? 'site-5.example.test';
		$c40 = ['app_id' => 2] + $config;
		$c_add = ['app_id' => 3] + $config;
		$curl10 = new Curl_Client($config, true);
		$curl40 = new Curl_Client($c40, true);
		$curl_add = new Curl_Client($c_add, true);
		$flows = [
			'wu_list' => static fn() => count(wu_runcloud_list_domains(wu_options($config))),
			'curl_reused_list' => static fn() => count($curl10->list_domains()),
			'wu_find' => static fn() => null === wu_runcloud_find_domain($find, wu_options($config)) ? 0 : 1,
			'curl_reused_find' => static function () use ($curl10, $find) {
				foreach ($curl10->list_domains() as $domain) {
					if ($domain['name'] === $find) {
						return 1;
					}
				}
				return 0;
			},
			'wu_list_40' => static fn() => count(wu_runcloud_list_domains(wu_options($c40))),
			'curl_reused_list_40' => static fn() => count($curl40->list_domains()),
			'wu_add' => static fn() => wu_runcloud_add_domain(fresh_name('wu'), wu_options($c_add, ['ssl' => false]))['created'] ? 1 : 0,
			'curl_reused_add' => static fn() => isset($curl_add->add_domain(fresh_name('curl'))['id']) ? 1 : 0,
		];
		foreach ($flows as $flow) {
			$flow(); // warm-up: connections, CA stores
		}
		$names = array_keys($flows);
		$cpu = array_fill_keys($names, []);
		$wall = array_fill_keys($names, []);
		for ($i = 0; $i < $rounds; $i++) {
			$k = $i % count($names);
			foreach (array_merge(array_slice($names, $k), array_slice($names, 0, $k)) as $name) {
				$c0 = cpu_seconds();
				$t0 = hrtime(true);
				$flows[$name]();
				$t1 = hrtime(true);
				$c1 = cpu_seconds();
				$cpu[$name][] = ($c1['user'] + $c1['sys'] - $c0['user'] - $c0['sys']) * 1e6;
				$wall[$name][] = ($t1 - $t0) / 1e3;
			}
		}
		$median = static function (array $v): float {
			sort($v);
			$n = count($v);
			return 1 === $n % 2 ? $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
		};
		$result = ['rounds' => $rounds, 'flows' => []];
		foreach ($names as $name) {
			$result['flows'][$name] = [
				'cpu_us_median' => $median($cpu[$name]),
				'cpu_us_mean' => array_sum($cpu[$name]) / $rounds,
				'wall_us_median' => $median($wall[$name]),
			];
		}
		$result += memory_kib();
		break;

	// Scenario 4: memory of a PHP process that only starts (run with -n, with or without the extension).
	case 'rss':
		$result = memory_kib() + ['loaded' => extension_loaded('wu_runcloud')];
		break;

	default:
		fwrite(STDERR, "unknown task {$task}\n");
		exit(2);
}

echo json_encode($result), "\n";
