<?php
/**
 * The part of WP-CLI the plugin's `wp runcloud` command uses, so that the e2e runs the real
 * command code against the real database (WP-CLI itself is not packaged for Debian 12).
 * Loaded before WordPress, as WP-CLI is. Output goes to stdout as WP-CLI prints it;
 * WP_CLI::error() exits with status 1.
 *
 * @package WU_RunCloud_E2E
 */

define('WP_CLI', true);

/**
 * WP-CLI's static API (the methods the plugin calls).
 */
class WP_CLI {

	/**
	 * Registered commands by name.
	 *
	 * @var array
	 */
	public static $commands = [];

	/**
	 * Registers a command.
	 *
	 * @param string $name     Command name.
	 * @param mixed  $callable Object whose public methods are the subcommands.
	 * @param array  $args     Options.
	 * @return bool
	 */
	public static function add_command($name, $callable, $args = []) {

		self::$commands[ $name ] = $callable;

		return true;
	}

	/**
	 * Prints a line.
	 *
	 * @param string $message The line.
	 * @return void
	 */
	public static function log($message) {

		echo $message, "\n"; // phpcs:ignore WordPress.Security.EscapeOutput
	}

	/**
	 * Prints a line.
	 *
	 * @param string $message The line.
	 * @return void
	 */
	public static function line($message = '') {

		self::log($message);
	}

	/**
	 * Prints a success line.
	 *
	 * @param string $message The line.
	 * @return void
	 */
	public static function success($message) {

		self::log('Success: ' . $message);
	}

	/**
	 * Prints a warning.
	 *
	 * @param string $message The line.
	 * @return void
	 */
	public static function warning($message) {

		self::log('Warning: ' . $message);
	}

	/**
	 * Prints an error and exits with status 1.
	 *
	 * @param string|\WP_Error $message The error.
	 * @param bool             $exit    Whether to exit.
	 * @return void
	 */
	public static function error($message, $exit = true) {

		self::log('Error: ' . ($message instanceof \WP_Error ? $message->get_error_message() : $message));

		if ($exit) {
			exit(1);
		}
	}
}
