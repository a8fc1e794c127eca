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
	 * The domain logic.
	 *
	 * @var RunCloud_Domain_Sync
	 */
	private $sync;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Domain_Sync $sync The domain logic.
	 */
	public function __construct(RunCloud_Domain_Sync $sync) {

		$this->sync = $sync;
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
			$config = $this->sync->config();
			$result = $this->sync->test_connection();
		} catch (\Throwable $e) {
			$this->fail($e);

			return;
		}

		\WP_CLI::log(sprintf('RunCloud API %s with %s at %s', $config['api_version'] ?? '?', 'key_secret' === ($config['auth'] ?? '') ? 'an API key and secret' : 'an API token', $config['base_url'] ?? ''));

		foreach ((array) ($result['targets'] ?? []) as $target) {
			\WP_CLI::log(sprintf('%d:%d  web app "%s" (id %d)', $target['server_id'], $target['app_id'], $target['webapp']['name'] ?? '?', $target['webapp']['id'] ?? 0));
		}

		\WP_CLI::success(RunCloud_Plugin::describe_connection($result));
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

		$done     = 0;
		$failures = 0;
		$prefix   = $dry_run ? 'would ' : '';

		foreach ($report as $row) {
			$target = $row['target'];

			\WP_CLI::log(sprintf('%s: %d domain(s) on RunCloud, %d missing, %d orphan(s)', $row['key'], $row['present'], count($row['missing']), count($row['orphans'])));

			foreach ($row['missing'] as $name => $info) {
				$op = 'subdomain' === $info['kind'] ? 'add_subdomain' : 'add_domain';

				\WP_CLI::log(sprintf('%s: %sadd %s', $row['key'], $prefix, $name));

				if ($dry_run) {
					continue;
				}

				try {
					$this->sync->apply($op, (string) $name, (int) $info['site_id'], $target);
					++$done;
				} catch (\Throwable $e) {
					++$failures;
					$this->warn($e, $name, $row['key']);
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
					$this->sync->remove_record($record, $target);
					++$done;
				} catch (\Throwable $e) {
					++$failures;
					$this->warn($e, $name, $row['key']);
				}
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

		$this->sync->notices()->clear_errors();

		\WP_CLI::success(sprintf('%d change(s) applied.', $done));
	}

	/**
	 * The drift report, or null after reporting the error.
	 *
	 * @return array|null
	 */
	private function report(): ?array {

		try {
			return $this->sync->drift_report();
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

		if ( ! $this->sync->notices()->is_extension_loaded()) {
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

		if ( ! RunCloud_Domain_Sync::is_native_exception($e)) {
			throw $e;
		}

		\WP_CLI::error($this->sync->describe($e));
	}

	/**
	 * Reports one failed change.
	 *
	 * @param \Throwable $e      The exception.
	 * @param string     $domain The domain.
	 * @param string     $key    The target key.
	 * @return void
	 */
	private function warn(\Throwable $e, string $domain, string $key): void {

		if ( ! RunCloud_Domain_Sync::is_native_exception($e)) {
			throw $e;
		}

		$message = sprintf('%s on %s: %s', $domain, $key, $this->sync->describe($e));

		$this->sync->logger()->error('sync: ' . $message);

		\WP_CLI::warning($message);
	}
}
