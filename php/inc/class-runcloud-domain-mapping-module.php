<?php
/**
 * Ultimate Multisite 2.5 adapter: the domain-mapping capability module of the `runcloud` integration.
 *
 * Added in wu_register_capabilities, after the core's: the registry keeps one module per
 * (integration, capability), so this one replaces the core's before any hook is added.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

use WP_Ultimo\Integrations\Base_Capability_Module;
use WP_Ultimo\Integrations\Capabilities\Domain_Mapping_Capability;

defined('ABSPATH') || exit;

/**
 * Thin adapter: every event goes to RunCloud_Domain_Sync.
 */
class RunCloud_Domain_Mapping_Module extends Base_Capability_Module implements Domain_Mapping_Capability {

	/**
	 * The domain events.
	 *
	 * @var RunCloud_Domain_Sync
	 */
	private $sync;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Domain_Sync $sync The domain events.
	 */
	public function __construct(RunCloud_Domain_Sync $sync) {

		$parent = get_parent_class($this);

		if ($parent && method_exists($parent, '__construct')) {
			parent::__construct();
		}

		$this->sync = $sync;

		// Set, not redeclared: the parent's property type differs between versions.
		$this->supported_features = ['autossl'];
	}

	/**
	 * Capability id.
	 *
	 * @return string
	 */
	public function get_capability_id(): string {

		return 'domain-mapping';
	}

	/**
	 * Title.
	 *
	 * @return string
	 */
	public function get_title(): string {

		return __('Domain Mapping', 'wu-runcloud');
	}

	/**
	 * Wizard explainer.
	 *
	 * @return array
	 */
	public function get_explainer_lines(): array {

		return [
			'will'     => [
				__('Add and remove mapped domains (and subdomain sites not covered by a wildcard domain) on every configured RunCloud web app', 'wu-runcloud'),
				__('Redeploy or issue the SSL certificate after a domain is added (not for a custom certificate)', 'wu-runcloud'),
				__('Retry later when RunCloud is busy or unreachable', 'wu-runcloud'),
			],
			'will_not' => [
				__('Remove the web app\'s primary domain', 'wu-runcloud'),
			],
		];
	}

	/**
	 * Adds the four event hooks (the registry calls this only when enabled and set up).
	 *
	 * @return void
	 */
	public function register_hooks(): void {

		add_action('wu_add_domain', [$this, 'on_add_domain'], 10, 2);
		add_action('wu_remove_domain', [$this, 'on_remove_domain'], 10, 2);
		add_action('wu_add_subdomain', [$this, 'on_add_subdomain'], 10, 2);
		add_action('wu_remove_subdomain', [$this, 'on_remove_subdomain'], 10, 2);

		$plugin = RunCloud_Plugin::instance();

		if (null !== $plugin) {
			$plugin->mark_handler_active();
		}
	}

	/**
	 * Event: a domain mapping became active.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_add_domain(string $domain, int $site_id): void {

		$this->sync->add_domain($domain, $site_id);
	}

	/**
	 * Event: a domain mapping was deleted.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_remove_domain(string $domain, int $site_id): void {

		$this->sync->remove_domain($domain, $site_id);
	}

	/**
	 * Event: a site was created on a subdomain network.
	 *
	 * @param string $subdomain The full host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_add_subdomain(string $subdomain, int $site_id): void {

		$this->sync->add_subdomain($subdomain, $site_id);
	}

	/**
	 * Event: a site was deleted on a subdomain network.
	 *
	 * @param string $subdomain The full host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_remove_subdomain(string $subdomain, int $site_id): void {

		$this->sync->remove_subdomain($subdomain, $site_id);
	}

	/**
	 * Connection test through the integration.
	 *
	 * @return bool|\WP_Error
	 */
	public function test_connection() {

		return $this->get_integration()->test_connection();
	}
}
