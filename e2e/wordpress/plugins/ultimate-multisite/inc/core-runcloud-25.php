<?php
/**
 * Ultimate Multisite 2.5's own RunCloud integration and domain-mapping module (id `runcloud`),
 * registered first by the Integration_Registry. This stand-in only records the calls that reach it.
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo\Integrations\Providers\RunCloud;

use WP_Ultimo\Integrations\Base_Capability_Module;
use WP_Ultimo\Integrations\Capabilities\Domain_Mapping_Capability;
use WP_Ultimo\Integrations\Core_RunCloud_Calls;
use WP_Ultimo\Integrations\Integration;

defined('ABSPATH') || exit;

/**
 * The core RunCloud integration (v3 token only).
 */
class RunCloud_Integration extends Integration {

	/**
	 * Constructor.
	 */
	public function __construct() {

		parent::__construct('runcloud', 'RunCloud');

		$this->set_constants(['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID']);
		$this->set_supports(['autossl']);
	}
}

/**
 * The core RunCloud domain-mapping module.
 */
class RunCloud_Domain_Mapping extends Base_Capability_Module implements Domain_Mapping_Capability {

	/**
	 * Capability id.
	 *
	 * @return string
	 */
	public function get_capability_id() {

		return 'domain-mapping';
	}

	/**
	 * Title.
	 *
	 * @return string
	 */
	public function get_title() {

		return 'Domain Mapping';
	}

	/**
	 * The four event hooks.
	 *
	 * @return void
	 */
	public function register_hooks() {

		add_action('wu_add_domain', [$this, 'on_add_domain'], 10, 2);
		add_action('wu_remove_domain', [$this, 'on_remove_domain'], 10, 2);
		add_action('wu_add_subdomain', [$this, 'on_add_subdomain'], 10, 2);
		add_action('wu_remove_subdomain', [$this, 'on_remove_subdomain'], 10, 2);
	}

	/**
	 * Records the call.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_add_domain(string $domain, int $site_id): void {

		Core_RunCloud_Calls::record(__METHOD__, $domain, $site_id);
	}

	/**
	 * Records the call.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_remove_domain(string $domain, int $site_id): void {

		Core_RunCloud_Calls::record(__METHOD__, $domain, $site_id);
	}

	/**
	 * Records the call.
	 *
	 * @param string $subdomain The host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_add_subdomain(string $subdomain, int $site_id): void {

		Core_RunCloud_Calls::record(__METHOD__, $subdomain, $site_id);
	}

	/**
	 * Records the call.
	 *
	 * @param string $subdomain The host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_remove_subdomain(string $subdomain, int $site_id): void {

		Core_RunCloud_Calls::record(__METHOD__, $subdomain, $site_id);
	}
}
