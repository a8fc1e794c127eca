<?php
/**
 * The plugin's background jobs: through Action Scheduler (the job engine Ultimate Multisite
 * ships and runs its domain events on), else through WP-Cron.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Schedules, finds and cancels the plugin's jobs. Every hook starts with `wu_runcloud_`, so an
 * uninstall can cancel them all.
 *
 * - Action Scheduler (group `domain`, the one Ultimate Multisite uses for domain events) when it
 *   is loaded. Unique jobs are checked with as_next_scheduled_action() and the exact arguments:
 *   Action Scheduler 3.x's own `$unique` flag compares the hook and group only, which would let
 *   one web app's job stand in for another's.
 * - WP-Cron otherwise (Ultimate Multisite, hence Action Scheduler, inactive): the same hooks with
 *   the same single argument, so every handler runs unchanged. WP-Cron knows no groups and no
 *   "in progress" state, and it drops an event whose worker dies (it unschedules before running):
 *   retries, certificate jobs and the page's actions still run, but a killed WP-Cron worker is
 *   not recovered the way a dead Action Scheduler action is (RunCloud_Recovery).
 */
class RunCloud_Queue {

	/**
	 * Action Scheduler group of every job.
	 */
	const GROUP = 'domain';

	/**
	 * Prefix of every hook the plugin queues.
	 */
	const HOOK_PREFIX = 'wu_runcloud_';

	/**
	 * The job engines.
	 */
	const ENGINE_ACTION_SCHEDULER = 'action-scheduler';
	const ENGINE_WP_CRON          = 'wp-cron';

	/**
	 * The clock (timestamps of scheduled jobs).
	 *
	 * @var RunCloud_Clock
	 */
	private $clock;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Clock $clock The clock.
	 */
	public function __construct(RunCloud_Clock $clock) {

		$this->clock = $clock;
	}

	/**
	 * The engine that runs jobs: Action Scheduler when loaded, else WP-Cron, else null.
	 *
	 * @return string|null One of ENGINE_*, or null.
	 */
	public function engine(): ?string {

		if (function_exists('as_schedule_single_action') && function_exists('as_next_scheduled_action')) {
			return self::ENGINE_ACTION_SCHEDULER;
		}

		if (function_exists('wp_schedule_single_event') && function_exists('wp_next_scheduled') && function_exists('wp_clear_scheduled_hook')) {
			return self::ENGINE_WP_CRON;
		}

		return null;
	}

	/**
	 * Whether something is there to run jobs later.
	 *
	 * @return bool
	 */
	public function available(): bool {

		return null !== $this->engine();
	}

	/**
	 * Queues one run of $hook with one argument, $job, at $at (unix time).
	 *
	 * @param string $hook The hook (wu_runcloud_*).
	 * @param array  $job  The job's only argument.
	 * @param int    $at   When.
	 * @return void
	 */
	public function schedule(string $hook, array $job, int $at): void {

		if (self::ENGINE_WP_CRON === $this->engine()) {
			// A run already pending for the same hook and argument within 10 minutes is kept
			// (WP-Cron's rule): callers that need another time cancel it first (reschedule()).
			wp_schedule_single_event($at, $hook, [$job]);

			return;
		}

		as_schedule_single_action($at, $hook, [$job], self::GROUP);
	}

	/**
	 * Makes sure one run of $hook($job) is pending no later than $at: keeps a pending run that
	 * comes earlier (it reschedules itself when it runs), moves a later one forward, adds one
	 * when none is pending. One lookup: cheap enough for every add of a burst.
	 *
	 * @param string $hook The hook.
	 * @param array  $job  The job's only argument (compared exactly).
	 * @param int    $at   Latest time wanted.
	 * @return int When the pending run is due.
	 */
	public function ensure(string $hook, array $job, int $at): int {

		$next = $this->pending_at($hook, $job);

		if (is_int($next) && $next > 0 && $next <= $at) {
			return $next;
		}

		return $this->reschedule($hook, $job, $at);
	}

	/**
	 * Makes one run of $hook($job) pending, due at $at: keeps a pending run due then, moves any
	 * other. A run in progress does not count (it may have read its work already).
	 *
	 * @param string $hook The hook.
	 * @param array  $job  The job's only argument (compared exactly).
	 * @param int    $at   When.
	 * @return int $at.
	 */
	public function reschedule(string $hook, array $job, int $at): int {

		$next = $this->pending_at($hook, $job);

		if ($next === $at) {
			return $at;
		}

		if (is_int($next) && $next > 0) {
			$this->cancel($hook, $job);
		}

		$this->schedule($hook, $job, $at);

		return $at;
	}

	/**
	 * Cancels the pending runs of $hook($job) (a run in progress goes on).
	 *
	 * @param string $hook The hook.
	 * @param array  $job  The job's only argument.
	 * @return void
	 */
	public function cancel(string $hook, array $job): void {

		$engine = $this->engine();

		if (self::ENGINE_WP_CRON === $engine) {
			wp_clear_scheduled_hook($hook, [$job]);
		} elseif (self::ENGINE_ACTION_SCHEDULER === $engine && function_exists('as_unschedule_all_actions')) {
			as_unschedule_all_actions($hook, [$job], self::GROUP);
		}
	}

	/**
	 * When the pending run of $hook($job) is due, or null.
	 *
	 * @param string $hook The hook.
	 * @param array  $job  The job's only argument.
	 * @return int|null
	 */
	public function next(string $hook, array $job): ?int {

		$next = $this->available() ? $this->pending_at($hook, $job) : false;

		return is_int($next) && $next > 0 ? $next : null;
	}

	/**
	 * Queues $hook($job) to run as soon as the engine can (a background request).
	 *
	 * @param string $hook The hook.
	 * @param array  $job  The job's only argument.
	 * @return void
	 */
	public function enqueue(string $hook, array $job): void {

		if (self::ENGINE_ACTION_SCHEDULER === $this->engine() && function_exists('as_enqueue_async_action')) {
			as_enqueue_async_action($hook, [$job], self::GROUP);

			return;
		}

		$this->schedule($hook, $job, $this->clock->now());
	}

	/**
	 * The engine's answer for the next run of $hook($job): a timestamp, true (Action Scheduler:
	 * running now) or false.
	 *
	 * @param string $hook The hook.
	 * @param array  $job  The job's only argument.
	 * @return int|bool
	 */
	private function pending_at(string $hook, array $job) {

		if (self::ENGINE_WP_CRON === $this->engine()) {
			return wp_next_scheduled($hook, [$job]);
		}

		return as_next_scheduled_action($hook, [$job], self::GROUP);
	}
}
