<?php
/**
 * Network admin notices: what keeps domains from reaching RunCloud (extension, Ultimate
 * Multisite, the integration toggle, the configuration) and the failures an administrator must
 * act on, each with what to do and a link to the RunCloud page.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Works out which notices apply and prints them on network admin screens; dismissing a failure
 * notice (its X button, through admin-ajax) hides it for every administrator
 * (RunCloud_Failure_Records explains why). The environment notices cannot be dismissed: they go
 * by themselves once the cause is fixed; the v2-credentials hint (advice, nothing is broken) can.
 *
 * Also the facade the rest of the plugin records failures through (record_error(), resolve(),
 * get_errors(), clear_errors()), and the environment checks (is_extension_loaded()).
 */
class RunCloud_Admin_Notices {

	/**
	 * Network option holding the failure records (RunCloud_Failure_Records::OPTION).
	 */
	const OPTION_ERRORS = RunCloud_State::OPTION_ERRORS;

	/**
	 * How many records of each kind are kept.
	 */
	const MAX_ERRORS = RunCloud_Failure_Records::MAX_PER_KIND;

	/**
	 * Kinds of records (RunCloud_Failure_Records::KIND_*).
	 */
	const KIND_PERMANENT     = RunCloud_Failure_Records::KIND_PERMANENT;
	const KIND_BLOCKING      = RunCloud_Failure_Records::KIND_BLOCKING;
	const KIND_NAMES_WARNING = RunCloud_Failure_Records::KIND_NAMES_WARNING;
	const KIND_NAMES_LIMIT   = RunCloud_Failure_Records::KIND_NAMES_LIMIT;
	const KIND_SSL_FAILED    = RunCloud_Failure_Records::KIND_SSL_FAILED;

	/**
	 * The notice of each kind of record: its id (data-wu-runcloud-notice) and WordPress type.
	 */
	const RECORD_NOTICES = [
		self::KIND_PERMANENT     => ['domain-failed', 'error'],
		self::KIND_BLOCKING      => ['certificate-blocked', 'error'],
		self::KIND_NAMES_LIMIT   => ['certificate-names-limit', 'error'],
		self::KIND_NAMES_WARNING => ['certificate-names-warning', 'warning'],
		self::KIND_SSL_FAILED    => ['certificate-failed', 'error'],
	];

	/**
	 * Failure notices shown at most; the others are counted in one more notice.
	 */
	const MAX_SHOWN = 5;

	/**
	 * The AJAX action dismissing a notice.
	 */
	const DISMISS_ACTION = 'wu_runcloud_dismiss';

	/**
	 * Environment notices an administrator may dismiss (advice, nothing is broken).
	 */
	const DISMISSIBLE_PROBLEMS = [RunCloud_Environment::V2_CREDENTIALS];

	/**
	 * What the plugin depends on.
	 *
	 * @var RunCloud_Environment
	 */
	private $environment;

	/**
	 * The failure records.
	 *
	 * @var RunCloud_Failure_Records
	 */
	private $records;

	/**
	 * Returns the Ultimate Multisite adapter loaded ('2.4', '2.5' or null).
	 *
	 * @var callable|null
	 */
	private $generation;

	/**
	 * Whether a dismissible notice was printed on this page (its script follows in the footer).
	 *
	 * @var bool
	 */
	private $printed_dismissible = false;

	/**
	 * Constructor.
	 *
	 * @param callable|null $extension_loaded Seam: returns bool. Default: the wu_runcloud_* functions exist.
	 * @param callable|null $config_reader    Seam: returns the wu_runcloud_config() array. Default: wu_runcloud_config().
	 */
	public function __construct(?callable $extension_loaded = null, ?callable $config_reader = null) {

		$this->environment = new RunCloud_Environment($extension_loaded, $config_reader);
		$this->records     = new RunCloud_Failure_Records();
	}

	/**
	 * Default "extension loaded" check: the native API is callable.
	 *
	 * @return bool
	 */
	public static function native_extension_loaded(): bool {

		return RunCloud_Environment::native_extension_loaded();
	}

	/**
	 * What the plugin depends on.
	 *
	 * @return RunCloud_Environment
	 */
	public function environment(): RunCloud_Environment {

		return $this->environment;
	}

	/**
	 * The failure records.
	 *
	 * @return RunCloud_Failure_Records
	 */
	public function records(): RunCloud_Failure_Records {

		return $this->records;
	}

	/**
	 * Sets where the Ultimate Multisite generation is read (RunCloud_Plugin::generation()).
	 *
	 * @param callable|null $generation Returns '2.4', '2.5' or null.
	 * @return void
	 */
	public function set_generation_source(?callable $generation): void {

		$this->generation = $generation;
	}

	/**
	 * Whether the extension is loaded, through the seam.
	 *
	 * @return bool
	 */
	public function is_extension_loaded(): bool {

		return $this->environment->is_extension_loaded();
	}

	/**
	 * Registers the notice printer and the dismiss endpoint.
	 *
	 * @return void
	 */
	public function register_hooks(): void {

		add_action('network_admin_notices', [$this, 'render']);
		add_action('admin_footer', [$this, 'print_dismiss_script']);
		add_action('wp_ajax_' . self::DISMISS_ACTION, [$this, 'ajax_dismiss']);
	}

	/**
	 * Every notice that applies now: environment problems first, then failures (at most
	 * MAX_SHOWN, newest first, dismissed ones left out), then how many more there are.
	 *
	 * @return array<int, array{type: string, id: string, message: string, headline: string, action: string, details: string, key: ?string, dismissible: bool, link: ?string}>
	 */
	public function get_notices(): array {

		$notices   = [];
		$dismissed = $this->dismissed_problems();

		foreach ($this->environment->problems($this->generation()) as $problem) {
			$dismissible = in_array($problem['id'], self::DISMISSIBLE_PROBLEMS, true);

			if ($dismissible && isset($dismissed[ $problem['id'] ])) {
				continue;
			}

			$notices[] = self::notice($problem['id'], $problem['type'], RunCloud_Failure_Messages::problem($problem), $dismissible ? $problem['id'] : null, RunCloud_Environment::V2_CREDENTIALS === $problem['id'] ? null : '');
		}

		$failures = [];

		foreach (self::RECORD_NOTICES as $kind => [$id, $type]) {
			foreach (array_reverse($this->records->get($kind)) as $record) {
				if (null === $record['dismissed']) {
					$words             = RunCloud_Failure_Messages::record($record);
					// translators: %s is what happened ("shop.example.com could not be added to web app 1:1.").
					$words['headline'] = sprintf(__('RunCloud: %s', 'wu-runcloud'), $words['headline']);
					$failures[]        = self::notice($id, $type, $words, $record['key'], (string) ($record['domain'] ?? ''));
				}
			}
		}

		$notices = array_merge($notices, array_slice($failures, 0, self::MAX_SHOWN));

		if (count($failures) > self::MAX_SHOWN) {
			$more      = count($failures) - self::MAX_SHOWN;
			$notices[] = self::notice(
				'more-failures',
				'error',
				[
					// translators: %d is a number of failures.
					'headline' => RunCloud_Failure_Messages::sentence(sprintf(_n('RunCloud: %d more failure needs attention', 'RunCloud: %d more failures need attention', $more, 'wu-runcloud'), $more)),
					'action'   => RunCloud_Failure_Messages::sentence(__('Every failure is listed on the RunCloud page, with its domain', 'wu-runcloud')),
					'details'  => '',
				],
				null,
				''
			);
		}

		return $notices;
	}

	/**
	 * One notice.
	 *
	 * @param string      $id    The notice id.
	 * @param string      $type  error, warning, info or success.
	 * @param array       $words headline, action, details.
	 * @param string|null $key   The key it is dismissed by, or null (not dismissible).
	 * @param string|null $link  Link to the RunCloud page: '' (the page), a domain (the page,
	 *                           searching it), or null (no link).
	 * @return array
	 */
	private static function notice(string $id, string $type, array $words, ?string $key, ?string $link): array {

		$words = $words + ['headline' => '', 'action' => '', 'details' => ''];

		return [
			'type'        => $type,
			'id'          => $id,
			'message'     => trim($words['headline'] . ' ' . $words['action'] . ('' !== $words['details'] ? ' ' . $words['details'] : '')),
			'headline'    => $words['headline'],
			'action'      => $words['action'],
			'details'     => $words['details'],
			'key'         => $key,
			'dismissible' => null !== $key,
			'link'        => null === $link ? null : RunCloud_Admin_Page::url('' === $link ? [] : ['s' => $link]),
		];
	}

	/**
	 * Prints the notices (network admin, administrators who manage the network's options).
	 *
	 * @return void
	 */
	public function render(): void {

		if (function_exists('current_user_can') && ! current_user_can(RunCloud_Admin_Page::CAPABILITY)) {
			return;
		}

		// On the RunCloud page itself a link to it says nothing; one that searches a domain stays.
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- read only, to choose a link.
		$on_page = isset($_GET['page']) && RunCloud_Admin_Page::SLUG === sanitize_key(wp_unslash((string) $_GET['page']));

		foreach ($this->get_notices() as $notice) {
			$this->printed_dismissible = $this->printed_dismissible || $notice['dismissible'];

			if ($on_page && null !== $notice['link']) {
				parse_str((string) wp_parse_url((string) $notice['link'], PHP_URL_QUERY), $query);

				if ( ! isset($query['s'])) {
					$notice['link'] = null;
				}
			}

			printf(
				'<div class="notice notice-%1$s%2$s" data-wu-runcloud-notice="%3$s"%4$s><p><strong>%5$s</strong> %6$s%7$s</p>%8$s</div>',
				esc_attr($notice['type']),
				$notice['dismissible'] ? ' is-dismissible' : '',
				esc_attr($notice['id']),
				$notice['dismissible'] ? ' data-wu-runcloud-key="' . esc_attr((string) $notice['key']) . '"' : '',
				esc_html($notice['headline']),
				esc_html($notice['action']),
				null === $notice['link'] ? '' : ' <a href="' . esc_url($notice['link']) . '">' . esc_html__('Open the RunCloud page', 'wu-runcloud') . '</a>',
				'' === $notice['details'] ? '' : '<p class="wu-runcloud-details"><small>' . esc_html($notice['details']) . '</small></p>'
			);
		}
	}

	/**
	 * Footer script: a dismissed notice is remembered (WordPress's own X button only hides it).
	 *
	 * @return void
	 */
	public function print_dismiss_script(): void {

		if ( ! $this->printed_dismissible || ! function_exists('wp_create_nonce')) {
			return;
		}

		printf(
			'<script>document.addEventListener("click",function(e){var b=e.target.closest&&e.target.closest("[data-wu-runcloud-key] .notice-dismiss");if(!b){return;}var n=b.closest("[data-wu-runcloud-key]");var d=new URLSearchParams();d.append("action",%1$s);d.append("key",n.getAttribute("data-wu-runcloud-key"));d.append("_ajax_nonce",%2$s);fetch(%3$s,{method:"POST",credentials:"same-origin",body:d});});</script>',
			wp_json_encode(self::DISMISS_ACTION),
			wp_json_encode(wp_create_nonce(self::DISMISS_ACTION)),
			wp_json_encode(admin_url('admin-ajax.php'))
		);
	}

	/**
	 * admin-ajax: dismisses one notice (nonce and capability checked).
	 *
	 * @return void
	 */
	public function ajax_dismiss(): void {

		if ( ! check_ajax_referer(self::DISMISS_ACTION, false, false) || ! current_user_can(RunCloud_Admin_Page::CAPABILITY)) {
			wp_send_json_error(['message' => __('You are not allowed to do this.', 'wu-runcloud')], 403);

			return;
		}

		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked above.
		$key = isset($_POST['key']) ? sanitize_text_field(wp_unslash((string) $_POST['key'])) : '';

		if ( ! $this->dismiss($key, (int) get_current_user_id())) {
			wp_send_json_error(['message' => __('No such notice.', 'wu-runcloud')], 404);

			return;
		}

		wp_send_json_success(['dismissed' => $key]);
	}

	/**
	 * Dismisses a notice: a failure record by its key, or a dismissible environment notice by id.
	 *
	 * @param string $key     The record key or notice id.
	 * @param int    $user_id Who dismissed it.
	 * @return bool Whether something was dismissed.
	 */
	public function dismiss(string $key, int $user_id = 0): bool {

		if (in_array($key, self::DISMISSIBLE_PROBLEMS, true)) {
			$dismissed         = $this->dismissed_problems();
			$dismissed[ $key ] = time();

			update_network_option(null, RunCloud_State::OPTION_DISMISSED, $dismissed);

			return true;
		}

		return '' !== $key && $this->records->dismiss($key, $user_id);
	}

	/**
	 * Environment notices dismissed: id => time.
	 *
	 * @return array
	 */
	private function dismissed_problems(): array {

		$dismissed = get_network_option(null, RunCloud_State::OPTION_DISMISSED, []);

		return is_array($dismissed) ? $dismissed : [];
	}

	/**
	 * The Ultimate Multisite generation loaded.
	 *
	 * @return string|null
	 */
	private function generation(): ?string {

		return null === $this->generation ? null : call_user_func($this->generation);
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * The failure records (RunCloud_Failure_Records), for the rest of the plugin.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * Records a failure an administrator must act on (already redacted by the caller).
	 *
	 * @param string $message The log-minded text (the notice words the structured fields).
	 * @param array  $details See RunCloud_Failure_Records::record().
	 * @return void
	 */
	public function record_error(string $message, array $details = []): void {

		$this->records->record($message, $details);
	}

	/**
	 * Forgets the records of a cause that is gone.
	 *
	 * @param string      $kind   One of KIND_*, or '' for every kind.
	 * @param string|null $target 'SERVER:APP', or null for every app.
	 * @param string|null $domain The domain, or null for every domain.
	 * @return void
	 */
	public function resolve(string $kind, ?string $target = null, ?string $domain = null): void {

		$this->records->resolve($kind, $target, $domain);
	}

	/**
	 * The records, oldest first; of one kind when given.
	 *
	 * @param string|null $kind One of KIND_*, or null for all.
	 * @return array
	 */
	public function get_errors(?string $kind = null): array {

		return $this->records->get($kind);
	}

	/**
	 * Forgets the permanent records (after a clean sync); the certificate records go when their
	 * cause does.
	 *
	 * @return void
	 */
	public function clear_errors(): void {

		$this->records->resolve(self::KIND_PERMANENT);
	}
}
