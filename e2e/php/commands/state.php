<?php
/**
 * Everything a scenario asserts on the WordPress side, as JSON: network options whose name
 * contains wu_runcloud (site transients too) on every network, the main site's Action Scheduler actions, domain mappings, sites, WP-Cron hooks,
 * calls that reached the core RunCloud handler, and the wu-logs files.
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	global $wpdb;

	$options = [];
	$rows    = $wpdb->get_results($wpdb->prepare("SELECT site_id, meta_key FROM {$wpdb->sitemeta} WHERE meta_key LIKE %s", '%' . $wpdb->esc_like('wu_runcloud') . '%'));

	foreach ($rows as $row) {
		$options[ (int) $row->site_id ][ $row->meta_key ] = get_network_option((int) $row->site_id, $row->meta_key);
	}

	$actions = [];

	foreach ($wpdb->get_results("SELECT a.*, g.slug AS group_slug FROM {$wpdb->actionscheduler_actions} a LEFT JOIN {$wpdb->actionscheduler_groups} g ON a.group_id = g.group_id ORDER BY a.action_id", ARRAY_A) as $row) {
		$actions[] = [
			'id'        => (int) $row['action_id'],
			'hook'      => $row['hook'],
			'status'    => $row['status'],
			'args'      => WU_E2E_Action_Store::args($row),
			'group'     => (string) $row['group_slug'],
			'scheduled' => (int) strtotime($row['scheduled_date_gmt'] . ' UTC'),
			'attempts'  => (int) $row['attempts'],
		];
	}

	$cron = [];

	foreach ((array) _get_cron_array() as $events) {
		$cron = array_merge($cron, array_keys((array) $events));
	}

	$logs    = [];
	$uploads = wp_upload_dir();

	foreach ((array) glob(trailingslashit($uploads['basedir']) . 'wu-logs/*.log') as $file) {
		$logs[ basename($file, '.log') ] = (string) file_get_contents($file);
	}

	return [
		'now'                 => time(),
		'options'             => (object) $options,
		'actions'             => $actions,
		'domains'             => array_map(
			static function ($domain) {
				return $domain->to_array();
			},
			function_exists('wu_get_domains') ? wu_get_domains() : []
		),
		'sites'               => array_map(
			static function ($site) {
				return [
					'site_id' => (int) $site->blog_id,
					'domain'  => $site->domain,
				];
			},
			get_sites(['number' => 0])
		),
		'cron'                => array_values(array_unique($cron)),
		'core_runcloud_calls' => (array) get_network_option(null, 'wu_e2e_core_runcloud_calls', []),
		'logs'                => (object) $logs,
	];
};
