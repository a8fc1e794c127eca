<?php
/**
 * Uninstall: what the plugin keeps in the database goes with it.
 *
 * WordPress includes this file when the plugin is deleted from the Plugins screen (never on
 * deactivation). It removes, on every network:
 * - every network option whose name starts with `wu_runcloud_`, and site transients of such a name;
 * - every user's meta of such a name (the RunCloud page's screen option, rows per page);
 * - every queued job whose hook starts with `wu_runcloud_`: pending Action Scheduler actions are
 *   cancelled (through Action Scheduler when it is loaded, else in its table the way it would),
 *   WP-Cron events are unscheduled.
 * Jobs live on each network's main site: Ultimate Multisite runs its queue there.
 *
 * Left alone, because Ultimate Multisite owns them and its core RunCloud integration shares the id
 * `runcloud`: the `wu_host_integrations_enabled` toggle, credentials saved by its wizard, and the
 * integration-runcloud log.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('WP_UNINSTALL_PLUGIN') || exit;

if ( ! class_exists(__NAMESPACE__ . '\\RunCloud_Uninstaller', false)) {

	/**
	 * Removes the plugin's options and queued jobs.
	 */
	final class RunCloud_Uninstaller {

		/**
		 * Prefix of every option and hook the plugin owns.
		 */
		const PREFIX = 'wu_runcloud_';

		/**
		 * Hooks known today (cancelled even when the table lookup finds none pending).
		 */
		const KNOWN_HOOKS = ['wu_runcloud_retry', 'wu_runcloud_certificate', 'wu_runcloud_rename', 'wu_runcloud_admin_job'];

		/**
		 * Runs the whole uninstall.
		 *
		 * @return void
		 */
		public static function run(): void {

			self::delete_options();
			self::delete_user_meta();

			if ( ! is_multisite()) {
				self::delete_jobs();

				return;
			}

			foreach (get_networks(['fields' => 'ids']) as $network_id) {
				$main_site = get_main_site_id((int) $network_id);

				if ( ! $main_site) {
					continue;
				}

				switch_to_blog($main_site);
				self::delete_jobs();
				restore_current_blog();
			}
		}

		/**
		 * Deletes the options, through the options API so that caches follow.
		 *
		 * @return void
		 */
		private static function delete_options(): void {

			global $wpdb;

			// Site transients (and their timeouts) live in the same table under these names.
			$prefixes = is_multisite() ? ['', '_site_transient_', '_site_transient_timeout_'] : ['', '_transient_', '_transient_timeout_'];
			$likes    = array_map(
				static function ($prefix) use ($wpdb) {
					return $wpdb->esc_like($prefix . self::PREFIX) . '%';
				},
				$prefixes
			);

			if (is_multisite()) {
				// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- a prefix search has no API; deletion goes through one.
				$rows = $wpdb->get_results($wpdb->prepare("SELECT site_id, meta_key FROM {$wpdb->sitemeta} WHERE meta_key LIKE %s OR meta_key LIKE %s OR meta_key LIKE %s", $likes));

				foreach ((array) $rows as $row) {
					delete_network_option((int) $row->site_id, (string) $row->meta_key);
				}

				return;
			}

			// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- as above.
			$names = $wpdb->get_col($wpdb->prepare("SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s OR option_name LIKE %s", $likes));

			foreach ((array) $names as $name) {
				delete_option((string) $name);
			}
		}

		/**
		 * Deletes the plugin's user meta (users are shared by every network), through the
		 * metadata API so that caches follow.
		 *
		 * @return void
		 */
		private static function delete_user_meta(): void {

			global $wpdb;

			// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- a prefix search has no API; deletion goes through one.
			$keys = $wpdb->get_col($wpdb->prepare("SELECT DISTINCT meta_key FROM {$wpdb->usermeta} WHERE meta_key LIKE %s", $wpdb->esc_like(self::PREFIX) . '%'));

			foreach ((array) $keys as $key) {
				delete_metadata('user', 0, (string) $key, '', true);
			}
		}

		/**
		 * Cancels the queued jobs of the current site.
		 *
		 * @return void
		 */
		private static function delete_jobs(): void {

			global $wpdb;

			$like  = $wpdb->esc_like(self::PREFIX) . '%';
			$table = self::action_scheduler_table();

			// No table: Action Scheduler never ran on this site, nothing is queued there.
			if (null !== $table) {
				// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the table name is the site prefix plus a constant.
				$hooks = array_merge(self::KNOWN_HOOKS, (array) $wpdb->get_col($wpdb->prepare("SELECT DISTINCT hook FROM {$table} WHERE hook LIKE %s AND status = %s", $like, 'pending')));

				if (function_exists('as_unschedule_all_actions')) {
					foreach (array_unique($hooks) as $hook) {
						as_unschedule_all_actions((string) $hook);
					}
				} else {
					// Action Scheduler is not loaded (Ultimate Multisite inactive): cancel as it would.
					// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- as above.
					$wpdb->query($wpdb->prepare("UPDATE {$table} SET status = %s WHERE hook LIKE %s AND status = %s", 'canceled', $like, 'pending'));
				}
			}

			foreach ((array) _get_cron_array() as $events) {
				foreach (array_keys((array) $events) as $hook) {
					if (0 === strpos((string) $hook, self::PREFIX)) {
						wp_unschedule_hook((string) $hook);
					}
				}
			}
		}

		/**
		 * Action Scheduler's actions table of the current site, when it exists.
		 *
		 * @return string|null
		 */
		private static function action_scheduler_table(): ?string {

			global $wpdb;

			$table = $wpdb->prefix . 'actionscheduler_actions';

			// phpcs:ignore WordPress.DB.DirectDatabaseQuery
			$found = $wpdb->get_var($wpdb->prepare('SHOW TABLES LIKE %s', $wpdb->esc_like($table)));

			return $found === $table ? $table : null;
		}
	}
}

RunCloud_Uninstaller::run();
