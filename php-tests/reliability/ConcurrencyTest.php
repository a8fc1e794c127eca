<?php
/**
 * Concurrency: 8 PHP processes add and remove 400 distinct domains against one emulator with
 * a rate limit; the final state must be exactly the expected set, with no error. The number
 * of 429 answers seen (and retried by the client) is measured and printed.
 *
 * 429s are counted from the emulator's request log: every operation costs a fixed number of
 * requests (measured first, against an emulator without a limit), and every answer other than
 * 429 ends an attempt for good here, so the requests beyond that cost are the 429s retried.
 */

namespace WU_RunCloud_Tests\Reliability;

require_once __DIR__ . '/support/class-reliability-support.php';

use WU_RunCloud_Tests\Emulator;

final class ConcurrencyTest extends Reliability_Test_Case {

	private const PROCESSES = 8;
	private const DOMAINS   = 400;
	/** Every REMOVE_EVERY-th domain of a process is removed again (with its remembered id). */
	private const REMOVE_EVERY = 4;
	private const RATE_LIMIT   = 40;
	private const RATE_WINDOW_MS = 1000;
	private const RETRY_AFTER  = 1;

	/** The child: adds its domains, then removes some by remembered id; prints a JSON report. */
	private const CHILD = <<<'PHP'
<?php
$job = json_decode((string) file_get_contents($argv[1]), true);
$options = ['api_url' => $job['api_url'], 'api_token' => $job['token'], 'server_id' => 1, 'app_id' => 1, 'timeout' => 10];
$report = ['created' => 0, 'removed' => 0, 'errors' => [], 'seconds' => 0.0];
$ids = [];
$started = microtime(true);
foreach ($job['add'] as $domain) {
	try {
		$result = wu_runcloud_add_domain($domain, $options + ['ssl' => false]);
		$ids[$domain] = $result['domain']['id'];
		$report['created'] += $result['created'] ? 1 : 0;
	} catch (\Throwable $e) {
		$report['errors'][] = "add {$domain}: " . get_class($e) . ' ' . $e->getCode() . ': ' . $e->getMessage();
	}
}
foreach ($job['remove'] as $domain) {
	try {
		$result = wu_runcloud_remove_domain($domain, $options + (isset($ids[$domain]) ? ['domain_id' => $ids[$domain]] : []));
		$report['removed'] += $result['removed'] ? 1 : 0;
	} catch (\Throwable $e) {
		$report['errors'][] = "remove {$domain}: " . get_class($e) . ' ' . $e->getCode() . ': ' . $e->getMessage();
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

	public function test_eight_processes_400_domains_under_a_rate_limit(): void {
		$cost     = $this->cost_per_operation();
		$emulator = Emulator::start([
			'--token', self::TOKEN,
			'--rate-limit', (string) self::RATE_LIMIT,
			'--rate-window-ms', (string) self::RATE_WINDOW_MS,
			'--retry-after', (string) self::RETRY_AFTER,
		]);
		$files = [];
		try {
			$child = tempnam(sys_get_temp_dir(), 'wu-rc-child-') . '.php';
			file_put_contents($child, self::CHILD);
			$files[] = $child;

			$expected = [];
			$removals = 0;
			$procs    = [];
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
				$job       = tempnam(sys_get_temp_dir(), 'wu-rc-job-');
				$files[]   = $job;
				file_put_contents($job, json_encode(['api_url' => $emulator->base_url(), 'token' => self::TOKEN, 'add' => $add, 'remove' => $remove]));
				$pipes   = [];
				$process = proc_open([PHP_BINARY, '-d', 'display_errors=stderr', $child, $job], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
				fclose($pipes[0]);
				$procs[] = [$process, $pipes];
			}
			$started = microtime(true);
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
			$wall = microtime(true) - $started;

			$errors = array_merge(...array_column($reports, 'errors'));
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
			$retried  = $requests - $minimum;
			$this->assertGreaterThanOrEqual(0, $retried);
			// The figures for docs/RELIABILITY.md (shown with --debug or on failure).
			$figures = sprintf(
				'concurrency: %d processes, %d domains added, %d removed, final %d; limit %d per %d ms, Retry-After %d s; %d requests (%d without 429s): %d answered 429 and retried; wall %.1f s',
				self::PROCESSES, self::DOMAINS, $removals, count($names), self::RATE_LIMIT, self::RATE_WINDOW_MS, self::RETRY_AFTER, $requests, $minimum, $retried, $wall
			);
			file_put_contents(sys_get_temp_dir() . '/wu-runcloud-concurrency-figures.txt', $figures . "\n");
			$this->addToAssertionCount(1);
			fwrite(STDERR, "\n{$figures}\n");
		} finally {
			$emulator->stop();
			foreach ($files as $file) {
				@unlink($file);
			}
		}
	}
}
