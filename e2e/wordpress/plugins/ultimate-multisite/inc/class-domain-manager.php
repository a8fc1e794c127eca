<?php
/**
 * WP_Ultimo\Managers\Domain_Manager: when the four domain events are enqueued, the domain stages
 * with `wu_domain_manager_dns_propagation_finished`, the www setting, and loading host providers.
 * Hooks, argument names and stage logic follow Ultimate Multisite 2.4.x/2.5.
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo\Managers;

defined('ABSPATH') || exit;

/**
 * Domain mapping events and settings.
 */
class Domain_Manager {

	use \WP_Ultimo\Traits\Singleton;

	/**
	 * Hooks, as Ultimate Multisite's init() adds them.
	 *
	 * @return void
	 */
	public function init() {

		add_action('plugins_loaded', [$this, 'load_integrations']);
		add_action('wu_async_process_domain_stage', [$this, 'async_process_domain_stage'], 10, 2);
		add_action('wu_transition_domain_domain', [$this, 'send_domain_to_host'], 10, 3);
		add_action('wu_domain_post_delete', [$this, 'handle_domain_deleted'], 10, 2);
		add_action('wp_insert_site', [$this, 'handle_site_created']);
		add_action('wp_delete_site', [$this, 'handle_site_deleted']);
	}

	/**
	 * A mapping's name was set (new mapping) or changed: the host gets the new name.
	 *
	 * @param mixed $old_value The old name ('' for a new mapping).
	 * @param mixed $new_value The new name.
	 * @param int   $item_id   The mapping id.
	 * @return void
	 */
	public function send_domain_to_host($old_value, $new_value, $item_id) {

		if ($old_value !== $new_value) {
			$domain = wu_get_domain($item_id);

			wu_enqueue_async_action(
				'wu_add_domain',
				[
					'domain'  => $new_value,
					'site_id' => $domain ? $domain->get_site_id() : 0,
				],
				'domain'
			);
		}
	}

	/**
	 * A mapping was deleted.
	 *
	 * @param bool                     $result Whether the row was deleted.
	 * @param \WP_Ultimo\Models\Domain $domain The mapping.
	 * @return void
	 */
	public function handle_domain_deleted($result, $domain) {

		if ($result) {
			wu_enqueue_async_action(
				'wu_remove_domain',
				[
					'domain'  => $domain->get_domain(),
					'site_id' => $domain->get_site_id(),
				],
				'domain'
			);
		}
	}

	/**
	 * A site was created: on a subdomain it is a new host for the web server.
	 *
	 * @param \WP_Site $site The site.
	 * @return void
	 */
	public function handle_site_created($site) {

		if (self::is_network_subdomain($site)) {
			wu_enqueue_async_action(
				'wu_add_subdomain',
				[
					'subdomain' => $site->domain,
					'site_id'   => $site->blog_id,
				],
				'domain'
			);
		}
	}

	/**
	 * A site was deleted: its mappings go with it (each fires wu_remove_domain), then its subdomain.
	 *
	 * @param \WP_Site $site The site.
	 * @return void
	 */
	public function handle_site_deleted($site) {

		foreach (wu_get_domains(['blog_id' => (int) $site->blog_id]) as $mapping) {
			$mapping->delete();
		}

		if (self::is_network_subdomain($site)) {
			wu_enqueue_async_action(
				'wu_remove_subdomain',
				[
					'subdomain' => $site->domain,
					'site_id'   => $site->blog_id,
				],
				'domain'
			);
		}
	}

	/**
	 * Whether a site lives on a host of its own under the network's domain.
	 *
	 * @param \WP_Site $site The site.
	 * @return bool
	 */
	private static function is_network_subdomain($site): bool {

		global $current_site;

		return '' !== str_replace($current_site->domain, '', $site->domain);
	}

	/**
	 * One step of a mapping's DNS, then SSL, checks (UM's stages and retry timing).
	 *
	 * @param int $domain_id The mapping.
	 * @param int $tries     Tries so far.
	 * @return void
	 */
	public function async_process_domain_stage($domain_id, $tries = 0) {

		$domain = wu_get_domain($domain_id);

		if ( ! $domain) {
			return;
		}

		$max_tries = (int) apply_filters('wu_async_process_domain_stage_max_tries', 5, $domain);
		$interval  = max(10, min(300, (int) wu_get_setting('dns_check_interval', 300)));
		$name      = $domain->get_domain();

		++$tries;

		wu_log_add("domain-{$name}", sprintf('Starting Check for %s', $name));

		if ('checking-dns' === $domain->get_stage()) {
			if ($domain->has_correct_dns()) {
				$domain->set_stage('checking-ssl-cert');
				$domain->save();

				wu_log_add("domain-{$name}", '- DNS propagation finished, advancing domain to next step...');

				wu_enqueue_async_action(
					'wu_async_process_domain_stage',
					[
						'domain_id' => $domain_id,
						'tries'     => 0,
					],
					'domain'
				);

				do_action('wu_domain_manager_dns_propagation_finished', $domain);

				return;
			}

			$this->retry_stage($domain, 'failed', $tries, $max_tries, $interval, '- DNS propagation not finished, retrying...');

			return;
		}

		if ('checking-ssl-cert' === $domain->get_stage()) {
			if ($domain->has_valid_ssl_certificate()) {
				$domain->set_stage('done');
				$domain->set_secure(true);
				$domain->save();

				wu_log_add("domain-{$name}", '- Valid SSL cert found. Marking domain as done.');

				return;
			}

			$this->retry_stage($domain, 'done-without-ssl', $tries, $max_tries, $interval, '- SSL Cert not found, retrying...');
		}
	}

	/**
	 * Schedules the stage again, or gives up with $final_stage after $max_tries.
	 *
	 * @param \WP_Ultimo\Models\Domain $domain      The mapping.
	 * @param string                   $final_stage Stage when giving up.
	 * @param int                      $tries       Tries so far.
	 * @param int                      $max_tries   Tries allowed.
	 * @param int                      $interval    Seconds between tries.
	 * @param string                   $message     Log line.
	 * @return void
	 */
	private function retry_stage($domain, string $final_stage, int $tries, int $max_tries, int $interval, string $message) {

		if ($tries > $max_tries) {
			$domain->set_stage($final_stage);
			$domain->save();

			wu_log_add('domain-' . $domain->get_domain(), sprintf('- Checks tried %d times. Marking as %s.', $max_tries, $final_stage));

			return;
		}

		wu_log_add('domain-' . $domain->get_domain(), $message);

		wu_schedule_single_action(
			time() + $interval,
			'wu_async_process_domain_stage',
			[
				'domain_id' => $domain->get_id(),
				'tries'     => $tries,
			],
			'domain'
		);
	}

	/**
	 * Whether a name is a registrable domain by UM's heuristic (two labels, or three under one of
	 * five known multi-part suffixes).
	 *
	 * @param string $domain The name.
	 * @return bool
	 */
	public static function is_main_domain(string $domain) {

		$parts = explode('.', strtolower(trim(rtrim($domain, '.'))));

		if (count($parts) <= 2) {
			return true;
		}

		$suffix = '.' . $parts[ count($parts) - 2 ] . '.' . $parts[ count($parts) - 1 ];

		return 3 === count($parts) && in_array($suffix, (array) apply_filters('wu_multi_part_tlds', ['.co.uk', '.com.au', '.co.nz', '.com.br', '.co.in']), true);
	}

	/**
	 * Whether the host should also get www.<domain>: the network setting auto_create_www_subdomain.
	 *
	 * @param string $domain The name.
	 * @return bool
	 */
	public function should_create_www_subdomain($domain) {

		$domain = trim(strtolower((string) $domain));

		if (0 === strpos($domain, 'www.')) {
			return false;
		}

		switch (wu_get_setting('auto_create_www_subdomain', 'always')) {
			case 'never':
				return false;
			case 'main_only':
				return self::is_main_domain($domain);
			default:
				return true;
		}
	}

	/**
	 * Host provider classes by id (2.4's wizard and test-connection look them up here).
	 *
	 * @return array
	 */
	public function get_integrations() {

		return apply_filters('wu_domain_manager_get_integrations', [], $this);
	}

	/**
	 * Loads the host providers: 2.4 its own (RunCloud among them) first; both generations then fire
	 * wp_ultimo_host_providers_load for third-party providers.
	 *
	 * @return void
	 */
	public function load_integrations() {

		if (class_exists('\\WP_Ultimo\\Integrations\\Host_Providers\\Runcloud_Host_Provider')) {
			\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::get_instance();
		}

		do_action('wp_ultimo_host_providers_load');
	}
}
