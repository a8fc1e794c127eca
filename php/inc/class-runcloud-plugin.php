<?php
/**
 * Wiring: which Ultimate Multisite generation to plug into, and the one-handler rule.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Holds the shared objects and hooks the plugin into Ultimate Multisite.
 *
 * - 2.5 (an Integration_Registry exists): registers RunCloud_Integration and its domain-mapping
 *   module under the id `runcloud` in wu_register_integrations / wu_register_capabilities, which
 *   replaces the core's RunCloud integration before it has any hook.
 * - 2.4 (no registry): loads RunCloud_Legacy_Provider (id `runcloud`) on
 *   wp_ultimo_host_providers_load and takes the core RunCloud provider's event hooks off.
 *
 * In both, once our handler is active, any core RunCloud callback found on the four events is
 * removed (at load, on init, and just before each event runs), so exactly one handler runs.
 */
class RunCloud_Plugin {

	/**
	 * The four Ultimate Multisite events.
	 */
	const EVENTS = ['wu_add_domain', 'wu_remove_domain', 'wu_add_subdomain', 'wu_remove_subdomain'];

	/**
	 * Core classes whose RunCloud handlers ours replaces.
	 */
	const CORE_HANDLERS = [
		'WP_Ultimo\\Integrations\\Host_Providers\\Runcloud_Host_Provider',
		'WP_Ultimo\\Integrations\\Host_Providers\\Runcloud_V3_Host_Provider',
		'WP_Ultimo\\Integrations\\Providers\\RunCloud\\RunCloud_Domain_Mapping',
	];

	/**
	 * The instance.
	 *
	 * @var RunCloud_Plugin|null
	 */
	private static $instance;

	/**
	 * Path of the plugin's main file.
	 *
	 * @var string
	 */
	private $file;

	/**
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * The notices.
	 *
	 * @var RunCloud_Admin_Notices
	 */
	private $notices;

	/**
	 * The configuration and targets.
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * The remembered state (network options).
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The failure and retry policy.
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

	/**
	 * The operations on one target.
	 *
	 * @var RunCloud_Domain_Operations
	 */
	private $operations;

	/**
	 * The drift report.
	 *
	 * @var RunCloud_Drift
	 */
	private $drift;

	/**
	 * The connection test.
	 *
	 * @var RunCloud_Connection_Check
	 */
	private $connection;

	/**
	 * The domain events.
	 *
	 * @var RunCloud_Domain_Sync
	 */
	private $sync;

	/**
	 * The clock.
	 *
	 * @var RunCloud_Clock
	 */
	private $clock;

	/**
	 * Whether someone waits on this request.
	 *
	 * @var RunCloud_Request_Context
	 */
	private $context;

	/**
	 * The job queue.
	 *
	 * @var RunCloud_Queue
	 */
	private $queue;

	/**
	 * The SSL timing: window, retry schedule, certificate job.
	 *
	 * @var RunCloud_Ssl_Schedule
	 */
	private $schedule;

	/**
	 * The app's domain list and the names on its certificate.
	 *
	 * @var RunCloud_Certificate_Inventory
	 */
	private $inventory;

	/**
	 * The SSL lifecycle.
	 *
	 * @var RunCloud_Ssl_Lifecycle
	 */
	private $lifecycle;

	/**
	 * The certificate job.
	 *
	 * @var RunCloud_Certificate_Job
	 */
	private $certificate_job;

	/**
	 * The SSL report.
	 *
	 * @var RunCloud_Ssl_Report
	 */
	private $report;

	/**
	 * Drift repair (sync).
	 *
	 * @var RunCloud_Repair
	 */
	private $repair;

	/**
	 * The RunCloud page's background actions.
	 *
	 * @var RunCloud_Admin_Jobs
	 */
	private $admin_jobs;

	/**
	 * Recovery of lost work.
	 *
	 * @var RunCloud_Recovery
	 */
	private $recovery;

	/**
	 * The data of the RunCloud page's domains table.
	 *
	 * @var RunCloud_Domains_Table
	 */
	private $domains_table;

	/**
	 * The RunCloud page.
	 *
	 * @var RunCloud_Admin_Page
	 */
	private $admin_page;

	/**
	 * Whether the lifecycle's Ultimate Multisite hooks (DNS check, renames) are added.
	 *
	 * @var bool
	 */
	private $lifecycle_hooked = false;

	/**
	 * The 2.5 integration, once registered.
	 *
	 * @var RunCloud_Integration|null
	 */
	private $integration;

	/**
	 * '2.4' or '2.5' once one of the adapters is loaded, else null.
	 *
	 * @var string|null
	 */
	private $generation;

	/**
	 * Whether one of our adapters registered the event hooks.
	 *
	 * @var bool
	 */
	private $handler_active = false;

	/**
	 * Constructor: builds every shared object (the one place they are wired together).
	 *
	 * @param string                      $file    Main plugin file.
	 * @param RunCloud_Admin_Notices|null $notices Notices (tests inject seams here).
	 */
	public function __construct(string $file, ?RunCloud_Admin_Notices $notices = null) {

		$this->file            = $file;
		$this->clock           = new RunCloud_Clock();
		$this->context         = new RunCloud_Request_Context();
		$this->queue           = new RunCloud_Queue($this->clock);
		$this->notices         = $notices ?? new RunCloud_Admin_Notices(
			null,
			function () {
				return $this->config->config();
			}
		);
		$this->logger          = new RunCloud_Logger(
			function () {
				return $this->config->secrets();
			}
		);
		$this->config          = new RunCloud_Config($this->logger, null, $this->context);
		$this->state           = new RunCloud_State($this->clock);
		$this->policy          = new RunCloud_Failure_Policy($this->logger, $this->notices, $this->queue, $this->clock);
		$this->operations      = new RunCloud_Domain_Operations($this->config, $this->state, $this->logger);
		$this->schedule        = new RunCloud_Ssl_Schedule($this->state, $this->queue, $this->clock, $this->logger, $this->policy);
		$this->inventory       = new RunCloud_Certificate_Inventory($this->config, $this->state, $this->clock, $this->logger, $this->notices, $this->policy);
		$this->lifecycle       = new RunCloud_Ssl_Lifecycle($this->config, $this->state, $this->operations, $this->schedule, $this->inventory, $this->clock, $this->logger, $this->notices);
		$this->certificate_job = new RunCloud_Certificate_Job(
			$this->config,
			$this->state,
			$this->operations,
			$this->lifecycle,
			$this->schedule,
			$this->inventory,
			new RunCloud_Certificate_Refusal($this->state, $this->operations, $this->schedule, $this->inventory, $this->policy, $this->clock, $this->logger),
			$this->policy,
			$this->notices,
			$this->clock,
			$this->logger,
			new RunCloud_Lets_Encrypt_Limits($this->state, $this->inventory, $this->schedule, $this->clock)
		);
		$this->report          = new RunCloud_Ssl_Report($this->state, $this->lifecycle, $this->schedule, $this->inventory, $this->clock);
		$this->drift           = new RunCloud_Drift($this->config, $this->operations);
		$this->connection      = new RunCloud_Connection_Check($this->config, $this->policy, $this->notices, $this->logger, $this->state, $this->clock);
		$this->sync            = new RunCloud_Domain_Sync($this->config, $this->operations, $this->policy, $this->notices, $this->logger, $this->lifecycle, $this->queue, $this->drift);
		$this->repair          = new RunCloud_Repair($this->drift, $this->sync, $this->operations, $this->lifecycle, $this->certificate_job, $this->inventory, $this->state, $this->policy, $this->logger);
		$this->admin_jobs      = new RunCloud_Admin_Jobs($this->state, $this->queue, $this->repair, $this->drift, $this->sync, $this->lifecycle, $this->certificate_job, $this->inventory, $this->config, $this->notices, $this->policy, $this->clock, $this->logger);
		$this->recovery        = new RunCloud_Recovery(
			$this->config,
			$this->policy,
			$this->schedule,
			$this->queue,
			$this->notices,
			$this->admin_jobs,
			$this->state,
			$this->clock,
			$this->logger,
			function (): bool {
				return $this->handler_active;
			}
		);
		$this->domains_table   = new RunCloud_Domains_Table($this->report, $this->notices->records());
		$this->admin_page      = new RunCloud_Admin_Page($this);

		$this->notices->set_generation_source(
			function (): ?string {
				return $this->generation;
			}
		);
	}

	/**
	 * Creates the instance and hooks it (once).
	 *
	 * @param string $file Main plugin file.
	 * @return RunCloud_Plugin
	 */
	public static function boot(string $file): RunCloud_Plugin {

		if (null === self::$instance) {
			self::$instance = new self($file);
			self::$instance->register_hooks();
		}

		return self::$instance;
	}

	/**
	 * The instance (null before boot()).
	 *
	 * @return RunCloud_Plugin|null
	 */
	public static function instance(): ?RunCloud_Plugin {

		return self::$instance;
	}

	/**
	 * Replaces the instance (tests, demos). Hooks are not touched.
	 *
	 * @param RunCloud_Plugin|null $plugin The new instance.
	 * @return void
	 */
	public static function set_instance(?RunCloud_Plugin $plugin): void {

		self::$instance = $plugin;
	}

	/**
	 * The domain events (both adapters hand theirs to it).
	 *
	 * @return RunCloud_Domain_Sync
	 */
	public function sync(): RunCloud_Domain_Sync {

		return $this->sync;
	}

	/**
	 * The clock (tests and demos set its source).
	 *
	 * @return RunCloud_Clock
	 */
	public function clock(): RunCloud_Clock {

		return $this->clock;
	}

	/**
	 * The configuration and targets.
	 *
	 * @return RunCloud_Config
	 */
	public function config(): RunCloud_Config {

		return $this->config;
	}

	/**
	 * The failure policy.
	 *
	 * @return RunCloud_Failure_Policy
	 */
	public function policy(): RunCloud_Failure_Policy {

		return $this->policy;
	}

	/**
	 * The operations on one target.
	 *
	 * @return RunCloud_Domain_Operations
	 */
	public function operations(): RunCloud_Domain_Operations {

		return $this->operations;
	}

	/**
	 * The drift report.
	 *
	 * @return RunCloud_Drift
	 */
	public function drift(): RunCloud_Drift {

		return $this->drift;
	}

	/**
	 * The SSL lifecycle.
	 *
	 * @return RunCloud_Ssl_Lifecycle
	 */
	public function lifecycle(): RunCloud_Ssl_Lifecycle {

		return $this->lifecycle;
	}

	/**
	 * The SSL timing: window, retry schedule, certificate job.
	 *
	 * @return RunCloud_Ssl_Schedule
	 */
	public function schedule(): RunCloud_Ssl_Schedule {

		return $this->schedule;
	}

	/**
	 * The app's domain list and the names on its certificate.
	 *
	 * @return RunCloud_Certificate_Inventory
	 */
	public function inventory(): RunCloud_Certificate_Inventory {

		return $this->inventory;
	}

	/**
	 * The certificate job.
	 *
	 * @return RunCloud_Certificate_Job
	 */
	public function certificate_job(): RunCloud_Certificate_Job {

		return $this->certificate_job;
	}

	/**
	 * The SSL report (per web app and per domain; what the admin page shows).
	 *
	 * @return RunCloud_Ssl_Report
	 */
	public function report(): RunCloud_Ssl_Report {

		return $this->report;
	}

	/**
	 * Drift repair (`wp runcloud sync`, Sync now).
	 *
	 * @return RunCloud_Repair
	 */
	public function repair(): RunCloud_Repair {

		return $this->repair;
	}

	/**
	 * The RunCloud page's background actions.
	 *
	 * @return RunCloud_Admin_Jobs
	 */
	public function admin_jobs(): RunCloud_Admin_Jobs {

		return $this->admin_jobs;
	}

	/**
	 * Recovery of lost work (dead workers, changes not sent).
	 *
	 * @return RunCloud_Recovery
	 */
	public function recovery(): RunCloud_Recovery {

		return $this->recovery;
	}

	/**
	 * The data of the RunCloud page's domains table.
	 *
	 * @return RunCloud_Domains_Table
	 */
	public function domains_table(): RunCloud_Domains_Table {

		return $this->domains_table;
	}

	/**
	 * The RunCloud page.
	 *
	 * @return RunCloud_Admin_Page
	 */
	public function admin_page(): RunCloud_Admin_Page {

		return $this->admin_page;
	}

	/**
	 * The job queue (Action Scheduler, else WP-Cron).
	 *
	 * @return RunCloud_Queue
	 */
	public function queue(): RunCloud_Queue {

		return $this->queue;
	}

	/**
	 * The connection test (both adapters' wizards).
	 *
	 * @return RunCloud_Connection_Check
	 */
	public function connection(): RunCloud_Connection_Check {

		return $this->connection;
	}

	/**
	 * The remembered state.
	 *
	 * @return RunCloud_State
	 */
	public function state(): RunCloud_State {

		return $this->state;
	}

	/**
	 * The notices.
	 *
	 * @return RunCloud_Admin_Notices
	 */
	public function notices(): RunCloud_Admin_Notices {

		return $this->notices;
	}

	/**
	 * The logger.
	 *
	 * @return RunCloud_Logger
	 */
	public function logger(): RunCloud_Logger {

		return $this->logger;
	}

	/**
	 * '2.4', '2.5' or null.
	 *
	 * @return string|null
	 */
	public function generation(): ?string {

		return $this->generation;
	}

	/**
	 * The 2.5 integration, when registered.
	 *
	 * @return RunCloud_Integration|null
	 */
	public function integration(): ?RunCloud_Integration {

		return $this->integration;
	}

	/**
	 * Hooks everything.
	 *
	 * @return void
	 */
	public function register_hooks(): void {

		add_action('wp_ultimo_host_providers_load', [$this, 'load_legacy_provider']);
		add_action('wu_register_integrations', [$this, 'register_integration'], 10, 1);
		add_action('wu_register_capabilities', [$this, 'register_capability'], 10, 1);
		add_action('init', [$this, 'neutralise_core_handlers'], 1, 0);

		foreach (self::EVENTS as $event) {
			add_action($event, [$this, 'neutralise_core_handlers'], 1, 0);
		}

		// Queued jobs run whether or not the integration's event hooks are there (each checks it is enabled).
		add_action(RunCloud_Failure_Policy::RETRY_HOOK, [$this->sync, 'handle_retry'], 10, 1);
		add_action(RunCloud_Ssl_Schedule::JOB_HOOK, [$this->certificate_job, 'handle'], 10, 1);
		add_action(RunCloud_Domain_Sync::RENAME_HOOK, [$this->sync, 'handle_rename'], 10, 1);
		add_action(RunCloud_Admin_Jobs::HOOK, [$this->admin_jobs, 'handle'], 10, 1);

		$this->context->register_hooks();
		$this->notices->register_hooks();
		$this->recovery->register_hooks();
		$this->admin_page->register_hooks();

		if (defined('WP_CLI') && WP_CLI && class_exists('\\WP_CLI')) {
			require_once __DIR__ . '/class-runcloud-cli.php';

			\WP_CLI::add_command('runcloud', new RunCloud_CLI($this));
		}
	}

	/**
	 * 2.4: loads the legacy provider (wp_ultimo_host_providers_load). Skipped on 2.5, which
	 * still fires that action but gets our integration from the registry.
	 *
	 * @return void
	 */
	public function load_legacy_provider(): void {

		if (class_exists('\\WP_Ultimo\\Integrations\\Integration_Registry') || ! class_exists('\\WP_Ultimo\\Integrations\\Host_Providers\\Base_Host_Provider')) {
			return;
		}

		require_once __DIR__ . '/class-runcloud-legacy-provider.php';

		$this->generation = '2.4';

		$provider = RunCloud_Legacy_Provider::get_instance();

		if (method_exists($provider, 'get_credential')) {
			$this->config->set_credentials_source(
				static function () use ($provider) {
					return RunCloud_Credentials::options_from_credentials([$provider, 'get_credential']);
				}
			);
		}

		$this->neutralise_core_handlers();
	}

	/**
	 * 2.5: registers our integration under `runcloud`, replacing the core's (wu_register_integrations).
	 *
	 * @param object $registry The Integration_Registry.
	 * @return void
	 */
	public function register_integration($registry): void {

		require_once __DIR__ . '/class-runcloud-integration.php';

		$this->generation  = '2.5';
		$this->integration = new RunCloud_Integration($this->connection);

		$integration = $this->integration;

		$this->config->set_credentials_source(
			static function () use ($integration) {
				return RunCloud_Credentials::options_from_credentials([$integration, 'get_credential']);
			}
		);

		$registry->register($this->integration);
	}

	/**
	 * 2.5: attaches our domain-mapping module to `runcloud`, replacing the core's (wu_register_capabilities).
	 *
	 * @param object $registry The Integration_Registry.
	 * @return void
	 */
	public function register_capability($registry): void {

		require_once __DIR__ . '/class-runcloud-domain-mapping-module.php';

		$registry->add_capability('runcloud', new RunCloud_Domain_Mapping_Module($this->sync));
	}

	/**
	 * Called by our adapters when they add the event hooks.
	 *
	 * @return void
	 */
	public function mark_handler_active(): void {

		$this->handler_active = true;

		if ( ! $this->lifecycle_hooked) {
			$this->lifecycle_hooked = true;

			// Ultimate Multisite's DNS check passed: the name's certificate is tried soon.
			add_action('wu_domain_manager_dns_propagation_finished', [$this->lifecycle, 'on_dns_propagated'], 10, 1);
			// A mapping's name changed (BerlinDB's transition hook): the old name leaves RunCloud.
			add_action('wu_transition_domain_domain', [$this->sync, 'domain_renamed'], 10, 3);
		}

		$this->neutralise_core_handlers();
	}

	/**
	 * Whether our adapter's event hooks are registered.
	 *
	 * @return bool
	 */
	public function is_handler_active(): bool {

		return $this->handler_active;
	}

	/**
	 * Takes core RunCloud callbacks off the four events, once ours are active.
	 *
	 * @return int How many callbacks were removed.
	 */
	public function neutralise_core_handlers(): int {

		global $wp_filter;

		if ( ! $this->handler_active) {
			return 0;
		}

		$removed = 0;

		foreach (self::EVENTS as $event) {
			if ( ! isset($wp_filter[ $event ]) || ! is_object($wp_filter[ $event ]) || ! isset($wp_filter[ $event ]->callbacks)) {
				continue;
			}

			foreach ((array) $wp_filter[ $event ]->callbacks as $priority => $callbacks) {
				foreach ((array) $callbacks as $callback) {
					$function = $callback['function'] ?? null;

					if (is_array($function) && isset($function[0]) && self::is_core_handler($function[0])) {
						remove_action($event, $function, $priority);
						++$removed;
					}
				}
			}
		}

		if ($removed) {
			$this->logger->info(sprintf('Took %d core RunCloud event callback(s) off: this plugin handles RunCloud.', $removed));
		}

		return $removed;
	}

	/**
	 * Whether an object (or class name) is one of the core RunCloud handlers.
	 *
	 * @param object|string $object_or_class Callback target.
	 * @return bool
	 */
	private static function is_core_handler($object_or_class): bool {

		foreach (self::CORE_HANDLERS as $class) {
			if ((is_object($object_or_class) && $object_or_class instanceof $class) || (is_string($object_or_class) && 0 === strcasecmp(ltrim($object_or_class, '\\'), $class))) {
				return true;
			}
		}

		return false;
	}
}
