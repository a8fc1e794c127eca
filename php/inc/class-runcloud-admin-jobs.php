<?php
/**
 * The RunCloud page's long actions, run in the background: Sync now, remove orphans, Retry one
 * domain, check drift. Each is a record the page shows (queued, running, done or failed, with
 * its outcome) and one queued job (Action Scheduler, else WP-Cron).
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Queues the page's actions and runs them. A page request only writes the record and queues the
 * job: it never waits on RunCloud. The job writes its outcome into the record, which the page
 * polls (admin-ajax) and shows on reload.
 *
 * Records: 'id', 'kind' (KIND_*), 'domain' (retry), 'status' (STATUS_*), 'queued_at',
 * 'started_at', 'finished_at', 'result' (one sentence), 'lines' (what the run said, the last
 * MAX_LINES), 'by' (user id), 'attempt'. The newest MAX_RECORDS are kept.
 */
class RunCloud_Admin_Jobs {

	/**
	 * The hook of every page action; its only argument: ['id' => record id].
	 */
	const HOOK = 'wu_runcloud_admin_job';

	/**
	 * Kinds of actions.
	 */
	const KIND_SYNC    = 'sync';    // Add what is missing (and adopt what is unknown); certificates follow.
	const KIND_ORPHANS = 'orphans'; // The same, and remove the domains no mapping uses any more.
	const KIND_RETRY   = 'retry';   // One domain: sent again where it failed, its certificate tried now.
	const KIND_DRIFT   = 'drift';   // Read each app's domain list: what is missing, what is orphaned.

	/**
	 * Statuses.
	 */
	const STATUS_QUEUED  = 'queued';
	const STATUS_RUNNING = 'running';
	const STATUS_DONE    = 'done';
	const STATUS_FAILED  = 'failed';

	/**
	 * Records kept, and output lines kept per record.
	 */
	const MAX_RECORDS = 20;
	const MAX_LINES   = 40;

	/**
	 * Times a job is queued again after its worker stopped (killed, timed out).
	 */
	const MAX_ATTEMPTS = 3;

	/**
	 * Names listed per app in a drift summary (the counts are complete).
	 */
	const MAX_NAMES = 100;

	/**
	 * The remembered state.
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The job queue.
	 *
	 * @var RunCloud_Queue
	 */
	private $queue;

	/**
	 * Drift repair.
	 *
	 * @var RunCloud_Repair
	 */
	private $repair;

	/**
	 * The drift report.
	 *
	 * @var RunCloud_Drift
	 */
	private $drift;

	/**
	 * The domain events (Retry sends a domain again through them).
	 *
	 * @var RunCloud_Domain_Sync
	 */
	private $sync;

	/**
	 * The SSL lifecycle (Retry makes a name due now).
	 *
	 * @var RunCloud_Ssl_Lifecycle
	 */
	private $lifecycle;

	/**
	 * The certificate job.
	 *
	 * @var RunCloud_Certificate_Job
	 */
	private $certificate_job;

	/**
	 * The app's domain list.
	 *
	 * @var RunCloud_Certificate_Inventory
	 */
	private $inventory;

	/**
	 * The configuration (targets).
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * The notices (failure records).
	 *
	 * @var RunCloud_Admin_Notices
	 */
	private $notices;

	/**
	 * The failure policy (describes exceptions).
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

	/**
	 * The clock.
	 *
	 * @var RunCloud_Clock
	 */
	private $clock;

	/**
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_State                 $state           The remembered state.
	 * @param RunCloud_Queue                 $queue           The job queue.
	 * @param RunCloud_Repair                $repair          Drift repair.
	 * @param RunCloud_Drift                 $drift           The drift report.
	 * @param RunCloud_Domain_Sync           $sync            The domain events.
	 * @param RunCloud_Ssl_Lifecycle         $lifecycle       The lifecycle.
	 * @param RunCloud_Certificate_Job       $certificate_job The certificate job.
	 * @param RunCloud_Certificate_Inventory $inventory       The app's domain list.
	 * @param RunCloud_Config                $config          The configuration.
	 * @param RunCloud_Admin_Notices         $notices         The notices.
	 * @param RunCloud_Failure_Policy        $policy          The failure policy.
	 * @param RunCloud_Clock                 $clock           The clock.
	 * @param RunCloud_Logger                $logger          The logger.
	 */
	public function __construct(RunCloud_State $state, RunCloud_Queue $queue, RunCloud_Repair $repair, RunCloud_Drift $drift, RunCloud_Domain_Sync $sync, RunCloud_Ssl_Lifecycle $lifecycle, RunCloud_Certificate_Job $certificate_job, RunCloud_Certificate_Inventory $inventory, RunCloud_Config $config, RunCloud_Admin_Notices $notices, RunCloud_Failure_Policy $policy, RunCloud_Clock $clock, RunCloud_Logger $logger) {

		$this->state           = $state;
		$this->queue           = $queue;
		$this->repair          = $repair;
		$this->drift           = $drift;
		$this->sync            = $sync;
		$this->lifecycle       = $lifecycle;
		$this->certificate_job = $certificate_job;
		$this->inventory       = $inventory;
		$this->config          = $config;
		$this->notices         = $notices;
		$this->policy          = $policy;
		$this->clock           = $clock;
		$this->logger          = $logger;
	}

	/**
	 * Queues an action: a record (queued) and its job. The same action already queued or running
	 * is not queued twice: its record is returned.
	 *
	 * @param string $kind    One of KIND_*.
	 * @param string $domain  The domain (KIND_RETRY).
	 * @param int    $user_id Who asked.
	 * @return array The record.
	 */
	public function queue(string $kind, string $domain = '', int $user_id = 0): array {

		$domain = RunCloud_Config::normalize($domain);

		foreach (array_reverse($this->all()) as $record) {
			if ($record['kind'] === $kind && $record['domain'] === $domain && in_array($record['status'], [self::STATUS_QUEUED, self::STATUS_RUNNING], true)) {
				return $record;
			}
		}

		$record = [
			'id'          => substr(md5(uniqid((string) wp_rand(), true)), 0, 12),
			'kind'        => $kind,
			'domain'      => $domain,
			'status'      => self::STATUS_QUEUED,
			'queued_at'   => $this->clock->now(),
			'started_at'  => null,
			'finished_at' => null,
			'result'      => '',
			'lines'       => [],
			'by'          => $user_id,
			'attempt'     => 1,
		];

		$this->state->update_admin_jobs(
			static function (array $jobs) use ($record): array {
				$jobs[] = $record;

				return array_slice($jobs, -self::MAX_RECORDS);
			}
		);

		$this->queue->enqueue(self::HOOK, ['id' => $record['id']]);

		return $record;
	}

	/**
	 * Every record, oldest first, complete.
	 *
	 * @return array
	 */
	public function all(): array {

		return array_map([self::class, 'complete'], array_filter($this->state->admin_jobs(), 'is_array'));
	}

	/**
	 * One record, or null.
	 *
	 * @param string $id The record id.
	 * @return array|null
	 */
	public function find(string $id): ?array {

		foreach ($this->all() as $record) {
			if ($record['id'] === $id) {
				return $record;
			}
		}

		return null;
	}

	/**
	 * The queued job (hook HOOK): runs the action and writes its outcome into its record.
	 *
	 * @param mixed $job ['id' => record id].
	 * @return void
	 */
	public function handle($job): void {

		$id     = is_array($job) ? (string) ($job['id'] ?? '') : '';
		$record = '' === $id ? null : $this->find($id);

		if (null === $record) {
			$this->logger->warning('Ignoring a RunCloud page action: its record is gone.');

			return;
		}

		$this->update($id, ['status' => self::STATUS_RUNNING, 'started_at' => $this->clock->now()]);

		$lines = [];
		$out   = static function (string $level, string $message) use (&$lines): void {
			$lines[] = ('warning' === $level ? 'Warning: ' : '') . $message;
		};

		try {
			$result = $this->run($record, $out);
			$status = self::STATUS_DONE;
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				$this->update($id, ['status' => self::STATUS_FAILED, 'finished_at' => $this->clock->now(), 'result' => 'The action stopped on an unexpected error.', 'lines' => array_slice($lines, -self::MAX_LINES)]);

				throw $e;
			}

			$result = sprintf('Nothing more was done: %s.', rtrim($this->policy->describe($e), '. '));
			$status = self::STATUS_FAILED;
		}

		$this->update(
			$id,
			[
				'status'      => $status,
				'finished_at' => $this->clock->now(),
				'result'      => $result,
				'lines'       => array_slice($lines, -self::MAX_LINES),
			]
		);
	}

	/**
	 * The worker running the job stopped before it ended (RunCloud_Recovery): queued again, at
	 * most MAX_ATTEMPTS times in all (every action is idempotent).
	 *
	 * @param mixed $job ['id' => record id].
	 * @return bool Whether it was queued again.
	 */
	public function interrupted($job): bool {

		$id     = is_array($job) ? (string) ($job['id'] ?? '') : '';
		$record = '' === $id ? null : $this->find($id);

		if (null === $record || ! in_array($record['status'], [self::STATUS_QUEUED, self::STATUS_RUNNING], true)) {
			return false;
		}

		if ($record['attempt'] >= self::MAX_ATTEMPTS) {
			$this->update($id, ['status' => self::STATUS_FAILED, 'finished_at' => $this->clock->now(), 'result' => sprintf('The background worker running it stopped %d times (killed or timed out); nothing more was tried.', $record['attempt'])]);

			return false;
		}

		$this->update($id, ['status' => self::STATUS_QUEUED, 'attempt' => $record['attempt'] + 1, 'result' => 'The background worker running it stopped before it ended; queued again.']);
		$this->queue->enqueue(self::HOOK, ['id' => $id]);

		return true;
	}

	/**
	 * Runs one action.
	 *
	 * @param array    $record The record.
	 * @param callable $out    fn(level, message).
	 * @return string The outcome, in one sentence.
	 */
	private function run(array $record, callable $out): string {

		switch ($record['kind']) {
			case self::KIND_SYNC:
			case self::KIND_ORPHANS:
				return $this->run_sync(self::KIND_ORPHANS === $record['kind'], $out);

			case self::KIND_RETRY:
				return $this->run_retry((string) $record['domain'], $out);

			case self::KIND_DRIFT:
				return $this->run_drift($out);
		}

		return 'Unknown action: nothing was done.';
	}

	/**
	 * Sync now (and remove orphans when asked).
	 *
	 * @param bool     $remove_orphans Also remove orphans.
	 * @param callable $out            The output.
	 * @return string
	 */
	private function run_sync(bool $remove_orphans, callable $out): string {

		$result    = $this->repair->run($remove_orphans, false, $out);
		$summaries = [];

		foreach ($result['targets'] as $key => $target) {
			$summaries[ $key ] = $this->summary($target['missing'], $target['parked'], $target['orphans'], $target['protected'], $target['present']);
		}

		$this->state->remember_drift($summaries);

		if ( ! $result['failures']) {
			$this->notices->clear_errors();
		}

		$parts = [sprintf('%d change(s) applied', $result['done'])];

		if ($result['adopted']) {
			$parts[] = sprintf('%d domain(s) adopted', $result['adopted']);
		}

		if ($result['failures']) {
			$parts[] = sprintf('%d failed', $result['failures']);
		}

		if ($result['covered']) {
			$parts[] = sprintf('%d domain(s) newly covered by SSL certificates', $result['covered']);
		}

		if ($result['waiting']) {
			$parts[] = sprintf('%d domain(s) still wait for a certificate, retried on schedule', $result['waiting']);
		}

		return ucfirst(implode('; ', $parts)) . '.';
	}

	/**
	 * Retry one domain: sent again where it is missing or its change failed (when the network
	 * still maps it, or removed when a removal failed), its certificate made due now, and each
	 * app's certificate job run at once.
	 *
	 * @param string   $domain The domain.
	 * @param callable $out    The output.
	 * @return string
	 */
	private function run_retry(string $domain, callable $out): string {

		$entry   = $this->state->entry($domain);
		$records = array_values(
			array_filter(
				$this->notices->get_errors(RunCloud_Admin_Notices::KIND_PERMANENT),
				static function ($record) use ($domain) {
					return $record['domain'] === $domain;
				}
			)
		);
		$failed  = end($records);
		$op      = is_array($failed) && null !== $failed['op'] ? (string) $failed['op'] : (string) ($entry['op'] ?? 'add_domain');
		$site    = is_array($failed) && null !== $failed['site'] ? (int) $failed['site'] : (int) ($entry['site'] ?? 0);
		$op      = in_array($op, RunCloud_Domain_Operations::OPERATIONS, true) ? $op : 'add_domain';
		$removal = in_array($op, ['remove_domain', 'remove_subdomain'], true);

		// Sent again when its change failed (the record says what it was; a mapping deleted since
		// would have resolved it), or when the network maps it and the plugin does not know it.
		// A name the SSL lifecycle knows (pending, parked for DNS, failed) is not sent again: its
		// wake below adds a parked one back when Let's Encrypt's hourly limit allows.
		if ($removal || is_array($failed) || (null === $entry && $this->drift->is_expected($domain))) {
			$out('log', sprintf('%s %s on every web app', $removal ? 'Removing' : 'Sending', $domain));
			call_user_func([$this->sync, $op], $domain, $site);
		} elseif (null === $entry) {
			return sprintf('%s is neither mapped nor known on RunCloud: nothing to retry.', $domain);
		}

		if ( ! $removal) {
			// The name is made due now (within Let's Encrypt's hourly limit); the job then runs as
			// it would at its time: the name asked for, not every parked one.
			$this->lifecycle->retry_now($domain, $site);

			foreach ($this->config->targets() as $target) {
				$summary = $this->certificate_job->run($target, false);

				if ('nothing to do' !== $summary['result']) {
					$out('log', sprintf('%s: SSL: %s.', RunCloud_Config::key($target), $summary['result']));
				}
			}
		}

		return $this->domain_outcome($domain, $removal);
	}

	/**
	 * Where a domain stands after a retry, in one sentence.
	 *
	 * @param string $domain  The domain.
	 * @param bool   $removal Whether it was a removal.
	 * @return string
	 */
	private function domain_outcome(string $domain, bool $removal): string {

		$failures = array_filter(
			$this->notices->get_errors(RunCloud_Admin_Notices::KIND_PERMANENT),
			static function ($record) use ($domain) {
				return $record['domain'] === $domain;
			}
		);

		if ($failures) {
			return sprintf('%s: the change failed again (see its row).', $domain);
		}

		$entry = $this->state->entry($domain);

		if ($removal || null === $entry) {
			return sprintf('%s: %s.', $domain, $removal ? 'removed' : 'nothing known about it on RunCloud');
		}

		$states = [];

		foreach ((array) $entry['t'] as $key => $t) {
			$t        = RunCloud_State::complete($t);
			$states[] = sprintf('%s on %s', $t['cert'], $key);
		}

		return sprintf('%s: %s.', $domain, implode(', ', $states));
	}

	/**
	 * Check drift: each app's domain list against the network (one listing per app).
	 *
	 * @param callable $out The output.
	 * @return string
	 */
	private function run_drift(callable $out): string {

		$summaries = [];
		$parts     = [];

		foreach ($this->drift->drift_report() as $row) {
			$this->inventory->refresh($row['target'], $row['records']);

			$parked  = array_keys($this->repair->parked($row));
			$missing = array_values(array_diff(array_map('strval', array_keys($row['missing'])), $parked));

			$summaries[ $row['key'] ] = $this->summary($missing, $parked, array_map('strval', array_keys($row['orphans'])), count($row['protected']), (int) $row['present']);
			$parts[]                  = sprintf('%s: %d missing, %d orphan(s)', $row['key'], count($missing), count($row['orphans']));

			$out('log', end($parts));
		}

		$this->state->remember_drift($summaries);

		return implode('; ', $parts) . '.';
	}

	/**
	 * A drift summary of one app.
	 *
	 * @param array $missing   Missing names (parked ones excluded).
	 * @param array $parked    Parked names.
	 * @param array $orphans   Orphan names.
	 * @param int   $protected Protected count.
	 * @param int   $present   Domains on the app.
	 * @return array
	 */
	private function summary(array $missing, array $parked, array $orphans, int $protected, int $present): array {

		return [
			'at'        => $this->clock->now(),
			'missing'   => array_slice($missing, 0, self::MAX_NAMES),
			'missing_n' => count($missing),
			'parked_n'  => count($parked),
			'orphans'   => array_slice($orphans, 0, self::MAX_NAMES),
			'orphans_n' => count($orphans),
			'protected' => $protected,
			'present'   => $present,
		];
	}

	/**
	 * Changes one record.
	 *
	 * @param string $id     The record id.
	 * @param array  $fields Fields to set.
	 * @return void
	 */
	private function update(string $id, array $fields): void {

		$this->state->update_admin_jobs(
			static function (array $jobs) use ($id, $fields): array {
				foreach ($jobs as $i => $job) {
					if (is_array($job) && ($job['id'] ?? null) === $id) {
						$jobs[ $i ] = array_merge($job, $fields);
					}
				}

				return $jobs;
			}
		);
	}

	/**
	 * A record with every field.
	 *
	 * @param array $record A stored record.
	 * @return array
	 */
	private static function complete(array $record): array {

		return array_merge(
			[
				'id'          => '',
				'kind'        => '',
				'domain'      => '',
				'status'      => self::STATUS_QUEUED,
				'queued_at'   => 0,
				'started_at'  => null,
				'finished_at' => null,
				'result'      => '',
				'lines'       => [],
				'by'          => 0,
				'attempt'     => 1,
			],
			$record
		);
	}
}
