<?php
/**
 * Concurrency: 8 PHP processes add and remove 400 distinct domains against one emulator with
 * a rate limit; the final state must be exactly the expected set, with no error. The number
 * of 429 answers seen (and retried by the client) is measured and printed.
 *
 * 429s are counted from the emulator's request log (each entry records the status answered).
 * Every operation costs a fixed number of requests (measured first, against an emulator
 * without a limit), and every answer other than 429 ends an attempt for good here, so the
 * requests beyond that cost must be exactly the 429s: the test checks both counts agree.
 */

namespace WU_RunCloud_Tests\Reliability;

require_once __DIR__ . '/support/class-reliability-support.php';

use WU_RunCloud_Tests\Emulator;

final class ConcurrencyTest extends Reliability_Test_Case {

	private const PROCESSES = 8;
	private const DOMAINS   = 400;
	/** Every REMOVE_EVERY-th domain of a process is removed again (with its remembered id). */
	private const REMOVE_EVERY = 4;
	/** 429s injected by fault rules on each of two endpoints (see below). */
	private const INJECTED_429 = 16;

	/**
	 * The child, as the plugin's background job would run: adds its domains, then removes some
	 * by remembered id. An operation that fails with a transient error (the client gave up
	 * after its 3 attempts, e.g. 429 three times while 7 other workers drain the same budget)
	 * is queued again (at most 5 rounds), and the operations queued after it for the same
	 * domain move behind it: a domain's operations run in the order they were asked for. (The
	 * first version appended the retry at the end of the queue only, so the removal of a domain
	 * whose add was refused ran before that add: it found nothing, `removed => false`, and the
	 * add then created the domain — the rare "103 removals of 104" under load.) Prints a JSON
	 * report.
	 */
	private const CHILD = <<<'PHP'
<?php
$job = json_decode((string) file_get_contents($argv[1]), true);
$options = ['api_url' => $job['api_url'], 'api_token' => $job['token'], 'server_id' => 1, 'app_id' => 1, 'timeout' => 10];
$report = ['created' => 0, 'removed' => 0, 'requeued' => 0, 'errors' => [], 'seconds' => 0.0];
$ids = [];
$started = microtime(true);
$queue = [];
foreach ($job['add'] as $domain) {
	$queue[] = ['add', $domain, 0];
}
foreach ($job['remove'] as $domain) {
	$queue[] = ['remove', $domain, 0];
}
while ($queue) {
	[$op, $domain, $round] = array_shift($queue);
	try {
		if ('add' === $op) {
			$result = wu_runcloud_add_domain($domain, $options + ['ssl' => false]);
			$ids[$domain] = $result['domain']['id'];
			$report['created'] += $result['created'] ? 1 : 0;
		} else {
			$result = wu_runcloud_remove_domain($domain, $options + (isset($ids[$domain]) ? ['domain_id' => $ids[$domain]] : []));
			$report['removed'] += $result['removed'] ? 1 : 0;
		}
	} catch (\WU\RunCloud\Exception $e) {
		$transient = $e instanceof \WU\RunCloud\TransportException
			|| ($e instanceof \WU\RunCloud\ApiException && (429 === $e->getCode() || $e->getCode() >= 500));
		if ($transient && $round < 5) {
			$report['requeued']++;
			$later = array_values(array_filter($queue, static fn($q) => $q[1] === $domain));
			$queue = array_values(array_filter($queue, static fn($q) => $q[1] !== $domain));
			$queue[] = [$op, $domain, $round + 1];
			array_push($queue, ...$later);
			continue;
		}
		$report['errors'][] = "{$op} {$domain}: " . get_class($e) . ' ' . $e->getCode() . ': ' . $e->getMessage();
	}
}
$report['seconds'] = microtime(true) - $started;
echo json_encode($report), "\n";
PHP;

	/** Requests one add and one remove-by-id cost without any 429 (measured, not assumed). */
	private function cost_per_operation(): array {
		$free = Emulator::start(['--token', self::TOKEN]);
		try {
			$options = ['api_url' => $free->base_url(), 'api_token' => self::TOKEN, 'server_id' => 1, 'app_id' => 1];
			$added   = wu_runcloud_add_domain('calibrate.example.com', $options + ['ssl' => false]);
			$add     = $free->request_count();
			wu_runcloud_remove_domain('calibrate.example.com', $options + ['domain_id' => $added['domain']['id']]);
			return ['add' => $add, 'remove' => $free->request_count() - $add];
		} finally {
			$free->stop();
		}
	}

	/** The rate limit; WU_RC_RATE="LIMIT/WINDOW_MS/RETRY_AFTER" overrides it for local runs. */
	private static function rate(): array {
		$override = getenv('WU_RC_RATE');
		if (is_string($override) && preg_match('#^(\d+)/(\d+)/(\d+)$#', $override, $m)) {
			return [(int) $m[1], (int) $m[2], (int) $m[3]];
		}
		return [200, 1000, 1];
	}

	public function test_eight_processes_400_domains_under_a_rate_limit(): void {
		[$limit, $window_ms, $retry_after] = self::rate();
		$cost     = $this->cost_per_operation();
		$emulator = Emulator::start([
			'--token', self::TOKEN,
			'--rate-limit', (string) $limit,
			'--rate-window-ms', (string) $window_ms,
			'--retry-after', (string) $retry_after,
		]);
		// On top of the limiter (which the client's pacing mostly keeps away), a burst of 429s
		// from a proxy: the first INJECTED_429 POSTs and GETs-by-id, whoever sends them.
		$emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/*/webapps/*/domains', 'status' => 429, 'headers' => ['Retry-After' => '1'], 'body' => '{"message":"Too Many Attempts."}', 'times' => self::INJECTED_429]);
		$emulator->fault(['method' => 'GET', 'path' => '/api/v3/servers/*/webapps/*/domains/*', 'status' => 429, 'body' => '{"message":"Too Many Attempts."}', 'times' => self::INJECTED_429]);
		try {
			$expected = [];
			$removals = 0;
			$jobs     = [];
			$per      = intdiv(self::DOMAINS, self::PROCESSES);
			for ($p = 0; $p < self::PROCESSES; $p++) {
				$add    = [];
				$remove = [];
				for ($i = 0; $i < $per; $i++) {
					$domain = sprintf('p%d-d%02d.concurrency.example', $p, $i);
					$add[]  = $domain;
					if (0 === $i % self::REMOVE_EVERY) {
						$remove[] = $domain;
					} else {
						$expected[] = $domain;
					}
				}
				$removals += count($remove);
				$jobs[]    = ['add' => $add, 'remove' => $remove];
			}
			$started = microtime(true);
			$reports = $this->run_children($emulator, $jobs);
			$wall = microtime(true) - $started;

			$errors   = array_merge(...array_column($reports, 'errors'));
			$requeued = array_sum(array_column($reports, 'requeued'));
			$this->assertSame([], $errors, 'operations failed under the rate limit');
			$this->assertSame(self::DOMAINS, array_sum(array_column($reports, 'created')));
			$this->assertSame($removals, array_sum(array_column($reports, 'removed')));

			sort($expected);
			$names = self::all_names($emulator);
			$this->assertCount(count($expected), $names, 'no duplicate, nothing lost, nothing left over');
			sort($names);
			$this->assertSame($expected, $names, 'final state is exactly the expected set');

			$requests = $emulator->request_count();
			$minimum  = self::DOMAINS * $cost['add'] + $removals * $cost['remove'];
			// Every request beyond the cost was answered 429: the client retried it, except the
			// third 429 of an operation that gave up (then the job queued it again).
			$this->assertSame([], self::pending_faults($emulator), 'every injected 429 was met');
			$retried  = $requests - $minimum;
			$limiter  = $retried - 2 * self::INJECTED_429;
			$this->assertGreaterThanOrEqual(0, $limiter);
			$answered_429 = count(array_filter($emulator->requests(), static fn(array $r): bool => 429 === $r['status']));
			$this->assertSame($retried, $answered_429, 'the requests beyond the cost are exactly the ones answered 429');
			// The figures for docs/RELIABILITY.md (shown with --debug or on failure).
			$figures = sprintf(
				'concurrency: %d processes, %d domains added, %d removed, final %d; limit %d per %d ms, Retry-After %d s; %d requests (%d without 429s): %d answered 429 (%d by the limiter, %d injected), %d retried by the client, %d operations gave up after 3 attempts and were queued again by the job; wall %.1f s, slowest process %.1f s',
				self::PROCESSES, self::DOMAINS, $removals, count($names), $limit, $window_ms, $retry_after, $requests, $minimum, $retried, $limiter, 2 * self::INJECTED_429, $retried - $requeued, $requeued, $wall, max(array_column($reports, 'seconds'))
			);
			file_put_contents(sys_get_temp_dir() . '/wu-runcloud-concurrency-figures.txt', $figures . "\n");
			$this->addToAssertionCount(1);
			fwrite(STDERR, "\n{$figures}\n");
		} finally {
			$emulator->stop();
		}
	}

	/**
	 * Runs one child per job, all at once, and returns their reports (asserting that each
	 * exits cleanly).
	 *
	 * @param list<array{add: list<string>, remove: list<string>}> $jobs
	 */
	private function run_children(Emulator $emulator, array $jobs): array {
		$child = tempnam(sys_get_temp_dir(), 'wu-rc-child-') . '.php';
		file_put_contents($child, self::CHILD);
		$files = [$child];
		try {
			$procs = [];
			foreach ($jobs as $job) {
				$file    = tempnam(sys_get_temp_dir(), 'wu-rc-job-');
				$files[] = $file;
				file_put_contents($file, json_encode(['api_url' => $emulator->base_url(), 'token' => self::TOKEN] + $job));
				$pipes   = [];
				$process = proc_open([PHP_BINARY, '-d', 'display_errors=stderr', $child, $file], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
				fclose($pipes[0]);
				$procs[] = [$process, $pipes];
			}
			$reports = [];
			foreach ($procs as $p => [$process, $pipes]) {
				$out  = stream_get_contents($pipes[1]);
				$err  = stream_get_contents($pipes[2]);
				fclose($pipes[1]);
				fclose($pipes[2]);
				$exit = proc_close($process);
				$this->assertSame(0, $exit, "process {$p} died: {$err}");
				$report = json_decode(trim((string) $out), true);
				$this->assertIsArray($report, "process {$p}: {$out} {$err}");
				$reports[] = $report;
			}
			return $reports;
		} finally {
			foreach ($files as $file) {
				@unlink($file);
			}
		}
	}

	/**
	 * The flake the first version of the child had, made deterministic: the add of a domain is
	 * refused three times (its call gives up and the job queues it again) while the removal of
	 * the same domain waits in the queue. The removal must run after the add, remove the domain
	 * and say so.
	 */
	public function test_a_requeued_add_runs_before_the_removal_queued_after_it(): void {
		$emulator = Emulator::start(['--token', self::TOKEN]);
		try {
			$emulator->fault(['method' => 'POST', 'path' => '/api/v3/servers/*/webapps/*/domains', 'status' => 429, 'headers' => ['Retry-After' => '0'], 'body' => '{"message":"Too Many Attempts."}', 'times' => 3]);
			[$report] = $this->run_children($emulator, [['add' => ['first.requeue.example', 'second.requeue.example'], 'remove' => ['first.requeue.example']]]);
			$this->assertSame([], $report['errors']);
			$this->assertSame(1, $report['requeued'], 'the first add gave up after 3 refusals and was queued again');
			$this->assertSame(2, $report['created']);
			$this->assertSame(1, $report['removed'], 'the removal ran after the add it was queued after');
			$this->assertSame(['second.requeue.example'], self::all_names($emulator));
		} finally {
			$emulator->stop();
		}
	}
}
