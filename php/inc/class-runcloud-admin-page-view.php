<?php
/**
 * What the RunCloud page prints: requirements, background actions, each web app (connection,
 * certificate, drift), the actions, the domains table.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Reads the plugin's state only (never RunCloud); every value printed is escaped, every string
 * translatable.
 */
class RunCloud_Admin_Page_View {

	/**
	 * The plugin.
	 *
	 * @var RunCloud_Plugin
	 */
	private $plugin;

	/**
	 * The page controller.
	 *
	 * @var RunCloud_Admin_Page
	 */
	private $page;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Plugin     $plugin The plugin.
	 * @param RunCloud_Admin_Page $page   The page controller.
	 */
	public function __construct(RunCloud_Plugin $plugin, RunCloud_Admin_Page $page) {

		$this->plugin = $plugin;
		$this->page   = $page;
	}

	/**
	 * The whole page.
	 *
	 * @param array $query The request's query arguments (display only).
	 * @return void
	 */
	public function render(array $query): void {

		echo '<div class="wrap" id="wu-runcloud-page">';
		printf('<h1>%s</h1>', esc_html__('RunCloud domains and SSL', 'wu-runcloud'));
		printf('<p>%s</p>', esc_html__('Each domain mapped in Ultimate Multisite (and each site on a subdomain) is added to your RunCloud web app(s), and its SSL certificate follows. This page shows where each one stands, and repairs what drifted.', 'wu-runcloud'));

		$this->outcome($query);
		$this->requirements();
		$this->jobs();

		foreach ($this->targets() as $target) {
			$this->target($target);
		}

		$this->actions();
		$this->domains($query);

		echo '</div>';
	}

	/**
	 * The outcome of the action just done (after its redirect).
	 *
	 * @param array $query The query arguments.
	 * @return void
	 */
	private function outcome(array $query): void {

		$done  = isset($query['wu_runcloud_done']) ? sanitize_key((string) $query['wu_runcloud_done']) : '';
		$error = isset($query['wu_runcloud_error']) ? sanitize_key((string) $query['wu_runcloud_error']) : '';

		if ('' === $done) {
			return;
		}

		if ('' !== $error) {
			self::box('error', 'action-refused', self::error_words($error));

			return;
		}

		$words = [
			'test'    => 'ok' === ($query['wu_runcloud_result'] ?? '') ? __('Connection tested: RunCloud answered, every web app was found.', 'wu-runcloud') : __('Connection tested: it failed; the reason is under the web app below.', 'wu-runcloud'),
			'sync'    => __('Sync now is queued: it runs in the background; its result shows under Background actions.', 'wu-runcloud'),
			'orphans' => __('Removing orphans is queued: it runs in the background; its result shows under Background actions.', 'wu-runcloud'),
			'drift'   => __('The drift check is queued: it runs in the background; its result shows under Background actions and under each web app.', 'wu-runcloud'),
			'retry'   => __('Retry is queued: it runs in the background; its result shows under Background actions and in the domain\'s row.', 'wu-runcloud'),
			'dismiss' => __('Dismissed: the notice is hidden for every administrator; the domain\'s row keeps the error until its cause is gone.', 'wu-runcloud'),
		];

		self::box('test' === $done && 'ok' !== ($query['wu_runcloud_result'] ?? '') ? 'error' : 'success', 'action-done', $words[ $done ] ?? '');
	}

	/**
	 * Why an action was refused, in words.
	 *
	 * @param string $code A code of RunCloud_Admin_Page::blocked(), or confirm-orphans.
	 * @return string
	 */
	public static function error_words(string $code): string {

		switch ($code) {
			case 'extension':
				return __('Nothing was done: the wu_runcloud PHP extension is not loaded (see Requirements).', 'wu-runcloud');
			case 'configuration':
				return __('Nothing was done: the RunCloud configuration is incomplete or invalid (see Requirements).', 'wu-runcloud');
			case 'queue':
				return __('Nothing was done: neither Action Scheduler nor WP-Cron is there to run it in the background.', 'wu-runcloud');
			case 'ultimate-multisite':
				return __('Nothing was done: without an active Ultimate Multisite nothing says which domains are mapped (see Requirements).', 'wu-runcloud');
			case 'confirm-orphans':
				return __('Nothing was removed: tick the box that confirms you want the orphans removed from RunCloud.', 'wu-runcloud');
		}

		return __('Nothing was done.', 'wu-runcloud');
	}

	/**
	 * What the plugin needs, each with its state.
	 *
	 * @return void
	 */
	private function requirements(): void {

		$environment = $this->plugin->notices()->environment();
		$um          = $environment->ultimate_multisite($this->plugin->generation());
		$config      = $environment->configuration();
		$problems    = [];

		foreach ($environment->problems($this->plugin->generation()) as $problem) {
			$problems[ $problem['id'] ] = $problem;
		}

		$um_words = [
			'active'    => null !== $um['version'] ? sprintf(
				// translators: %1$s is a version, %2$s the integration generation (2.4 or 2.5).
				__('Active, version %1$s (integration API %2$s)', 'wu-runcloud'),
				$um['version'],
				null === $um['generation'] ? __('not loaded', 'wu-runcloud') : $um['generation']
			) : __('Active', 'wu-runcloud'),
			'absent'    => __('Not installed', 'wu-runcloud'),
			'inactive'  => __('Installed, not active', 'wu-runcloud'),
			'too-old'   => __('Too old', 'wu-runcloud'),
			'not-ready' => __('Not set up yet', 'wu-runcloud'),
		];

		$config_words = [
			'ok'         => __('Complete', 'wu-runcloud'),
			'incomplete' => __('Incomplete', 'wu-runcloud'),
			'invalid'    => __('Invalid', 'wu-runcloud'),
			'unknown'    => __('Unknown (the extension is not loaded)', 'wu-runcloud'),
		];

		$engine = $this->plugin->queue()->engine();

		$rows = [
			'extension'     => [
				__('wu_runcloud PHP extension', 'wu-runcloud'),
				$environment->is_extension_loaded() ? sprintf(
					// translators: %s is a version.
					__('Loaded, version %s', 'wu-runcloud'),
					function_exists('wu_runcloud_version') ? (string) wu_runcloud_version() : '?'
				) : __('Not loaded', 'wu-runcloud'),
				$environment->is_extension_loaded(),
				$problems[ RunCloud_Environment::EXTENSION_MISSING ] ?? null,
			],
			'um'            => [
				__('Ultimate Multisite', 'wu-runcloud'),
				$um_words[ $um['state'] ] ?? $um['state'],
				'active' === $um['state'],
				$problems[ RunCloud_Environment::UM_ABSENT ] ?? $problems[ RunCloud_Environment::UM_INACTIVE ] ?? $problems[ RunCloud_Environment::UM_TOO_OLD ] ?? $problems[ RunCloud_Environment::UM_NOT_READY ] ?? null,
			],
			'integration'   => [
				__('RunCloud integration in Ultimate Multisite', 'wu-runcloud'),
				$environment->integration_enabled() ? __('On', 'wu-runcloud') : __('Off', 'wu-runcloud'),
				$environment->integration_enabled(),
				$problems[ RunCloud_Environment::INTEGRATION_DISABLED ] ?? null,
			],
			'configuration' => [
				__('Configuration', 'wu-runcloud'),
				$config_words[ $config['state'] ] ?? $config['state'],
				'ok' === $config['state'],
				$problems[ RunCloud_Environment::CONFIG_INVALID ] ?? $problems[ RunCloud_Environment::CONFIG_INCOMPLETE ] ?? null,
			],
			'queue'         => [
				__('Background jobs', 'wu-runcloud'),
				RunCloud_Queue::ENGINE_ACTION_SCHEDULER === $engine ? __('Action Scheduler', 'wu-runcloud') : (RunCloud_Queue::ENGINE_WP_CRON === $engine ? __('WP-Cron (Action Scheduler is not loaded)', 'wu-runcloud') : __('None', 'wu-runcloud')),
				null !== $engine,
				null,
			],
		];

		printf('<h2>%s</h2>', esc_html__('Requirements', 'wu-runcloud'));
		echo '<table class="widefat striped" id="wu-runcloud-requirements"><tbody>';

		foreach ($rows as $id => [$label, $value, $ok, $problem]) {
			$words = null === $problem ? null : RunCloud_Failure_Messages::problem($problem);

			printf(
				'<tr data-requirement="%1$s" data-ok="%2$s"><th scope="row">%3$s</th><td><span class="dashicons %4$s" aria-hidden="true"></span> %5$s%6$s</td></tr>',
				esc_attr($id),
				$ok ? 'yes' : 'no',
				esc_html($label),
				$ok ? 'dashicons-yes-alt' : 'dashicons-warning',
				esc_html($value),
				null === $words ? '' : '<br><strong>' . esc_html($words['headline']) . '</strong> ' . esc_html($words['action']) . ('' !== $words['details'] ? '<br><small>' . esc_html($words['details']) . '</small>' : '')
			);
		}

		echo '</tbody></table>';
	}

	/**
	 * The page's background actions, newest first; polled while one is queued or running.
	 *
	 * @return void
	 */
	private function jobs(): void {

		$jobs = array_slice(array_reverse($this->plugin->admin_jobs()->all()), 0, 8);

		printf('<h2>%s</h2>', esc_html__('Background actions', 'wu-runcloud'));

		if ( ! $jobs) {
			printf('<p id="wu-runcloud-jobs-none">%s</p>', esc_html__('None yet: Sync now, Remove orphans, Check drift and Retry run in the background; each shows here, queued then done.', 'wu-runcloud'));

			return;
		}

		printf(
			'<table class="widefat striped" id="wu-runcloud-jobs"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>',
			esc_html__('Action', 'wu-runcloud'),
			esc_html__('Queued', 'wu-runcloud'),
			esc_html__('Status', 'wu-runcloud'),
			esc_html__('Result', 'wu-runcloud')
		);

		$polling = false;

		foreach ($jobs as $job) {
			$json    = self::job_json($job);
			$polling = $polling || in_array($job['status'], [RunCloud_Admin_Jobs::STATUS_QUEUED, RunCloud_Admin_Jobs::STATUS_RUNNING], true);

			printf(
				'<tr data-wu-runcloud-job="%1$s" data-status="%2$s"><td>%3$s</td><td>%4$s</td><td class="wu-runcloud-job-status"><strong>%5$s</strong></td><td class="wu-runcloud-job-result">%6$s%7$s</td></tr>',
				esc_attr($job['id']),
				esc_attr($job['status']),
				esc_html($json['label']),
				esc_html(self::when((int) $job['queued_at'])),
				esc_html($json['status_label']),
				esc_html($json['result']),
				$job['lines'] ? '<details><summary>' . esc_html__('Details', 'wu-runcloud') . '</summary><pre>' . esc_html(implode("\n", array_map('strval', $job['lines']))) . '</pre></details>' : ''
			);
		}

		echo '</tbody></table>';

		if ($polling) {
			printf(
				'<p id="wu-runcloud-jobs-poll"><span class="spinner is-active" style="float:none"></span> %s</p>',
				esc_html__('Waiting for the background job; this list updates by itself.', 'wu-runcloud')
			);
			$this->poll_script();
		}
	}

	/**
	 * A background action as the page's poll sees it.
	 *
	 * @param array $job A record of RunCloud_Admin_Jobs.
	 * @return array{id: string, status: string, status_label: string, label: string, result: string}
	 */
	public static function job_json(array $job): array {

		$labels = [
			RunCloud_Admin_Jobs::KIND_SYNC    => __('Sync now (missing domains)', 'wu-runcloud'),
			RunCloud_Admin_Jobs::KIND_ORPHANS => __('Sync now and remove orphans', 'wu-runcloud'),
			RunCloud_Admin_Jobs::KIND_DRIFT   => __('Check drift', 'wu-runcloud'),
			// translators: %s is a domain.
			RunCloud_Admin_Jobs::KIND_RETRY   => sprintf(__('Retry %s', 'wu-runcloud'), (string) ($job['domain'] ?? '')),
		];

		$statuses = [
			RunCloud_Admin_Jobs::STATUS_QUEUED  => __('Queued', 'wu-runcloud'),
			RunCloud_Admin_Jobs::STATUS_RUNNING => __('Running', 'wu-runcloud'),
			RunCloud_Admin_Jobs::STATUS_DONE    => __('Done', 'wu-runcloud'),
			RunCloud_Admin_Jobs::STATUS_FAILED  => __('Failed', 'wu-runcloud'),
		];

		$status = (string) ($job['status'] ?? '');
		$result = (string) ($job['result'] ?? '');

		if (in_array($status, [RunCloud_Admin_Jobs::STATUS_DONE, RunCloud_Admin_Jobs::STATUS_FAILED], true) && ! empty($job['finished_at'])) {
			// translators: %1$s is a time, %2$s the outcome.
			$result = sprintf(__('%1$s: %2$s', 'wu-runcloud'), self::when((int) $job['finished_at']), $result);
		}

		return [
			'id'           => (string) ($job['id'] ?? ''),
			'status'       => $status,
			'status_label' => $statuses[ $status ] ?? $status,
			'label'        => $labels[ $job['kind'] ?? '' ] ?? (string) ($job['kind'] ?? ''),
			'result'       => $result,
		];
	}

	/**
	 * The poll of the background actions (admin-ajax every 3 s while one is queued or running).
	 *
	 * @return void
	 */
	private function poll_script(): void {

		printf(
			'<script>(function(){var url=%1$s,nonce=%2$s,done=%3$s;function poll(){var d=new URLSearchParams();d.append("action",%4$s);d.append("_ajax_nonce",nonce);fetch(url,{method:"POST",credentials:"same-origin",body:d}).then(function(r){return r.json();}).then(function(r){if(!r||!r.success){return;}var waiting=0;r.data.jobs.forEach(function(j){var row=document.querySelector("[data-wu-runcloud-job=\'"+j.id+"\']");if(!row){return;}row.setAttribute("data-status",j.status);row.querySelector(".wu-runcloud-job-status").innerHTML="";var s=document.createElement("strong");s.textContent=j.status_label;row.querySelector(".wu-runcloud-job-status").appendChild(s);if(j.status==="queued"||j.status==="running"){waiting++;}else{var res=row.querySelector(".wu-runcloud-job-result");if(res.firstChild&&res.firstChild.nodeType===3){res.firstChild.textContent=j.result;}else{res.insertBefore(document.createTextNode(j.result),res.firstChild);}}});var p=document.getElementById("wu-runcloud-jobs-poll");if(waiting){setTimeout(poll,3000);}else if(p){p.textContent=done;}}).catch(function(){setTimeout(poll,10000);});}setTimeout(poll,3000);})();</script>',
			wp_json_encode(admin_url('admin-ajax.php')),
			wp_json_encode(wp_create_nonce(RunCloud_Admin_Page::JOBS_AJAX)),
			wp_json_encode(__('Done. Reload the page to see the domains as they are now.', 'wu-runcloud')),
			wp_json_encode(RunCloud_Admin_Page::JOBS_AJAX)
		);
	}

	/**
	 * The configured web apps (none without the extension or a usable configuration).
	 *
	 * @return array
	 */
	private function targets(): array {

		if ( ! $this->plugin->notices()->environment()->can_send()) {
			return [];
		}

		try {
			return $this->plugin->config()->targets();
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			return [];
		}
	}

	/**
	 * One web app: connection, certificate, drift.
	 *
	 * @param array $target The target.
	 * @return void
	 */
	private function target(array $target): void {

		$key        = RunCloud_Config::key($target);
		$config     = (array) $this->plugin->notices()->environment()->configuration()['config'];
		$connection = $this->plugin->state()->connection_results()[ $key ] ?? null;
		$drift      = $this->plugin->state()->drift_summaries()[ $key ] ?? null;
		$ssl        = $this->plugin->report()->target($target);
		$dom_id     = 'wu-runcloud-app-' . str_replace(':', '-', $key);

		// translators: %s is a web app (SERVER:APP).
		printf('<h2 id="%1$s">%2$s</h2>', esc_attr($dom_id), esc_html(sprintf(__('Web app %s', 'wu-runcloud'), $key)));
		printf('<table class="widefat striped wu-runcloud-app" data-target="%s"><tbody>', esc_attr($key));

		$this->row('api', __('RunCloud API', 'wu-runcloud'), sprintf('%s, %s', (string) ($config['api_version'] ?? '?'), 'key_secret' === ($config['auth'] ?? null) ? __('API key and secret (v2)', 'wu-runcloud') : __('API token (v3)', 'wu-runcloud')));
		// translators: %1$d is a server id, %2$d a web app id.
		$this->row('webapp', __('Web app', 'wu-runcloud'), sprintf(__('%3$s (server %1$d, web app %2$d)', 'wu-runcloud'), (int) $target['server_id'], (int) $target['app_id'], (string) ($connection['webapp'] ?? __('name not known yet: test the connection', 'wu-runcloud'))));
		$this->row('connection', __('Last connection test', 'wu-runcloud'), $this->connection_words($connection));
		$this->row('ssl', __('SSL', 'wu-runcloud'), $this->ssl_words($ssl));
		$this->row('names', __('Names on the certificate', 'wu-runcloud'), $this->names_words($ssl), $ssl['names'] > $ssl['limit'] ? 'error' : ($ssl['names'] >= $ssl['warn_at'] ? 'warning' : ''));

		foreach ($ssl['blocking'] as $name => $blocking) {
			// translators: %1$s is a domain, %2$s the reason.
			$this->row('blocking', __('Blocking the certificate', 'wu-runcloud'), sprintf(__('%1$s: %2$s', 'wu-runcloud'), (string) $name, RunCloud_Failure_Messages::sentence(RunCloud_Failure_Messages::technical_prefixes_out((string) ($blocking['reason'] ?? '')))), 'error');
		}

		$this->row('job', __('Certificate job', 'wu-runcloud'), $this->job_words($ssl));
		$this->row('drift', __('Drift', 'wu-runcloud'), $this->drift_words($drift));

		echo '</tbody></table>';

		echo '<p class="wu-runcloud-app-actions">';
		$this->button('test', __('Test connection', 'wu-runcloud'), 'secondary');
		$this->button('drift', __('Check drift', 'wu-runcloud'), 'secondary');
		echo '</p>';
	}

	/**
	 * One row of a web app's table.
	 *
	 * @param string $id    Its id (data attribute).
	 * @param string $label The label.
	 * @param string $value The value.
	 * @param string $level '' or warning/error (a coloured mark).
	 * @return void
	 */
	private function row(string $id, string $label, string $value, string $level = ''): void {

		printf(
			'<tr data-row="%1$s"%2$s><th scope="row">%3$s</th><td>%4$s%5$s</td></tr>',
			esc_attr($id),
			'' === $level ? '' : ' data-level="' . esc_attr($level) . '"',
			esc_html($label),
			'' === $level ? '' : '<span class="dashicons dashicons-warning" style="color:' . ('error' === $level ? '#d63638' : '#dba617') . '" aria-hidden="true"></span> ',
			esc_html($value)
		);
	}

	/**
	 * The last connection test in words.
	 *
	 * @param array|null $connection The remembered result.
	 * @return string
	 */
	private function connection_words(?array $connection): string {

		if (null === $connection) {
			return __('Never tested from this page.', 'wu-runcloud');
		}

		if ( ! empty($connection['ok'])) {
			// translators: %s is a time.
			return sprintf(__('%s: RunCloud answered; the web app was found.', 'wu-runcloud'), self::when((int) $connection['at']));
		}

		$answer = RunCloud_Failure_Messages::sentence(RunCloud_Failure_Messages::answer((string) ($connection['message'] ?? '')));

		if ( ! empty($connection['status'])) {
			// translators: %1$d is an HTTP status, %2$s RunCloud's words.
			$answer = sprintf(__('(HTTP %1$d) %2$s', 'wu-runcloud'), (int) $connection['status'], $answer);
		}

		// translators: %1$s is a time, %2$s RunCloud's answer (it says which credential or id to check).
		return sprintf(__('%1$s: failed. %2$s', 'wu-runcloud'), self::when((int) $connection['at']), $answer);
	}

	/**
	 * The app's SSL mode in words.
	 *
	 * @param array $ssl RunCloud_Ssl_Report::target().
	 * @return string
	 */
	private function ssl_words(array $ssl): string {

		$modes = [
			RunCloud_State::MODE_BASIC    => __('Basic: one Let\'s Encrypt certificate for the whole web app', 'wu-runcloud'),
			RunCloud_State::MODE_ADVANCED => __('Advanced: a certificate per domain', 'wu-runcloud'),
			RunCloud_State::MODE_AUTO     => __('Advanced with autoSSL: RunCloud issues them', 'wu-runcloud'),
			RunCloud_State::MODE_CUSTOM   => __('A custom certificate (its owner renews it)', 'wu-runcloud'),
			RunCloud_State::MODE_NONE     => __('No certificate', 'wu-runcloud'),
		];

		return $modes[ (string) $ssl['mode'] ] ?? __('Not known yet (learned at the next certificate job)', 'wu-runcloud');
	}

	/**
	 * The name count against the limit, in words.
	 *
	 * @param array $ssl RunCloud_Ssl_Report::target().
	 * @return string
	 */
	private function names_words(array $ssl): string {

		// translators: %1$d is a number of names, %2$d the limit (100).
		$words = sprintf(__('%1$d of %2$d (a domain with www counts twice)', 'wu-runcloud'), (int) $ssl['names'], (int) $ssl['limit']);

		if ($ssl['names'] > $ssl['limit']) {
			$words .= ' ' . __('Over Let\'s Encrypt\'s limit: the certificate is not renewed; switch the web app to advanced SSL.', 'wu-runcloud');
		} elseif ($ssl['names'] >= $ssl['warn_at']) {
			$words .= ' ' . __('Near the limit: switch the web app to advanced (per-domain) SSL before it reaches it.', 'wu-runcloud');
		}

		return $words;
	}

	/**
	 * The certificate job in words.
	 *
	 * @param array $ssl RunCloud_Ssl_Report::target().
	 * @return string
	 */
	private function job_words(array $ssl): string {

		$parts = [];

		if (null !== $ssl['last_job']) {
			// translators: %1$s is a time, %2$s what the job did.
			$parts[] = sprintf(__('Last run %1$s: %2$s', 'wu-runcloud'), self::when((int) ($ssl['last_job']['at'] ?? 0)), RunCloud_Failure_Messages::sentence((string) ($ssl['last_job']['result'] ?? '')));
		}

		if (null !== $ssl['hold_until']) {
			// translators: %s is a time.
			$parts[] = sprintf(__('Held by a blocking name until %s.', 'wu-runcloud'), self::when((int) $ssl['hold_until']));
		}

		// translators: %s is a time.
		$parts[] = null === $ssl['next_job'] ? __('Nothing waits for a certificate.', 'wu-runcloud') : sprintf(__('Next run %s.', 'wu-runcloud'), self::when((int) $ssl['next_job']));

		return implode(' ', $parts);
	}

	/**
	 * The last drift check in words.
	 *
	 * @param array|null $drift The remembered summary.
	 * @return string
	 */
	private function drift_words(?array $drift): string {

		if (null === $drift) {
			return __('Not checked yet: Check drift reads the web app\'s domain list in the background.', 'wu-runcloud');
		}

		$words = sprintf(
			// translators: %1$s is a time, %2$d a number of missing domains, %3$d of orphans, %4$d of domains on RunCloud.
			__('%1$s: %2$d missing, %3$d orphan(s), %4$d domain(s) on RunCloud.', 'wu-runcloud'),
			self::when((int) $drift['at']),
			(int) $drift['missing_n'],
			(int) $drift['orphans_n'],
			(int) $drift['present']
		);

		if ($drift['missing']) {
			// translators: %s is a list of domains.
			$words .= ' ' . sprintf(__('Missing: %s.', 'wu-runcloud'), implode(', ', array_slice(array_map('strval', $drift['missing']), 0, 10)) . ((int) $drift['missing_n'] > 10 ? ', …' : ''));
		}

		if ($drift['orphans']) {
			// translators: %s is a list of domains.
			$words .= ' ' . sprintf(__('Orphans: %s.', 'wu-runcloud'), implode(', ', array_slice(array_map('strval', $drift['orphans']), 0, 10)) . ((int) $drift['orphans_n'] > 10 ? ', …' : ''));
		}

		return $words;
	}

	/**
	 * Sync now, and Remove orphans behind an explicit confirmation.
	 *
	 * @return void
	 */
	private function actions(): void {

		printf('<h2>%s</h2>', esc_html__('Repair', 'wu-runcloud'));
		printf('<p>%s</p>', esc_html__('Sync now adds every mapped domain RunCloud lacks, remembers domains already there, and tries every waiting certificate. It never removes anything.', 'wu-runcloud'));

		echo '<p>';
		$this->button('sync', __('Sync now', 'wu-runcloud'), 'primary');
		echo '</p>';

		$blocked = $this->page->blocked('orphans');

		printf('<form method="post" action="%s" id="wu-runcloud-orphans" class="wu-runcloud-orphans">', esc_url(RunCloud_Admin_Page::url()));
		wp_nonce_field(RunCloud_Admin_Page::nonce_action('orphans'));
		printf('<input type="hidden" name="%s" value="orphans">', esc_attr(RunCloud_Admin_Page::ACTION_FIELD));
		printf(
			'<p><label><input type="checkbox" name="confirm_orphans" value="1" id="wu-runcloud-confirm-orphans"%1$s> %2$s</label></p>',
			null === $blocked ? '' : ' disabled',
			esc_html__('Also remove orphans: domains on RunCloud that no mapping or site uses any more (never the web app\'s primary domain, a wildcard domain or the network\'s own domain).', 'wu-runcloud')
		);
		printf(
			'<p><button type="submit" class="button button-secondary" id="wu-runcloud-orphans-submit" onclick="return document.getElementById(\'wu-runcloud-confirm-orphans\').checked &amp;&amp; confirm(%1$s);"%2$s>%3$s</button></p>',
			esc_attr(wp_json_encode(__('Remove the orphan domains from RunCloud? Sites that still use them would stop loading.', 'wu-runcloud'))),
			null === $blocked ? '' : ' disabled',
			esc_html__('Sync now and remove orphans', 'wu-runcloud')
		);
		echo '</form>';
	}

	/**
	 * A POST button doing one action (disabled, with the reason, when it cannot run now).
	 *
	 * @param string $action The action.
	 * @param string $label  The label.
	 * @param string $kind   primary or secondary.
	 * @return void
	 */
	private function button(string $action, string $label, string $kind): void {

		$blocked = $this->page->blocked($action);

		printf('<form method="post" action="%1$s" class="wu-runcloud-action" style="display:inline-block;margin-right:8px" data-action="%2$s">', esc_url(RunCloud_Admin_Page::url()), esc_attr($action));
		wp_nonce_field(RunCloud_Admin_Page::nonce_action($action));
		printf('<input type="hidden" name="%s" value="%s">', esc_attr(RunCloud_Admin_Page::ACTION_FIELD), esc_attr($action));
		printf(
			'<button type="submit" class="button button-%1$s" id="wu-runcloud-%2$s"%3$s%4$s>%5$s</button>',
			esc_attr($kind),
			esc_attr($action),
			null === $blocked ? '' : ' disabled',
			null === $blocked ? '' : ' title="' . esc_attr(self::error_words($blocked)) . '"',
			esc_html($label)
		);
		echo '</form>';
	}

	/**
	 * The domains table.
	 *
	 * @param array $query The query arguments.
	 * @return void
	 */
	private function domains(array $query): void {

		if ( ! class_exists('\\WP_List_Table')) {
			require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
		}

		require_once __DIR__ . '/class-runcloud-domains-list-table.php';

		$targets = $this->targets();
		$table   = new RunCloud_Domains_List_Table(
			$this->plugin->domains_table(),
			array_map([RunCloud_Config::class, 'key'], $targets ? $targets : $this->known_targets()),
			null === $this->page->blocked('retry')
		);

		$table->prepare_items_from($query);

		printf('<h2>%s</h2>', esc_html__('Domains', 'wu-runcloud'));
		$table->views();

		echo '<form method="get" id="wu-runcloud-domains-form">';
		printf('<input type="hidden" name="page" value="%s">', esc_attr(RunCloud_Admin_Page::SLUG));

		if (isset($query['view'])) {
			printf('<input type="hidden" name="view" value="%s">', esc_attr(sanitize_key((string) $query['view'])));
		}

		$table->search_box(__('Search domains', 'wu-runcloud'), 'wu-runcloud-domain');
		$table->display();
		echo '</form>';
	}

	/**
	 * The web apps the state knows (when the configuration cannot say).
	 *
	 * @return array
	 */
	private function known_targets(): array {

		$targets = [];

		foreach (array_keys($this->plugin->state()->targets()) as $key) {
			if (preg_match('/^(\d+):(\d+)$/', (string) $key, $m)) {
				$targets[] = ['server_id' => (int) $m[1], 'app_id' => (int) $m[2]];
			}
		}

		return $targets;
	}

	/**
	 * A notice-style box inside the page.
	 *
	 * @param string $type error, warning, success or info.
	 * @param string $id   Its id (data attribute).
	 * @param string $text The text.
	 * @return void
	 */
	private static function box(string $type, string $id, string $text): void {

		printf('<div class="notice notice-%1$s inline" data-wu-runcloud-page-message="%2$s"><p>%3$s</p></div>', esc_attr($type), esc_attr($id), esc_html($text));
	}

	/**
	 * A time in words: "2024-05-01 12:00 (3 min ago)" / "(in 5 min)".
	 *
	 * @param int $time Unix time.
	 * @return string
	 */
	public static function when(int $time): string {

		if ($time <= 0) {
			return __('never', 'wu-runcloud');
		}

		$date = function_exists('wp_date') ? (string) wp_date('Y-m-d H:i', $time) : gmdate('Y-m-d H:i', $time);
		$now  = time();

		if (function_exists('human_time_diff')) {
			// translators: %s is a duration such as "3 mins".
			$relative = $time <= $now ? sprintf(__('%s ago', 'wu-runcloud'), human_time_diff($time, $now)) : sprintf(__('in %s', 'wu-runcloud'), human_time_diff($now, $time));

			return sprintf('%s (%s)', $date, $relative);
		}

		return $date;
	}
}
