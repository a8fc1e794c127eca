<?php
/**
 * Runs the Action Scheduler queue of the main site: everything due by now + advance seconds,
 * earliest first, on the runner's moving clock (a retry, a certificate job 60 s after an add,
 * Action Scheduler's 5-minute cleanup of a dead worker's action: no waiting), at most `limit`
 * actions (0: all). The plugin reads the same clock (RunCloud_Clock), as it would if that much
 * time had passed.
 *
 *   {"advance": 0, "limit": 0}
 *
 * Crash point for the durability scenarios: with
 *   {"sigkill_before_id_stored": {"nth": 40}}
 * the worker sends itself SIGKILL when WordPress is about to store a RunCloud domain id for the
 * nth time (a name entry of `wu_runcloud_names_*` gaining an id it did not have): a crash at a
 * precise point, after RunCloud answered, before WordPress stored the answer.
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	$crash = $args['sigkill_before_id_stored'] ?? null;

	if (is_array($crash)) {
		$stored = 0;

		$crash_filter = static function ($value, $old_value, $option) use (&$stored, $crash) {
			if ( ! is_array($value)) {
				return $value;
			}

			foreach ($value as $name => $entry) {
				foreach ((array) ($entry['t'] ?? []) as $key => $t) {
					$had = is_array($old_value) ? ($old_value[ $name ]['t'][ $key ]['id'] ?? null) : null;

					if ( ! empty($t['id']) && empty($had) && ++$stored >= (int) $crash['nth']) {
						posix_kill(getmypid(), SIGKILL);
					}
				}
			}

			return $value;
		};

		// One shard option per first hex digit of md5(name) (RunCloud_State::SHARDS).
		foreach (str_split('0123456789abcdef') as $shard) {
			add_filter('pre_update_site_option_wu_runcloud_names_' . $shard, $crash_filter, 10, 3);
		}
	}

	if (class_exists('\\WU_RunCloud\\RunCloud_Plugin') && null !== \WU_RunCloud\RunCloud_Plugin::instance()) {
		\WU_RunCloud\RunCloud_Plugin::instance()->clock()->set_source(['WU_E2E_Queue_Runner', 'now']);
	}

	return WU_E2E_Queue_Runner::run(time() + (int) ($args['advance'] ?? 0), (int) ($args['limit'] ?? 0));
};
