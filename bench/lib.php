<?php
/**
 * Shared helpers of the benchmark driver (bench.php) and the report (report.php).
 *
 * Benchmarks only report: nothing here asserts on a time.
 */

namespace WU_RunCloud_Bench;

/** Median, min and max of a list of numbers (null for an empty list). */
function stats(array $values): ?array {
	$values = array_values(array_filter($values, static fn($v) => null !== $v));
	if (!$values) {
		return null;
	}
	sort($values);
	$n = count($values);
	$median = 1 === $n % 2 ? $values[intdiv($n, 2)] : ($values[$n / 2 - 1] + $values[$n / 2]) / 2;
	return ['median' => $median, 'min' => $values[0], 'max' => $values[$n - 1], 'n' => $n];
}

/** "12.3 (11.9–13.0)" for a stats() triple. */
function fmt_stats(?array $s, int $decimals = 1, string $unit = ''): string {
	if (null === $s) {
		return 'n/a';
	}
	$f = static fn($v) => number_format((float) $v, $decimals, '.', '');
	if ($s['n'] <= 1 || $s['min'] == $s['max']) {
		return $f($s['median']) . $unit;
	}
	return $f($s['median']) . $unit . ' (' . $f($s['min']) . '–' . $f($s['max']) . ')';
}

/** An integer count that should be the same on every repetition: "150", or "150–152" when not. */
function fmt_count(?array $s): string {
	if (null === $s) {
		return 'n/a';
	}
	if ($s['min'] == $s['max']) {
		return (string) $s['median'];
	}
	return $s['median'] . ' (' . $s['min'] . '–' . $s['max'] . ')';
}

/**
 * Runs one PHP worker (bench/worker.php TASK) in its own process with the same PHP binary and
 * environment (so PHP_INI_SCAN_DIR loads the extension) and returns its JSON result.
 *
 * @param list<string> $php_args Extra php arguments before the script (e.g. ['-n']).
 * @param list<string> $prefix   A command the worker runs under (e.g. ['taskset', '-c', '0']).
 */
function run_worker(string $task, array $config, array $php_args = [], array $prefix = []): array {
	$command = array_merge($prefix, [PHP_BINARY], $php_args, [__DIR__ . '/worker.php', $task, json_encode($config)]);
	$pipes = [];
	$process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
	if (!is_resource($process)) {
		throw new \RuntimeException("could not start worker {$task}");
	}
	fclose($pipes[0]);
	$stdout = (string) stream_get_contents($pipes[1]);
	$stderr = (string) stream_get_contents($pipes[2]);
	fclose($pipes[1]);
	fclose($pipes[2]);
	$exit = proc_close($process);
	$lines = array_values(array_filter(explode("\n", trim($stdout)), 'strlen'));
	$result = $lines ? json_decode((string) end($lines), true) : null;
	if (0 !== $exit || !is_array($result)) {
		throw new \RuntimeException("worker {$task} failed (exit {$exit}): " . substr($stdout, -2000) . ' ' . substr($stderr, -2000));
	}
	if ('' !== trim($stderr)) {
		$result['stderr'] = substr(trim($stderr), 0, 2000);
	}
	return $result;
}

/**
 * Pins the emulator (every thread, and so the connection threads it starts later) to the
 * last CPU and returns the prefix that runs a worker on the first one: a remote RunCloud
 * never shares the client's CPU or caches, and without pinning the scheduler's moves of
 * either process make the CPU per call of one process differ from the next by 30 %.
 * [] (nothing pinned) with one CPU, without `taskset`, or with BENCH_PIN=0.
 */
function pin_apart(\WU_RunCloud_Tests\Emulator $emulator): array {
	$cpus = (int) trim((string) @shell_exec('nproc 2>/dev/null'));
	if ('0' === getenv('BENCH_PIN') || $cpus < 2 || '' === trim((string) @shell_exec('command -v taskset 2>/dev/null'))) {
		return [];
	}
	return set_affinity($emulator, (string) ($cpus - 1)) ? ['taskset', '-c', '0'] : [];
}

/** Lets the emulator run on any CPU again (undoes pin_apart()). */
function unpin(\WU_RunCloud_Tests\Emulator $emulator): void {
	$cpus = (int) trim((string) @shell_exec('nproc 2>/dev/null'));
	set_affinity($emulator, '0-' . max(0, $cpus - 1));
}

function set_affinity(\WU_RunCloud_Tests\Emulator $emulator, string $cpus): bool {
	$pid = $emulator->pid();
	if (null === $pid) {
		return false;
	}
	$out = [];
	$rc = 1;
	exec(sprintf('taskset -a -p -c %s %d 2>&1', escapeshellarg($cpus), $pid), $out, $rc);
	return 0 === $rc;
}

/** Load averages and the busiest other processes right now: the benchmarks share the machine. */
function machine_load(): array {
	$load = trim((string) @file_get_contents('/proc/loadavg'));
	$busy = [];
	$ps = @shell_exec('ps -eo pcpu=,comm= --sort=-pcpu 2>/dev/null | head -5');
	foreach (explode("\n", trim((string) $ps)) as $line) {
		if ('' !== trim($line)) {
			$busy[] = preg_replace('/\s+/', ' ', trim($line));
		}
	}
	return ['loadavg' => $load, 'busiest' => $busy, 'at' => gmdate('H:i:s')];
}

/** A PEM bundle with the system roots plus the emulator's CA, as WordPress ships its own ca-bundle.crt. */
function ca_bundle(string $emulator_ca, string $out): string {
	$system = '/etc/ssl/certs/ca-certificates.crt';
	$pem = (is_readable($system) ? file_get_contents($system) : '') . "\n" . file_get_contents($emulator_ca);
	file_put_contents($out, $pem);
	return $out;
}

/**
 * The emulator's counters around one worker. Control-plane calls are TCP connections too:
 * $offset is what two back-to-back reads differ by (measured, normally 1).
 */
final class Counters {
	/** @var \WU_RunCloud_Tests\Emulator */
	private $emulator;
	/** @var int */
	private $offset;

	public function __construct(\WU_RunCloud_Tests\Emulator $emulator) {
		$this->emulator = $emulator;
		$a = $emulator->connections_accepted();
		$b = $emulator->connections_accepted();
		$this->offset = $b - $a;
	}

	public function offset(): int {
		return $this->offset;
	}

	/** @return array{requests: int, connections: int} */
	public function snapshot(): array {
		return ['requests' => count($this->emulator->requests()), 'connections' => $this->emulator->connections_accepted()];
	}

	/**
	 * Requests (with the new log entries) and connections since $before.
	 *
	 * @return array{requests: int, connections: int, log: list<array>}
	 */
	public function since(array $before): array {
		$log = $this->emulator->requests();
		$connections = $this->emulator->connections_accepted();
		// The log read above is one more control-plane connection, like the connections read.
		$new = array_slice($log, $before['requests']);
		return [
			'requests' => count($new),
			'connections' => $connections - $before['connections'] - 2 * $this->offset,
			'log' => $new,
		];
	}
}

/** "POST /domains" for a log entry, with the server/app prefix and ids shortened. */
function short_request(array $entry): string {
	$path = preg_replace('#^/api/v[23]/servers/\d+/webapps/\d+#', '', (string) $entry['path']);
	$path = preg_replace('#/\d+(?=/|$)#', '/{id}', (string) $path);
	$query = '' !== (string) ($entry['query'] ?? '') ? '?' . preg_replace('/page=\d+/', 'page=N', (string) $entry['query']) : '';
	$status = isset($entry['status']) ? ' → ' . $entry['status'] : '';
	return $entry['method'] . ' ' . ('' === $path ? '/' : $path) . $query . $status;
}

/** Distinct request shapes with their counts, in order of first appearance: "GET /ssl ×50". */
function request_shapes(array $log): array {
	$shapes = [];
	foreach ($log as $entry) {
		$key = short_request($entry);
		$shapes[$key] = ($shapes[$key] ?? 0) + 1;
	}
	$out = [];
	foreach ($shapes as $key => $count) {
		$out[] = $key . ' ×' . $count;
	}
	return $out;
}

/**
 * The request log as runs of consecutive equal shapes, in order: "POST /domains ×1",
 * "GET /domains?page=N&perPage=40 ×1", "POST /domains ×49", ... (where a flow spends its requests).
 */
function request_runs(array $log): array {
	$runs = [];
	foreach ($log as $entry) {
		$key = short_request($entry);
		$last = count($runs) - 1;
		if ($last >= 0 && $runs[$last][0] === $key) {
			$runs[$last][1]++;
		} else {
			$runs[] = [$key, 1];
		}
	}
	return array_map(static fn($run) => $run[0] . ' ×' . $run[1], $runs);
}

/** The domains the basic certificate of app $server_id:$app_id covers, from an emulator state. */
function covered_names(array $state, int $server_id = 1, int $app_id = 1): array {
	return basic_certificate_field($state, 'covered_domains', $server_id, $app_id);
}

/** The host names on that certificate (www.<name> counts as one more), from an emulator state. */
function certificate_names(array $state, int $server_id = 1, int $app_id = 1): array {
	return basic_certificate_field($state, 'names', $server_id, $app_id);
}

function basic_certificate_field(array $state, string $field, int $server_id, int $app_id): array {
	foreach ($state['apps'] ?? [] as $app) {
		if ((int) $app['server_id'] === $server_id && (int) $app['app_id'] === $app_id) {
			return array_values((array) ($app['ssl']['basic'][$field] ?? []));
		}
	}
	return [];
}
