<?php
/**
 * Action Scheduler stand-in: the store. Tables, columns, statuses and the per-site table prefix
 * are those of Action Scheduler 3.9 (ActionScheduler_StoreSchema version 7, LoggerSchema), so
 * that code reading its tables (the plugin's uninstall.php) meets the real layout. The `schedule`
 * column holds our own serialised array, not Action Scheduler's schedule objects.
 *
 * @package WU_RunCloud_E2E
 */

defined('ABSPATH') || exit;

/**
 * Reads and writes scheduled actions in the database.
 */
final class WU_E2E_Action_Store {

	const STATUS_PENDING  = 'pending';
	const STATUS_RUNNING  = 'in-progress';
	const STATUS_COMPLETE = 'complete';
	const STATUS_FAILED   = 'failed';
	const STATUS_CANCELED = 'canceled';

	/**
	 * Longest `args` value stored in place; longer ones go to `extended_args` (as Action Scheduler does).
	 */
	const ARGS_MAX = 191;

	/**
	 * Makes WordPress aware of the tables (so switch_to_blog() re-prefixes them) and creates them
	 * on a site that has none yet, like Action Scheduler's schema classes.
	 *
	 * @return void
	 */
	public static function register_tables(): void {

		global $wpdb;

		foreach (['actionscheduler_actions', 'actionscheduler_claims', 'actionscheduler_groups', 'actionscheduler_logs'] as $table) {
			if ( ! in_array($table, $wpdb->tables, true)) {
				$wpdb->tables[] = $table;
			}

			$wpdb->$table = $wpdb->prefix . $table;
		}

		if ('7' !== (string) get_option('schema-ActionScheduler_StoreSchema')) {
			self::create_tables();
		}
	}

	/**
	 * Creates the four tables on the current site.
	 *
	 * @return void
	 */
	private static function create_tables(): void {

		global $wpdb;

		require_once ABSPATH . 'wp-admin/includes/upgrade.php';

		$collate = $wpdb->get_charset_collate();
		$zero    = '0000-00-00 00:00:00';

		dbDelta(
			"CREATE TABLE {$wpdb->actionscheduler_actions} (
				action_id bigint(20) unsigned NOT NULL auto_increment,
				hook varchar(191) NOT NULL,
				status varchar(20) NOT NULL,
				scheduled_date_gmt datetime NULL default '{$zero}',
				scheduled_date_local datetime NULL default '{$zero}',
				priority tinyint unsigned NOT NULL default '10',
				args varchar(191),
				schedule longtext,
				group_id bigint(20) unsigned NOT NULL default '0',
				attempts int(11) NOT NULL default '0',
				last_attempt_gmt datetime NULL default '{$zero}',
				last_attempt_local datetime NULL default '{$zero}',
				claim_id bigint(20) unsigned NOT NULL default '0',
				extended_args varchar(8000) DEFAULT NULL,
				PRIMARY KEY  (action_id),
				KEY hook_status_scheduled_date_gmt (hook(163), status, scheduled_date_gmt),
				KEY status_scheduled_date_gmt (status, scheduled_date_gmt),
				KEY scheduled_date_gmt (scheduled_date_gmt),
				KEY args (args(191)),
				KEY group_id (group_id),
				KEY last_attempt_gmt (last_attempt_gmt),
				KEY claim_id_status_scheduled_date_gmt (claim_id, status, scheduled_date_gmt)
			) {$collate};
			CREATE TABLE {$wpdb->actionscheduler_claims} (
				claim_id bigint(20) unsigned NOT NULL auto_increment,
				date_created_gmt datetime NULL default '{$zero}',
				PRIMARY KEY  (claim_id),
				KEY date_created_gmt (date_created_gmt)
			) {$collate};
			CREATE TABLE {$wpdb->actionscheduler_groups} (
				group_id bigint(20) unsigned NOT NULL auto_increment,
				slug varchar(255) NOT NULL,
				PRIMARY KEY  (group_id),
				KEY slug (slug(191))
			) {$collate};
			CREATE TABLE {$wpdb->actionscheduler_logs} (
				log_id bigint(20) unsigned NOT NULL auto_increment,
				action_id bigint(20) unsigned NOT NULL,
				message text NOT NULL,
				log_date_gmt datetime NULL default '{$zero}',
				log_date_local datetime NULL default '{$zero}',
				PRIMARY KEY  (log_id),
				KEY action_id (action_id),
				KEY log_date_gmt (log_date_gmt)
			) {$collate};"
		);

		update_option('schema-ActionScheduler_StoreSchema', '7');
		update_option('schema-ActionScheduler_LoggerSchema', '7');
	}

	/**
	 * Stores a new pending action.
	 *
	 * @param string $hook      The hook.
	 * @param array  $args      Its arguments (passed positionally, as Action Scheduler does).
	 * @param int    $timestamp When it is due (unix time).
	 * @param string $group     The group slug, or ''.
	 * @param bool   $unique    Whether to refuse it when a pending or running one has the same hook, args and group.
	 * @param int    $priority  0-255, lower first.
	 * @param string $type      'async' or 'single' (kept in the schedule column).
	 * @return int The action id, 0 when refused.
	 */
	public static function create(string $hook, array $args, int $timestamp, string $group, bool $unique, int $priority, string $type): int {

		global $wpdb;

		if ($unique && self::find($hook, $args, $group, [self::STATUS_PENDING, self::STATUS_RUNNING])) {
			return 0;
		}

		$json = (string) wp_json_encode($args);
		$long = strlen($json) > self::ARGS_MAX;

		$wpdb->insert(
			$wpdb->actionscheduler_actions,
			[
				'hook'                 => $hook,
				'status'               => self::STATUS_PENDING,
				'scheduled_date_gmt'   => gmdate('Y-m-d H:i:s', $timestamp),
				'scheduled_date_local' => get_date_from_gmt(gmdate('Y-m-d H:i:s', $timestamp)),
				'priority'             => max(0, min(255, $priority)),
				'args'                 => $long ? md5($json) : $json,
				'extended_args'        => $long ? $json : null,
				'schedule'             => maybe_serialize(['type' => $type, 'timestamp' => $timestamp]),
				'group_id'             => self::group_id($group),
			]
		);

		$id = (int) $wpdb->insert_id;

		self::log($id, 'action created');

		return $id;
	}

	/**
	 * The first action (oldest due date) matching hook, args (null: any) and group ('': any).
	 *
	 * @param string     $hook     The hook.
	 * @param array|null $args     The arguments, or null for any.
	 * @param string     $group    The group slug, or '' for any.
	 * @param array      $statuses Statuses to look at.
	 * @return array|null The row.
	 */
	public static function find(string $hook, ?array $args, string $group, array $statuses): ?array {

		global $wpdb;

		$where  = ['hook = %s'];
		$values = [$hook];

		if (null !== $args) {
			$json     = (string) wp_json_encode($args);
			$where[]  = strlen($json) > self::ARGS_MAX ? 'extended_args = %s' : 'args = %s';
			$values[] = $json;
		}

		if ('' !== $group) {
			$where[]  = 'group_id = %d';
			$values[] = self::group_id($group);
		}

		$where[] = 'status IN (' . implode(', ', array_fill(0, count($statuses), '%s')) . ')';
		$values  = array_merge($values, $statuses);

		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared
		$row = $wpdb->get_row($wpdb->prepare("SELECT * FROM {$wpdb->actionscheduler_actions} WHERE " . implode(' AND ', $where) . ' ORDER BY scheduled_date_gmt ASC, action_id ASC LIMIT 1', $values), ARRAY_A);

		return is_array($row) ? $row : null;
	}

	/**
	 * Cancels one pending action.
	 *
	 * @param int $action_id The action.
	 * @return void
	 */
	public static function cancel(int $action_id): void {

		self::set_status($action_id, self::STATUS_CANCELED, 'action canceled');
	}

	/**
	 * Cancels every pending action of a hook.
	 *
	 * @param string $hook The hook.
	 * @return void
	 */
	public static function cancel_by_hook(string $hook): void {

		global $wpdb;

		$ids = $wpdb->get_col($wpdb->prepare("SELECT action_id FROM {$wpdb->actionscheduler_actions} WHERE hook = %s AND status = %s", $hook, self::STATUS_PENDING));

		foreach ($ids as $id) {
			self::cancel((int) $id);
		}
	}

	/**
	 * Changes an action's status and logs why.
	 *
	 * @param int    $action_id The action.
	 * @param string $status    The new status.
	 * @param string $message   The log line.
	 * @param array  $extra     More columns to set.
	 * @return void
	 */
	public static function set_status(int $action_id, string $status, string $message, array $extra = []): void {

		global $wpdb;

		$wpdb->update($wpdb->actionscheduler_actions, ['status' => $status] + $extra, ['action_id' => $action_id]);

		self::log($action_id, $message);
	}

	/**
	 * The arguments of a stored action.
	 *
	 * @param array $row The row.
	 * @return array
	 */
	public static function args(array $row): array {

		$json = null !== $row['extended_args'] && '' !== $row['extended_args'] ? $row['extended_args'] : $row['args'];
		$args = json_decode((string) $json, true);

		return is_array($args) ? $args : [];
	}

	/**
	 * Writes a line to the action's log (Action Scheduler's DB logger table).
	 *
	 * @param int    $action_id The action.
	 * @param string $message   The line.
	 * @return void
	 */
	public static function log(int $action_id, string $message): void {

		global $wpdb;

		$now = current_time('mysql', true);

		$wpdb->insert(
			$wpdb->actionscheduler_logs,
			[
				'action_id'      => $action_id,
				'message'        => $message,
				'log_date_gmt'   => $now,
				'log_date_local' => get_date_from_gmt($now),
			]
		);
	}

	/**
	 * The id of a group slug, created on first use; 0 for no group.
	 *
	 * @param string $slug The slug.
	 * @return int
	 */
	private static function group_id(string $slug): int {

		global $wpdb;

		if ('' === $slug) {
			return 0;
		}

		$id = (int) $wpdb->get_var($wpdb->prepare("SELECT group_id FROM {$wpdb->actionscheduler_groups} WHERE slug = %s", $slug));

		if ($id) {
			return $id;
		}

		$wpdb->insert($wpdb->actionscheduler_groups, ['slug' => $slug]);

		return (int) $wpdb->insert_id;
	}
}
