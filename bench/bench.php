<?php
/**
 * The benchmark driver (issue 7): starts the emulator for each scenario, runs every flow in
 * its own PHP process (bench/worker.php), reads the emulator's request log and connection
 * counter around it, and writes all raw numbers to $BENCH_OUT/results.json. report.php turns
 * that file into markdown. Benchmarks only report: nothing here fails on a time.
 *
 * Environment: QUICK=1 (about a minute), BENCH_ONLY=1,burst,2,3,3b,4 (a subset; 3c on request),
 * BENCH_RERUN=1 (replace only those scenarios in the existing results), BENCH_OUT (default bench/out),
 * BENCH_REPS, BENCH_LATENCY_MS (20), BENCH_CONNECT_LATENCY_MS (40), BENCH_BULK_LATENCY_MS (5).
 */

declare(strict_types=1);

namespace WU_RunCloud_Bench;

use WU_RunCloud_Tests\Emulator;

require __DIR__ . '/lib.php';
require dirname(__DIR__) . '/php-tests/support/class-emulator.php';

error_reporting(E_ALL);
set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
	if (0 === (error_reporting() & $severity)) {
		return false; // silenced with @
	}
	throw new \ErrorException($message, 0, $severity, $file, $line);
});

$env = static fn(string $name, $default) => false !== getenv($name) && '' !== getenv($name) ? getenv($name) : $default;

$quick = '1' === $env('QUICK', '0');
$out_dir = $env('BENCH_OUT', __DIR__ . '/out');
$only = array_filter(explode(',', (string) $env('BENCH_ONLY', $quick ? '1,burst,2,3,4' : '1,burst,2,3,3b,4')), 'strlen');
$ext = (string) $env('WU_RUNCLOUD_EXTENSION', dirname(__DIR__) . '/target/release/libwu_runcloud.so');
$token = 'bench-token-0123456789';
$latency = (int) $env('BENCH_LATENCY_MS', 20);
$connect_latency = (int) $env('BENCH_CONNECT_LATENCY_MS', 40);
$bulk_latency = (int) $env('BENCH_BULK_LATENCY_MS', 5);

$plan = $quick ? [
	'map_reps' => 1, 'map_domains' => 20, 'burst_reps' => 1, 'burst_domains' => 20,
	'remove_reps' => 1, 'remove_sizes' => [10, 1000, 10000],
	'bulk_reps' => 1, 'bulk_domains' => 240, 'bulk_limit' => 60, 'bulk_window_ms' => 1000, 'bulk_budget_s' => 60,
	'load_runs' => 60, 'rss_runs' => 5, 'cpu_reps' => 1, 'cpu_calls' => 200,
] : [
	'map_reps' => 5, 'map_domains' => 50, 'burst_reps' => 5, 'burst_domains' => 50,
	'remove_reps' => 5, 'remove_sizes' => [10, 1000, 10000],
	'bulk_reps' => 3, 'bulk_domains' => 2000, 'bulk_limit' => 60, 'bulk_window_ms' => 1000, 'bulk_budget_s' => 150,
	'load_runs' => 300, 'rss_runs' => 20, 'cpu_reps' => 7, 'cpu_calls' => 1000,
];
if (false !== getenv('BENCH_REPS') && '' !== getenv('BENCH_REPS')) {
	foreach (['map_reps', 'burst_reps', 'remove_reps', 'bulk_reps', 'cpu_reps'] as $key) {
		$plan[$key] = (int) getenv('BENCH_REPS');
	}
}

if (!is_dir($out_dir)) {
	mkdir($out_dir, 0777, true);
}
$results_file = $out_dir . '/results.json';

$results = [
	'meta' => [
		'quick' => $quick,
		'started' => gmdate('Y-m-d H:i:s') . ' UTC',
		'nproc' => (int) trim((string) shell_exec('nproc')),
		'cpu_model' => preg_match('/^model name\s*:\s*(.+)$/m', (string) file_get_contents('/proc/cpuinfo'), $m) ? trim($m[1]) : 'unknown',
		'kernel' => php_uname('r'),
		'php' => PHP_VERSION . ' (' . PHP_BINARY . ')',
		'curl' => curl_version()['version'] . ' / ' . curl_version()['ssl_version'],
		'wu_runcloud' => function_exists('wu_runcloud_version') ? wu_runcloud_version() : 'not loaded in the driver',
		'git' => trim((string) shell_exec('git -C ' . escapeshellarg(dirname(__DIR__)) . ' describe --always --dirty 2>/dev/null')),
		'git_subject' => trim((string) shell_exec('git -C ' . escapeshellarg(dirname(__DIR__)) . ' log -1 --format=%s 2>/dev/null')),
		// The main branch this tree contains, when it does (the code under measurement).
		'main' => trim((string) shell_exec('cd ' . escapeshellarg(dirname(__DIR__)) . ' && git merge-base --is-ancestor main HEAD 2>/dev/null && git log -1 --format="%h %s" main')),
		'extension' => $ext,
		'extension_source' => getenv('WU_RUNCLOUD_EXTENSION_SOURCE') ?: $ext,
		'extension_mtime' => is_file(getenv('WU_RUNCLOUD_EXTENSION_SOURCE') ?: $ext) ? gmdate('Y-m-d H:i:s', (int) filemtime(getenv('WU_RUNCLOUD_EXTENSION_SOURCE') ?: $ext)) . ' UTC' : null,
		'extension_sha256' => is_file($ext) ? hash_file('sha256', $ext) : null,
		'emulator' => getenv('WU_RUNCLOUD_EMULATOR_BIN') ?: dirname(__DIR__) . '/target/release/runcloud-emulator',
		'plan' => $plan,
		'latency_ms' => $latency,
		'connect_latency_ms' => $connect_latency,
		'bulk_latency_ms' => $bulk_latency,
		'load_start' => machine_load(),
	],
	'scenarios' => [],
];

// BENCH_RERUN=1: run the scenarios of BENCH_ONLY again and replace only those in the existing
// results file (same .so), e.g. after a scenario was disturbed by other work on the machine.
if ('1' === $env('BENCH_RERUN', '0')) {
	$previous = is_file($results_file) ? json_decode((string) file_get_contents($results_file), true) : null;
	if (!is_array($previous) || ($previous['meta']['extension_sha256'] ?? null) !== $results['meta']['extension_sha256']) {
		fwrite(STDERR, "bench: BENCH_RERUN needs {$results_file} from a run of this same .so\n");
		exit(1);
	}
	$previous['meta']['reruns'][] = ['scenarios' => array_values($only), 'started' => $results['meta']['started'], 'load_start' => $results['meta']['load_start']];
	$results = $previous;
}
$rerun = !empty($results['meta']['reruns']) ? count($results['meta']['reruns']) - 1 : null;

$save = static function () use (&$results, $results_file): void {
	file_put_contents($results_file, json_encode($results, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
};
/** Ends a scenario: the machine's load after it, its results saved, its emulator stopped. */
$finish = static function (string $key, array $scenario, Emulator $emulator) use (&$results, $save): void {
	$scenario['load_after'] = machine_load();
	$results['scenarios'][$key] = $scenario;
	$save();
	$emulator->stop();
};
$say = static function (string $line): void {
	fwrite(STDERR, '[' . gmdate('H:i:s') . '] ' . $line . "\n");
};

/** Starts the emulator with $flags and returns [emulator, worker config, the command line]. */
$start = static function (array $flags) use ($token, $out_dir): array {
	$flags = array_merge(['--token', $token], $flags);
	$emulator = Emulator::start($flags);
	$config = [
		'base_url' => $emulator->base_url(),
		'token' => $token,
		'server_id' => 1,
		'app_id' => 1,
		'ca_file' => $emulator->ca_file(),
	];
	if (null !== $emulator->ca_file()) {
		$bundle = $out_dir . '/ca-bundle-' . getmypid() . '-' . bin2hex(random_bytes(4)) . '.pem';
		$config['ca_bundle'] = ca_bundle($emulator->ca_file(), $bundle);
		register_shutdown_function(static function () use ($bundle): void {
			@unlink($bundle);
		});
	}
	$command = 'runcloud-emulator --listen 127.0.0.1:0 ' . implode(' ', array_map(static fn($f) => preg_match('/^[\w.:\/-]+$/', (string) $f) ? $f : escapeshellarg((string) $f), $flags)) . (null !== $emulator->ca_file() ? ' --ca-out CA.pem' : '');
	return [$emulator, $config, str_replace($token, 'TOKEN', $command)];
};

/** Rotates $list by $r places: side-by-side flows take turns at going first. */
$rotate = static fn(array $list, int $r): array => array_merge(array_slice($list, $r % count($list)), array_slice($list, 0, $r % count($list)));

/** The domain with the highest id on app 1:1 (the last one seeded: the last page of the list). */
$last_domain = static function (Emulator $emulator): array {
	foreach ($emulator->state()['apps'] as $app) {
		if (1 === (int) $app['server_id'] && 1 === (int) $app['app_id']) {
			$best = null;
			foreach ($app['domains'] as $domain) {
				if (null === $best || (int) $domain['id'] > (int) $best['id']) {
					$best = $domain;
				}
			}
			if (null !== $best) {
				return ['name' => $best['name'], 'id' => (int) $best['id'], 'count' => count($app['domains'])];
			}
		}
	}
	throw new \RuntimeException('no domain on app 1:1 after seeding');
};

/** Status codes in a request log, when the emulator records them. */
$statuses = static function (array $log): ?array {
	$out = [];
	foreach ($log as $entry) {
		if (!array_key_exists('status', $entry)) {
			return null;
		}
		$out[(string) $entry['status']] = ($out[(string) $entry['status']] ?? 0) + 1;
	}
	return $out;
};

$save();

// ---------------------------------------------------------------------------------------------
// Scenario 1: map N domains in one PHP process (add + SSL redeploy), three clients side by side.
if (in_array('1', $only, true)) {
	$say("scenario 1: map {$plan['map_domains']} domains × {$plan['map_reps']} reps");
	[$emulator, $config, $command] = $start(['--tls', '--latency-ms', $latency, '--connect-latency-ms', $connect_latency, '--ssl', 'letsencrypt']);
	$counters = new Counters($emulator);
	// curl_new_handle_ca_only: the WordPress-style flow with only the emulator's CA in
	// CURLOPT_CAINFO instead of a full bundle, to show what the bundle costs it.
	$flows = ['wu_runcloud' => 'map_wu', 'curl_new_handle' => 'map_curl_new', 'curl_reused_handle' => 'map_curl_reuse', 'curl_new_handle_ca_only' => 'map_curl_new'];
	$scenario = ['emulator' => $command, 'domains' => $plan['map_domains'], 'reps' => [], 'shapes' => [], 'load_before' => machine_load()];
	for ($r = 0; $r < $plan['map_reps']; $r++) {
		$rep = [];
		foreach ($rotate(array_keys($flows), $r) as $flow) {
			$emulator->reset();
			$before = $counters->snapshot();
			$flow_config = ['count' => $plan['map_domains'], 'prefix' => 'map'] + ('curl_new_handle_ca_only' === $flow ? ['ca_bundle' => $config['ca_file']] : []) + $config;
			$worker = run_worker($flows[$flow], $flow_config);
			$seen = $counters->since($before);
			$rep[$flow] = [
				'wall_ms' => $worker['wall_ms'], 'cpu_ms' => $worker['cpu_ms'], 'VmHWM' => $worker['VmHWM'],
				'created' => $worker['created'], 'ssl' => $worker['ssl'],
				'requests' => $seen['requests'], 'connections' => $seen['connections'],
				'stderr' => $worker['stderr'] ?? null,
			];
			if (0 === $r) {
				$scenario['shapes'][$flow] = request_shapes($seen['log']);
				$scenario['first_domain_requests'][$flow] = array_map(__NAMESPACE__ . '\short_request', array_slice($seen['log'], 0, 6));
			}
			$say(sprintf('  rep %d %-18s %8.0f ms %4d requests %4d connections', $r + 1, $flow, $worker['wall_ms'], $seen['requests'], $seen['connections']));
		}
		$scenario['reps'][] = $rep;
		$results['scenarios']['map'] = $scenario;
		$save();
	}
	$scenario['connection_offset'] = $counters->offset();
	$finish('map', $scenario, $emulator);
}

// ---------------------------------------------------------------------------------------------
// Scenario "burst": N mappings until the certificate covers them all, through the plugin
// (events, then its queue with the coalesced certificate job), through the native API one add at
// a time (each add with its own SSL step), and WordPress-style (a new cURL handle per request).
if (in_array('burst', $only, true)) {
	$n = $plan['burst_domains'];
	$say("scenario burst: {$n} mappings × {$plan['burst_reps']} reps");
	[$emulator, $config, $command] = $start(['--tls', '--latency-ms', $latency, '--connect-latency-ms', $connect_latency, '--ssl', 'letsencrypt']);
	$counters = new Counters($emulator);
	// plugin_www: the plugin again with www on every mapping (UM's default), for reference: 2N
	// names on the certificate, which brings the 90-name rule's fresher listing into play.
	$flows = [
		'plugin' => ['burst_plugin', ['www' => 'never']],
		'native_per_add' => ['map_wu', []],
		'wordpress' => ['map_curl_new', []],
		'plugin_www' => ['burst_plugin', ['www' => 'always']],
	];
	$expected = [];
	for ($i = 1; $i <= $n; $i++) {
		$expected[] = "burst-{$i}.example.test";
	}
	$scenario = ['emulator' => $command, 'domains' => $n, 'reps' => [], 'shapes' => [], 'runs' => [], 'load_before' => machine_load()];
	for ($r = 0; $r < $plan['burst_reps']; $r++) {
		$rep = [];
		foreach ($rotate(array_keys($flows), $r) as $flow) {
			[$task, $extra] = $flows[$flow];
			$emulator->reset();
			$before = $counters->snapshot();
			$worker = run_worker($task, ['count' => $n, 'prefix' => 'burst'] + $extra + $config);
			$seen = $counters->since($before);
			$state = $emulator->state();
			$covered = covered_names($state);
			$certificate_names = count(certificate_names($state));
			$rep[$flow] = [
				'wall_ms' => $worker['wall_ms'], 'cpu_ms' => $worker['cpu_ms'],
				'requests' => $seen['requests'], 'connections' => $seen['connections'],
				'issued' => (int) $state['issuance']['issued_count'], 'refused' => (int) $state['issuance']['failed_count'],
				'covered' => count(array_intersect($expected, $covered)), 'names_on_certificate' => $certificate_names,
				'events_ms' => $worker['events_ms'] ?? null, 'queue_ms' => $worker['queue_ms'] ?? null,
				'queue_clock_s' => $worker['queue_clock_s'] ?? null, 'actions_run' => $worker['actions_run'] ?? null,
				'actions_left' => $worker['actions_left'] ?? null,
				'log_errors' => $worker['log_errors'] ?? [], 'log_warnings' => $worker['log_warnings'] ?? [],
				'stderr' => $worker['stderr'] ?? null,
			];
			if (0 === $r) {
				$scenario['shapes'][$flow] = request_shapes($seen['log']);
				$scenario['runs'][$flow] = array_slice(request_runs($seen['log']), 0, 12);
			}
			$say(sprintf('  rep %d %-15s %7.0f ms %4d requests %3d connections %3d issued, %d/%d covered', $r + 1, $flow, $worker['wall_ms'], $seen['requests'], $seen['connections'], $rep[$flow]['issued'], $rep[$flow]['covered'], $n));
		}
		$scenario['reps'][] = $rep;
		$results['scenarios']['burst'] = $scenario;
		$save();
	}
	$finish('burst', $scenario, $emulator);
}

// ---------------------------------------------------------------------------------------------
// Scenario 2: remove the last domain of an app with 10 / 1,000 / 10,000 domains.
if (in_array('2', $only, true)) {
	$say('scenario 2: removal at sizes ' . implode(', ', $plan['remove_sizes']) . " × {$plan['remove_reps']} reps");
	[$emulator, $config, $command] = $start(['--tls', '--latency-ms', $latency, '--connect-latency-ms', $connect_latency]);
	$counters = new Counters($emulator);
	$scenario = ['emulator' => $command, 'sizes' => [], 'load_before' => machine_load()];
	foreach ($plan['remove_sizes'] as $size) {
		$runs = ['with_id' => [], 'without_id' => []];
		for ($r = 0; $r < $plan['remove_reps']; $r++) {
			foreach ($rotate(['with_id', 'without_id'], $r) as $mode) {
				$emulator->reset();
				$emulator->seed(1, 1, $size);
				$target = $last_domain($emulator);
				$before = $counters->snapshot();
				$worker = run_worker('remove_wu', $config + ['domain' => $target['name']] + ('with_id' === $mode ? ['domain_id' => $target['id']] : []));
				$seen = $counters->since($before);
				$runs[$mode][] = [
					'wall_ms' => $worker['wall_ms'], 'cpu_ms' => $worker['cpu_ms'], 'removed' => $worker['removed'],
					'requests' => $seen['requests'], 'connections' => $seen['connections'], 'app_domains' => $target['count'],
					'shapes' => 0 === $r ? request_shapes($seen['log']) : null,
					'stderr' => $worker['stderr'] ?? null,
				];
				$say(sprintf('  N=%-6d %-10s %8.0f ms %4d requests %d connections removed=%s', $size, $mode, $worker['wall_ms'], $seen['requests'], $seen['connections'], var_export($worker['removed'], true)));
			}
		}
		$scenario['sizes'][(string) $size] = $runs;
		$results['scenarios']['remove'] = $scenario;
		$save();
	}
	$finish('remove', $scenario, $emulator);
}

// ---------------------------------------------------------------------------------------------
// Scenario 3: bulk sync of N domains under a rate limit. '3' is the issue's example (60 per
// 1 s window); '3b' (full run only) is RunCloud's presumed budget, 60 per minute, with just
// enough domains to need a second window.
$bulk = static function (string $key, int $n, int $limit, int $window, int $reps, int $budget_s, ?int $connect_ms = null) use (&$results, $save, $finish, $say, $start, $statuses, $bulk_latency, $connect_latency): void {
	$say("scenario {$key}: bulk add {$n} domains at {$limit}/{$window} ms × {$reps} reps (at most {$budget_s} s)");
	[$emulator, $config, $command] = $start(['--tls', '--latency-ms', $bulk_latency, '--connect-latency-ms', $connect_ms ?? $connect_latency, '--rate-limit', $limit, '--rate-window-ms', $window]);
	$counters = new Counters($emulator);
	$scenario = [
		'emulator' => $command, 'domains' => $n, 'limit' => $limit, 'window_ms' => $window,
		// Fixed window starting at the first request: request i (0-based) cannot be answered
		// before floor(i / limit) windows have passed.
		'pacing_limit_ms' => intdiv($n - 1, $limit) * $window,
		'reps_planned' => $reps, 'budget_s' => $budget_s,
		'reps' => [], 'load_before' => machine_load(),
	];
	$t0 = microtime(true);
	for ($r = 0; $r < $reps; $r++) {
		$emulator->reset();
		$before = $counters->snapshot();
		$worker = run_worker('bulk_wu', $config + ['count' => $n, 'prefix' => 'bulk']);
		$seen = $counters->since($before);
		$methods = [];
		foreach ($seen['log'] as $entry) {
			$methods[$entry['method']] = ($methods[$entry['method']] ?? 0) + 1;
		}
		$on_app = count($emulator->domain_names(1, 1));
		$codes = $statuses($seen['log']);
		$rep = [
			'wall_ms' => $worker['wall_ms'], 'cpu_ms' => $worker['cpu_ms'], 'created' => $worker['created'],
			'errors' => $worker['errors'], 'first_errors' => $worker['first_errors'],
			'slow_calls' => $worker['slow_calls'], 'slow_calls_ms' => $worker['slow_calls_ms'], 'slowest_call_ms' => $worker['slowest_call_ms'],
			'requests' => $seen['requests'], 'connections' => $seen['connections'], 'methods' => $methods,
			'domains_on_app' => $on_app, 'statuses' => $codes,
			// Without a status in the log: every POST that did not create a domain was refused.
			'http_429' => null !== $codes ? ($codes['429'] ?? 0) : null,
			'refused_posts' => ($methods['POST'] ?? 0) - $on_app,
			'shapes' => request_shapes($seen['log']),
			'stderr' => $worker['stderr'] ?? null,
		];
		$scenario['reps'][] = $rep;
		$say(sprintf('  rep %d %8.0f ms (pacing limit %d ms) %d requests, %d refused POSTs, 429s: %s, %d connections, %d calls >= 500 ms (%.1f s)', $r + 1, $worker['wall_ms'], $scenario['pacing_limit_ms'], $seen['requests'], $rep['refused_posts'], var_export($rep['http_429'], true), $seen['connections'], $rep['slow_calls'], $rep['slow_calls_ms'] / 1000));
		$results['scenarios'][$key] = $scenario;
		$save();
		// Bounded run time: a client far slower than the limit gets fewer repetitions.
		$elapsed = microtime(true) - $t0;
		if ($r + 1 < $reps && $elapsed / ($r + 1) * ($r + 2) > $budget_s) {
			$scenario['stopped_early'] = sprintf('stopped after %d of %d repetitions: another would pass the %d s budget', $r + 1, $reps, $budget_s);
			$say('  ' . $scenario['stopped_early']);
			break;
		}
	}
	$finish($key, $scenario, $emulator);
};
if (in_array('3', $only, true)) {
	$bulk('bulk', $plan['bulk_domains'], $plan['bulk_limit'], $plan['bulk_window_ms'], $plan['bulk_reps'], $plan['bulk_budget_s']);
}
if (in_array('3b', $only, true)) {
	$bulk('bulk_minute', 75, 60, 60000, 1, 240);
}
// '3c' (only when asked for): 3b without connect latency, to tell the cost of the first
// connection's set-up apart from the pacing itself.
if (in_array('3c', $only, true)) {
	$bulk('bulk_minute_no_connect_latency', 75, 60, 60000, 1, 240, 0);
}

// ---------------------------------------------------------------------------------------------
// Scenario 4: overhead (load time, RSS, .so size, CPU per call).
if (in_array('4', $only, true)) {
	$say('scenario 4: overhead');
	$scenario = ['load_before' => machine_load()];

	clearstatcache();
	$scenario['so'] = [
		'path' => $ext,
		'bytes' => is_file($ext) ? filesize($ext) : null,
		'file' => trim((string) shell_exec('file -b ' . escapeshellarg($ext) . ' 2>/dev/null')),
	];

	// Load time, own measurement: the two commands alternate, so both see the same machine load.
	$plain = [PHP_BINARY, '-n', '-r', ''];
	$with = [PHP_BINARY, '-n', '-d', 'extension=' . $ext, '-r', ''];
	$time_process = static function (array $command): float {
		$t0 = hrtime(true);
		$process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
		$exit = proc_close($process);
		$ms = (hrtime(true) - $t0) / 1e6;
		if (0 !== $exit) {
			throw new \RuntimeException('exit ' . $exit . ': ' . implode(' ', $command));
		}
		return $ms;
	};
	for ($i = 0; $i < 10; $i++) {
		$time_process($plain);
		$time_process($with);
	}
	$a = [];
	$b = [];
	$diff = [];
	for ($i = 0; $i < $plan['load_runs']; $i++) {
		$x = $time_process($plain);
		$y = $time_process($with);
		$a[] = $x;
		$b[] = $y;
		$diff[] = $y - $x;
	}
	$scenario['load_own'] = [
		'runs' => $plan['load_runs'], 'without_ms' => stats($a), 'with_ms' => stats($b), 'paired_diff_ms' => stats($diff),
		'commands' => ['php -n -r \'\'', 'php -n -d extension=' . $ext . ' -r \'\''],
	];
	$say(sprintf('  load (own, %d alternating runs): %.2f ms vs %.2f ms, paired diff median %.2f ms', $plan['load_runs'], stats($a)['median'], stats($b)['median'], stats($diff)['median']));

	// Load time with hyperfine, when installed.
	$hyperfine = trim((string) shell_exec('command -v hyperfine 2>/dev/null'));
	if ('' !== $hyperfine) {
		$json = $out_dir . '/hyperfine-load.json';
		$cmd = sprintf(
			'%s -N --warmup 20 --runs %d --export-json %s %s %s 2>&1',
			escapeshellarg($hyperfine), $plan['load_runs'], escapeshellarg($json),
			escapeshellarg(PHP_BINARY . " -n -r ''"), escapeshellarg(PHP_BINARY . ' -n -d extension=' . $ext . " -r ''")
		);
		$output = (string) shell_exec($cmd);
		$data = is_file($json) ? json_decode((string) file_get_contents($json), true) : null;
		if (is_array($data)) {
			$scenario['load_hyperfine'] = ['command' => str_replace(escapeshellarg($json), 'out/hyperfine-load.json', $cmd), 'runs' => []];
			foreach ($data['results'] as $res) {
				$times = array_map(static fn($t) => $t * 1000, $res['times'] ?? []);
				$scenario['load_hyperfine']['runs'][] = ['command' => $res['command'], 'mean_ms' => $res['mean'] * 1000, 'stddev_ms' => ($res['stddev'] ?? 0) * 1000, 'ms' => stats($times)];
			}
		} else {
			$scenario['load_hyperfine'] = ['error' => substr($output, -1000)];
		}
	}

	// RSS of a process that only starts, with and without the extension (alternating).
	$rss = ['without' => [], 'with' => []];
	for ($i = 0; $i < $plan['rss_runs']; $i++) {
		$rss['without'][] = run_worker('rss', [], ['-n']);
		$rss['with'][] = run_worker('rss', [], ['-n', '-d', 'extension=' . $ext]);
	}
	$scenario['rss'] = [
		'runs' => $plan['rss_runs'],
		'loaded' => [$rss['without'][0]['loaded'], $rss['with'][0]['loaded']],
		'without_VmRSS_kib' => stats(array_column($rss['without'], 'VmRSS')),
		'with_VmRSS_kib' => stats(array_column($rss['with'], 'VmRSS')),
		'without_VmHWM_kib' => stats(array_column($rss['without'], 'VmHWM')),
		'with_VmHWM_kib' => stats(array_column($rss['with'], 'VmHWM')),
	];
	$say(sprintf('  RSS: %d KiB vs %d KiB', $scenario['rss']['without_VmRSS_kib']['median'], $scenario['rss']['with_VmRSS_kib']['median']));

	// CPU per call against a zero-latency emulator (TLS kept: production is TLS).
	// App 1:1 has 10 domains, app 1:2 a full page of 40 (how the cost grows with the answer);
	// the adds go to app 1:3, so that they do not grow the lists, and the emulator is reset
	// before every process, so that app 1:3 never grows past one process's adds either.
	[$emulator, $config, $command] = $start(['--tls', '--app', '1:1', '--app', '1:2', '--app', '1:3', '--seed-domains', 10]);
	$fresh = static function () use ($emulator): void {
		$emulator->reset();
		$emulator->seed(1, 2, 30);
	};
	$fresh();
	$counters = new Counters($emulator);
	$tasks = [
		'wu_list' => 'cpu_wu_list', 'curl_reused_list' => 'cpu_curl_reuse_list',
		'wu_find' => 'cpu_wu_find', 'curl_reused_find' => 'cpu_curl_reuse_find',
		'wu_list_40' => 'cpu_wu_list', 'curl_reused_list_40' => 'cpu_curl_reuse_list',
		'wu_add' => 'cpu_wu_add', 'curl_reused_add' => 'cpu_curl_reuse_add',
		'curl_new_list' => 'cpu_curl_new_list',
	];
	$app_of = static fn(string $name): array => '_40' === substr($name, -3) ? ['app_id' => 2] : ('_add' === substr($name, -4) ? ['app_id' => 3] : []);
	$pinned = pin_apart($emulator);
	$cpu = ['emulator' => $command, 'calls' => $plan['cpu_calls'], 'reps' => [], 'pinned' => $pinned ? 'worker on CPU 0, emulator on the last CPU (taskset)' : null];
	for ($r = 0; $r < $plan['cpu_reps']; $r++) {
		$rep = [];
		foreach ($rotate(array_keys($tasks), $r) as $name) {
			$fresh();
			$before = $counters->snapshot();
			// A new TLS session per call costs about 100 times more: fewer calls keep the run short.
			$calls = 'curl_new_list' === $name ? max(50, intdiv($plan['cpu_calls'], 10)) : $plan['cpu_calls'];
			$worker = run_worker($tasks[$name], ['calls' => $calls] + $app_of($name) + $config, [], $pinned);
			$seen = $counters->since($before);
			$rep[$name] = [
				'calls' => $calls, 'cpu_us_per_call' => $worker['cpu_us_per_call'], 'wall_us_per_call' => $worker['wall_us_per_call'],
				'cpu_user_ms' => $worker['cpu_user_ms'], 'cpu_sys_ms' => $worker['cpu_sys_ms'],
				'first_call' => $worker['first_call'], 'VmHWM' => $worker['VmHWM'], 'items' => $worker['items'],
				'domains_per_call' => $worker['items'] / $calls,
				'requests' => $seen['requests'], 'connections' => $seen['connections'],
				'stderr' => $worker['stderr'] ?? null,
			];
			$say(sprintf('  rep %d %-17s %7.1f µs CPU/call %7.1f µs wall/call %5d requests %4d connections', $r + 1, $name, $worker['cpu_us_per_call'], $worker['wall_us_per_call'], $seen['requests'], $seen['connections']));
		}
		$cpu['reps'][] = $rep;
		// The same calls side by side in one process, one call of each flow per round.
		$fresh();
		$paired = run_worker('cpu_paired', ['calls' => $plan['cpu_calls']] + $config, [], $pinned);
		$cpu['paired'][] = $paired['flows'];
		$say(sprintf('  rep %d paired (%d rounds): ', $r + 1, $paired['rounds']) . implode(', ', array_map(static fn($k, $v) => sprintf('%s %.0f µs', $k, $v['cpu_us_median']), array_keys($paired['flows']), $paired['flows'])));
		if ($pinned) {
			// The same, with the scheduler free to move both processes (reported beside).
			unpin($emulator);
			$fresh();
			$free = run_worker('cpu_paired', ['calls' => $plan['cpu_calls']] + $config);
			pin_apart($emulator);
			$cpu['paired_unpinned'][] = $free['flows'];
			$say(sprintf('  rep %d paired, not pinned: ', $r + 1) . implode(', ', array_map(static fn($k, $v) => sprintf('%s %.0f µs', $k, $v['cpu_us_median']), array_keys($free['flows']), $free['flows'])));
		}
	}
	$scenario['cpu'] = $cpu;
	$finish('overhead', $scenario, $emulator);
}

if (null !== $rerun) {
	$results['meta']['reruns'][$rerun]['finished'] = gmdate('Y-m-d H:i:s') . ' UTC';
	$results['meta']['reruns'][$rerun]['load_end'] = machine_load();
} else {
	$results['meta']['finished'] = gmdate('Y-m-d H:i:s') . ' UTC';
	$results['meta']['load_end'] = machine_load();
}
$save();
$say("results: {$results_file}");
