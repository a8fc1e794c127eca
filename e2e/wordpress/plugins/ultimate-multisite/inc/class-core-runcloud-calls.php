<?php
/**
 * Records calls that reach Ultimate Multisite's own (core) RunCloud handler, in the network option
 * wu_e2e_core_runcloud_calls: with the plugin under test active that list must stay empty (one
 * RunCloud handler per event).
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo\Integrations;

defined('ABSPATH') || exit;

/**
 * The recorder.
 */
final class Core_RunCloud_Calls {

	/**
	 * Records one call.
	 *
	 * @param string $handler Class and method.
	 * @param string $host    The domain or subdomain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public static function record(string $handler, string $host, int $site_id): void {

		$calls   = (array) get_network_option(null, 'wu_e2e_core_runcloud_calls', []);
		$calls[] = [
			'handler' => $handler,
			'host'    => $host,
			'site_id' => $site_id,
		];

		update_network_option(null, 'wu_e2e_core_runcloud_calls', $calls);
	}
}
