<?php
/**
 * Runs the Action Scheduler queue of the main site: what is due at now + advance seconds (a
 * retry scheduled for later, or Action Scheduler's 5-minute cleanup of a dead worker's action,
 * without waiting), at most `limit` actions (0: all).
 *
 *   {"advance": 0, "limit": 0}
 *
 * Crash point for the durability scenarios: with
 *   {"sigkill_before_option_write": {"option": "wu_runcloud_domain_ids", "nth": 40}}
 * the worker sends itself SIGKILL when that network option is about to be written for the nth
 * time: a crash at a precise point (after RunCloud answered, before WordPress stored the answer).
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	$crash = $args['sigkill_before_option_write'] ?? null;

	if (is_array($crash)) {
		$writes = 0;

		add_filter(
			'pre_update_site_option_' . $crash['option'],
			static function ($value) use (&$writes, $crash) {
				if (++$writes >= (int) $crash['nth']) {
					posix_kill(getmypid(), SIGKILL);
				}

				return $value;
			}
		);
	}

	return WU_E2E_Queue_Runner::run(time() + (int) ($args['advance'] ?? 0), (int) ($args['limit'] ?? 0));
};
