<?php
/**
 * Action Scheduler stand-in: running due actions, the way ActionScheduler_QueueRunner and
 * ActionScheduler_QueueCleaner do in 3.9:
 * - cleanup first: a pending action claimed longer than the timeout is released; an action
 *   `in-progress` longer than the failure period (its worker died) is marked failed and
 *   `action_scheduler_failed_action` fires (it is not run again);
 * - claim a batch of due pending actions (priority, then date, then id), then for each: status
 *   `in-progress`, attempts + 1, last attempt now; the hook runs with the stored arguments as
 *   positional arguments; complete, or failed when it throws (`action_scheduler_failed_execution`).
 *
 * The clock moves: run(until) runs every action due up to `until`, earliest first, its clock set
 * to each action's scheduled time as it runs it (now() is that clock, which a test can hand to
 * the code under test), and the cleanup runs at each step, so "ten minutes from now" (a retry,
 * a certificate job, Action Scheduler's 5-minute cleanup of a dead worker) happens without
 * waiting, in order.
 *
 * @package WU_RunCloud_E2E
 */

defined('ABSPATH') || exit;

/**
 * Runs due actions of the current site.
 */
final class WU_E2E_Queue_Runner {

	/**
	 * Action Scheduler's default failure period and claim timeout: 10 x the 30 s time limit.
	 */
	const CLEANUP_PERIOD = 300;

	/**
	 * Actions claimed per batch (Action Scheduler's default batch size).
	 */
	const BATCH_SIZE = 25;

	/**
	 * Most actions one run processes (a job rescheduling itself for ever fails the run instead).
	 */
	const MAX_ACTIONS = 20000;

	/**
	 * The runner's clock while it runs (null: the system clock).
	 *
	 * @var int|null
	 */
	private static $now = null;

	/**
	 * The runner's clock: the scheduled time of the action it runs (never before the system clock).
	 *
	 * @return int
	 */
	public static function now(): int {

		return null === self::$now ? time() : self::$now;
	}

	/**
	 * Runs every action due by $until, earliest first, the clock following, until none is left
	 * or $limit ran.
	 *
	 * @param int $until The horizon (unix time).
	 * @param int $limit Most actions to run; 0 for no limit.
	 * @return array{processed: int, failed: int, cleaned: array, clock: int}
	 */
	public static function run(int $until, int $limit = 0): array {

		self::$now = time();

		$cleaned   = ['released' => [], 'failed' => []];
		$processed = 0;
		$failed    = 0;

		while ($processed < self::MAX_ACTIONS && ( ! $limit || $processed < $limit)) {
			$clean               = self::clean(self::$now);
			$cleaned['released'] = array_merge($cleaned['released'], $clean['released']);
			$cleaned['failed']   = array_merge($cleaned['failed'], $clean['failed']);

			$next = self::next_due($until);

			if (null === $next) {
				if (self::$now >= $until) {
					break;
				}

				// Nothing due before the horizon: the clock goes to the moment the cleanup would find
				// a dead worker's action (Action Scheduler's cleaner runs with every queue run), or
				// to the horizon.
				$timeout   = self::next_timeout();
				self::$now = null !== $timeout && $timeout > self::$now && $timeout < $until ? $timeout : $until;

				continue;
			}

			self::$now = max(self::$now, $next);
			$claim     = self::claim(self::$now, $limit ? min(self::BATCH_SIZE, $limit - $processed) : self::BATCH_SIZE);

			foreach ($claim['actions'] as $action_id) {
				if ( ! self::process((int) $action_id, self::$now)) {
					++$failed;
				}

				++$processed;
			}

			self::release($claim['id']);
		}

		$clock     = self::$now;
		self::$now = null;

		if ($processed >= self::MAX_ACTIONS) {
			throw new RuntimeException(sprintf('the queue ran %d actions without emptying: a job reschedules itself for ever', $processed));
		}

		return [
			'processed' => $processed,
			'failed'    => $failed,
			'cleaned'   => $cleaned,
			'clock'     => $clock,
		];
	}

	/**
	 * When the cleanup next has something to do: the oldest in-progress action times out (its
	 * worker died), or the oldest claim on pending actions does (a worker died between its claim
	 * and running them). Null: nothing.
	 *
	 * @return int|null
	 */
	private static function next_timeout(): ?int {

		global $wpdb;

		$running = $wpdb->get_var($wpdb->prepare("SELECT MIN(last_attempt_gmt) FROM {$wpdb->actionscheduler_actions} WHERE status = %s", WU_E2E_Action_Store::STATUS_RUNNING));
		$claimed = $wpdb->get_var($wpdb->prepare("SELECT MIN(c.date_created_gmt) FROM {$wpdb->actionscheduler_actions} a JOIN {$wpdb->actionscheduler_claims} c ON a.claim_id = c.claim_id WHERE a.status = %s", WU_E2E_Action_Store::STATUS_PENDING));
		$times   = [];

		foreach ([$running, $claimed] as $date) {
			if (null !== $date) {
				$times[] = (int) strtotime($date . ' UTC') + self::CLEANUP_PERIOD;
			}
		}

		return $times ? min($times) : null;
	}

	/**
	 * When the earliest pending, unclaimed action due by $until is scheduled, or null.
	 *
	 * @param int $until The horizon.
	 * @return int|null
	 */
	private static function next_due(int $until): ?int {

		global $wpdb;

		$date = $wpdb->get_var($wpdb->prepare("SELECT MIN(scheduled_date_gmt) FROM {$wpdb->actionscheduler_actions} WHERE claim_id = 0 AND status = %s AND scheduled_date_gmt <= %s", WU_E2E_Action_Store::STATUS_PENDING, gmdate('Y-m-d H:i:s', $until)));

		return null === $date ? null : (int) strtotime($date . ' UTC');
	}

	/**
	 * ActionScheduler_QueueCleaner::reset_timeouts() and mark_failures().
	 *
	 * @param int $now The clock.
	 * @return array{released: int[], failed: int[]}
	 */
	private static function clean(int $now): array {

		global $wpdb;

		$cutoff = gmdate('Y-m-d H:i:s', $now - self::CLEANUP_PERIOD);

		$released = array_map(
			'intval',
			$wpdb->get_col(
				$wpdb->prepare(
					"SELECT a.action_id FROM {$wpdb->actionscheduler_actions} a JOIN {$wpdb->actionscheduler_claims} c ON a.claim_id = c.claim_id WHERE a.status = %s AND c.date_created_gmt <= %s",
					WU_E2E_Action_Store::STATUS_PENDING,
					$cutoff
				)
			)
		);

		foreach ($released as $action_id) {
			$wpdb->update($wpdb->actionscheduler_actions, ['claim_id' => 0], ['action_id' => $action_id]);
			do_action('action_scheduler_reset_action', $action_id);
		}

		$failed = array_map(
			'intval',
			$wpdb->get_col($wpdb->prepare("SELECT action_id FROM {$wpdb->actionscheduler_actions} WHERE status = %s AND last_attempt_gmt <= %s", WU_E2E_Action_Store::STATUS_RUNNING, $cutoff))
		);

		foreach ($failed as $action_id) {
			WU_E2E_Action_Store::set_status($action_id, WU_E2E_Action_Store::STATUS_FAILED, sprintf('action marked as failed after %d seconds. Unknown error occurred. Check server, PHP and database error logs to diagnose cause.', self::CLEANUP_PERIOD));
			do_action('action_scheduler_failed_action', $action_id, self::CLEANUP_PERIOD);
		}

		return [
			'released' => $released,
			'failed'   => $failed,
		];
	}

	/**
	 * Claims up to $size due, unclaimed pending actions.
	 *
	 * @param int $now  The clock.
	 * @param int $size Batch size.
	 * @return array{id: int, actions: int[]}
	 */
	private static function claim(int $now, int $size): array {

		global $wpdb;

		$date = gmdate('Y-m-d H:i:s', $now);

		$wpdb->insert($wpdb->actionscheduler_claims, ['date_created_gmt' => $date]);

		$claim_id = (int) $wpdb->insert_id;

		$wpdb->query(
			$wpdb->prepare(
				"UPDATE {$wpdb->actionscheduler_actions} SET claim_id = %d WHERE claim_id = 0 AND status = %s AND scheduled_date_gmt <= %s ORDER BY priority ASC, scheduled_date_gmt ASC, action_id ASC LIMIT %d",
				$claim_id,
				WU_E2E_Action_Store::STATUS_PENDING,
				$date,
				max(1, $size)
			)
		);

		$actions = array_map(
			'intval',
			$wpdb->get_col($wpdb->prepare("SELECT action_id FROM {$wpdb->actionscheduler_actions} WHERE claim_id = %d ORDER BY priority ASC, scheduled_date_gmt ASC, action_id ASC", $claim_id))
		);

		return [
			'id'      => $claim_id,
			'actions' => $actions,
		];
	}

	/**
	 * Releases a claim (what was not run stays pending).
	 *
	 * @param int $claim_id The claim.
	 * @return void
	 */
	private static function release(int $claim_id): void {

		global $wpdb;

		$wpdb->update($wpdb->actionscheduler_actions, ['claim_id' => 0], ['claim_id' => $claim_id, 'status' => WU_E2E_Action_Store::STATUS_PENDING]);
		$wpdb->delete($wpdb->actionscheduler_claims, ['claim_id' => $claim_id]);
	}

	/**
	 * Runs one action.
	 *
	 * @param int $action_id The action.
	 * @param int $now       The clock.
	 * @return bool False when it failed.
	 */
	private static function process(int $action_id, int $now): bool {

		global $wpdb;

		$row = $wpdb->get_row($wpdb->prepare("SELECT * FROM {$wpdb->actionscheduler_actions} WHERE action_id = %d", $action_id), ARRAY_A);

		// Canceled (or run by another worker) since the claim.
		if ( ! is_array($row) || WU_E2E_Action_Store::STATUS_PENDING !== $row['status']) {
			return true;
		}

		$date = gmdate('Y-m-d H:i:s', $now);

		WU_E2E_Action_Store::set_status(
			$action_id,
			WU_E2E_Action_Store::STATUS_RUNNING,
			'action started via e2e queue runner',
			[
				'attempts'           => (int) $row['attempts'] + 1,
				'last_attempt_gmt'   => $date,
				'last_attempt_local' => get_date_from_gmt($date),
			]
		);

		do_action('action_scheduler_before_execute', $action_id, 'e2e');

		try {
			do_action_ref_array($row['hook'], array_values(WU_E2E_Action_Store::args($row)));
		} catch (\Throwable $e) {
			WU_E2E_Action_Store::set_status($action_id, WU_E2E_Action_Store::STATUS_FAILED, 'action failed via e2e queue runner: ' . $e->getMessage());
			do_action('action_scheduler_failed_execution', $action_id, $e, 'e2e');

			return false;
		}

		WU_E2E_Action_Store::set_status($action_id, WU_E2E_Action_Store::STATUS_COMPLETE, 'action complete via e2e queue runner');
		do_action('action_scheduler_after_execute', $action_id, null, 'e2e');

		return true;
	}
}
