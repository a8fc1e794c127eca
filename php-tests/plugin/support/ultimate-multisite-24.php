<?php
/**
 * Ultimate Multisite 2.4.x: the core RunCloud host provider (stand-in that only records its calls:
 * the one-handler tests check it is never called once our plugin is active).
 *
 * Copies: Ultimate Multisite 2.4.10 (host providers; no Integration_Registry).
 *
 * @package WU_RunCloud_Stubs
 */

namespace WP_Ultimo\Integrations\Host_Providers;

use WU_RunCloud_Stubs\State;

class Runcloud_Host_Provider extends Base_Host_Provider {

	use \WP_Ultimo\Traits\Singleton;

	protected $id = 'runcloud';

	protected $title = 'RunCloud';

	protected $supports = ['autossl'];

	protected $constants = ['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID'];

	public function detect(): bool {
		return false;
	}

	public function on_add_domain($domain, $site_id) {
		State::$core_calls[] = ['class' => static::class, 'method' => __FUNCTION__, 'args' => [$domain, $site_id]];
	}

	public function on_remove_domain($domain, $site_id) {
		State::$core_calls[] = ['class' => static::class, 'method' => __FUNCTION__, 'args' => [$domain, $site_id]];
	}

	public function on_add_subdomain($subdomain, $site_id) {
		State::$core_calls[] = ['class' => static::class, 'method' => __FUNCTION__, 'args' => [$subdomain, $site_id]];
	}

	public function on_remove_subdomain($subdomain, $site_id) {
		State::$core_calls[] = ['class' => static::class, 'method' => __FUNCTION__, 'args' => [$subdomain, $site_id]];
	}
}
