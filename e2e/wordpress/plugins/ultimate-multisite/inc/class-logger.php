<?php
/**
 * WP_Ultimo\Logger: one file per handle in wu-logs/ under the main site's uploads directory.
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo;

defined('ABSPATH') || exit;

/**
 * Appends timestamped lines to wu-logs/<handle>.log.
 */
class Logger {

	/**
	 * The logs folder (created on first use), with a trailing slash.
	 *
	 * @return string
	 */
	public static function get_logs_folder() {

		$uploads = wu_switch_blog_and_run('wp_upload_dir');
		$folder  = trailingslashit($uploads['basedir']) . 'wu-logs/';

		wp_mkdir_p($folder);

		return $folder;
	}

	/**
	 * Adds a line.
	 *
	 * @param string           $handle    The log file's name.
	 * @param string|\WP_Error $message   The line.
	 * @param string           $log_level A PSR-3 level.
	 * @return void
	 */
	public static function add($handle, $message, $log_level = 'info') {

		if (is_wp_error($message)) {
			$message = $message->get_error_message();
		}

		$line = sprintf("%s - %s - %s\n", gmdate('m-d-Y @ H:i:s'), strtoupper((string) $log_level), (string) $message);

		file_put_contents(self::get_logs_folder() . sanitize_file_name((string) $handle) . '.log', $line, FILE_APPEND | LOCK_EX);

		do_action('wu_log_add', $handle, $message, $log_level);
	}
}
