<?php
/**
 * What a failed operation leads to: a retry later, a record for the administrator, or a rethrow.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Classifies the extension's exceptions and applies the failure policy.
 *
 * - transient (HTTP 429/5xx, network): rescheduled through the job queue (Action Scheduler, else
 *   WP-Cron; hook RETRY_HOOK, one target per job) with a capped number of attempts and a
 *   growing delay; without any job engine, rethrown so the event's own action is marked failed;
 * - permanent (401/403/404/422, configuration, invalid input): logged as an error and recorded
 *   for the admin notice, never retried.
 */
class RunCloud_Failure_Policy {

	/**
	 * Action Scheduler hook of a retry; its only argument is the job array.
	 */
	const RETRY_HOOK = 'wu_runcloud_retry';

	/**
	 * Action Scheduler group (the one Ultimate Multisite uses for domain events).
	 */
	const RETRY_GROUP = RunCloud_Queue::GROUP;

	/**
	 * Attempts in all, the first included (filter wu_runcloud_retry_max_attempts).
	 */
	const MAX_ATTEMPTS = 5;

	/**
	 * Delay before the second attempt, doubled for each further one (filter wu_runcloud_retry_delay).
	 */
	const BASE_DELAY = 60;

	/**
	 * Longest delay between two attempts.
	 */
	const MAX_DELAY = 3600;

	/**
	 * handle(): the failure is dealt with (retry scheduled, or recorded); go on with the next target.
	 */
	const HANDLED = 'handled';

	/**
	 * handle(): the input is invalid for every target; recorded once, send nothing more.
	 */
	const STOP = 'stop';

	/**
	 * handle(): nothing can retry it later; the caller rethrows it once every target was tried.
	 */
	const RETHROW = 'rethrow';

	/**
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * The admin notices (failure records).
	 *
	 * @var RunCloud_Admin_Notices
	 */
	private $notices;

	/**
	 * The job queue (retries).
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
	 * Constructor.
	 *
	 * @param RunCloud_Logger        $logger  The logger.
	 * @param RunCloud_Admin_Notices $notices The notices.
	 * @param RunCloud_Queue|null    $queue   The job queue (default: Action Scheduler on the system clock).
	 * @param RunCloud_Clock|null    $clock   The clock.
	 */
	public function __construct(RunCloud_Logger $logger, RunCloud_Admin_Notices $notices, ?RunCloud_Queue $queue = null, ?RunCloud_Clock $clock = null) {

		$this->logger  = $logger;
		$this->notices = $notices;
		$this->clock   = $clock ?? new RunCloud_Clock();
		$this->queue   = $queue ?? new RunCloud_Queue($this->clock);
	}

	/**
	 * Logs a failed operation on one target and decides what follows.
	 *
	 * @param string     $op      The operation.
	 * @param string     $domain  The host name.
	 * @param int        $site_id The site.
	 * @param array      $target  The target.
	 * @param int        $attempt This attempt's number, 1 for the event itself.
	 * @param \Throwable $e       What the operation threw.
	 * @return string HANDLED, STOP or RETHROW.
	 * @throws \Throwable $e itself when it is not one of the extension's exceptions (a bug, not a failure).
	 */
	public function handle(string $op, string $domain, int $site_id, array $target, int $attempt, \Throwable $e): string {

		if ( ! self::is_native_exception($e)) {
			throw $e;
		}

		// Invalid input is invalid for every target: one record, nothing sent anywhere.
		if (self::is_native_class($e, 'ValidationException')) {
			$this->permanent_failure(
				sprintf('%s %s failed: %s. Nothing was sent (invalid input).', $op, $domain, $this->describe($e)),
				self::details($op, $domain, $site_id, null, $e) + ['cause' => RunCloud_Failure_Records::CAUSE_INVALID]
			);

			return self::STOP;
		}

		return $this->retry_or_record($op, $domain, $site_id, $target, $attempt, $e) ? self::HANDLED : self::RETHROW;
	}

	/**
	 * Retries a transient failure later, records a permanent one.
	 *
	 * @param string     $op      The operation.
	 * @param string     $domain  The host name.
	 * @param int        $site_id The site.
	 * @param array      $target  The target.
	 * @param int        $attempt This attempt's number.
	 * @param \Throwable $e       The native exception.
	 * @return bool False when the caller must rethrow.
	 */
	private function retry_or_record(string $op, string $domain, int $site_id, array $target, int $attempt, \Throwable $e): bool {

		$what    = sprintf('%s %s on %s', $op, $domain, RunCloud_Config::key($target));
		$why     = $this->describe($e);
		$details = self::details($op, $domain, $site_id, $target, $e) + ['reason' => $why];

		if ( ! self::is_transient($e)) {
			$this->permanent_failure(sprintf('%s failed: %s. Not retried (permanent).', $what, $why), $details + ['cause' => RunCloud_Failure_Records::CAUSE_RUNCLOUD, 'action' => 'Fix the cause (credentials, server or web app id, RunCloud\'s answer), then press Retry on the RunCloud page (or run wp runcloud sync).']);

			return true;
		}

		if ( ! $this->queue->available()) {
			$this->logger->error(sprintf('%s failed: %s. No job engine (Action Scheduler or WP-Cron) to retry it later: rethrowing.', $what, $why));

			return false;
		}

		$max = $this->max_attempts($op, $domain, $site_id, $target, $attempt);

		if ($attempt >= $max) {
			$this->permanent_failure(sprintf('%s failed: %s. Gave up after %d attempts.', $what, $why, $attempt), $details + ['cause' => RunCloud_Failure_Records::CAUSE_GAVE_UP, 'action' => 'RunCloud kept failing: press Retry on the RunCloud page once it answers again.']);

			return true;
		}

		$delay = $this->schedule_retry($op, $domain, $site_id, $target, $attempt + 1, null);

		$this->logger->warning(sprintf('%s failed: %s. Transient: attempt %d of %d scheduled in %d s.', $what, $why, $attempt + 1, $max, $delay));

		return true;
	}

	/**
	 * An operation whose worker stopped before it ended (killed, out of memory, timed out: Action
	 * Scheduler marked its action failed): it is queued again at once, as attempt $attempt,
	 * within the same cap as transient failures; past it, a permanent failure. Adds and removals
	 * are idempotent, so running one again is safe whatever it did before it stopped.
	 *
	 * @param string $op      The operation.
	 * @param string $domain  The host name.
	 * @param int    $site_id The site.
	 * @param array  $target  The target.
	 * @param int    $attempt The attempt about to be queued (2 for the event's first rerun).
	 * @return bool Whether it was queued again.
	 */
	public function retry_interrupted(string $op, string $domain, int $site_id, array $target, int $attempt): bool {

		$what = sprintf('%s %s on %s', $op, $domain, RunCloud_Config::key($target));

		if ($attempt > $this->max_attempts($op, $domain, $site_id, $target, $attempt - 1)) {
			$this->permanent_failure(
				sprintf('%s: the worker running it stopped %d times; given up.', $what, $attempt - 1),
				[
					'op'     => $op,
					'domain' => $domain,
					'site'   => $site_id,
					'target' => RunCloud_Config::key($target),
					'cause'  => RunCloud_Failure_Records::CAUSE_INTERRUPTED,
				]
			);

			return false;
		}

		if ( ! $this->queue->available()) {
			return false;
		}

		$this->schedule_retry($op, $domain, $site_id, $target, $attempt, 0);

		$this->logger->warning(sprintf('%s: the worker running it stopped before it ended (killed or timed out); queued again (attempt %d).', $what, $attempt));

		return true;
	}

	/**
	 * Queues a retry job.
	 *
	 * @param string   $op      The operation.
	 * @param string   $domain  The host name.
	 * @param int      $site_id The site.
	 * @param array    $target  The target.
	 * @param int      $attempt The attempt it will be.
	 * @param int|null $delay   Seconds from now; null: the retry schedule's (filtered) delay.
	 * @return int The delay used.
	 */
	private function schedule_retry(string $op, string $domain, int $site_id, array $target, int $attempt, ?int $delay): int {

		$job   = self::retry_job($op, $domain, $site_id, $target, $attempt);
		$delay = $delay ?? max(1, (int) apply_filters('wu_runcloud_retry_delay', self::retry_delay($attempt), $job));

		$this->queue->schedule(self::RETRY_HOOK, $job, $this->clock->now() + $delay);

		return $delay;
	}

	/**
	 * Attempts in all for an add or removal (filter wu_runcloud_retry_max_attempts).
	 *
	 * @param string $op      The operation.
	 * @param string $domain  The host name.
	 * @param int    $site_id The site.
	 * @param array  $target  The target.
	 * @param int    $attempt The attempt that just failed.
	 * @return int
	 */
	private function max_attempts(string $op, string $domain, int $site_id, array $target, int $attempt): int {

		return max(1, (int) apply_filters('wu_runcloud_retry_max_attempts', self::MAX_ATTEMPTS, self::retry_job($op, $domain, $site_id, $target, $attempt + 1)));
	}

	/**
	 * A retry job: its shape is what RunCloud_Domain_Sync::handle_retry() reads (queued jobs
	 * outlive upgrades: keep it).
	 *
	 * @param string $op      The operation.
	 * @param string $domain  The host name.
	 * @param int    $site_id The site.
	 * @param array  $target  The target.
	 * @param int    $attempt The attempt it will be.
	 * @return array
	 */
	public static function retry_job(string $op, string $domain, int $site_id, array $target, int $attempt): array {

		return [
			'op'        => $op,
			'domain'    => $domain,
			'site_id'   => $site_id,
			'server_id' => (int) $target['server_id'],
			'app_id'    => (int) $target['app_id'],
			'attempt'   => $attempt,
		];
	}

	/**
	 * The structured facts of a failed operation, for the record the notices and the page word.
	 *
	 * @param string          $op      The operation.
	 * @param string          $domain  The host name.
	 * @param int             $site_id The site.
	 * @param array|null      $target  The target, or null (every target).
	 * @param \Throwable|null $e       The native exception.
	 * @return array
	 */
	private static function details(string $op, string $domain, int $site_id, ?array $target, ?\Throwable $e): array {

		$details = [
			'op'     => $op,
			'domain' => $domain,
			'site'   => $site_id,
			'target' => null === $target ? null : RunCloud_Config::key($target),
		];

		if (null !== $e) {
			$details['status'] = (int) $e->getCode() > 0 ? (int) $e->getCode() : null;
			$details['answer'] = (string) $e->getMessage();
		}

		return $details;
	}

	/**
	 * Delay before attempt $attempt (2 = the first retry): 60 s, doubled each time, at most an hour.
	 *
	 * @param int $attempt The attempt about to be scheduled.
	 * @return int Seconds.
	 */
	public static function retry_delay(int $attempt): int {

		return (int) min(self::MAX_DELAY, self::BASE_DELAY * (2 ** max(0, $attempt - 2)));
	}

	/**
	 * Logs an error that needs an administrator and records it for the admin notice.
	 *
	 * @param string $message The message.
	 * @param array  $details Structured details (see RunCloud_Admin_Notices::record_error()).
	 * @return void
	 */
	public function permanent_failure(string $message, array $details = []): void {

		$this->logger->error($message);

		foreach ($details as $field => $value) {
			if (is_string($value)) {
				$details[ $field ] = $this->logger->redact($value);
			} elseif ( ! is_int($value)) {
				unset($details[ $field ]);
			}
		}

		$this->notices->record_error($this->logger->redact($message), $details + ['kind' => RunCloud_Admin_Notices::KIND_PERMANENT]);
	}

	/**
	 * A domain change nothing could be sent for (the extension is not loaded, the configuration
	 * is incomplete or invalid): logged and recorded with what the operation was, so it is sent
	 * by itself once the cause is fixed (RunCloud_Recovery::replay()).
	 *
	 * @param string $op      The operation.
	 * @param string $domain  The host name.
	 * @param int    $site_id The site.
	 * @param string $why     Why nothing was sent, in words (no secret).
	 * @return void
	 */
	public function environment_failure(string $op, string $domain, int $site_id, string $why): void {

		$this->permanent_failure(
			sprintf('%s %s failed: %s; nothing was sent to RunCloud.', $op, $domain, rtrim($why, '. ')),
			[
				'op'     => $op,
				'domain' => $domain,
				'site'   => $site_id,
				'answer' => $why,
				'cause'  => RunCloud_Failure_Records::CAUSE_ENVIRONMENT,
			]
		);
	}

	/**
	 * Tells the operator about a certificate problem: logged (to the domain's own log too, when
	 * it is about one domain) and recorded as structured data for the notices (and the
	 * network-admin page), replacing an earlier record of the same cause.
	 *
	 * @param string      $kind    One of RunCloud_Admin_Notices::KIND_*.
	 * @param string      $message What happened.
	 * @param string      $action  What the operator can do.
	 * @param string      $target  'SERVER:APP'.
	 * @param string|null $domain  The domain, when it is about one.
	 * @param string      $reason  RunCloud's or Let's Encrypt's words.
	 * @param string      $level   The log level.
	 * @param int|null    $count   The name count (names records).
	 * @param string|null $cause   More about the cause (blocking: covered-before or not-ours).
	 * @return void
	 */
	public function report(string $kind, string $message, string $action, string $target, ?string $domain, string $reason, string $level = 'error', ?int $count = null, ?string $cause = null): void {

		$text = $this->logger->redact($message . ' ' . $action);

		if (null !== $domain) {
			$this->logger->domain($domain, $text, $level);
		} else {
			$this->logger->log($text, $level);
		}

		$this->notices->record_error(
			$text,
			[
				'kind'   => $kind,
				'domain' => $domain,
				'target' => $target,
				'reason' => $this->logger->redact($reason),
				'action' => $action,
				'count'  => $count,
				'cause'  => $cause,
			]
		);
	}

	/**
	 * Whether a failure may succeed later: HTTP 429 or 5xx, or a network failure.
	 *
	 * @param \Throwable $e The exception.
	 * @return bool
	 */
	public static function is_transient(\Throwable $e): bool {

		if (self::is_native_class($e, 'TransportException')) {
			return true;
		}

		if (self::is_native_class($e, 'ApiException')) {
			$code = (int) $e->getCode();

			return 429 === $code || $code >= 500;
		}

		return false;
	}

	/**
	 * Whether $e is one of the extension's exceptions (WU\RunCloud\Exception and children).
	 *
	 * @param \Throwable $e The exception.
	 * @return bool
	 */
	public static function is_native_exception(\Throwable $e): bool {

		return self::is_native_class($e, 'Exception');
	}

	/**
	 * Whether $e is an instance of WU\RunCloud\<short>.
	 *
	 * @param \Throwable $e     The exception.
	 * @param string     $short Short class name.
	 * @return bool
	 */
	public static function is_native_class(\Throwable $e, string $short): bool {

		$class = 'WU\\RunCloud\\' . $short;

		return $e instanceof $class;
	}

	/**
	 * One line about a native exception: class, HTTP status, message (method, path and RunCloud's
	 * message), field errors.
	 *
	 * @param \Throwable $e The exception.
	 * @return string
	 */
	public function describe(\Throwable $e): string {

		$class = substr((string) strrchr('\\' . get_class($e), '\\'), 1);
		$line  = $class;

		if ($e->getCode() > 0) {
			$line .= ' HTTP ' . (int) $e->getCode();
		}

		$line .= ': ' . $e->getMessage();

		if (method_exists($e, 'getErrors')) {
			$fields = [];

			foreach ((array) $e->getErrors() as $field => $messages) {
				$fields[] = $field . ': ' . implode(' ', array_map('strval', (array) $messages));
			}

			if ($fields) {
				$line .= ' [' . implode('; ', $fields) . ']';
			}
		}

		return $this->logger->redact($line);
	}
}
