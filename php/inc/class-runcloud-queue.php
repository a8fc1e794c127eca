<?php
/**
 * The plugin's background jobs, through Action Scheduler (the job engine Ultimate Multisite
 * ships and runs its domain events on).
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Schedules, finds and cancels the plugin's Action Scheduler actions (group `domain`, the one
 * Ultimate Multisite uses for domain events). Every hook starts with `wu_runcloud_`, so an
 * uninstall can cancel them all.
 *
 * Unique jobs are checked with as_next_scheduled_action() and the exact arguments: Action
 * Scheduler 3.x's own `$unique` flag compares the hook and group only, which would let one web
 * app's job stand in for another's.
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
	 * Whether Action Scheduler is there to run jobs later.
	 *
	 * @return bool
	 */
	public function available(): bool {

		return function_exists('as_schedule_single_action') && function_exists('as_next_scheduled_action');
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

		$next = as_next_scheduled_action($hook, [$job], self::GROUP);

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

		$next = as_next_scheduled_action($hook, [$job], self::GROUP);

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

		if (function_exists('as_unschedule_all_actions')) {
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

		if ( ! $this->available()) {
			return null;
		}

		$next = as_next_scheduled_action($hook, [$job], self::GROUP);

		return is_int($next) && $next > 0 ? $next : null;
	}

	/**
	 * Queues $hook($job) to run as soon as Action Scheduler can (a background request).
	 *
	 * @param string $hook The hook.
	 * @param array  $job  The job's only argument.
	 * @return void
	 */
	public function enqueue(string $hook, array $job): void {

		if (function_exists('as_enqueue_async_action')) {
			as_enqueue_async_action($hook, [$job], self::GROUP);

			return;
		}

		$this->schedule($hook, $job, $this->clock->now());
	}
}
