<?php
/**
 * Action Scheduler stand-in (Ultimate Multisite bundles Action Scheduler): the public functions
 * with Action Scheduler 3.9's signatures and return values, backed by its tables in the real
 * database. Due actions are run by WU_E2E_Queue_Runner (e2e/php/commands/run-queue.php), never
 * by WP-Cron or a loopback request.
 *
 * @package WU_RunCloud_E2E
 */

defined('ABSPATH') || exit;

require_once __DIR__ . '/class-store.php';
require_once __DIR__ . '/class-action-scheduler.php';
require_once __DIR__ . '/class-queue-runner.php';

// Action Scheduler initialises on plugins_loaded; on activation that has already happened.
if (did_action('plugins_loaded')) {
	WU_E2E_Action_Store::register_tables();
} else {
	add_action('plugins_loaded', ['WU_E2E_Action_Store', 'register_tables'], 1, 0);
}

/**
 * Enqueues an action to run once, as soon as possible.
 *
 * @param string $hook     The hook to trigger.
 * @param array  $args     Arguments passed when the hook triggers.
 * @param string $group    The group.
 * @param bool   $unique   Refused when a pending or running action has the same hook, args and group.
 * @param int    $priority 0-255, lower first.
 * @return int The action id, 0 when not scheduled.
 */
function as_enqueue_async_action($hook, $args = [], $group = '', $unique = false, $priority = 10) {

	return WU_E2E_Action_Store::create((string) $hook, (array) $args, time(), (string) $group, (bool) $unique, (int) $priority, 'async');
}

/**
 * Schedules an action to run once.
 *
 * @param int    $timestamp When it runs.
 * @param string $hook      The hook to trigger.
 * @param array  $args      Arguments passed when the hook triggers.
 * @param string $group     The group.
 * @param bool   $unique    Refused when a pending or running action has the same hook, args and group.
 * @param int    $priority  0-255, lower first.
 * @return int The action id, 0 when not scheduled.
 */
function as_schedule_single_action($timestamp, $hook, $args = [], $group = '', $unique = false, $priority = 10) {

	return WU_E2E_Action_Store::create((string) $hook, (array) $args, (int) $timestamp, (string) $group, (bool) $unique, (int) $priority, 'single');
}

/**
 * Whether a matching action is pending or running.
 *
 * @param string     $hook  The hook.
 * @param array|null $args  Arguments; null matches any.
 * @param string     $group The group; '' matches any.
 * @return bool
 */
function as_has_scheduled_action($hook, $args = null, $group = '') {

	return null !== WU_E2E_Action_Store::find((string) $hook, null === $args ? null : (array) $args, (string) $group, [WU_E2E_Action_Store::STATUS_PENDING, WU_E2E_Action_Store::STATUS_RUNNING]);
}

/**
 * The next run of a matching action: its timestamp when pending, true when running, else false.
 *
 * @param string     $hook  The hook.
 * @param array|null $args  Arguments; null matches any.
 * @param string     $group The group; '' matches any.
 * @return int|bool
 */
function as_next_scheduled_action($hook, $args = null, $group = '') {

	$args = null === $args ? null : (array) $args;

	if (WU_E2E_Action_Store::find((string) $hook, $args, (string) $group, [WU_E2E_Action_Store::STATUS_RUNNING])) {
		return true;
	}

	$row = WU_E2E_Action_Store::find((string) $hook, $args, (string) $group, [WU_E2E_Action_Store::STATUS_PENDING]);

	return null === $row ? false : (int) strtotime($row['scheduled_date_gmt'] . ' UTC');
}

/**
 * Cancels the next pending occurrence of a matching action.
 *
 * @param string $hook  The hook.
 * @param array  $args  Arguments.
 * @param string $group The group; '' matches any.
 * @return int|null The action id, or null when none matched.
 */
function as_unschedule_action($hook, $args = [], $group = '') {

	$row = WU_E2E_Action_Store::find((string) $hook, is_array($args) ? $args : null, (string) $group, [WU_E2E_Action_Store::STATUS_PENDING]);

	if (null === $row) {
		return null;
	}

	WU_E2E_Action_Store::cancel((int) $row['action_id']);

	return (int) $row['action_id'];
}

/**
 * Cancels every pending occurrence of a matching action.
 *
 * @param string $hook  The hook.
 * @param array  $args  Arguments; empty with no group matches any (with a group: only empty ones, as in Action Scheduler).
 * @param string $group The group; '' matches any.
 * @return void
 */
function as_unschedule_all_actions($hook, $args = [], $group = '') {

	if (empty($args) && '' !== (string) $hook && '' === (string) $group) {
		WU_E2E_Action_Store::cancel_by_hook((string) $hook);

		return;
	}

	do {
		$unscheduled = as_unschedule_action($hook, $args, $group);
	} while ( ! empty($unscheduled));
}
