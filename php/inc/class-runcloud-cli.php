<?php
/**
 * WP-CLI: wp runcloud test|status|sync.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Checks the connection, shows the domains and certificates per web app, and repairs drift
 * between the network and RunCloud through the same lifecycle as the domain events.
 */
class RunCloud_CLI {

	/**
	 * The configuration.
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * The connection test.
	 *
	 * @var RunCloud_Connection_Check
	 */
	private $connection;

	/**
	 * The drift report.
	 *
	 * @var RunCloud_Drift
	 */
	private $drift;

	/**
	 * Drift repair (sync).
	 *
	 * @var RunCloud_Repair
	 */
	private $repair;

	/**
	 * The app's domain list and the names on its certificate.
	 *
	 * @var RunCloud_Certificate_Inventory
	 */
	private $inventory;

	/**
	 * The SSL report.
	 *
	 * @var RunCloud_Ssl_Report
	 */
	private $report;

	/**
	 * The failure policy (describes exceptions).
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

	/**
	 * The notices (extension check, failure records).
	 *
	 * @var RunCloud_Admin_Notices
	 */
	private $notices;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Plugin $plugin The plugin (every shared object).
	 */
	public function __construct(RunCloud_Plugin $plugin) {

		$this->config     = $plugin->config();
		$this->connection = $plugin->connection();
		$this->drift      = $plugin->drift();
		$this->inventory  = $plugin->inventory();
		$this->repair     = $plugin->repair();
		$this->report     = $plugin->report();
		$this->policy     = $plugin->policy();
		$this->notices    = $plugin->notices();
	}

	/**
	 * Checks the credentials and every configured web app.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud test
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Flags.
	 * @return void
	 */
	public function test($args = [], $assoc_args = []): void {

		$this->require_extension();

		try {
			$config = $this->config->config();
			$result = $this->connection->test();
		} catch (\Throwable $e) {
			$this->fail($e);

			return;
		}

		\WP_CLI::log(sprintf('RunCloud API %s with %s at %s', $config['api_version'] ?? '?', 'key_secret' === ($config['auth'] ?? '') ? 'an API key and secret' : 'an API token', $config['base_url'] ?? ''));

		foreach ((array) ($result['targets'] ?? []) as $target) {
			\WP_CLI::log(sprintf('%d:%d  web app "%s" (id %d)', $target['server_id'], $target['app_id'], $target['webapp']['name'] ?? '?', $target['webapp']['id'] ?? 0));
		}

		\WP_CLI::success(RunCloud_Connection_Check::describe($result));
	}

	/**
	 * For each web app: the domains on RunCloud against those the network maps, the SSL mode,
	 * the names its certificate would hold (of 100), the names blocking it, and each domain's
	 * certificate state (covered / pending with next try / parked waiting for DNS / blocking /
	 * failed with reason / none / custom / auto).
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud status
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Flags.
	 * @return void
	 */
	public function status($args = [], $assoc_args = []): void {

		$this->require_extension();

		$report = $this->report();

		if (null === $report) {
			return;
		}

		$drift = 0;
		$rows  = $this->report->domains()['rows'];

		foreach ($report as $row) {
			$target  = $row['target'];
			$key     = $row['key'];
			$parked  = $this->repair->parked($row);
			$missing = count($row['missing']) - count($parked);

			// The listing just made is the app's domain list.
			$this->inventory->refresh($target, $row['records']);

			\WP_CLI::log(sprintf('%s: %d domain(s) on RunCloud, %d missing, %d orphan(s), %d protected', $key, $row['present'], $missing, count($row['orphans']), count($row['protected'])));

			foreach (array_keys($row['missing']) as $name) {
				$why = $parked[ $name ] ?? null;
				\WP_CLI::log(sprintf(null === $why ? '  missing  %s' : ('room' === $why ? '  parked   %s (no room on the certificate: the certificate job adds it back when there is)' : '  parked   %s (waiting for DNS: the certificate job adds it back)'), $name));
			}

			foreach (array_keys($row['orphans']) as $name) {
				\WP_CLI::log(sprintf('  orphan   %s', $name));
			}

			foreach ($row['protected'] as $name) {
				\WP_CLI::log(sprintf('  kept     %s', $name));
			}

			$this->print_ssl($target, $rows);

			$drift += $missing + count($row['orphans']);
		}

		// Certificates apart from the domains: a name blocking one, or given up on, is no success.
		$stuck = 0;

		foreach ($rows as $row) {
			foreach ((array) $row['targets'] as $t) {
				$stuck += in_array($t['cert'] ?? null, [RunCloud_State::CERT_BLOCKING, RunCloud_State::CERT_FAILED], true) ? 1 : 0;
			}
		}

		if ($drift) {
			\WP_CLI::warning(sprintf('%d difference(s): run `wp runcloud sync` (add --remove-orphans to remove orphans).', $drift));
		} elseif ($stuck) {
			\WP_CLI::warning(sprintf('RunCloud and the network agree on the domains, but %d certificate state(s) need you: blocking or failed (see the ssl lines above).', $stuck));
		} else {
			\WP_CLI::success('RunCloud and the network agree.');
		}
	}

	/**
	 * The SSL lines of one web app.
	 *
	 * @param array $target The target.
	 * @param array $rows   RunCloud_Ssl_Report::domains() rows.
	 * @return void
	 */
	private function print_ssl(array $target, array $rows): void {

		$summary = $this->report->target($target);
		$key     = $summary['key'];
		$modes   = [
			RunCloud_State::MODE_BASIC    => 'basic (one Let\'s Encrypt certificate for the whole web app)',
			RunCloud_State::MODE_ADVANCED => 'advanced (a certificate per domain)',
			RunCloud_State::MODE_AUTO     => 'advanced with autoSSL (RunCloud issues them)',
			RunCloud_State::MODE_CUSTOM   => 'custom certificate',
			RunCloud_State::MODE_NONE     => 'no certificate',
		];
		$limit   = '';

		if ($summary['names'] > $summary['limit']) {
			$limit = ' (over the limit: switch the web app to advanced SSL)';
		} elseif ($summary['names'] >= $summary['warn_at']) {
			$limit = ' (near the limit: advanced SSL goes past it)';
		}

		\WP_CLI::log(sprintf('%s: SSL %s; a whole-app certificate holds %d of %d names%s', $key, $modes[ $summary['mode'] ] ?? 'mode not known yet', $summary['names'], $summary['limit'], $limit));

		foreach ($summary['blocking'] as $name => $blocking) {
			\WP_CLI::log(sprintf('%s: blocking the certificate: %s (%s)', $key, $name, $blocking['reason'] ?? '?'));
		}

		foreach ($rows as $row) {
			if ( ! isset($row['targets'][ $key ])) {
				continue;
			}

			$t = $row['targets'][ $key ];

			\WP_CLI::log(sprintf('  ssl      %s  %s; %s', $row['name'], $t['present'] ? 'on the app' : 'not on the app', $t['label']));
		}
	}

	/**
	 * Adds what the network maps and RunCloud lacks; optionally removes what the network no longer
	 * maps. Never removes the web app's primary domain, a wildcard domain or the network's domain.
	 *
	 * Expected names already on the app that the plugin does not remember are adopted (their id
	 * remembered, their certificate followed). Adds go through the same lifecycle as the domain
	 * events; then, per web app, the certificate job runs at once for every name waiting, parked
	 * names (DNS not ready) included: with a Let's Encrypt certificate for the whole app, one
	 * redeploy covers them all. What it does not cover is retried on the lifecycle's schedule.
	 *
	 * ## OPTIONS
	 *
	 * [--dry-run]
	 * : Print what would change, change nothing.
	 *
	 * [--remove-orphans]
	 * : Also remove domains on RunCloud that the network no longer maps.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud sync --dry-run
	 *     wp runcloud sync --remove-orphans
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Flags.
	 * @return void
	 */
	public function sync($args = [], $assoc_args = []): void {

		$this->require_extension();

		$dry_run = ! empty($assoc_args['dry-run']);

		try {
			$result = $this->repair->run(
				! empty($assoc_args['remove-orphans']),
				$dry_run,
				static function (string $level, string $message): void {
					if ('warning' === $level) {
						\WP_CLI::warning($message);
					} else {
						\WP_CLI::log($message);
					}
				}
			);
		} catch (\Throwable $e) {
			$this->fail($e);

			return;
		}

		if ($dry_run) {
			\WP_CLI::success('Dry run: nothing was changed.');

			return;
		}

		if ($result['failures']) {
			\WP_CLI::error(sprintf('%d change(s) applied, %d failed (see above and the integration-runcloud log).', $result['done'], $result['failures']));

			return;
		}

		$this->notices->clear_errors();

		\WP_CLI::success(sprintf('%d change(s) applied.', $result['done']) . ($result['adopted'] ? sprintf(' %d domain(s) adopted.', $result['adopted']) : '') . ($result['covered'] ? sprintf(' %d domain(s) newly covered by SSL certificates.', $result['covered']) : '') . ($result['waiting'] ? sprintf(' %d domain(s) still wait for a certificate, retried on schedule (see `wp runcloud status`).', $result['waiting']) : ''));
	}

	/**
	 * The drift report, or null after reporting the error.
	 *
	 * @return array|null
	 */
	private function report(): ?array {

		try {
			return $this->drift->drift_report();
		} catch (\Throwable $e) {
			$this->fail($e);

			return null;
		}
	}

	/**
	 * Stops when the extension is missing.
	 *
	 * @return void
	 */
	private function require_extension(): void {

		if ( ! $this->notices->is_extension_loaded()) {
			\WP_CLI::error('The wu_runcloud PHP extension is not loaded (php -m must list wu_runcloud).');
		}
	}

	/**
	 * Reports a fatal failure.
	 *
	 * @param \Throwable $e The exception.
	 * @return void
	 */
	private function fail(\Throwable $e): void {

		if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
			throw $e;
		}

		\WP_CLI::error($this->policy->describe($e));
	}
}
