<?php
/**
 * Ultimate Multisite 2.4.x's own RunCloud host provider (id `runcloud`), loaded first by
 * Domain_Manager::load_integrations(). This stand-in only records the calls that reach it.
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo\Integrations\Host_Providers;

use WP_Ultimo\Integrations\Core_RunCloud_Calls;

defined('ABSPATH') || exit;

/**
 * The core RunCloud provider.
 */
class Runcloud_Host_Provider extends Base_Host_Provider {

	use \WP_Ultimo\Traits\Singleton;

	/**
	 * Id.
	 *
	 * @var string
	 */
	protected $id = 'runcloud';

	/**
	 * Title.
	 *
	 * @var string
	 */
	protected $title = 'RunCloud';

	/**
	 * Features.
	 *
	 * @var array
	 */
	protected $supports = ['autossl'];

	/**
	 * Required constants.
	 *
	 * @var array
	 */
	protected $constants = ['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID'];

	/**
	 * Never detected in the e2e network.
	 *
	 * @return bool
	 */
	public function detect() {

		return false;
	}

	/**
	 * Records the call.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_add_domain($domain, $site_id) {

		Core_RunCloud_Calls::record(__METHOD__, (string) $domain, (int) $site_id);
	}

	/**
	 * Records the call.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_remove_domain($domain, $site_id) {

		Core_RunCloud_Calls::record(__METHOD__, (string) $domain, (int) $site_id);
	}

	/**
	 * Records the call.
	 *
	 * @param string $subdomain The host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_add_subdomain($subdomain, $site_id) {

		Core_RunCloud_Calls::record(__METHOD__, (string) $subdomain, (int) $site_id);
	}

	/**
	 * Records the call.
	 *
	 * @param string $subdomain The host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_remove_subdomain($subdomain, $site_id) {

		Core_RunCloud_Calls::record(__METHOD__, (string) $subdomain, (int) $site_id);
	}
}
