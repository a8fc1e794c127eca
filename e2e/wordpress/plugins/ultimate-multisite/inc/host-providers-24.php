<?php
/**
 * WP_Ultimo\Integrations\Host_Providers\Base_Host_Provider, the 2.4.x host provider API (2.5 still
 * loads third-party providers through it): enabled per network option
 * wu_host_integrations_enabled[<id>], set up when its constants are defined and non-empty; then
 * register_hooks() adds the four event hooks (priority 10, 2 arguments).
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo\Integrations\Host_Providers;

defined('ABSPATH') || exit;

/**
 * A hosting provider integration.
 */
abstract class Base_Host_Provider {

	/**
	 * Id.
	 *
	 * @var string
	 */
	protected $id;

	/**
	 * Title.
	 *
	 * @var string
	 */
	protected $title;

	/**
	 * Documentation link.
	 *
	 * @var string
	 */
	protected $tutorial_link = '';

	/**
	 * Features (e.g. autossl).
	 *
	 * @var array
	 */
	protected $supports = [];

	/**
	 * Required constants; an inner array means "any one of these".
	 *
	 * @var array
	 */
	protected $constants = [];

	/**
	 * Optional constants.
	 *
	 * @var array
	 */
	protected $optional_constants = [];

	/**
	 * Registers the provider, and its hooks when enabled (the Singleton calls this once).
	 *
	 * @return void
	 */
	public function init() {

		add_filter('wu_domain_manager_get_integrations', [$this, 'self_register']);

		if ($this->detect() && ! $this->is_enabled()) {
			\WP_Ultimo()->notices->add(sprintf('It looks like you are using %1$s as your hosting provider, yet the %1$s integration module is not active.', $this->get_title()), 'info', 'network-admin', 'should-enable-' . $this->get_id() . '-integration');
		}

		if ($this->is_enabled()) {
			if ( ! $this->is_setup()) {
				\WP_Ultimo()->notices->add(sprintf('The %s integration module is active but not properly configured.', $this->get_title()), 'warning', 'network-admin', 'should-setup-' . $this->get_id() . '-integration');
			}

			$this->load_dependencies();
			$this->register_hooks();
		}
	}

	/**
	 * Adds this class to the list of integrations.
	 *
	 * @param array $integrations Class names by id.
	 * @return array
	 */
	final public function self_register($integrations) {

		$integrations[ $this->get_id() ] = static::class;

		return $integrations;
	}

	/**
	 * Whether the network enabled this provider.
	 *
	 * @return bool
	 */
	final public function is_enabled() {

		return (bool) wu_get_isset(get_network_option(null, 'wu_host_integrations_enabled', []), $this->get_id(), false);
	}

	/**
	 * Adds the four event hooks, then additional_hooks().
	 *
	 * @return void
	 */
	public function register_hooks() {

		add_action('wu_add_domain', [$this, 'on_add_domain'], 10, 2);
		add_action('wu_remove_domain', [$this, 'on_remove_domain'], 10, 2);
		add_action('wu_add_subdomain', [$this, 'on_add_subdomain'], 10, 2);
		add_action('wu_remove_subdomain', [$this, 'on_remove_subdomain'], 10, 2);

		$this->additional_hooks();
	}

	/**
	 * More hooks of a provider.
	 *
	 * @return void
	 */
	public function additional_hooks() {}

	/**
	 * Loads what a provider needs.
	 *
	 * @return void
	 */
	public function load_dependencies() {}

	/**
	 * Whether every required constant is defined and non-empty.
	 *
	 * @return bool
	 */
	public function is_setup() {

		return ! $this->get_missing_constants();
	}

	/**
	 * Required constants that are missing.
	 *
	 * @return array
	 */
	public function get_missing_constants() {

		$missing = [];

		foreach ($this->constants as $constant) {
			$any   = (array) $constant;
			$found = array_filter(
				$any,
				static function ($name) {
					return defined($name) && constant($name);
				}
			);

			if ( ! $found) {
				$missing = array_merge($missing, $any);
			}
		}

		return $missing;
	}

	/**
	 * Id.
	 *
	 * @return string
	 */
	public function get_id() {

		return $this->id;
	}

	/**
	 * Title.
	 *
	 * @return string
	 */
	public function get_title() {

		return $this->title;
	}

	/**
	 * Whether the provider supports a feature.
	 *
	 * @param string $feature The feature.
	 * @return bool
	 */
	public function supports($feature) {

		return (bool) apply_filters('wu_hosting_support_supports', in_array($feature, $this->supports, true), $this);
	}

	/**
	 * Wizard fields.
	 *
	 * @return array
	 */
	public function get_fields() {

		return [];
	}

	/**
	 * Answers the wizard's connection test (admin AJAX).
	 *
	 * @return void
	 */
	public function test_connection() {

		wp_send_json_success([]);
	}

	/**
	 * Whether the site seems to run on this provider.
	 *
	 * @return bool
	 */
	abstract public function detect();

	/**
	 * A domain mapping became active.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	abstract public function on_add_domain($domain, $site_id);

	/**
	 * A domain mapping was deleted.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	abstract public function on_remove_domain($domain, $site_id);

	/**
	 * A site was created on a subdomain.
	 *
	 * @param string $subdomain The host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	abstract public function on_add_subdomain($subdomain, $site_id);

	/**
	 * A site on a subdomain was deleted.
	 *
	 * @param string $subdomain The host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	abstract public function on_remove_subdomain($subdomain, $site_id);
}
