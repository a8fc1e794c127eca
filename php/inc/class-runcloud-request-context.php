<?php
/**
 * Whether the current PHP request has a person waiting on it (an admin page, the wizard's
 * AJAX test) or is background work (Action Scheduler, WP-Cron, WP-CLI).
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Decides how long one native call may wait on RunCloud's rate limit (`max_wait`): a few
 * seconds when someone is waiting, the extension's default (60 s) in background work.
 *
 * Action Scheduler runs its queue inside admin-ajax.php and WP-Cron requests, so "is_admin()"
 * cannot tell: the actions it executes are tracked through its own before/after hooks.
 */
class RunCloud_Request_Context {

	/**
	 * Default `max_wait` (seconds) of a call with someone waiting (filter wu_runcloud_interactive_max_wait).
	 */
	const INTERACTIVE_MAX_WAIT = 3;

	/**
	 * Default cap (seconds) on one request's timeout in a call made while someone waits (filter
	 * wu_runcloud_interactive_timeout): the configured timeout (30 s by default) is for background work.
	 */
	const INTERACTIVE_TIMEOUT = 10;

	/**
	 * Depth of Action Scheduler actions being executed right now.
	 *
	 * @var int
	 */
	private $in_action = 0;

	/**
	 * Tracks Action Scheduler's action execution.
	 *
	 * @return void
	 */
	public function register_hooks(): void {

		add_action('action_scheduler_before_execute', [$this, 'enter_action'], 0, 0);
		add_action('action_scheduler_after_execute', [$this, 'leave_action'], 0, 0);
		add_action('action_scheduler_failed_execution', [$this, 'leave_action'], 0, 0);
	}

	/**
	 * An Action Scheduler action starts.
	 *
	 * @return void
	 */
	public function enter_action(): void {

		++$this->in_action;
	}

	/**
	 * An Action Scheduler action ended (or failed).
	 *
	 * @return void
	 */
	public function leave_action(): void {

		$this->in_action = max(0, $this->in_action - 1);
	}

	/**
	 * Whether this is background work: an Action Scheduler action, WP-Cron or WP-CLI.
	 *
	 * @return bool
	 */
	public function is_background(): bool {

		if ($this->in_action > 0 || (defined('WP_CLI') && WP_CLI)) {
			return true;
		}

		return (function_exists('wp_doing_cron') && wp_doing_cron()) || (defined('DOING_CRON') && DOING_CRON);
	}

	/**
	 * The most one request may take in a call made while someone waits (null in background work,
	 * where the configured timeout applies).
	 *
	 * @return int|null
	 */
	public function timeout_cap(): ?int {

		if ($this->is_background()) {
			return null;
		}

		/**
		 * Filters the longest time (seconds) one RunCloud request made while someone waits (Test
		 * connection on the RunCloud page, the wizard's test) may take; the configured
		 * WU_RUNCLOUD_TIMEOUT applies when it is shorter.
		 *
		 * @param int $seconds Default 10.
		 */
		$seconds = apply_filters('wu_runcloud_interactive_timeout', self::INTERACTIVE_TIMEOUT);

		return is_numeric($seconds) ? max(1, min(300, (int) $seconds)) : self::INTERACTIVE_TIMEOUT;
	}

	/**
	 * The `max_wait` for the next native call: null (the extension's default) in background
	 * work, else a few seconds.
	 *
	 * @return int|float|null
	 */
	public function max_wait() {

		if ($this->is_background()) {
			return null;
		}

		/**
		 * Filters how long (seconds) a RunCloud call made while someone waits (an admin page,
		 * the wizard's connection test) may wait on RunCloud's rate limit before giving up with
		 * "retry after N s". Background jobs keep the extension's default (60 s).
		 *
		 * @param int|float $seconds Default 3.
		 */
		$seconds = apply_filters('wu_runcloud_interactive_max_wait', self::INTERACTIVE_MAX_WAIT);

		return is_numeric($seconds) ? max(0, min(3600, 0 + $seconds)) : self::INTERACTIVE_MAX_WAIT;
	}
}
