<?php
/**
 * Stand-ins for Action Scheduler (as_* functions, queued in State::$actions) and WP-CLI
 * (WP_CLI::add_command/log/success/warning/error, output in State::$cli).
 *
 * Loaded only when a test asks for them: the plugin must also work without either.
 *
 * @package WU_RunCloud_Stubs
 */

// phpcs:disable

namespace WP_CLI {

	/**
	 * WP_CLI::error() throws this (the real one exits, or throws it when capturing).
	 */
	class ExitException extends \Exception {}
}

namespace {

	use WU_RunCloud_Stubs\State;

	if (\WU_RunCloud_Stubs\Harness::$action_scheduler && ! function_exists('as_schedule_single_action')) {
		function as_schedule_single_action($timestamp, $hook, $args = [], $group = '', $unique = false, $priority = 10) {
			State::$actions[] = ['timestamp' => (int) $timestamp, 'hook' => (string) $hook, 'args' => (array) $args, 'group' => (string) $group];

			return count(State::$actions);
		}

		function as_enqueue_async_action($hook, $args = [], $group = '', $unique = false, $priority = 10) {
			return as_schedule_single_action(time(), $hook, $args, $group, $unique, $priority);
		}

		function wu_enqueue_async_action($hook, $args = [], $group = '') {
			return as_enqueue_async_action($hook, $args, $group);
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
