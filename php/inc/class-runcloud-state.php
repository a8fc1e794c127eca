<?php
/**
 * What the plugin remembers between requests: network options, all named here.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * The plugin's network options: RunCloud domain ids per target and the wildcard cache.
 *
 * Every option the plugin writes is named in OPTIONS (the failures behind the admin notice are
 * kept by RunCloud_Admin_Notices under OPTION_ERRORS), so an uninstall can delete them all.
 */
class RunCloud_State {

	/**
	 * Network option: RunCloud domain ids, [ 'SERVER:APP' => [ domain => id ] ].
	 */
	const OPTION_DOMAIN_IDS = 'wu_runcloud_domain_ids';

	/**
	 * Network option: wildcard names seen on each app, [ 'SERVER:APP' => [ 'at' => time, 'names' => [...] ] ].
	 */
	const OPTION_WILDCARDS = 'wu_runcloud_wildcards';

	/**
	 * Network option: failures an administrator must act on, [ [ 'time' => int, 'message' => string ] ]
	 * (read and written by RunCloud_Admin_Notices).
	 */
	const OPTION_ERRORS = 'wu_runcloud_errors';

	/**
	 * Every network option the plugin writes.
	 */
	const OPTIONS = [self::OPTION_DOMAIN_IDS, self::OPTION_WILDCARDS, self::OPTION_ERRORS];

	/**
	 * Seconds the wildcard names of an app are trusted before being read again.
	 */
	const WILDCARD_TTL = 300;

	/**
	 * The RunCloud id remembered for a domain on a target.
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @return int|null
	 */
	public function remembered_id(array $target, string $domain): ?int {

		$ids = get_network_option(null, self::OPTION_DOMAIN_IDS, []);
		$id  = is_array($ids) ? ($ids[ RunCloud_Config::key($target) ][ RunCloud_Config::normalize($domain) ] ?? null) : null;

		return is_numeric($id) && (int) $id > 0 ? (int) $id : null;
	}

	/**
	 * Remembers a RunCloud id.
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @param int    $id     The RunCloud domain id.
	 * @return void
	 */
	public function remember_id(array $target, string $domain, int $id): void {

		$ids = get_network_option(null, self::OPTION_DOMAIN_IDS, []);
		$ids = is_array($ids) ? $ids : [];

		$ids[ RunCloud_Config::key($target) ][ RunCloud_Config::normalize($domain) ] = $id;

		update_network_option(null, self::OPTION_DOMAIN_IDS, $ids);
	}

	/**
	 * Forgets a RunCloud id.
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @return void
	 */
	public function forget_id(array $target, string $domain): void {

		$ids = get_network_option(null, self::OPTION_DOMAIN_IDS, []);
		$key = RunCloud_Config::key($target);
		$dom = RunCloud_Config::normalize($domain);

		if ( ! is_array($ids) || ! isset($ids[ $key ][ $dom ])) {
			return;
		}

		unset($ids[ $key ][ $dom ]);

		if ( ! $ids[ $key ]) {
			unset($ids[ $key ]);
		}

		update_network_option(null, self::OPTION_DOMAIN_IDS, $ids);
	}

	/**
	 * The wildcard names of an app: remembered ones younger than WILDCARD_TTL, else read again.
	 *
	 * @param array    $target The target.
	 * @param callable $read   Reads the app's wildcard names now (returns an array).
	 * @return array
	 */
	public function wildcards(array $target, callable $read): array {

		$key   = RunCloud_Config::key($target);
		$cache = get_network_option(null, self::OPTION_WILDCARDS, []);
		$cache = is_array($cache) ? $cache : [];

		if (isset($cache[ $key ]['at'], $cache[ $key ]['names']) && time() - (int) $cache[ $key ]['at'] < self::WILDCARD_TTL) {
			return (array) $cache[ $key ]['names'];
		}

		$names = (array) call_user_func($read);

		$cache[ $key ] = [
			'at'    => time(),
			'names' => $names,
		];

		update_network_option(null, self::OPTION_WILDCARDS, $cache);

		return $names;
	}
}
