<?php
/**
 * WP-CLI: wp runcloud test|status|sync.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Checks the connection and repairs drift between the network and RunCloud.
 */
class RunCloud_CLI {

	/**
	 * SSL outcomes of an add (with its SSL step) that show the app is in basic mode with a Let's
	 * Encrypt certificate: one redeploy after the batch covers every domain added without one.
	 */
	const SSL_BATCH_REDEPLOY = ['redeployed'];

	/**
	 * Basic mode without anything to redeploy (no certificate, or one only its owner renews).
	 */
	const SSL_BATCH_NOTHING = ['none', 'skipped'];

	/**
	 * Advanced (per-domain) mode: every domain needs the add's own SSL step.
	 */
	const SSL_PER_DOMAIN = ['issued', 'auto'];

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
	 * The operations on one target.
	 *
	 * @var RunCloud_Domain_Operations
	 */
	private $operations;

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
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Config            $config     The configuration.
	 * @param RunCloud_Connection_Check  $connection The connection test.
	 * @param RunCloud_Drift             $drift      The drift report.
	 * @param RunCloud_Domain_Operations $operations The operations.
	 * @param RunCloud_Failure_Policy    $policy     The failure policy.
	 * @param RunCloud_Admin_Notices     $notices    The notices.
	 * @param RunCloud_Logger            $logger     The logger.
	 */
	public function __construct(RunCloud_Config $config, RunCloud_Connection_Check $connection, RunCloud_Drift $drift, RunCloud_Domain_Operations $operations, RunCloud_Failure_Policy $policy, RunCloud_Admin_Notices $notices, RunCloud_Logger $logger) {

		$this->config     = $config;
		$this->connection = $connection;
		$this->drift      = $drift;
		$this->operations = $operations;
		$this->policy     = $policy;
		$this->notices    = $notices;
		$this->logger     = $logger;
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
	 * Compares, for each web app, the domains on RunCloud with the domains mapped in the network.
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

		foreach ($report as $row) {
			\WP_CLI::log(sprintf('%s: %d domain(s) on RunCloud, %d missing, %d orphan(s), %d protected', $row['key'], $row['present'], count($row['missing']), count($row['orphans']), count($row['protected'])));

			foreach (array_keys($row['missing']) as $name) {
				\WP_CLI::log(sprintf('  missing  %s', $name));
			}

			foreach (array_keys($row['orphans']) as $name) {
				\WP_CLI::log(sprintf('  orphan   %s', $name));
			}

			foreach ($row['protected'] as $name) {
				\WP_CLI::log(sprintf('  kept     %s', $name));
			}

			$drift += count($row['missing']) + count($row['orphans']);
		}

		if ($drift) {
			\WP_CLI::warning(sprintf('%d difference(s): run `wp runcloud sync` (add --remove-orphans to remove orphans).', $drift));
		} else {
			\WP_CLI::success('RunCloud and the network agree.');
		}
	}

	/**
	 * Adds what the network maps and RunCloud lacks; optionally removes what the network no longer
	 * maps. Never removes the web app's primary domain, a wildcard domain or the network's domain.
	 *
	 * SSL, per web app: the first domain created goes through the add's own SSL step, whose outcome
	 * tells the app's SSL mode. With a Let's Encrypt certificate (basic mode) the other domains are
	 * added without an SSL step and one certificate redeploy at the end covers them all; with no
	 * certificate or a custom one, nothing more is done; in advanced (per-domain) mode every domain
	 * keeps its own SSL step.
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
		$orphans = ! empty($assoc_args['remove-orphans']);
		$report  = $this->report();

		if (null === $report) {
			return;
		}

		$done      = 0;
		$failures  = 0;
		$redeploys = 0;
		$covered   = 0;
		$prefix    = $dry_run ? 'would ' : '';

		foreach ($report as $row) {
			$target = $row['target'];

			\WP_CLI::log(sprintf('%s: %d domain(s) on RunCloud, %d missing, %d orphan(s)', $row['key'], $row['present'], count($row['missing']), count($row['orphans'])));

			// SSL mode of this app: null until a created domain's own SSL step tells it.
			$mode     = null;
			$created  = [];
			$deferred = [];
			$left     = count($row['missing']);

			foreach ($row['missing'] as $name => $info) {
				--$left;

				$op = 'subdomain' === $info['kind'] ? 'add_subdomain' : 'add_domain';

				\WP_CLI::log(sprintf('%s: %sadd %s', $row['key'], $prefix, $name));

				if ($dry_run) {
					continue;
				}

				$with_ssl = null === $mode || 'per_domain' === $mode;

				try {
					$result = $this->operations->apply($op, (string) $name, (int) $info['site_id'], $target, $with_ssl);
					++$done;
				} catch (\Throwable $e) {
					++$failures;
					$this->warn($e, $name, $row['key']);

					continue;
				}

				if (empty($result['created'])) {
					continue;
				}

				$created[] = (string) $name;

				if ( ! $with_ssl) {
					$deferred[] = (string) $name;
				} elseif (null === $mode) {
					$mode = $this->ssl_mode($result, $row['key'], (string) $name, $left > 0);
				}
			}

			foreach ($row['orphans'] as $name => $record) {
				if ( ! $orphans) {
					\WP_CLI::log(sprintf('%s: orphan %s kept (use --remove-orphans)', $row['key'], $name));

					continue;
				}

				\WP_CLI::log(sprintf('%s: %sremove %s', $row['key'], $prefix, $name));

				if ($dry_run) {
					continue;
				}

				try {
					$this->operations->remove_record($record, $target);
					++$done;
				} catch (\Throwable $e) {
					++$failures;
					$this->warn($e, $name, $row['key']);
				}
			}

			if ('redeploy' !== $mode || ! $deferred) {
				continue;
			}

			// One Let's Encrypt issue for every domain added without its own SSL step.
			try {
				$outcome = $this->operations->redeploy_ssl($target, $deferred);
			} catch (\Throwable $e) {
				++$failures;
				$this->warn($e, sprintf('SSL certificate redeploy for %d new domain(s) (%s)', count($deferred), implode(', ', $deferred)), $row['key'], 'The domains stay added but may lack SSL, and a new sync will not retry this: redeploy the web app\'s certificate in RunCloud (Web Application > SSL/TLS).');

				continue;
			}

			if ('redeployed' === ($outcome['action'] ?? '')) {
				++$redeploys;
				$covered += count($created);

				\WP_CLI::log(sprintf('%s: %d domain(s) added; one SSL certificate redeploy%s covers them all.', $row['key'], count($created), isset($outcome['certificate_id']) ? ' (certificate ' . $outcome['certificate_id'] . ')' : ''));
			} else {
				\WP_CLI::warning(sprintf('%s: SSL certificate redeploy for %d new domain(s): %s', $row['key'], count($deferred), RunCloud_Domain_Operations::describe_ssl($outcome)));
			}
		}

		if ($dry_run) {
			\WP_CLI::success('Dry run: nothing was changed.');

			return;
		}

		if ($failures) {
			\WP_CLI::error(sprintf('%d change(s) applied, %d failed (see above and the integration-runcloud log).', $done, $failures));

			return;
		}

		$this->notices->clear_errors();

		$ssl = $redeploys ? sprintf(' %d domain(s) added, covered by %d SSL certificate redeploy(s) (one per web app).', $covered, $redeploys) : '';

		\WP_CLI::success(sprintf('%d change(s) applied.', $done) . $ssl);
	}

	/**
	 * The SSL mode an add's own SSL step reveals: 'redeploy' (a Let's Encrypt certificate: batch the
	 * others, redeploy once), 'basic' (no certificate or a custom one, nothing to redeploy: batch the others),
	 * 'per_domain' (advanced mode: every domain keeps its SSL step), or null when it tells nothing
	 * (a failed SSL step: the next domain keeps its SSL step and tells again).
	 *
	 * @param array  $result The native add result.
	 * @param string $key    The target key.
	 * @param string $domain The domain.
	 * @param bool   $more   Whether more domains are to be added to this app (for the output).
	 * @return string|null
	 */
	private function ssl_mode(array $result, string $key, string $domain, bool $more): ?string {

		$action = (string) ($result['ssl']['action'] ?? '');
		$mode   = null;
		$line   = '';

		if (in_array($action, self::SSL_BATCH_REDEPLOY, true)) {
			$mode = 'redeploy';
			$line = sprintf('%s: the web app has a Let\'s Encrypt certificate: the other domains are added without their own SSL step, then one certificate redeploy covers them all.', $key);
		} elseif (in_array($action, self::SSL_BATCH_NOTHING, true)) {
			$mode = 'basic';
			$line = sprintf('%s: SSL %s for %s: the other domains are added without an SSL step.', $key, $action, $domain);
		} elseif (in_array($action, self::SSL_PER_DOMAIN, true)) {
			$mode = 'per_domain';
			$line = sprintf('%s: the web app uses per-domain SSL (%s): every domain gets its own certificate.', $key, $action);
		}

		if ($more && '' !== $line) {
			\WP_CLI::log($line);
		}

		return $mode;
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

	/**
	 * Reports one failed change.
	 *
	 * @param \Throwable $e      The exception.
	 * @param string     $domain The domain (or what failed).
	 * @param string     $key    The target key.
	 * @param string     $hint   What to do about it, if anything.
	 * @return void
	 */
	private function warn(\Throwable $e, string $domain, string $key, string $hint = ''): void {

		if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
			throw $e;
		}

		$message = sprintf('%s on %s: %s', $domain, $key, $this->policy->describe($e)) . ('' !== $hint ? '. ' . $hint : '');

		$this->logger->error('sync: ' . $message);

		\WP_CLI::warning($message);
	}
}
