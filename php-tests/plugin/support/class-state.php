<?php
/**
 * What the stand-ins record: options, logs, scheduled actions, JSON answers, CLI output, calls.
 *
 * @package WU_RunCloud_Stubs
 */

namespace WU_RunCloud_Stubs;

/**
 * Global state of the stand-in WordPress / Ultimate Multisite / Action Scheduler / WP-CLI.
 */
final class State {

	/** @var array<string, mixed> Network options. */
	public static $network_options = [];

	/** @var array<string, mixed> Ultimate Multisite settings (wu_get_setting). */
	public static $settings = [];

	/** @var array<int, array{handle: string, message: string, level: string}> wu_log_add lines. */
	public static $logs = [];

	/** @var bool Echo every wu_log_add line (demos). */
	public static $echo_logs = false;

	/** @var array<int, array{id: int, timestamp: int, hook: string, args: array, group: string}> Action Scheduler queue (pending). */
	public static $actions = [];

	/** @var array<int, array> Actions being executed (Action Scheduler's in-progress status). */
	public static $running = [];

	/** @var array<int, array> Every action ever scheduled, by id (ActionScheduler::store()->fetch_action()). */
	public static $all_actions = [];

	/** @var array<int, array{timestamp: int, hook: string, args: array}> WP-Cron events (when the WP-Cron stand-in is loaded). */
	public static $cron = [];

	/** @var int Last action id. */
	public static $action_seq = 0;

	/** @var int|null The stand-in clock (unix time): the system clock when first read, then only run_due() moves it. */
	public static $now = null;

	/** @var bool is_admin(). */
	public static $is_admin = false;

	/** @var bool wp_doing_ajax(). */
	public static $doing_ajax = false;

	/** @var array<int, array{success: bool, data: mixed}> wp_send_json_* answers. */
	public static $json = [];

	/** @var array<int, array{type: string, message: string}> WP-CLI output. */
	public static $cli = [];

	/** @var bool Echo WP-CLI output (demos). */
	public static $echo_cli = false;

	/** @var array<string, object> WP-CLI commands. */
	public static $commands = [];

	/** @var array<int, array{class: string, method: string, args: array}> Calls to core RunCloud handlers. */
	public static $core_calls = [];

	/** @var array<int, array{message: string, type: string, id: string}> WP_Ultimo()->notices->add() calls. */
	public static $um_notices = [];

	/** @var array<int, object> Mapped domains (wu_get_domains). */
	public static $domains = [];

	/** @var array<int, object> Sites (get_sites). */
	public static $sites = [];

	/** @var string The network's domain. */
	public static $network_domain = 'network.test';

	/** @var bool is_subdomain_install(). */
	public static $subdomain_install = true;

	/** @var array<string, int> did_action() counters. */
	public static $did = [];

	/** @var string[] Capabilities current_user_can() refuses. */
	public static $denied_caps = [];

	/** @var bool Whether wp_verify_nonce() accepts the nonces wp_create_nonce() made. */
	public static $nonces_valid = true;

	/** @var bool is_network_admin(). */
	public static $is_network_admin = false;

	/** @var array<string, array> Admin pages added: slug => parent, title, capability, callback. */
	public static $menu = [];

	/** @var string[] wp_safe_redirect() locations. */
	public static $redirects = [];

	/**
	 * Lines logged to one handle, optionally of one level.
	 *
	 * @param string|null $level A level, or null for all.
	 * @return array<int, string>
	 */
	public static function log_lines(?string $level = null, string $handle = 'integration-runcloud'): array {

		$lines = [];

		foreach (self::$logs as $log) {
			if ($log['handle'] === $handle && (null === $level || $log['level'] === $level)) {
				$lines[] = $log['message'];
			}
		}

		return $lines;
	}

	/**
	 * Scheduled actions of one hook.
	 *
	 * @param string $hook The hook.
	 * @return array
	 */
	public static function scheduled(string $hook = 'wu_runcloud_retry'): array {

		return array_values(
			array_filter(
				self::$actions,
				static function ($action) use ($hook) {
					return $action['hook'] === $hook;
				}
			)
		);
	}

	/**
	 * The stand-in clock (the plugin's clock reads it): the system clock when first read, then
	 * still until run_due() moves it, so a test's timestamps never depend on a second ticking.
	 *
	 * @return int
	 */
	public static function now(): int {

		if (null === self::$now) {
			self::$now = time();
		}

		return self::$now;
	}

	/**
	 * Whether a queued action matches a hook, args (null: any; compared JSON-encoded, as Action
	 * Scheduler does) and group ('' : any).
	 *
	 * @param array      $action The action.
	 * @param string     $hook   The hook.
	 * @param array|null $args   The args.
	 * @param string     $group  The group.
	 * @return bool
	 */
	public static function action_matches(array $action, $hook, $args, $group): bool {

		return $action['hook'] === (string) $hook
			&& (null === $args || json_encode(array_values((array) $args)) === json_encode(array_values($action['args'])))
			&& ('' === (string) $group || $action['group'] === (string) $group);
	}

	/**
	 * Executes one action the way Action Scheduler does: in-progress while it runs, its
	 * before/after hooks around do_action_ref_array with the args' values.
	 *
	 * @param array $action The action.
	 * @return void
	 */
	public static function execute(array $action): void {

		self::$running[] = $action;

		do_action('action_scheduler_before_execute', $action['id'] ?? 0, 'stand-in');

		try {
			do_action_ref_array($action['hook'], array_values($action['args']));
		} finally {
			array_pop(self::$running);
			do_action('action_scheduler_after_execute', $action['id'] ?? 0, null, 'stand-in');
		}
	}

	/**
	 * Runs queued actions the way Action Scheduler does (do_action_ref_array with the args' values),
	 * ignoring their timestamps. Each runs once; what they schedule is queued for a later call.
	 *
	 * @param string|null $hook Only this hook.
	 * @return int How many ran.
	 */
	public static function run_actions(?string $hook = null): int {

		$queue = self::$actions;
		$ran   = 0;

		self::$actions = [];

		foreach ($queue as $action) {
			if (null !== $hook && $action['hook'] !== $hook) {
				self::$actions[] = $action;

				continue;
			}

			self::execute($action);
			++$ran;
		}

		return $ran;
	}

	/**
	 * Advances the stand-in clock by $seconds, running every action that comes due meanwhile
	 * (earliest first, the clock set to each one's time as it runs), those they schedule
	 * included. Nothing sleeps.
	 *
	 * @param int $seconds How far.
	 * @return int How many ran.
	 */
	public static function run_due(int $seconds): int {

		$until = self::now() + $seconds;
		$ran   = 0;

		while ($ran < 10000) {
			$next = null;

			foreach (self::$actions as $i => $action) {
				if ($action['timestamp'] <= $until && (null === $next || $action['timestamp'] < self::$actions[ $next ]['timestamp'] || ($action['timestamp'] === self::$actions[ $next ]['timestamp'] && $action['id'] < self::$actions[ $next ]['id']))) {
					$next = $i;
				}
			}

			if (null === $next) {
				break;
			}

			$action = self::$actions[ $next ];

			unset(self::$actions[ $next ]);
			self::$actions = array_values(self::$actions);

			self::$now = max(self::now(), $action['timestamp']);

			self::execute($action);
			++$ran;
		}

		self::$now = max(self::now(), $until);

		return $ran;
	}

	/**
	 * Advances the stand-in clock by $seconds, running every WP-Cron event that comes due
	 * meanwhile (earliest first, the clock set to its time; each unscheduled before it runs, as
	 * wp-cron.php does). Nothing sleeps.
	 *
	 * @param int $seconds How far.
	 * @return int How many ran.
	 */
	public static function run_cron_due(int $seconds): int {

		$until = self::now() + $seconds;
		$ran   = 0;

		while ($ran < 10000) {
			$next = null;

			foreach (self::$cron as $i => $event) {
				if ($event['timestamp'] <= $until && (null === $next || $event['timestamp'] < self::$cron[ $next ]['timestamp'])) {
					$next = $i;
				}
			}

			if (null === $next) {
				break;
			}

			$event = self::$cron[ $next ];

			unset(self::$cron[ $next ]);
			self::$cron = array_values(self::$cron);
			self::$now  = max(self::now(), $event['timestamp']);

			do_action_ref_array($event['hook'], $event['args']);
			++$ran;
		}

		self::$now = max(self::now(), $until);

		return $ran;
	}

	/**
	 * All WP-CLI output as text.
	 *
	 * @return string
	 */
	public static function cli_text(): string {

		return implode(
			"\n",
			array_map(
				static function ($line) {
					return $line['type'] . ': ' . $line['message'];
				},
				self::$cli
			)
		);
	}
}

/**
 * wp_die() in the stand-in: thrown, so a test sees the refusal and its HTTP status.
 */
final class Died extends \RuntimeException {}
