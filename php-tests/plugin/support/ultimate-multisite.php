<?php
/**
 * Stand-ins for the Ultimate Multisite pieces both generations share, with the real public
 * signatures (written for these tests, not copied): the Singleton trait, Base_Host_Provider,
 * Domain_Manager (www setting, load_integrations), wu_log_add, wu_get_setting, wu_get_domains...
 *
 * Copies: Ultimate Multisite 2.4.10 and 2.5.0 (the classes and functions both have alike).
 *
 * @package WU_RunCloud_Stubs
 */

namespace WP_Ultimo\Traits {

	trait Singleton {

		/** @var object|null */
		public static $instance;

		/**
		 * @return static
		 */
		public static function get_instance(): object {
			if ( ! isset(static::$instance) || ! static::$instance instanceof static) {
				static::$instance = new static();
				static::$instance->init();
			}

			return static::$instance;
		}

		public function init(): void {
			$this->has_parents() && method_exists(get_parent_class($this), 'init') && parent::init();
		}

		public function has_parents(): bool {
			return (bool) class_parents($this);
		}

		private function __construct() {}
	}
}

namespace WP_Ultimo\Integrations\Host_Providers {

	abstract class Base_Host_Provider {

		protected $id;

		protected $title;

		protected $tutorial_link = '';

		protected $supports = [];

		protected $constants = [];

		protected $optional_constants = [];

		public function init(): void {
			if ($this->detect() && ! $this->is_enabled()) {
				$this->alert_provider_detected();
			}

			if ($this->is_enabled()) {
				if ( ! $this->is_setup()) {
					$this->alert_provider_not_setup();
				}

				$this->load_dependencies();
				$this->register_hooks();
			}

			add_filter('wu_domain_manager_get_integrations', [$this, 'self_register']);
		}

		final public function self_register($integrations) {
			$integrations[ $this->get_id() ] = static::class;

			return $integrations;
		}

		protected function get_enabled_list() {
			return get_network_option(null, 'wu_host_integrations_enabled', []);
		}

		final public function is_enabled() {
			return wu_get_isset($this->get_enabled_list(), $this->get_id(), false);
		}

		public function enable() {
			$list = $this->get_enabled_list();
			$list[ $this->get_id() ] = true;

			return update_network_option(null, 'wu_host_integrations_enabled', $list);
		}

		public function disable() {
			$list = $this->get_enabled_list();
			$list[ $this->get_id() ] = false;

			return update_network_option(null, 'wu_host_integrations_enabled', $list);
		}

		public function alert_provider_detected(): void {
			\WP_Ultimo()->notices->add($this->get_title() . ' detected but not active', 'info', 'network-admin', 'should-enable-' . $this->get_id() . '-integration');
		}

		public function alert_provider_not_setup(): void {
			\WP_Ultimo()->notices->add($this->get_title() . ' not properly setup', 'warning', 'network-admin', 'should-setup-' . $this->get_id() . '-integration');
		}

		public function get_fields() {
			return [];
		}

		public function get_id() {
			return $this->id;
		}

		public function get_title() {
			return $this->title;
		}

		public function supports($feature) {
			return apply_filters('wu_hosting_support_supports', in_array($feature, $this->supports, true), $this);
		}

		public function register_hooks(): void {
			add_action('wu_add_domain', [$this, 'on_add_domain'], 10, 2);
			add_action('wu_remove_domain', [$this, 'on_remove_domain'], 10, 2);
			add_action('wu_add_subdomain', [$this, 'on_add_subdomain'], 10, 2);
			add_action('wu_remove_subdomain', [$this, 'on_remove_subdomain'], 10, 2);

			$this->additional_hooks();
		}

		public function additional_hooks() {}

		public function load_dependencies() {}

		abstract public function detect();

		public function is_setup() {
			return ! $this->get_missing_constants();
		}

		public function get_missing_constants() {
			$missing = [];

			foreach ($this->constants as $constant) {
				$any   = is_array($constant) ? $constant : [$constant];
				$found = false;

				foreach ($any as $name) {
					if (defined($name) && constant($name)) {
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

		public function get_all_constants() {
			$all = [];

			foreach ($this->constants as $constant) {
				$all = array_merge($all, is_array($constant) ? $constant : [$constant]);
			}

			return array_merge($all, $this->optional_constants);
		}

		public function get_explainer_lines() {
			return ['will' => [], 'will_not' => []];
		}

		abstract public function on_add_domain($domain, $site_id);

		abstract public function on_remove_domain($domain, $site_id);

		abstract public function on_add_subdomain($subdomain, $site_id);

		abstract public function on_remove_subdomain($subdomain, $site_id);

		public function test_connection(): void {
			wp_send_json_success([]);
		}

		public function get_description() {
			return '';
		}

		public function get_logo() {
			return '';
		}
	}
}

namespace WP_Ultimo\Managers {

	class Domain_Manager {

		use \WP_Ultimo\Traits\Singleton;

		public function init(): void {
			add_action('plugins_loaded', [$this, 'load_integrations']);
			add_action('wu_transition_domain_domain', [$this, 'send_domain_to_host'], 10, 3);
		}

		/**
		 * A mapping's name was set or changed (BerlinDB's transition hook): UM enqueues
		 * wu_add_domain for the new name, and does nothing about the old one.
		 */
		public function send_domain_to_host($old_value, $new_value, $item_id): void {
			if ($old_value !== $new_value && function_exists('wu_enqueue_async_action')) {
				$domain = wu_get_domain($item_id);

				wu_enqueue_async_action('wu_add_domain', ['domain' => $new_value, 'site_id' => $domain ? $domain->get_site_id() : 0], 'domain');
			}
		}

		public static function is_main_domain(string $domain) {
			$parts = explode('.', strtolower(rtrim(trim($domain), '.')));

			if (count($parts) <= 2) {
				return true;
			}

			$tld = '.' . $parts[ count($parts) - 2 ] . '.' . $parts[ count($parts) - 1 ];

			return 3 === count($parts) && in_array($tld, apply_filters('wu_multi_part_tlds', ['.co.uk', '.com.au', '.co.nz', '.com.br', '.co.in']), true);
		}

		public function should_create_www_subdomain($domain) {
			$domain = strtolower(trim($domain));

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

		public function get_integrations() {
			return apply_filters('wu_domain_manager_get_integrations', [], $this);
		}

		public function get_integration_instance($id) {
			$integrations = $this->get_integrations();

			return isset($integrations[ $id ]) ? $integrations[ $id ]::get_instance() : false;
		}

		/**
		 * 2.4 loads its own providers (RunCloud among them) first; 2.5 only fires the action.
		 */
		public function load_integrations(): void {
			if ('2.4' === \WU_RunCloud_Stubs\Harness::$generation && \WU_RunCloud_Stubs\Harness::$core_runcloud) {
				\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::get_instance();
			}

			do_action('wp_ultimo_host_providers_load');
		}
	}
}

namespace {

	use WU_RunCloud_Stubs\State;

	function wu_log_add($handle, $message, $log_level = 'info') {
		State::$logs[] = ['handle' => (string) $handle, 'message' => (string) $message, 'level' => (string) $log_level];

		// Demos echo the integration log; UM's per-domain logs repeat its lines.
		if (State::$echo_logs && 0 !== strpos((string) $handle, 'domain-')) {
			echo '    [log ' . $log_level . '] ' . $message . PHP_EOL;
		}

		return true;
	}

	function wu_get_setting($setting, $default = false) {
		return array_key_exists($setting, State::$settings) ? State::$settings[ $setting ] : $default;
	}

	function wu_get_isset($array, $key, $default = false) {
		return is_array($array) && isset($array[ $key ]) ? $array[ $key ] : $default;
	}

	function wu_get_asset($asset, $assets_dir = 'img', $base_dir = 'assets') {
		return 'https://network.test/wp-content/plugins/ultimate-multisite/' . $base_dir . '/' . $assets_dir . '/' . $asset;
	}

	function wu_get_template($view, $args = [], $default_view = false) {}

	/**
	 * Mapped domains: objects with get_id(), get_domain() and get_site_id(); honours
	 * number/offset/active/domain. `domain` matches case-insensitively, as UM's query does
	 * under MySQL's default (`_ci`) collation.
	 */
	function wu_get_domains($query = []) {
		$domains = array_values(
			array_filter(
				State::$domains,
				static function ($domain) use ($query) {
					return (! isset($query['active']) || (bool) $domain->active === (bool) $query['active'])
						&& (! isset($query['domain']) || 0 === strcasecmp($domain->domain, (string) $query['domain']));
				}
			)
		);

		return array_slice($domains, (int) ($query['offset'] ?? 0), isset($query['number']) && $query['number'] > 0 ? (int) $query['number'] : null);
	}

	function wu_get_domain($id) {
		foreach (State::$domains as $domain) {
			if ($domain->id === (int) $id) {
				return $domain;
			}
		}

		return false;
	}

	final class WU_Stub_Notices {
		public function add($message, $type = 'success', $panel = 'admin', $dismissible_key = false, $actions = []) {
			State::$um_notices[] = ['message' => $message, 'type' => $type, 'id' => (string) $dismissible_key];
		}
	}

	final class WU_Stub_Core {
		public $notices;
		public function __construct() {
			$this->notices = new WU_Stub_Notices();
		}
		public function is_loaded() {
			return true;
		}
	}

	function WP_Ultimo() {
		static $core;

		return $core ?? ($core = new WU_Stub_Core());
	}
}
