<?php
/**
 * Stand-ins for Action Scheduler (as_* functions, queued in State::$actions) and WP-CLI
 * (WP_CLI::add_command/log/success/warning/error, output in State::$cli).
 *
 * Copies: Action Scheduler 3.9 (Ultimate Multisite 2.4.8's composer.json requires `^3.9.1`):
 * the as_* signatures with `$unique` and `$priority`; State::execute() fires the
 * before/after-execute hooks as its runner does. WP-CLI: 2.x's static WP_CLI API.
 *
 * Loaded only when a test asks for them: the plugin must also work without either.
 *
 * @package WU_RunCloud_Stubs
 */

namespace WP_CLI {

	/**
	 * WP_CLI::error() throws this (the real one exits, or throws it when capturing).
	 */
	class ExitException extends \Exception {}
}

namespace {

	use WU_RunCloud_Stubs\State;

	if (\WU_RunCloud_Stubs\Harness::$action_scheduler && ! function_exists('as_schedule_single_action')) {
		/*
		 * Action Scheduler 3.x's public functions over State::$actions (pending) and
		 * State::$running (in progress). Arguments are compared the way Action Scheduler does
		 * (JSON-encoded); $unique is ignored (3.x compares hook and group only: the plugin does
		 * not rely on it).
		 */
		function as_schedule_single_action($timestamp, $hook, $args = [], $group = '', $unique = false, $priority = 10) {
			$action = ['id' => ++State::$action_seq, 'timestamp' => (int) $timestamp, 'hook' => (string) $hook, 'args' => (array) $args, 'group' => (string) $group];

			State::$actions[]                       = $action;
			State::$all_actions[ State::$action_seq ] = $action;

			return State::$action_seq;
		}

		function as_enqueue_async_action($hook, $args = [], $group = '', $unique = false, $priority = 10) {
			return as_schedule_single_action(State::now(), $hook, $args, $group, $unique, $priority);
		}

		function wu_enqueue_async_action($hook, $args = [], $group = '') {
			return as_enqueue_async_action($hook, $args, $group);
		}

		function as_next_scheduled_action($hook, $args = null, $group = '') {
			$next = null;

			foreach (State::$actions as $action) {
				if (State::action_matches($action, $hook, $args, $group)) {
					$next = null === $next ? $action['timestamp'] : min($next, $action['timestamp']);
				}
			}

			if (null !== $next) {
				return $next;
			}

			foreach (State::$running as $action) {
				if (State::action_matches($action, $hook, $args, $group)) {
					return true;
				}
			}

			return false;
		}

		function as_has_scheduled_action($hook, $args = null, $group = '') {
			return false !== as_next_scheduled_action($hook, $args, $group);
		}

		function as_unschedule_action($hook, $args = null, $group = '') {
			$found = null;

			foreach (State::$actions as $i => $action) {
				if (State::action_matches($action, $hook, $args, $group) && (null === $found || $action['timestamp'] < State::$actions[ $found ]['timestamp'])) {
					$found = $i;
				}
			}

			if (null === $found) {
				return null;
			}

			$id = State::$actions[ $found ]['id'];

			unset(State::$actions[ $found ]);
			State::$actions = array_values(State::$actions);

			return $id;
		}

		function as_unschedule_all_actions($hook, $args = [], $group = '') {
			while (null !== as_unschedule_action($hook, $args ?: null, $group)) {
				continue;
			}
		}

		/**
		 * ActionScheduler::store()->fetch_action($id): get_hook(), get_args() of any action
		 * created (an unknown id: an empty hook, like ActionScheduler_NullAction).
		 */
		final class ActionScheduler {
			public static function store() {
				return new class() {
					public function fetch_action($action_id) {
						$action = State::$all_actions[ (int) $action_id ] ?? ['hook' => '', 'args' => []];

						return new class($action) {
							private $action;
							public function __construct(array $action) {
								$this->action = $action;
							}
							public function get_hook() {
								return $this->action['hook'];
							}
							public function get_args() {
								return $this->action['args'];
							}
						};
					}
				};
			}
		}
	}

	if (\WU_RunCloud_Stubs\Harness::$wp_cron && ! function_exists('wp_schedule_single_event')) {
		/*
		 * WP-Cron's functions over State::$cron (timestamp, hook, args): a second event with the
		 * same hook and args within 10 minutes of one pending is refused, as in WordPress.
		 */
		function wp_schedule_single_event($timestamp, $hook, $args = [], $wp_error = false) {
			foreach (State::$cron as $event) {
				if ($event['hook'] === $hook && $event['args'] === $args && abs($event['timestamp'] - (int) $timestamp) < 600) {
					return false;
				}
			}

			State::$cron[] = ['timestamp' => (int) $timestamp, 'hook' => (string) $hook, 'args' => (array) $args];

			return true;
		}

		function wp_next_scheduled($hook, $args = []) {
			$next = false;

			foreach (State::$cron as $event) {
				if ($event['hook'] === $hook && $event['args'] === $args && (false === $next || $event['timestamp'] < $next)) {
					$next = $event['timestamp'];
				}
			}

			return $next;
		}

		function wp_clear_scheduled_hook($hook, $args = [], $wp_error = false) {
			$before      = count(State::$cron);
			State::$cron = array_values(
				array_filter(
					State::$cron,
					static function ($event) use ($hook, $args) {
						return ! ($event['hook'] === $hook && $event['args'] === $args);
					}
				)
			);

			return $before - count(State::$cron);
		}
	}

	if (\WU_RunCloud_Stubs\Harness::$wp_cli && ! class_exists('WP_CLI')) {
		defined('WP_CLI') || define('WP_CLI', true);

		class WP_CLI {

			public static function add_command($name, $callable, $args = []) {
				State::$commands[ $name ] = $callable;

				return true;
			}

			/**
			 * Runs "runcloud sync" style commands: $command is "<name> <subcommand>".
			 */
			public static function runcommand_stub(string $command, array $assoc_args = []): int {
				[$name, $sub] = explode(' ', $command, 2);

				try {
					State::$commands[ $name ]->{$sub}([], $assoc_args);
				} catch (\WP_CLI\ExitException $e) {
					return 1;
				}

				return 0;
			}

			public static function log($message) {
				self::out('log', $message);
			}

			public static function line($message = '') {
				self::out('log', $message);
			}

			public static function success($message) {
				self::out('success', $message);
			}

			public static function warning($message) {
				self::out('warning', $message);
			}

			public static function error($message, $exit = true) {
				self::out('error', $message instanceof \WP_Error ? $message->get_error_message() : $message);

				if ($exit) {
					throw new \WP_CLI\ExitException((string) $message);
				}
			}

			private static function out(string $type, $message): void {
				State::$cli[] = ['type' => $type, 'message' => (string) $message];

				if (State::$echo_cli) {
					echo '    ' . ('log' === $type ? '' : ucfirst($type) . ': ') . $message . PHP_EOL;
				}
			}
		}
	}
}
