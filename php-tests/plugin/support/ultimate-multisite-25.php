<?php
/**
 * Ultimate Multisite 2.5: Integration, Capability_Module, Domain_Mapping_Capability,
 * Base_Capability_Module, Integration_Registry, Credential_Store, and the core RunCloud
 * integration + module (stand-ins recording their calls). Public signatures as in 2.5.
 *
 * Copies: Ultimate Multisite 2.5.0 (integrations and capability modules).
 *
 * @package WU_RunCloud_Stubs
 */

namespace WP_Ultimo\Helpers {

	/**
	 * Stand-in: a reversible encoding, enough to prove the plugin reads through get_credential().
	 */
	class Credential_Store {
		public static function encrypt(string $value): string {
			return 'enc:' . base64_encode($value);
		}

		public static function decrypt(string $value): string {
			return 0 === strpos($value, 'enc:') ? (string) base64_decode(substr($value, 4)) : '';
		}
	}
}

namespace WP_Ultimo\Integrations\Capabilities {

	interface Domain_Mapping_Capability {
		public function on_add_domain(string $domain, int $site_id): void;

		public function on_remove_domain(string $domain, int $site_id): void;

		public function on_add_subdomain(string $subdomain, int $site_id): void;

		public function on_remove_subdomain(string $subdomain, int $site_id): void;
	}
}

namespace WP_Ultimo\Integrations {

	use WP_Ultimo\Helpers\Credential_Store;

	interface Capability_Module {
		public function get_capability_id();

		public function get_title();

		public function get_supported_features();

		public function supports(string $feature);

		public function register_hooks();

		public function get_fields();

		public function get_explainer_lines();

		public function set_integration(Integration $integration);

		public function get_integration();

		public function test_connection();
	}

	abstract class Base_Capability_Module implements Capability_Module {

		protected Integration $integration;

		protected array $supported_features = [];

		public function supports($feature) {
			return in_array($feature, $this->supported_features, true);
		}

		public function set_integration(Integration $integration) {
			$this->integration = $integration;
		}

		public function get_integration() {
			return $this->integration;
		}

		public function get_supported_features() {
			return $this->supported_features;
		}

		public function register_hooks() {}

		public function get_fields() {
			return [];
		}

		public function get_explainer_lines() {
			return ['will' => [], 'will_not' => []];
		}

		public function test_connection() {
			return true;
		}
	}

	class Integration {

		protected string $id;

		protected string $title;

		protected string $description = '';

		protected string $logo = '';

		protected string $tutorial_link = '';

		protected array $constants = [];

		protected array $optional_constants = [];

		protected array $supports = [];

		public function __construct(string $id, string $title) {
			$this->id    = $id;
			$this->title = $title;
		}

		public function get_id(): string {
			return $this->id;
		}

		public function get_title(): string {
			return $this->title;
		}

		public function get_description(): string {
			return $this->description;
		}

		public function set_description(string $description) {
			$this->description = $description;

			return $this;
		}

		public function get_logo(): string {
			return $this->logo;
		}

		public function set_logo(string $logo) {
			$this->logo = $logo;

			return $this;
		}

		public function get_tutorial_link(): string {
			return $this->tutorial_link;
		}

		public function set_tutorial_link(string $tutorial_link) {
			$this->tutorial_link = $tutorial_link;

			return $this;
		}

		public function get_constants(): array {
			return $this->constants;
		}

		public function set_constants(array $constants) {
			$this->constants = $constants;

			return $this;
		}

		public function get_optional_constants(): array {
			return $this->optional_constants;
		}

		public function set_optional_constants(array $optional_constants) {
			$this->optional_constants = $optional_constants;

			return $this;
		}

		public function get_supports(): array {
			return $this->supports;
		}

		public function set_supports(array $supports) {
			$this->supports = $supports;

			return $this;
		}

		public function get_all_constants(): array {
			$all = [];

			foreach ($this->constants as $constant) {
				$all = array_merge($all, is_array($constant) ? $constant : [$constant]);
			}

			return array_merge($all, $this->optional_constants);
		}

		public function get_credential(string $constant_name): string {
			if (defined($constant_name) && constant($constant_name)) {
				return (string) constant($constant_name);
			}

			$stored = get_network_option(null, 'wu_hosting_credential_' . $constant_name, '');

			return $stored ? Credential_Store::decrypt($stored) : '';
		}

		public function save_credentials(array $values): void {
			foreach (shortcode_atts(array_fill_keys($this->get_all_constants(), ''), $values) as $name => $value) {
				if ( ! empty($value)) {
					update_network_option(null, 'wu_hosting_credential_' . $name, Credential_Store::encrypt((string) $value));
				} else {
					delete_network_option(null, 'wu_hosting_credential_' . $name);
				}
			}
		}

		public function is_setup(): bool {
			return ! $this->get_missing_constants();
		}

		public function get_missing_constants(): array {
			$missing = [];

			foreach ($this->constants as $constant) {
				$any   = is_array($constant) ? $constant : [$constant];
				$found = false;

				foreach ($any as $name) {
					if ($this->get_credential($name)) {
						$found = true;
						break;
					}
				}

				if ( ! $found) {
					$missing = array_merge($missing, $any);
				}
			}

			return $missing;
		}

		public function is_enabled(): bool {
			$list = get_network_option(null, 'wu_host_integrations_enabled', []);

			return ! empty($list[ $this->id ]);
		}

		public function enable(): bool {
			$list = get_network_option(null, 'wu_host_integrations_enabled', []);
			$list[ $this->id ] = true;

			return update_network_option(null, 'wu_host_integrations_enabled', $list);
		}

		public function disable(): bool {
			$list = get_network_option(null, 'wu_host_integrations_enabled', []);
			$list[ $this->id ] = false;

			return update_network_option(null, 'wu_host_integrations_enabled', $list);
		}

		public function get_fields(): array {
			return [];
		}

		public function detect(): bool {
			return false;
		}

		public function supports(string $feature): bool {
			return in_array($feature, $this->supports, true);
		}

		public function test_connection() {
			return true;
		}

		public function get_explainer_lines(): array {
			return ['will' => [], 'will_not' => []];
		}
	}

	class Integration_Registry {

		private static ?Integration_Registry $instance = null;

		private array $integrations = [];

		private array $capabilities = [];

		private bool $resolved = false;

		public static function get_instance(): Integration_Registry {
			if (null === self::$instance) {
				self::$instance = new self();
			}

			return self::$instance;
		}

		private function __construct() {}

		public function init(): void {
			add_action('plugins_loaded', [$this, 'fire_registration_hooks'], 9);
			add_action('plugins_loaded', [$this, 'fire_capability_hooks'], 12);
		}

		public function fire_registration_hooks(): void {
			if (\WU_RunCloud_Stubs\Harness::$core_runcloud) {
				$this->register(new Providers\RunCloud\RunCloud_Integration());
			}

			do_action('wu_register_integrations', $this);
		}

		public function fire_capability_hooks(): void {
			if (\WU_RunCloud_Stubs\Harness::$core_runcloud) {
				$this->add_capability('runcloud', new Providers\RunCloud\RunCloud_Domain_Mapping());
			}

			do_action('wu_register_capabilities', $this);

			$this->resolve();
		}

		public function register(Integration $integration): void {
			$this->integrations[ $integration->get_id() ] = $integration;
		}

		public function get(string $id): ?Integration {
			return $this->integrations[ $id ] ?? null;
		}

		public function get_all(): array {
			return $this->integrations;
		}

		public function add_capability(string $integration_id, Capability_Module $module): void {
			$this->capabilities[ $integration_id ][ $module->get_capability_id() ] = $module;
		}

		public function get_capabilities(string $integration_id): array {
			return $this->capabilities[ $integration_id ] ?? [];
		}

		public function get_capability(string $integration_id, string $capability_id): ?Capability_Module {
			return $this->capabilities[ $integration_id ][ $capability_id ] ?? null;
		}

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
	}
}

namespace WP_Ultimo\Integrations\Providers\RunCloud {

	use WP_Ultimo\Integrations\Base_Capability_Module;
	use WP_Ultimo\Integrations\Capabilities\Domain_Mapping_Capability;
	use WP_Ultimo\Integrations\Integration;
	use WU_RunCloud_Stubs\State;

	class RunCloud_Integration extends Integration {
		public function __construct() {
			parent::__construct('runcloud', 'RunCloud');
			$this->set_constants(['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID']);
			$this->set_supports(['autossl']);
		}
	}

	class RunCloud_Domain_Mapping extends Base_Capability_Module implements Domain_Mapping_Capability {

		protected array $supported_features = ['autossl'];

		public function get_capability_id(): string {
			return 'domain-mapping';
		}

		public function get_title(): string {
			return 'Domain Mapping';
		}

		public function register_hooks(): void {
			add_action('wu_add_domain', [$this, 'on_add_domain'], 10, 2);
			add_action('wu_remove_domain', [$this, 'on_remove_domain'], 10, 2);
			add_action('wu_add_subdomain', [$this, 'on_add_subdomain'], 10, 2);
			add_action('wu_remove_subdomain', [$this, 'on_remove_subdomain'], 10, 2);
		}

		public function on_add_domain(string $domain, int $site_id): void {
			State::$core_calls[] = ['class' => static::class, 'method' => __FUNCTION__, 'args' => [$domain, $site_id]];
		}

		public function on_remove_domain(string $domain, int $site_id): void {
			State::$core_calls[] = ['class' => static::class, 'method' => __FUNCTION__, 'args' => [$domain, $site_id]];
		}

		public function on_add_subdomain(string $subdomain, int $site_id): void {
			State::$core_calls[] = ['class' => static::class, 'method' => __FUNCTION__, 'args' => [$subdomain, $site_id]];
		}

		public function on_remove_subdomain(string $subdomain, int $site_id): void {
			State::$core_calls[] = ['class' => static::class, 'method' => __FUNCTION__, 'args' => [$subdomain, $site_id]];
		}
	}
}
