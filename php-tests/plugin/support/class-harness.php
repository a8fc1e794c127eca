<?php
/**
 * Loads the stand-ins and the plugin the way WordPress + Ultimate Multisite would, and fires the
 * domain events the way Action Scheduler runs them. Used by the plugin tests and by the demo.
 *
 *     require 'php-tests/plugin/support/class-harness.php';
 *     $plugin = \WU_RunCloud_Stubs\Harness::boot([
 *         'generation' => '2.5',                       // or '2.4'
 *         'constants'  => ['WU_RUNCLOUD_API_URL' => $base_url, 'WU_RUNCLOUD_API_TOKEN' => 'T',
 *                          'WU_RUNCLOUD_SERVER_ID' => 1, 'WU_RUNCLOUD_APP_ID' => 1],
 *     ]);
 *     \WU_RunCloud_Stubs\Harness::fire('wu_add_domain', 'shop.example.com', 2);
 *
 * Once per process: constants, classes and hooks cannot be unloaded.
 *
 * @package WU_RunCloud_Stubs
 */

namespace WU_RunCloud_Stubs;

require_once __DIR__ . '/class-state.php';

/**
 * Boots a stand-in network with the plugin.
 */
final class Harness {

	/** @var string '2.4' or '2.5'. */
	public static $generation = '2.4';

	/** @var bool Whether the core's own RunCloud integration is present (and, when enabled, hooked). */
	public static $core_runcloud = false;

	/** @var bool Whether the Action Scheduler functions exist. */
	public static $action_scheduler = true;

	/** @var bool Whether WP-CLI is present. */
	public static $wp_cli = true;

	/** @var bool Whether WordPress's WP-Cron functions are present (real WordPress always has them). */
	public static $wp_cron = false;

	/** @var bool */
	private static $booted = false;

	/**
	 * Loads the stand-ins and the plugin, then runs plugins_loaded and init.
	 *
	 * @param array $options generation ('2.4'|'2.5'), core_runcloud (bool), enabled (bool, default
	 *                       true), action_scheduler (bool, default true), wp_cli (bool, default true),
	 *                       wp_cron (bool, default false: WP-Cron's functions),
	 *                       constants (name => value, defined now), credentials (2.5: name => value,
	 *                       saved the way the 2.5 wizard saves them), settings (wu_get_setting values),
	 *                       plugin_file (default: php/wu-runcloud.php of this repository).
	 * @return \WU_RunCloud\RunCloud_Plugin
	 */
	public static function boot(array $options = []): \WU_RunCloud\RunCloud_Plugin {

		if (self::$booted) {
			throw new \LogicException('Harness::boot() runs once per process.');
		}

		self::$booted           = true;
		self::$generation       = (string) ($options['generation'] ?? '2.4');
		self::$core_runcloud    = (bool) ($options['core_runcloud'] ?? false);
		self::$action_scheduler = (bool) ($options['action_scheduler'] ?? true);
		self::$wp_cli           = (bool) ($options['wp_cli'] ?? true);
		self::$wp_cron          = (bool) ($options['wp_cron'] ?? false);

		foreach ((array) ($options['constants'] ?? []) as $name => $value) {
			defined($name) || define($name, $value);
		}

		require_once __DIR__ . '/wordpress.php';
		require_once __DIR__ . '/ultimate-multisite.php';
		require_once __DIR__ . ('2.5' === self::$generation ? '/ultimate-multisite-25.php' : '/ultimate-multisite-24.php');
		require_once __DIR__ . '/action-scheduler-and-cli.php';

		State::$settings = (array) ($options['settings'] ?? []);

		if ($options['enabled'] ?? true) {
			update_network_option(null, 'wu_host_integrations_enabled', ['runcloud' => true]);
		}

		foreach ((array) ($options['credentials'] ?? []) as $name => $value) {
			update_network_option(null, 'wu_hosting_credential_' . $name, \WP_Ultimo\Helpers\Credential_Store::encrypt((string) $value));
		}

		// Ultimate Multisite's own boot: managers hook plugins_loaded.
		\WP_Ultimo\Managers\Domain_Manager::get_instance();

		if ('2.5' === self::$generation) {
			\WP_Ultimo\Integrations\Integration_Registry::get_instance()->init();
		}

		require_once $options['plugin_file'] ?? dirname(__DIR__, 3) . '/php/wu-runcloud.php';

		// The plugin reads the stand-in clock, which State::run_due() moves forward.
		\WU_RunCloud\RunCloud_Plugin::instance()->clock()->set_source([State::class, 'now']);

		do_action('plugins_loaded');
		do_action('init');

		return \WU_RunCloud\RunCloud_Plugin::instance();
	}

	/**
	 * Fires a domain event the way Action Scheduler runs Ultimate Multisite's async action
	 * (do_action_ref_array with the args' values).
	 *
	 * @param string $event   wu_add_domain, wu_remove_domain, wu_add_subdomain or wu_remove_subdomain.
	 * @param string $domain  The domain or full subdomain host.
	 * @param int    $site_id The site id.
	 * @return void
	 */
	public static function fire(string $event, string $domain, int $site_id): void {

		$key = false !== strpos($event, 'subdomain') ? 'subdomain' : 'domain';

		State::execute(['id' => 0, 'timestamp' => State::now(), 'hook' => $event, 'args' => [$key => $domain, 'site_id' => $site_id], 'group' => 'domain']);
	}

	/**
	 * Maps a domain and fires wu_add_domain for it (what UM does for a new active mapping).
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public static function map_and_fire(string $domain, int $site_id): void {

		self::map_domain($domain, $site_id);
		self::fire('wu_add_domain', $domain, $site_id);
	}

	/**
	 * Renames a mapping the way BerlinDB saves it: the name changes, then
	 * wu_transition_domain_domain($old, $new, $id) fires (UM then enqueues wu_add_domain).
	 *
	 * @param string $old The current name.
	 * @param string $new The new name.
	 * @return void
	 */
	public static function rename_domain(string $old, string $new): void {

		foreach (State::$domains as $mapping) {
			if ($mapping->domain === $old) {
				$mapping->domain = $new;

				do_action('wu_transition_domain_domain', $old, $new, $mapping->id);

				return;
			}
		}

		throw new \LogicException("no mapping named {$old}");
	}

	/**
	 * Fires UM's "DNS check passed" hook for a mapped domain (as its domain-stage job does).
	 *
	 * @param string $domain The domain.
	 * @return void
	 */
	public static function dns_propagated(string $domain): void {

		foreach (State::$domains as $mapping) {
			if ($mapping->domain === $domain) {
				State::execute(['id' => 0, 'timestamp' => State::now(), 'hook' => 'wu_domain_manager_dns_propagation_finished', 'args' => [$mapping], 'group' => 'domain']);

				return;
			}
		}

		throw new \LogicException("no mapping named {$domain}");
	}

	/**
	 * Adds a mapped domain to the network (what wu_get_domains() returns).
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @param bool   $active  Whether the mapping is active.
	 * @return void
	 */
	public static function map_domain(string $domain, int $site_id, bool $active = true): void {

		State::$domains[] = new Mapped_Domain(count(State::$domains) + 1, $domain, $site_id, $active);
	}

	/**
	 * Deletes a mapped domain from the network.
	 *
	 * @param string $domain The domain.
	 * @return void
	 */
	public static function unmap_domain(string $domain): void {

		State::$domains = array_values(
			array_filter(
				State::$domains,
				static function ($mapping) use ($domain) {
					return $mapping->domain !== $domain;
				}
			)
		);
	}

	/**
	 * Deletes a site from the network.
	 *
	 * @param int $blog_id The site id.
	 * @return void
	 */
	public static function remove_site(int $blog_id): void {

		unset(State::$sites[ $blog_id ]);
	}

	/**
	 * Adds a site to the network (what get_sites() returns).
	 *
	 * @param int    $blog_id The site id.
	 * @param string $domain  Its domain (a subdomain of the network on subdomain installs).
	 * @return void
	 */
	public static function add_site(int $blog_id, string $domain): void {

		State::$sites[ $blog_id ] = (object) ['blog_id' => $blog_id, 'domain' => $domain, 'path' => '/'];
	}

	/**
	 * Runs a WP-CLI command registered by the plugin, e.g. ('runcloud sync', ['dry-run' => true]).
	 *
	 * @param string $command    "<name> <subcommand>".
	 * @param array  $assoc_args Flags.
	 * @return int 0, or 1 when the command called WP_CLI::error().
	 */
	public static function cli(string $command, array $assoc_args = []): int {

		return \WP_CLI::runcommand_stub($command, $assoc_args);
	}
}

/**
 * A mapped domain (Ultimate Multisite's Domain model: the getters the plugin reads).
 */
final class Mapped_Domain {

	/** @var int */
	public $id;

	/** @var string */
	public $domain;

	/** @var int */
	public $site_id;

	/** @var bool */
	public $active;

	public function __construct(int $id, string $domain, int $site_id, bool $active) {

		$this->id      = $id;
		$this->domain  = $domain;
		$this->site_id = $site_id;
		$this->active  = $active;
	}

	public function get_id(): int {

		return $this->id;
	}

	public function get_domain(): string {

		return $this->domain;
	}

	public function get_site_id(): int {

		return $this->site_id;
	}
}
