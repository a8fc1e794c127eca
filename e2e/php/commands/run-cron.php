<?php
/**
 * Runs the WP-Cron events of the main site due by now + advance seconds, earliest first, the way
 * wp-cron.php does (each event unscheduled, then its hook run with its arguments; DOING_CRON),
 * on a moving clock the plugin reads too (RunCloud_Clock): what the plugin queues through
 * WP-Cron when Action Scheduler is not loaded. Only hooks starting with `wu_runcloud_` run
 * (WordPress's own events are not the test's).
 *
 *   {"advance": 0}
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	defined('DOING_CRON') || define('DOING_CRON', true);

	$until = time() + (int) ($args['advance'] ?? 0);
	$clock = time();
	$ran   = [];

	if (class_exists('\\WU_RunCloud\\RunCloud_Plugin') && null !== \WU_RunCloud\RunCloud_Plugin::instance()) {
		\WU_RunCloud\RunCloud_Plugin::instance()->clock()->set_source(
			static function () use (&$clock) {
				return $clock;
			}
		);
	}

	for ($guard = 0; $guard < 10000; $guard++) {
		$next = null;

		foreach ((array) _get_cron_array() as $timestamp => $hooks) {
			foreach ((array) $hooks as $hook => $events) {
				if (0 !== strpos((string) $hook, 'wu_runcloud_') || (int) $timestamp > $until) {
					continue;
				}

				foreach ((array) $events as $event) {
					if (null === $next || (int) $timestamp < $next['timestamp']) {
						$next = [
							'timestamp' => (int) $timestamp,
							'hook'      => (string) $hook,
							'args'      => (array) ($event['args'] ?? []),
						];
					}
				}
			}
		}

		if (null === $next) {
			break;
		}

		$clock = max($clock, $next['timestamp']);

		wp_unschedule_event($next['timestamp'], $next['hook'], $next['args']);
		do_action_ref_array($next['hook'], $next['args']);

		$ran[] = $next['hook'];
	}

	return [
		'ran'   => $ran,
		'clock' => $clock,
	];
};
