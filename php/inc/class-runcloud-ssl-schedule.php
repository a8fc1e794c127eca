<?php
/**
 * When a name's certificate is tried: the coalescing window, the retry schedule, the names a
 * try did not cover, and the one certificate job per web app.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * The timing of the SSL lifecycle. Every name waiting for a certificate has its next try
 * (`next_at`); the certificate job of a web app (Action Scheduler hook JOB_HOOK, one pending run
 * per app, compared by its exact argument) runs when the earliest of its names is due, not
 * before the hold a blocking name puts on it.
 */
class RunCloud_Ssl_Schedule {

	/**
	 * Action Scheduler hook of the certificate job; its only argument is the target.
	 */
	const JOB_HOOK = 'wu_runcloud_certificate';

	/**
	 * Seconds between the first add and the certificate job (filter wu_runcloud_ssl_coalesce_window).
	 */
	const COALESCE_WINDOW = 60;

	/**
	 * Delays before each retry of a certificate step that did not cover a name (filter
	 * wu_runcloud_ssl_retry_delays): 5 min doubling to 24 h, 11 retries over 3.8 days.
	 *
	 * - Outlasts Ultimate Multisite's own checks (5 x at most 300 s): the first retries come at
	 *   5, 15 and 35 minutes.
	 * - Covers DNS propagation of up to 48 h and more (the 10th retry is 66 h after the first try).
	 * - Stays within Let's Encrypt's failed-validation limit (5 per host name per hour [doc]): a
	 *   name that does not validate fails at most 4 times in its first hour (0, 5, 15, 35 min).
	 */
	const RETRY_DELAYS = [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 76800, 86400, 86400];

	/**
	 * No try of a name (scheduled or extra) is made while this many of its tries already failed
	 * within the last hour: at most 4 per rolling hour, under Let's Encrypt's failed-validation
	 * limit of 5 per host name per hour [doc]. The default schedule never reaches it (0, 5, 15,
	 * 35, 75 min); it binds extra tries (UM's DNS hook, the page's Retry, a blocking name's hold
	 * lifted), which come on top of the schedule and do not count against it, and schedules
	 * shortened by the filter. A flapping DNS check or a Retry pressed again and again can
	 * neither burn the schedule nor that limit.
	 */
	const TRIES_PER_HOUR = 4;

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
	 * The failure policy (reports a name failed after its last try).
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_State          $state  The remembered state.
	 * @param RunCloud_Queue          $queue  The job queue.
	 * @param RunCloud_Clock          $clock  The clock.
	 * @param RunCloud_Logger         $logger The logger.
	 * @param RunCloud_Failure_Policy $policy The failure policy.
	 */
	public function __construct(RunCloud_State $state, RunCloud_Queue $queue, RunCloud_Clock $clock, RunCloud_Logger $logger, RunCloud_Failure_Policy $policy) {

		$this->state  = $state;
		$this->queue  = $queue;
		$this->clock  = $clock;
		$this->logger = $logger;
		$this->policy = $policy;
	}

	/**
	 * Whether Action Scheduler is there to run certificate jobs (else every add takes its own SSL step).
	 *
	 * @return bool
	 */
	public function available(): bool {

		return $this->queue->available();
	}

	/**
	 * Seconds from an add to its certificate job.
	 *
	 * @return int
	 */
	public function window(): int {

		/**
		 * Filters how long after a mapping its web app's certificate job runs (seconds): mappings
		 * made meanwhile share one certificate redeploy.
		 *
		 * @param int $seconds Default 60.
		 */
		return max(0, (int) apply_filters('wu_runcloud_ssl_coalesce_window', self::COALESCE_WINDOW));
	}

	/**
	 * The retry schedule: delays (seconds) before each retry.
	 *
	 * @return int[]
	 */
	public static function retry_delays(): array {

		/**
		 * Filters the delays (seconds) before each retry of a certificate step that did not cover
		 * a name; after the last, the name is failed. Keep the first ones at 5 minutes or more:
		 * Let's Encrypt refuses a host name after 5 failed validations in an hour.
		 *
		 * @param int[] $delays Default: 300, 600, 1200 ... doubling to 86400 (11 retries, 3.8 days).
		 */
		$delays = array_values(array_filter(array_map('intval', (array) apply_filters('wu_runcloud_ssl_retry_delays', self::RETRY_DELAYS)), static function ($delay) {
			return $delay > 0;
		}));

		return $delays ? $delays : self::RETRY_DELAYS;
	}

	/**
	 * Delay before the retry that follows failed try number $failures (1 = the first try
	 * failed), or null after the last try.
	 *
	 * @param int $failures Tries that did not cover the name so far.
	 * @return int|null
	 */
	public static function retry_delay(int $failures): ?int {

		$delays = self::retry_delays();

		return $delays[ $failures - 1 ] ?? null;
	}

	/**
	 * How many tries a name gets in all (the first and every retry).
	 *
	 * @return int
	 */
	public static function max_tries(): int {

		return count(self::retry_delays()) + 1;
	}

	/**
	 * Why a name's tries did not cover it, from the last reason: 'dns' (it did not validate),
	 * 'room' (no room on the certificate), 'add' (adding it to the app failed), or 'other'
	 * (RunCloud or the network kept failing). Told apart for the operator's next step.
	 *
	 * @param string $reason The last reason kept.
	 * @return string
	 */
	public static function failure_cause(string $reason): string {

		if (false !== stripos($reason, 'no room on the certificate') || RunCloud_Certificate_Names::says_too_many_names($reason) || false !== stripos($reason, 'names, over Let')) {
			return 'room';
		}

		if (0 === stripos($reason, 'adding it back failed')) {
			return 'add';
		}

		if (0 === stripos($reason, 'DNS not ready') || 1 === preg_match(RunCloud_Certificate_Names::VALIDATION_WORDS, $reason)) {
			return 'dns';
		}

		return 'other';
	}

	/**
	 * The earliest a try of a name may come (see TRIES_PER_HOUR).
	 *
	 * @param array $tries_at When its last tries failed, oldest first.
	 * @param int   $wanted   When the extra try is wanted.
	 * @return int
	 */
	public static function earliest_try(array $tries_at, int $wanted): int {

		$recent = array_slice(array_map('intval', $tries_at), -self::TRIES_PER_HOUR);

		return count($recent) < self::TRIES_PER_HOUR ? $wanted : max($wanted, $recent[0] + 3600);
	}

	/**
	 * Brings a waiting target entry's next try forward to $wanted, as an extra try: not before
	 * earliest_try(); the schedule's own next try is kept in 'scheduled_at', to return to
	 * when the extra one fails.
	 *
	 * @param array $t      A completed target entry (pending or parked).
	 * @param int   $wanted When the extra try is wanted.
	 * @return array The entry.
	 */
	public static function bring_forward(array $t, int $wanted): array {

		$at = self::earliest_try((array) $t['tries_at'], $wanted);

		if (null !== $t['next_at'] && (int) $t['next_at'] <= $at) {
			return $t;
		}

		if (null !== $t['next_at'] && null === $t['scheduled_at'] && (int) $t['attempt'] > 0) {
			$t['scheduled_at'] = (int) $t['next_at'];
		}

		$t['next_at'] = $at;

		return $t;
	}

	/**
	 * A certificate try that did not cover these names (pending or parked). A scheduled try
	 * counts one more failed try and gets the next one on the retry schedule, or, after the
	 * last, is failed: logged to the integration log and the domain's log, and recorded for the
	 * notice. An extra try (brought forward before its scheduled one) counts nothing: the
	 * schedule continues where it was.
	 *
	 * @param array  $target   The target.
	 * @param array  $names    Host names.
	 * @param string $reason   Why (no secret: described by the failure policy or RunCloud's words).
	 * @param bool   $schedule Whether to schedule the next try now (the job does it at its end).
	 * @return void
	 */
	public function not_covered(array $target, array $names, string $reason, bool $schedule = true): void {

		if ( ! $names) {
			return;
		}

		$now    = $this->clock->now();
		$key    = RunCloud_Config::key($target);
		$reason = $this->logger->redact($reason);
		$failed = [];
		$next   = [];
		$tries  = self::max_tries();

		$this->state->update_entries(
			$names,
			static function (string $name, ?array $entry) use ($key, $now, $reason, &$failed, &$next): ?array {
				if (null === $entry || ! isset($entry['t'][ $key ])) {
					return $entry;
				}

				$t = RunCloud_State::complete($entry['t'][ $key ]);

				$scheduled         = null === $t['scheduled_at'] ? null : (int) $t['scheduled_at'];
				$t['reason']       = $reason;
				$t['tries_at']     = array_slice(array_merge(array_map('intval', (array) $t['tries_at']), [$now]), -self::TRIES_PER_HOUR);
				$t['scheduled_at'] = null;

				if (null !== $scheduled && $scheduled > $now) {
					// An extra try: back to the schedule, which it does not count against.
					$t['next_at']  = self::earliest_try($t['tries_at'], $scheduled);
					$next[ $name ] = [(int) $t['attempt'], $t['next_at'] - $now, true];
					$entry['t'][ $key ] = $t;

					return $entry;
				}

				++$t['attempt'];
				$delay = self::retry_delay((int) $t['attempt']);

				if (null === $delay) {
					$t['cert']    = RunCloud_State::CERT_FAILED;
					$t['since']   = $now;
					$t['next_at'] = null;
					$failed[]     = $name;
				} else {
					$t['next_at']  = self::earliest_try($t['tries_at'], $now + $delay);
					$next[ $name ] = [(int) $t['attempt'], $t['next_at'] - $now, false];
				}

				$entry['t'][ $key ] = $t;

				return $entry;
			}
		);

		foreach ($next as $name => [$attempt, $delay, $extra]) {
			if ($extra) {
				$this->logger->domain($name, sprintf('SSL certificate on %s does not cover %s yet: %s. An extra try failed (not counted: %d of %d scheduled tries failed so far); next try in %s, as scheduled.', $key, $name, rtrim($reason, '. '), $attempt, $tries, self::human_delay($delay)), 'warning');

				continue;
			}

			$this->logger->domain($name, sprintf('SSL certificate on %s does not cover %s yet: %s. Try %d of %d failed; next try in %s.', $key, $name, rtrim($reason, '. '), $attempt, $tries, self::human_delay($delay)), 'warning');
		}

		$cause = self::failure_cause($reason);
		$what  = [
			'dns'   => 'Check that %1$s (and www.%1$s when www is on) points at the server, then run `wp runcloud sync` (or map it again).',
			'room'  => 'Switch the web app to advanced (per-domain) SSL in RunCloud, or remove unused domains, then run `wp runcloud sync`.',
			'add'   => 'Check the reason (the server and web app ids, the credentials), then run `wp runcloud sync`.',
			'other' => 'Check the reason, then run `wp runcloud sync` (or map %1$s again).',
		];

		foreach ($failed as $name) {
			$this->policy->report(
				RunCloud_Admin_Notices::KIND_SSL_FAILED,
				sprintf('SSL certificate on %s: %s got no certificate after %d tries over %s. Last reason: %s.', $key, $name, $tries, self::human_delay((int) array_sum(self::retry_delays())), rtrim($reason, '. ')),
				sprintf($what[ $cause ], $name),
				$key,
				$name,
				$reason,
				'error',
				null,
				$cause
			);
		}

		if ($schedule) {
			$this->reschedule($target);
		}
	}

	/**
	 * Names that wait behind a name blocking the app's certificate (covered before, or not the
	 * plugin's): the refused order does not count against their schedule (their own DNS is not
	 * in question), so they never fail for it; they are tried again when the hold ends (and
	 * then only within their hourly limit: the order still counts there).
	 *
	 * @param array  $target The target.
	 * @param array  $names  Host names.
	 * @param string $reason Why they wait ("waiting: x blocks the certificate...").
	 * @param int    $until  When the hold ends.
	 * @return void
	 */
	public function wait_behind(array $target, array $names, string $reason, int $until): void {

		if ( ! $names) {
			return;
		}

		$key    = RunCloud_Config::key($target);
		$now    = $this->clock->now();
		$reason = $this->logger->redact($reason);

		$this->state->update_entries(
			$names,
			static function (string $name, ?array $entry) use ($key, $now, $reason, $until): ?array {
				if (null === $entry || ! isset($entry['t'][ $key ])) {
					return $entry;
				}

				$t                 = RunCloud_State::complete($entry['t'][ $key ]);
				$t['reason']       = $reason;
				$t['tries_at']     = array_slice(array_merge(array_map('intval', (array) $t['tries_at']), [$now]), -self::TRIES_PER_HOUR);
				$t['scheduled_at'] = null;
				$t['next_at']      = self::earliest_try($t['tries_at'], max($until, $now));

				$entry['t'][ $key ] = $t;

				return $entry;
			}
		);
	}

	/**
	 * Names that were on a refused order without being its try (another name was blamed, or
	 * their own try is later): the order counts for Let's Encrypt's hourly limit of each (its
	 * validation may have failed too, unnamed), not against their schedule.
	 *
	 * @param array $target The target.
	 * @param array $names  Host names.
	 * @return void
	 */
	public function on_failed_order(array $target, array $names): void {

		if ( ! $names) {
			return;
		}

		$key = RunCloud_Config::key($target);
		$now = $this->clock->now();

		$this->state->update_entries(
			$names,
			static function (string $name, ?array $entry) use ($key, $now): ?array {
				if (null === $entry || ! isset($entry['t'][ $key ])) {
					return $entry;
				}

				$t             = RunCloud_State::complete($entry['t'][ $key ]);
				$t['tries_at'] = array_slice(array_merge(array_map('intval', (array) $t['tries_at']), [$now]), -self::TRIES_PER_HOUR);

				$entry['t'][ $key ] = $t;

				return $entry;
			}
		);
	}

	/**
	 * Makes every pending or parked name of $target due at $at (a blocking name was removed, the
	 * operator asked for a sync).
	 *
	 * @param array $target The target.
	 * @param int   $at     When.
	 * @return void
	 */
	public function make_due(array $target, int $at): void {

		$key = RunCloud_Config::key($target);

		$this->state->update_entries(
			array_keys($this->state->entries_on($target)),
			static function (string $name, ?array $entry) use ($key, $at): ?array {
				if (null === $entry || ! isset($entry['t'][ $key ])) {
					return $entry;
				}

				$t = RunCloud_State::complete($entry['t'][ $key ]);

				if (in_array($t['cert'], [RunCloud_State::CERT_PENDING, RunCloud_State::CERT_PARKED], true) && (null === $t['next_at'] || $t['next_at'] > $at)) {
					$entry['t'][ $key ] = self::bring_forward($t, $at);
				}

				return $entry;
			}
		);
	}

	/**
	 * When the certificate job of $target next has work: the earliest next try of a pending name
	 * (not before the hold a blocking name puts on the job) or of a parked one. Null: none.
	 *
	 * @param array $target The target.
	 * @return int|null
	 */
	public function next_due(array $target): ?int {

		$key  = RunCloud_Config::key($target);
		$hold = $this->state->target($target)['hold'];
		$at   = null;

		foreach ($this->state->entries_on($target) as $entry) {
			$t = RunCloud_State::complete($entry['t'][ $key ]);

			if (null === $t['next_at']) {
				continue;
			}

			if (RunCloud_State::CERT_PENDING === $t['cert'] && $t['present']) {
				$when = max((int) $t['next_at'], is_array($hold) ? (int) ($hold['next_at'] ?? 0) : 0);
			} elseif (RunCloud_State::CERT_PARKED === $t['cert'] && ! $t['present']) {
				$when = (int) $t['next_at'];
			} else {
				continue;
			}

			// Not before Let's Encrypt's hourly limit of the name allows.
			$when = self::earliest_try((array) $t['tries_at'], $when);

			$at = null === $at ? $when : min($at, $when);
		}

		return $at;
	}

	/**
	 * Makes sure the certificate job of $target runs by $at (not before a hold a blocking name
	 * puts on it): after an add, without reading every name (a burst makes many adds).
	 *
	 * @param array $target The target.
	 * @param int   $at     When the name just added is due.
	 * @return int|null When the job runs, or null without a queue.
	 */
	public function due_by(array $target, int $at): ?int {

		if ( ! $this->queue->available()) {
			return null;
		}

		$hold = $this->state->target($target)['hold'];
		$at   = max($at, is_array($hold) ? (int) ($hold['next_at'] ?? 0) : 0, $this->clock->now());

		return $this->queue->ensure(self::JOB_HOOK, RunCloud_Config::target($target), $at);
	}

	/**
	 * Makes sure the certificate job of $target runs when it next has work.
	 *
	 * @param array $target The target.
	 * @return int|null When it runs, or null when there is nothing to do (or no queue).
	 */
	public function reschedule(array $target): ?int {

		if ( ! $this->queue->available()) {
			return null;
		}

		$at  = $this->next_due($target);
		$job = RunCloud_Config::target($target);

		if (null === $at) {
			// Nothing waits: a run queued earlier would find nothing to do.
			$this->queue->cancel(self::JOB_HOOK, $job);

			return null;
		}

		return $this->queue->reschedule(self::JOB_HOOK, $job, max($at, $this->clock->now()));
	}

	/**
	 * "5 min", "2.7 h", "3.8 days".
	 *
	 * @param int $seconds Seconds.
	 * @return string
	 */
	public static function human_delay(int $seconds): string {

		if ($seconds < 3600) {
			return sprintf('%d min', (int) round($seconds / 60));
		}

		if ($seconds < 172800) {
			return rtrim(rtrim(number_format($seconds / 3600, 1, '.', ''), '0'), '.') . ' h';
		}

		return rtrim(rtrim(number_format($seconds / 86400, 1, '.', ''), '0'), '.') . ' days';
	}
}
