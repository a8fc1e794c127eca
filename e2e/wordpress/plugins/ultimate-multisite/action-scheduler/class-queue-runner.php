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
 * The clock is a parameter: a test runs "now" or "ten minutes from now" without waiting.
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
	 * Runs every action due at $now, batch after batch, until none is left or $limit ran.
	 *
	 * @param int $now   The clock (unix time).
	 * @param int $limit Most actions to run; 0 for no limit.
	 * @return array{processed: int, failed: int, cleaned: array}
	 */
	public static function run(int $now, int $limit = 0): array {

		$cleaned   = self::clean($now);
		$processed = 0;
		$failed    = 0;

		do {
			$claim = self::claim($now, $limit ? min(self::BATCH_SIZE, $limit - $processed) : self::BATCH_SIZE);

			foreach ($claim['actions'] as $action_id) {
				if ( ! self::process((int) $action_id, $now)) {
					++$failed;
				}

				++$processed;
			}

			self::release($claim['id']);
		} while ($claim['actions'] && ( ! $limit || $processed < $limit));

		return [
			'processed' => $processed,
			'failed'    => $failed,
			'cleaned'   => $cleaned,
		];
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
