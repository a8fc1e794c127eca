<?php
/**
 * The RunCloud page of the network admin: where it sits in the menu, who may use it, and its
 * actions (Test connection, Sync now, Remove orphans, Check drift, Retry, Dismiss).
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Under Ultimate Multisite's menu (`wp-ultimo`, its top-level page in 2.4 and 2.5) when that menu
 * exists, else under Settings in the network admin. Capability `manage_network_options` (the
 * network's settings: super admins). Every action checks the capability and its own nonce, and
 * answers with a redirect (POST, then GET: a reload never repeats an action).
 *
 * No page request waits on RunCloud beyond a few seconds: Test connection is the only call made
 * in the request (the interactive `max_wait` and a capped timeout, RunCloud_Request_Context);
 * Sync now, Remove orphans, Check drift and Retry are queued (RunCloud_Admin_Jobs), and their
 * outcome is shown when done (polled, and on reload). The page itself reads the plugin's state,
 * never RunCloud. The rendering is RunCloud_Admin_Page_View's.
 */
class RunCloud_Admin_Page {

	/**
	 * The page's slug (admin.php?page=wu-runcloud).
	 */
	const SLUG = 'wu-runcloud';

	/**
	 * Who may see the page, its notices and use its actions.
	 */
	const CAPABILITY = 'manage_network_options';

	/**
	 * Ultimate Multisite's top-level menu slug (2.4 and 2.5), and the fallback parent.
	 */
	const UM_PARENT       = 'wp-ultimo';
	const FALLBACK_PARENT = 'settings.php';

	/**
	 * The request field naming the action.
	 */
	const ACTION_FIELD = 'wu_runcloud_action';

	/**
	 * The actions: action => [method allowed, whether it needs a job engine and RunCloud].
	 */
	const ACTIONS = [
		'test'    => 'POST',
		'sync'    => 'POST',
		'orphans' => 'POST',
		'drift'   => 'POST',
		'retry'   => 'GET',
		'dismiss' => 'GET',
	];

	/**
	 * The AJAX action the page polls for its background actions.
	 */
	const JOBS_AJAX = 'wu_runcloud_jobs';

	/**
	 * Screen option: rows per page.
	 */
	const PER_PAGE_OPTION = 'wu_runcloud_domains_per_page';

	/**
	 * The parent menu the page was added under in this request (URLs depend on it).
	 *
	 * @var string|null
	 */
	private static $menu_parent;

	/**
	 * The plugin (every shared object).
	 *
	 * @var RunCloud_Plugin
	 */
	private $plugin;

	/**
	 * The page's hook suffix, once added to the menu.
	 *
	 * @var string|null
	 */
	private $hook;

	/**
	 * The parent menu it was added under.
	 *
	 * @var string|null
	 */
	private $parent;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Plugin $plugin The plugin.
	 */
	public function __construct(RunCloud_Plugin $plugin) {

		$this->plugin = $plugin;
	}

	/**
	 * Hooks the page.
	 *
	 * @return void
	 */
	public function register_hooks(): void {

		// After Ultimate Multisite's own pages (priority 10), so its menu exists.
		add_action('network_admin_menu', [$this, 'add_menu'], 20, 0);
		add_action('wp_ajax_' . self::JOBS_AJAX, [$this, 'ajax_jobs']);
		add_filter('set_screen_option_' . self::PER_PAGE_OPTION, [$this, 'save_per_page'], 10, 3);
	}

	/**
	 * Adds the page: under Ultimate Multisite's menu when it is there, else under Settings.
	 *
	 * @return string|null The hook suffix.
	 */
	public function add_menu(): ?string {

		global $admin_page_hooks;

		$this->parent      = isset($admin_page_hooks[ self::UM_PARENT ]) ? self::UM_PARENT : self::FALLBACK_PARENT;
		self::$menu_parent = $this->parent;

		$hook = add_submenu_page(
			$this->parent,
			__('RunCloud domains and SSL', 'wu-runcloud'),
			__('RunCloud', 'wu-runcloud'),
			self::CAPABILITY,
			self::SLUG,
			[$this, 'render']
		);

		$this->hook = is_string($hook) && '' !== $hook ? $hook : null;

		if (null !== $this->hook) {
			add_action('load-' . $this->hook, [$this, 'load'], 10, 0);
		}

		return $this->hook;
	}

	/**
	 * The parent menu the page was added under (null before the menu is built).
	 *
	 * @return string|null
	 */
	public function parent(): ?string {

		return $this->parent;
	}

	/**
	 * The page's URL, with query arguments.
	 *
	 * @param array $args Query arguments.
	 * @return string
	 */
	public static function url(array $args = []): string {

		// menu_page_url() builds site-admin URLs; this page lives in the network admin. Before the
		// menu is built (admin-ajax, a job), the parent is the one add_menu() will choose.
		$parent = self::$menu_parent ?? (class_exists('\\WP_Ultimo', false) || function_exists('WP_Ultimo') ? self::UM_PARENT : self::FALLBACK_PARENT);
		$path   = (self::FALLBACK_PARENT === $parent ? 'settings.php' : 'admin.php') . '?page=' . self::SLUG;
		$base   = function_exists('network_admin_url') ? network_admin_url($path) : $path;

		return $args && function_exists('add_query_arg') ? add_query_arg(array_map('rawurlencode', $args), $base) : $base;
	}

	/**
	 * load-{page}: the action of this request, if any (then a redirect), and the screen options.
	 *
	 * @return void
	 */
	public function load(): void {

		// phpcs:ignore WordPress.Security.NonceVerification -- each action checks its own nonce in handle().
		$request = 'POST' === ($_SERVER['REQUEST_METHOD'] ?? 'GET') ? wp_unslash($_POST) : wp_unslash($_GET);
		$action  = isset($request[ self::ACTION_FIELD ]) ? sanitize_key((string) $request[ self::ACTION_FIELD ]) : '';

		if ('' !== $action) {
			$outcome = $this->handle($action, (array) $request, (string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'), (int) get_current_user_id());

			if ('refused' === $outcome['status']) {
				wp_die(esc_html($outcome['message']), esc_html__('RunCloud', 'wu-runcloud'), ['response' => (int) $outcome['code'], 'back_link' => true]);
			}

			wp_safe_redirect(self::url($outcome['args']));
			exit;
		}

		add_screen_option(
			'per_page',
			[
				'label'   => __('Domains per page', 'wu-runcloud'),
				'default' => RunCloud_Domains_Table::PER_PAGE,
				'option'  => self::PER_PAGE_OPTION,
			]
		);
	}

	/**
	 * One action: capability, method and nonce checked first; then queued (or, Test connection,
	 * run with a few seconds at most).
	 *
	 * @param string $action  One of ACTIONS.
	 * @param array  $request The request's fields (unslashed).
	 * @param string $method  GET or POST.
	 * @param int    $user_id Who asks.
	 * @return array ['status' => 'done', 'args' => redirect query args] or ['status' => 'refused',
	 *               'code' => HTTP status, 'message' => why].
	 */
	public function handle(string $action, array $request, string $method, int $user_id): array {

		if ( ! current_user_can(self::CAPABILITY)) {
			return self::refused(403, __('You are not allowed to manage the RunCloud integration.', 'wu-runcloud'));
		}

		if ( ! isset(self::ACTIONS[ $action ]) || self::ACTIONS[ $action ] !== strtoupper($method)) {
			return self::refused(400, __('Unknown action.', 'wu-runcloud'));
		}

		$domain = RunCloud_Config::normalize((string) ($request['domain'] ?? ''));
		$key    = (string) ($request['key'] ?? '');

		if ( ! wp_verify_nonce((string) ($request['_wpnonce'] ?? ''), self::nonce_action($action, 'retry' === $action ? $domain : $key))) {
			return self::refused(403, __('The link you followed has expired, or was not made for you: reload the RunCloud page and try again.', 'wu-runcloud'));
		}

		$blocked = $this->blocked($action);

		if (null !== $blocked) {
			return self::done($action, ['wu_runcloud_error' => $blocked]);
		}

		$jobs = $this->plugin->admin_jobs();

		switch ($action) {
			case 'test':
				$answer = $this->plugin->connection()->check_and_remember();

				return self::done($action, ['wu_runcloud_result' => $answer['ok'] ? 'ok' : 'failed']);

			case 'sync':
				return self::done($action, ['job' => $jobs->queue(RunCloud_Admin_Jobs::KIND_SYNC, '', $user_id)['id']]);

			case 'orphans':
				if (empty($request['confirm_orphans'])) {
					return self::done($action, ['wu_runcloud_error' => 'confirm-orphans']);
				}

				return self::done($action, ['job' => $jobs->queue(RunCloud_Admin_Jobs::KIND_ORPHANS, '', $user_id)['id']]);

			case 'drift':
				return self::done($action, ['job' => $jobs->queue(RunCloud_Admin_Jobs::KIND_DRIFT, '', $user_id)['id']]);

			case 'retry':
				if ('' === $domain) {
					return self::refused(400, __('No domain given.', 'wu-runcloud'));
				}

				return self::done($action, ['job' => $jobs->queue(RunCloud_Admin_Jobs::KIND_RETRY, $domain, $user_id)['id']]);

			case 'dismiss':
				$this->plugin->notices()->dismiss($key, $user_id);

				return self::done($action, []);
		}

		return self::refused(400, __('Unknown action.', 'wu-runcloud'));
	}

	/**
	 * Why an action cannot run now ('' when it can): the extension or the configuration is
	 * missing, no job engine, no Ultimate Multisite to say what is mapped.
	 *
	 * @param string $action The action.
	 * @return string|null An error code the page words (RunCloud_Admin_Page_View::error_words()), or null.
	 */
	public function blocked(string $action): ?string {

		if ('dismiss' === $action) {
			return null;
		}

		$environment = $this->plugin->notices()->environment();

		if ( ! $environment->is_extension_loaded()) {
			return 'extension';
		}

		if ( ! $environment->can_send()) {
			return 'configuration';
		}

		if ('test' === $action) {
			return null;
		}

		if ( ! $this->plugin->queue()->available()) {
			return 'queue';
		}

		if (in_array($action, ['sync', 'orphans', 'drift'], true) && 'active' !== $environment->ultimate_multisite($this->plugin->generation())['state']) {
			return 'ultimate-multisite';
		}

		return null;
	}

	/**
	 * The nonce action of a page action (retry and dismiss: one per domain or record).
	 *
	 * @param string $action The action.
	 * @param string $which  The domain (retry) or record key (dismiss).
	 * @return string
	 */
	public static function nonce_action(string $action, string $which = ''): string {

		return 'wu_runcloud_' . $action . (in_array($action, ['retry', 'dismiss'], true) ? '_' . $which : '');
	}

	/**
	 * A GET link doing an action (Retry, Dismiss), with its nonce.
	 *
	 * @param string $action retry or dismiss.
	 * @param string $which  The domain or the record key.
	 * @return string
	 */
	public static function action_url(string $action, string $which): string {

		return self::url(
			[
				self::ACTION_FIELD => $action,
				'retry' === $action ? 'domain' : 'key' => $which,
				'_wpnonce'         => wp_create_nonce(self::nonce_action($action, $which)),
			]
		);
	}

	/**
	 * admin-ajax: the page's background actions (the page polls while one is queued or running).
	 *
	 * @return void
	 */
	public function ajax_jobs(): void {

		if ( ! check_ajax_referer(self::JOBS_AJAX, false, false) || ! current_user_can(self::CAPABILITY)) {
			wp_send_json_error(['message' => __('You are not allowed to do this.', 'wu-runcloud')], 403);

			return;
		}

		wp_send_json_success(['jobs' => array_map([RunCloud_Admin_Page_View::class, 'job_json'], array_reverse($this->plugin->admin_jobs()->all()))]);
	}

	/**
	 * set-screen-option: keeps the rows-per-page option.
	 *
	 * @param mixed  $keep   What WordPress would keep.
	 * @param string $option The option.
	 * @param mixed  $value  The value.
	 * @return mixed
	 */
	public function save_per_page($keep, $option, $value) {

		return self::PER_PAGE_OPTION === $option ? max(1, min(RunCloud_Domains_Table::MAX_PER_PAGE, (int) $value)) : $keep;
	}

	/**
	 * Prints the page.
	 *
	 * @return void
	 */
	public function render(): void {

		if ( ! current_user_can(self::CAPABILITY)) {
			wp_die(esc_html__('You are not allowed to manage the RunCloud integration.', 'wu-runcloud'), '', ['response' => 403]);
		}

		( new RunCloud_Admin_Page_View($this->plugin, $this) )->render(wp_unslash($_GET)); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- display only.
	}

	/**
	 * A redirect after an action.
	 *
	 * @param string $action The action.
	 * @param array  $args   More query args.
	 * @return array
	 */
	private static function done(string $action, array $args): array {

		return [
			'status' => 'done',
			'args'   => ['wu_runcloud_done' => $action] + $args,
		];
	}

	/**
	 * A refusal.
	 *
	 * @param int    $code    HTTP status.
	 * @param string $message Why.
	 * @return array
	 */
	private static function refused(int $code, string $message): array {

		return [
			'status'  => 'refused',
			'code'    => $code,
			'message' => $message,
		];
	}
}
