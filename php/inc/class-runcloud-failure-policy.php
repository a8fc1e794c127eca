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
 * - transient (HTTP 429/5xx, network): rescheduled through Action Scheduler (hook RETRY_HOOK,
 *   one target per job) with a capped number of attempts and a growing delay; without Action
 *   Scheduler, rethrown so the event's own action is marked failed;
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
			$this->permanent_failure(sprintf('%s %s failed: %s. Nothing was sent (invalid input).', $op, $domain, $this->describe($e)));

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

		$what = sprintf('%s %s on %s', $op, $domain, RunCloud_Config::key($target));
		$why  = $this->describe($e);

		$details = [
			'domain' => $domain,
			'target' => RunCloud_Config::key($target),
			'reason' => $why,
		];

		if ( ! self::is_transient($e)) {
			$this->permanent_failure(sprintf('%s failed: %s. Not retried (permanent).', $what, $why), $details + ['action' => 'Fix the cause (credentials, server or web app id, RunCloud\'s answer), then run `wp runcloud sync`.']);

			return true;
		}

		if ( ! $this->queue->available()) {
			$this->logger->error(sprintf('%s failed: %s. Action Scheduler is not available to retry it later: rethrowing.', $what, $why));

			return false;
		}

		// The job's shape is what RunCloud_Domain_Sync::handle_retry() reads: queued jobs outlive upgrades.
		$job = [
			'op'        => $op,
			'domain'    => $domain,
			'site_id'   => $site_id,
			'server_id' => (int) $target['server_id'],
			'app_id'    => (int) $target['app_id'],
			'attempt'   => $attempt + 1,
		];

		$max = max(1, (int) apply_filters('wu_runcloud_retry_max_attempts', self::MAX_ATTEMPTS, $job));

		if ($attempt >= $max) {
			$this->permanent_failure(sprintf('%s failed: %s. Gave up after %d attempts.', $what, $why, $attempt), $details + ['action' => 'RunCloud kept failing: check its status, then run `wp runcloud sync`.']);

			return true;
		}

		$delay = (int) apply_filters('wu_runcloud_retry_delay', self::retry_delay($attempt + 1), $job);

		$this->queue->schedule(self::RETRY_HOOK, $job, $this->clock->now() + max(1, $delay));

		$this->logger->warning(sprintf('%s failed: %s. Transient: attempt %d of %d scheduled in %d s.', $what, $why, $attempt + 1, $max, $delay));

		return true;
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
		$this->notices->record_error($this->logger->redact($message), array_map([$this->logger, 'redact'], array_filter($details, 'is_string')) + ['kind' => RunCloud_Admin_Notices::KIND_PERMANENT]);
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
	 * @return void
	 */
	public function report(string $kind, string $message, string $action, string $target, ?string $domain, string $reason, string $level = 'error'): void {

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
