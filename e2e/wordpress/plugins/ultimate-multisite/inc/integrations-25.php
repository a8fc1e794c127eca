<?php
/**
 * Ultimate Multisite 2.5's integration API: Integration (credentials from constants, else saved
 * encrypted by the wizard), the capability interfaces, Base_Capability_Module, and the
 * Integration_Registry (integrations registered on plugins_loaded 9 through wu_register_integrations,
 * capabilities on 12 through wu_register_capabilities, then resolved: a module's register_hooks()
 * runs only when its integration is enabled and set up). Signatures as in 2.5.
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo\Integrations\Capabilities;

defined('ABSPATH') || exit;

interface Domain_Mapping_Capability {

	/**
	 * A domain mapping became active.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_add_domain(string $domain, int $site_id): void;

	/**
	 * A domain mapping was deleted.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_remove_domain(string $domain, int $site_id): void;

	/**
	 * A site was created on a subdomain.
	 *
	 * @param string $subdomain The host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_add_subdomain(string $subdomain, int $site_id): void;

	/**
	 * A site on a subdomain was deleted.
	 *
	 * @param string $subdomain The host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_remove_subdomain(string $subdomain, int $site_id): void;
}

namespace WP_Ultimo\Integrations;

interface Capability_Module {

	/**
	 * Capability id, e.g. domain-mapping.
	 *
	 * @return string
	 */
	public function get_capability_id();

	/**
	 * Title.
	 *
	 * @return string
	 */
	public function get_title();

	/**
	 * Features.
	 *
	 * @return array
	 */
	public function get_supported_features();

	/**
	 * Adds the module's hooks.
	 *
	 * @return void
	 */
	public function register_hooks();

	/**
	 * Wizard explainer.
	 *
	 * @return array
	 */
	public function get_explainer_lines();

	/**
	 * Sets the integration the module belongs to.
	 *
	 * @param Integration $integration The integration.
	 * @return void
	 */
	public function set_integration(Integration $integration);

	/**
	 * The integration.
	 *
	 * @return Integration
	 */
	public function get_integration();

	/**
	 * Connection test.
	 *
	 * @return true|\WP_Error
	 */
	public function test_connection();
}

/**
 * Defaults for capability modules.
 */
abstract class Base_Capability_Module implements Capability_Module {

	/**
	 * The integration.
	 *
	 * @var Integration
	 */
	protected $integration;

	/**
	 * Features.
	 *
	 * @var array
	 */
	protected $supported_features = [];

	/**
	 * Sets the integration.
	 *
	 * @param Integration $integration The integration.
	 * @return void
	 */
	public function set_integration(Integration $integration) {

		$this->integration = $integration;
	}

	/**
	 * The integration.
	 *
	 * @return Integration
	 */
	public function get_integration() {

		return $this->integration;
	}

	/**
	 * Features.
	 *
	 * @return array
	 */
	public function get_supported_features() {

		return $this->supported_features;
	}

	/**
	 * No hooks by default.
	 *
	 * @return void
	 */
	public function register_hooks() {}

	/**
	 * Empty explainer.
	 *
	 * @return array
	 */
	public function get_explainer_lines() {

		return [
			'will'     => [],
			'will_not' => [],
		];
	}

	/**
	 * Passes.
	 *
	 * @return true
	 */
	public function test_connection() {

		return true;
	}
}

/**
 * A provider integration.
 */
class Integration {

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
	 * Description, logo, tutorial link.
	 *
	 * @var array
	 */
	protected $meta = [];

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
	 * Features.
	 *
	 * @var array
	 */
	protected $supports = [];

	/**
	 * Constructor.
	 *
	 * @param string $id    Id.
	 * @param string $title Title.
	 */
	public function __construct(string $id, string $title) {

		$this->id    = $id;
		$this->title = $title;
	}

	/**
	 * Id.
	 *
	 * @return string
	 */
	public function get_id(): string {

		return $this->id;
	}

	/**
	 * Title.
	 *
	 * @return string
	 */
	public function get_title(): string {

		return $this->title;
	}

	/**
	 * Sets the description.
	 *
	 * @param string $description Text.
	 * @return void
	 */
	public function set_description(string $description): void {

		$this->meta['description'] = $description;
	}

	/**
	 * Sets the logo URL.
	 *
	 * @param string $logo URL.
	 * @return void
	 */
	public function set_logo(string $logo): void {

		$this->meta['logo'] = $logo;
	}

	/**
	 * Sets the tutorial link.
	 *
	 * @param string $link URL.
	 * @return void
	 */
	public function set_tutorial_link(string $link): void {

		$this->meta['tutorial_link'] = $link;
	}

	/**
	 * Sets the required constants.
	 *
	 * @param array $constants Names; an inner array means "any one of these".
	 * @return void
	 */
	public function set_constants(array $constants): void {

		$this->constants = $constants;
	}

	/**
	 * Sets the optional constants.
	 *
	 * @param array $constants Names.
	 * @return void
	 */
	public function set_optional_constants(array $constants): void {

		$this->optional_constants = $constants;
	}

	/**
	 * Sets the features.
	 *
	 * @param array $supports Features.
	 * @return void
	 */
	public function set_supports(array $supports): void {

		$this->supports = $supports;
	}

	/**
	 * A credential: the constant when defined and non-empty, else the value the wizard saved.
	 *
	 * @param string $constant_name The constant.
	 * @return string
	 */
	public function get_credential(string $constant_name): string {

		if (defined($constant_name) && constant($constant_name)) {
			return (string) constant($constant_name);
		}

		$stored = (string) get_network_option(null, 'wu_hosting_credential_' . $constant_name, '');

		return 0 === strpos($stored, 'e2e:') ? (string) base64_decode(substr($stored, 4)) : ''; // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode
	}

	/**
	 * Whether every required credential is there.
	 *
	 * @return bool
	 */
	public function is_setup(): bool {

		return ! $this->get_missing_constants();
	}

	/**
	 * Required credentials that are missing.
	 *
	 * @return array
	 */
	public function get_missing_constants(): array {

		$missing = [];

		foreach ($this->constants as $constant) {
			$any   = (array) $constant;
			$found = array_filter(array_map([$this, 'get_credential'], $any));

			if ( ! $found) {
				$missing = array_merge($missing, $any);
			}
		}

		return $missing;
	}

	/**
	 * Whether the network enabled it.
	 *
	 * @return bool
	 */
	public function is_enabled(): bool {

		return (bool) wu_get_isset(get_network_option(null, 'wu_host_integrations_enabled', []), $this->id, false);
	}

	/**
	 * Wizard fields.
	 *
	 * @return array
	 */
	public function get_fields(): array {

		return [];
	}

	/**
	 * Whether the site seems to run on this provider.
	 *
	 * @return bool
	 */
	public function detect(): bool {

		return false;
	}

	/**
	 * Connection test.
	 *
	 * @return true|\WP_Error
	 */
	public function test_connection() {

		return true;
	}
}

/**
 * Holds one integration per id and one module per (integration, capability).
 */
class Integration_Registry {

	/**
	 * The instance.
	 *
	 * @var Integration_Registry|null
	 */
	private static $instance;

	/**
	 * Integrations by id.
	 *
	 * @var Integration[]
	 */
	private $integrations = [];

	/**
	 * Modules by integration id, then capability id.
	 *
	 * @var array
	 */
	private $capabilities = [];

	/**
	 * Whether resolve() ran.
	 *
	 * @var bool
	 */
	private $resolved = false;

	/**
	 * The instance.
	 *
	 * @return Integration_Registry
	 */
	public static function get_instance(): Integration_Registry {

		if (null === self::$instance) {
			self::$instance = new self();
		}

		return self::$instance;
	}

	/**
	 * Hooks the registration phases.
	 *
	 * @return void
	 */
	public function init(): void {

		add_action('plugins_loaded', [$this, 'fire_registration_hooks'], 9);
		add_action('plugins_loaded', [$this, 'fire_capability_hooks'], 12);
		add_action('init', [$this, 'register_admin_notices']);
	}

	/**
	 * Core integrations, then wu_register_integrations.
	 *
	 * @return void
	 */
	public function fire_registration_hooks(): void {

		$this->register(new Providers\RunCloud\RunCloud_Integration());

		do_action('wu_register_integrations', $this);
	}

	/**
	 * Core modules, then wu_register_capabilities, then resolve.
	 *
	 * @return void
	 */
	public function fire_capability_hooks(): void {

		$this->add_capability('runcloud', new Providers\RunCloud\RunCloud_Domain_Mapping());

		do_action('wu_register_capabilities', $this);

		$this->resolve();
	}

	/**
	 * Registers (or replaces) an integration.
	 *
	 * @param Integration $integration The integration.
	 * @return void
	 */
	public function register(Integration $integration): void {

		$this->integrations[ $integration->get_id() ] = $integration;
	}

	/**
	 * An integration.
	 *
	 * @param string $id Id.
	 * @return Integration|null
	 */
	public function get(string $id): ?Integration {

		return $this->integrations[ $id ] ?? null;
	}

	/**
	 * Every integration.
	 *
	 * @return Integration[]
	 */
	public function get_all(): array {

		return $this->integrations;
	}

	/**
	 * Adds (or replaces) a module.
	 *
	 * @param string            $integration_id The integration.
	 * @param Capability_Module $module         The module.
	 * @return void
	 */
	public function add_capability(string $integration_id, Capability_Module $module): void {

		$this->capabilities[ $integration_id ][ $module->get_capability_id() ] = $module;
	}

	/**
	 * A module.
	 *
	 * @param string $integration_id The integration.
	 * @param string $capability_id  The capability.
	 * @return Capability_Module|null
	 */
	public function get_capability(string $integration_id, string $capability_id): ?Capability_Module {

		return $this->capabilities[ $integration_id ][ $capability_id ] ?? null;
	}

	/**
	 * Sets each module's integration; hooks the modules of enabled, set-up integrations.
	 *
	 * @return void
	 */
	private function resolve(): void {

		if ($this->resolved) {
			return;
		}

		foreach ($this->capabilities as $integration_id => $modules) {
			$integration = $this->get($integration_id);

			if ( ! $integration) {
				continue;
			}

			foreach ($modules as $module) {
				$module->set_integration($integration);

				if ($integration->is_enabled() && $integration->is_setup()) {
					$module->register_hooks();
				}
			}
		}

		$this->resolved = true;
	}

	/**
	 * UM's notices for integrations detected but not enabled, or enabled but not set up.
	 *
	 * @return void
	 */
	public function register_admin_notices(): void {

		foreach ($this->integrations as $integration) {
			if ($integration->detect() && ! $integration->is_enabled()) {
				\WP_Ultimo()->notices->add(sprintf('It looks like you are using %1$s as your hosting provider, yet the %1$s integration module is not active.', $integration->get_title()), 'info', 'network-admin', 'should-enable-' . $integration->get_id() . '-integration');
			} elseif ($integration->is_enabled() && ! $integration->is_setup()) {
				\WP_Ultimo()->notices->add(sprintf('The %s integration module is active but not properly configured. Please complete the setup.', $integration->get_title()), 'warning', 'network-admin', 'should-setup-' . $integration->get_id() . '-integration');
			}
		}
	}
}
