<?php
/**
 * Drift repair: what `wp runcloud sync` and the RunCloud page's "Sync now" do.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Per web app, from one listing (RunCloud_Drift):
 *
 * 1. adopts the expected names already on the app that the plugin does not know, or knows with
 *    another id (a worker killed between RunCloud's answer and WordPress's write, a domain added
 *    in RunCloud's panel): their id is remembered and, unknown before, they wait for the
 *    certificate (pending) like any add;
 * 2. adds what the network maps and RunCloud lacks, through the same lifecycle as the events
 *    (parked names, off the app while their DNS is not ready, are left to the certificate job);
 * 3. removes orphans, only when asked (never the primary domain, a wildcard domain or the
 *    network's own domain, and never when Ultimate Multisite is not there to say what is mapped);
 * 4. runs the app's certificate job at once for every waiting name (with a Let's Encrypt
 *    certificate for the whole app: one redeploy covers them all).
 *
 * Idempotent: a run killed half-way and run again converges (what the first run added is
 * adopted or found present). Messages go to a callback, as they happen.
 */
class RunCloud_Repair {

	/**
	 * The drift report.
	 *
	 * @var RunCloud_Drift
	 */
	private $drift;

	/**
	 * The domain events (an add with its certificate lifecycle).
	 *
	 * @var RunCloud_Domain_Sync
	 */
	private $sync;

	/**
	 * The operations (orphan removal).
	 *
	 * @var RunCloud_Domain_Operations
	 */
	private $operations;

	/**
	 * The SSL lifecycle.
	 *
	 * @var RunCloud_Ssl_Lifecycle
	 */
	private $lifecycle;

	/**
	 * The certificate job.
	 *
	 * @var RunCloud_Certificate_Job
	 */
	private $job;

	/**
	 * The app's domain list.
	 *
	 * @var RunCloud_Certificate_Inventory
	 */
	private $inventory;

	/**
	 * The remembered state.
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The failure policy (describes exceptions).
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

	/**
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Drift                 $drift      The drift report.
	 * @param RunCloud_Domain_Sync           $sync       The domain events.
	 * @param RunCloud_Domain_Operations     $operations The operations.
	 * @param RunCloud_Ssl_Lifecycle         $lifecycle  The lifecycle.
	 * @param RunCloud_Certificate_Job       $job        The certificate job.
	 * @param RunCloud_Certificate_Inventory $inventory  The app's domain list.
	 * @param RunCloud_State                 $state      The remembered state.
	 * @param RunCloud_Failure_Policy        $policy     The failure policy.
	 * @param RunCloud_Logger                $logger     The logger.
	 */
	public function __construct(RunCloud_Drift $drift, RunCloud_Domain_Sync $sync, RunCloud_Domain_Operations $operations, RunCloud_Ssl_Lifecycle $lifecycle, RunCloud_Certificate_Job $job, RunCloud_Certificate_Inventory $inventory, RunCloud_State $state, RunCloud_Failure_Policy $policy, RunCloud_Logger $logger) {

		$this->drift      = $drift;
		$this->sync       = $sync;
		$this->operations = $operations;
		$this->lifecycle  = $lifecycle;
		$this->job        = $job;
		$this->inventory  = $inventory;
		$this->state      = $state;
		$this->policy     = $policy;
		$this->logger     = $logger;
	}

	/**
	 * One repair of every web app. Throws what the listing throws (nothing was changed then).
	 *
	 * @param bool          $remove_orphans Also remove what the network no longer maps.
	 * @param bool          $dry_run        Say what would change, change nothing.
	 * @param callable|null $out            fn(string $level ('log'|'warning'), string $message).
	 * @return array{done: int, failures: int, adopted: int, covered: int, waiting: int, targets: array}
	 *               targets: 'SERVER:APP' => ['missing' => names left, 'orphans' => names left,
	 *               'protected' => count, 'present' => count after the run, 'parked' => names,
	 *               'job' => summary].
	 */
	public function run(bool $remove_orphans = false, bool $dry_run = false, ?callable $out = null): array {

		$out    = $out ?? static function () {};
		$report = $this->drift->drift_report();
		$prefix = $dry_run ? 'would ' : '';
		$result = [
			'done'     => 0,
			'failures' => 0,
			'adopted'  => 0,
			'covered'  => 0,
			'waiting'  => 0,
			'targets'  => [],
		];

		foreach ($report as $row) {
			$target  = $row['target'];
			$key     = $row['key'];
			$parked  = $this->parked($row);
			$missing = $row['missing'];
			$orphans = $row['orphans'];
			$present = (int) $row['present'];

			if ( ! $dry_run) {
				// The listing just made is the app's domain list: no other read for the names count.
				$this->inventory->refresh($target, $row['records']);
			}

			$out('log', sprintf('%s: %d domain(s) on RunCloud, %d missing, %d orphan(s)', $key, $row['present'], count($row['missing']), count($row['orphans'])));

			foreach ($this->unknown($row) as $name => $record) {
				$out('log', sprintf('%s: %sadopt %s (on RunCloud with id %d, not remembered)', $key, $prefix, $name, (int) $record['id']));

				if ( ! $dry_run) {
					$this->adopt($row, (string) $name, $record);
					++$result['adopted'];
				}
			}

			foreach ($row['missing'] as $name => $info) {
				if (isset($parked[ $name ])) {
					$out('log', sprintf('%s: %stry %s again (parked while its DNS was not ready)', $key, $prefix, $name));

					continue;
				}

				$out('log', sprintf('%s: %sadd %s', $key, $prefix, $name));

				if ($dry_run) {
					continue;
				}

				try {
					$this->sync->apply('subdomain' === $info['kind'] ? 'add_subdomain' : 'add_domain', (string) $name, (int) $info['site_id'], $target);
					unset($missing[ $name ]);
					++$present;
					++$result['done'];
				} catch (\Throwable $e) {
					++$result['failures'];
					$this->failed($out, $e, (string) $name, $key);
				}
			}

			foreach ($row['orphans'] as $name => $record) {
				if ( ! $remove_orphans) {
					$out('log', sprintf('%s: orphan %s kept (use --remove-orphans)', $key, $name));

					continue;
				}

				$out('log', sprintf('%s: %sremove %s', $key, $prefix, $name));

				if ($dry_run) {
					continue;
				}

				try {
					$this->operations->remove_record($record, $target);
					$this->lifecycle->after_remove((string) $name, $target);
					unset($orphans[ $name ]);
					--$present;
					++$result['done'];
				} catch (\Throwable $e) {
					++$result['failures'];
					$this->failed($out, $e, (string) $name, $key);
				}
			}

			$summary = null;

			if ( ! $dry_run) {
				$summary              = $this->job->run($target, true);
				$result['covered']   += count($summary['covered']);
				$result['waiting']   += count($summary['waiting']) + count($summary['parked']);

				$this->report_job($out, $key, $summary);
			}

			$result['targets'][ $key ] = [
				'missing'   => array_values(array_diff(array_map('strval', array_keys($missing)), array_keys($parked))),
				'parked'    => array_keys($parked),
				'orphans'   => array_map('strval', array_keys($orphans)),
				'protected' => count($row['protected']),
				'present'   => $present,
				'job'       => $summary,
			];
		}

		return $result;
	}

	/**
	 * The missing names of a drift row that are parked (off the app on purpose, waiting for DNS).
	 *
	 * @param array $row A drift report row.
	 * @return array name => why: 'dns' (waiting for its DNS) or 'room' (for room on the certificate).
	 */
	public function parked(array $row): array {

		$parked = [];

		foreach (array_keys($row['missing']) as $name) {
			$t = $this->state->target_entry((string) $name, $row['target']);

			// Off the app on purpose (DNS not ready, no room on the certificate); one whose add fails
			// is missing, and said so.
			if (null !== $t && RunCloud_State::CERT_PARKED === ($t['cert'] ?? null) && empty($t['present']) && empty($t['not_added'])) {
				$parked[ $name ] = empty($t['over_limit']) ? 'dns' : 'room';
			}
		}

		return $parked;
	}

	/**
	 * The expected names on the app the plugin does not know there, or knows with another id:
	 * name => the app's record.
	 *
	 * @param array $row A drift report row.
	 * @return array
	 */
	private function unknown(array $row): array {

		$known    = $this->state->entries_on($row['target']);
		$expected = $row['expected'];
		$unknown  = [];

		foreach ($row['records'] as $record) {
			$name = RunCloud_Config::normalize((string) ($record['name'] ?? ''));

			if ('' === $name || ! isset($expected[ $name ]) || empty($record['id'])) {
				continue;
			}

			$t = isset($known[ $name ]['t'][ $row['key'] ]) ? RunCloud_State::complete($known[ $name ]['t'][ $row['key'] ]) : null;

			if (null === $t || ! $t['present'] || (int) $t['id'] !== (int) $record['id']) {
				$unknown[ $name ] = $record;
			}
		}

		return $unknown;
	}

	/**
	 * Adopts one record: its id is remembered; a name the plugin did not know waits for the
	 * certificate like any add (the certificate job at the end of the run covers it).
	 *
	 * @param array  $row    A drift report row.
	 * @param string $name   The name.
	 * @param array  $record The app's record.
	 * @return void
	 */
	private function adopt(array $row, string $name, array $record): void {

		$expected = $row['expected'][ $name ] ?? ['kind' => 'domain', 'site_id' => 0];
		$op       = 'subdomain' === $expected['kind'] ? 'add_subdomain' : 'add_domain';

		$this->state->remember_id($row['target'], $name, (int) $record['id']);
		$this->lifecycle->after_add(
			$op,
			$name,
			(int) $expected['site_id'],
			$row['target'],
			[
				'domain'  => $record,
				'created' => false,
			],
			false,
			null,
			false
		);
		$this->logger->info(sprintf('sync: adopted %s on %s (RunCloud domain id %d was not remembered).', $name, $row['key'], (int) $record['id']));
	}

	/**
	 * What a certificate job run did, for the output.
	 *
	 * @param callable $out     The output.
	 * @param string   $key     The target key.
	 * @param array    $summary RunCloud_Certificate_Job::run()'s summary.
	 * @return void
	 */
	private function report_job(callable $out, string $key, array $summary): void {

		if ('nothing to do' === $summary['result']) {
			return;
		}

		$out('log', sprintf('%s: SSL: %s.', $key, $summary['result']));

		foreach ($summary['parked'] as $name) {
			$out('warning', sprintf('%s: %s does not validate for Let\'s Encrypt yet (DNS not ready): taken off the app for now, tried again on schedule.', $key, $name));
		}

		if (null !== $summary['blocking']) {
			$out('warning', sprintf('%s: %s blocks the SSL certificate of the web app: point its DNS back at the server or remove it (see `wp runcloud status`).', $key, $summary['blocking']));
		}

		if ($summary['waiting']) {
			$out('warning', sprintf('%s: %d domain(s) still wait for their certificate (%s): tried again on schedule.', $key, count($summary['waiting']), implode(', ', array_slice($summary['waiting'], 0, 10))));
		}
	}

	/**
	 * One failed change: logged, and told.
	 *
	 * @param callable   $out    The output.
	 * @param \Throwable $e      The exception.
	 * @param string     $domain The domain.
	 * @param string     $key    The target key.
	 * @return void
	 */
	private function failed(callable $out, \Throwable $e, string $domain, string $key): void {

		if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
			throw $e;
		}

		$message = sprintf('%s on %s: %s', $domain, $key, $this->policy->describe($e));

		$this->logger->error('sync: ' . $message);

		$out('warning', $message);
	}
}
