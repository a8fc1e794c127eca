<?php
/**
 * Everything a scenario asserts on the WordPress side, as JSON: network options whose name
 * contains wu_runcloud (site transients too) on every network, the main site's Action Scheduler
 * actions, domain mappings, sites, WP-Cron hooks, calls that reached the core RunCloud handler,
 * the wu-logs files, and what the plugin reports through its own API (`plugin`: each domain's
 * row per web app, each web app's certificate summary, the failure records, the page's
 * background actions, the environment's problems).
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

	$user_meta = $wpdb->get_col($wpdb->prepare("SELECT meta_key FROM {$wpdb->usermeta} WHERE meta_key LIKE %s ORDER BY meta_key", '%' . $wpdb->esc_like('wu_runcloud') . '%'));

	$actions = [];

	// Named by Action Scheduler's stand-in when it is loaded; its tables stay when it is not.
	$wu_e2e_actions_table = $wpdb->prefix . 'actionscheduler_actions';
	$wu_e2e_groups_table  = $wpdb->prefix . 'actionscheduler_groups';

	foreach ($wpdb->get_results("SELECT a.*, g.slug AS group_slug FROM {$wu_e2e_actions_table} a LEFT JOIN {$wu_e2e_groups_table} g ON a.group_id = g.group_id ORDER BY a.action_id", ARRAY_A) as $row) {
		$actions[] = [
			'id'        => (int) $row['action_id'],
			'hook'      => $row['hook'],
			'status'    => $row['status'],
			'args'      => (array) json_decode('' !== (string) $row['extended_args'] ? (string) $row['extended_args'] : (string) $row['args'], true),
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

	$plugin = class_exists('\\WU_RunCloud\\RunCloud_Plugin') ? \WU_RunCloud\RunCloud_Plugin::instance() : null;
	$report = null;

	if (null !== $plugin) {
		$targets = $plugin->notices()->environment()->can_send() ? $plugin->config()->targets() : [];
		$report  = [
			'domains'    => $plugin->report()->domains()['rows'],
			'targets'    => (object) array_combine(
				array_map(['\\WU_RunCloud\\RunCloud_Config', 'key'], $targets),
				array_map([$plugin->report(), 'target'], $targets)
			),
			'errors'     => $plugin->notices()->get_errors(),
			'admin_jobs' => $plugin->admin_jobs()->all(),
			'problems'   => array_column($plugin->notices()->environment()->problems($plugin->generation()), 'id'),
			'engine'     => $plugin->queue()->engine(),
		];
	}

	return [
		'plugin'              => $report,
		'now'                 => time(),
		'options'             => (object) $options,
		'user_meta'           => $user_meta,
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
