<?php
/**
 * The domain events of both Ultimate Multisite generations, applied to every RunCloud target.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Orchestrates one event (or one retry job): checks what must hold before anything is sent,
 * applies the operation to each target and hands each failure to the failure policy.
 *
 * The work itself is elsewhere: RunCloud_Config (targets), RunCloud_Domain_Operations (one
 * target), RunCloud_Ssl_Lifecycle (the certificate around each add and removal),
 * RunCloud_Failure_Policy (retry, record or rethrow).
 *
 * Renames (`wu_transition_domain_domain` with an old name): Ultimate Multisite enqueues
 * wu_add_domain for the new name itself; the old one is removed from every target in a
 * background job (RENAME_HOOK), unless another active mapping still uses it.
 */
class RunCloud_Domain_Sync {

	/**
	 * Action Scheduler hook removing a renamed mapping's old name; its argument: ['domain', 'new', 'item_id'].
	 */
	const RENAME_HOOK = 'wu_runcloud_rename';

	/**
	 * The configuration.
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * The operations on one target.
	 *
	 * @var RunCloud_Domain_Operations
	 */
	private $operations;

	/**
	 * The failure policy.
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

	/**
	 * The notices (extension check).
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
	 * The SSL lifecycle.
	 *
	 * @var RunCloud_Ssl_Lifecycle
	 */
	private $lifecycle;

	/**
	 * The job queue (renames).
	 *
	 * @var RunCloud_Queue
	 */
	private $queue;

	/**
	 * What the network maps now (a retry overtaken by a later change is dropped).
	 *
	 * @var RunCloud_Drift
	 */
	private $drift;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Config            $config     The configuration.
	 * @param RunCloud_Domain_Operations $operations The operations.
	 * @param RunCloud_Failure_Policy    $policy     The failure policy.
	 * @param RunCloud_Admin_Notices     $notices    The notices.
	 * @param RunCloud_Logger            $logger     The logger.
	 * @param RunCloud_Ssl_Lifecycle     $lifecycle  The SSL lifecycle.
	 * @param RunCloud_Queue             $queue      The job queue.
	 * @param RunCloud_Drift             $drift      What the network maps now.
	 */
	public function __construct(RunCloud_Config $config, RunCloud_Domain_Operations $operations, RunCloud_Failure_Policy $policy, RunCloud_Admin_Notices $notices, RunCloud_Logger $logger, RunCloud_Ssl_Lifecycle $lifecycle, RunCloud_Queue $queue, RunCloud_Drift $drift) {

		$this->config     = $config;
		$this->operations = $operations;
		$this->policy     = $policy;
		$this->notices    = $notices;
		$this->logger     = $logger;
		$this->lifecycle  = $lifecycle;
		$this->queue      = $queue;
		$this->drift      = $drift;
	}

	/**
	 * A domain mapping became active.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function add_domain(string $domain, int $site_id): void {

		$this->run('add_domain', $domain, $site_id);
	}

	/**
	 * A domain mapping was deleted.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function remove_domain(string $domain, int $site_id): void {

		$this->run('remove_domain', $domain, $site_id);
	}

	/**
	 * A site was created on a subdomain network.
	 *
	 * @param string $subdomain The full host, e.g. shop.network.example.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function add_subdomain(string $subdomain, int $site_id): void {

		$this->run('add_subdomain', $subdomain, $site_id);
	}

	/**
	 * A site was deleted on a subdomain network.
	 *
	 * @param string $subdomain The full host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function remove_subdomain(string $subdomain, int $site_id): void {

		$this->run('remove_subdomain', $subdomain, $site_id);
	}

	/**
	 * `wu_transition_domain_domain` (BerlinDB, after a mapping's name changed): a rename (a
	 * non-empty old name, different from the new one) queues the removal of the old name.
	 *
	 * @param mixed $old     The old name ('' for a new mapping).
	 * @param mixed $new     The new name.
	 * @param mixed $item_id The mapping's id.
	 * @return void
	 */
	public function domain_renamed($old, $new, $item_id = 0): void {

		$old = RunCloud_Config::normalize((string) $old);
		$new = RunCloud_Config::normalize((string) $new);

		if ('' === $old || $old === $new) {
			return;
		}

		$job = [
			'domain'  => $old,
			'new'     => $new,
			'item_id' => (int) $item_id,
		];

		$this->logger->info(sprintf('Mapping %d renamed from %s to %s: %s is removed from RunCloud unless another mapping uses it (Ultimate Multisite adds %s).', (int) $item_id, $old, $new, $old, $new));

		if ($this->queue->available()) {
			$this->queue->enqueue(self::RENAME_HOOK, $job);

			return;
		}

		$this->handle_rename($job);
	}

	/**
	 * Removes a renamed mapping's old name from every target (hook RENAME_HOOK), and with it
	 * the name's certificate state; kept when another active mapping still uses it.
	 *
	 * @param mixed $job ['domain', 'new', 'item_id'].
	 * @return void
	 */
	public function handle_rename($job): void {

		if ( ! is_array($job) || empty($job['domain'])) {
			$this->logger->warning('Ignoring a malformed RunCloud rename job.');

			return;
		}

		$old     = RunCloud_Config::normalize((string) $job['domain']);
		$item_id = (int) ($job['item_id'] ?? 0);

		if (function_exists('wu_get_domains')) {
			foreach ((array) wu_get_domains(['domain' => $old, 'active' => true, 'number' => 10]) as $mapping) {
				$same = is_object($mapping) && method_exists($mapping, 'get_domain') && RunCloud_Config::normalize((string) $mapping->get_domain()) === $old;
				$id   = is_object($mapping) && method_exists($mapping, 'get_id') ? (int) $mapping->get_id() : 0;

				// Any mapping named so now, the renamed one included (renamed back before this job ran).
				if ($same) {
					$this->logger->info(sprintf('%s stays on RunCloud: mapping %d %s it.', $old, $id, $id === $item_id ? 'was renamed back to' : 'still uses'));

					return;
				}
			}
		}

		$this->run('remove_domain', $old, 0);
	}

	/**
	 * Runs a rescheduled attempt (hook RunCloud_Failure_Policy::RETRY_HOOK).
	 *
	 * @param mixed $job ['op', 'domain', 'site_id', 'server_id', 'app_id', 'attempt'].
	 * @return void
	 */
	public function handle_retry($job): void {

		if ( ! is_array($job) || ! in_array($job['op'] ?? null, RunCloud_Domain_Operations::OPERATIONS, true) || empty($job['domain']) || empty($job['server_id']) || empty($job['app_id'])) {
			$this->logger->warning('Ignoring a malformed RunCloud retry job.');

			return;
		}

		$target = ['server_id' => (int) $job['server_id'], 'app_id' => (int) $job['app_id']];
		$what   = sprintf('%s %s on %s', $job['op'], $job['domain'], RunCloud_Config::key($target));

		$enabled = get_network_option(null, 'wu_host_integrations_enabled', []);

		if (empty($enabled['runcloud'])) {
			$this->logger->info(sprintf('Retry of %s dropped: the RunCloud integration is disabled.', $what));

			return;
		}

		if ($this->notices->is_extension_loaded()) {
			try {
				$keys = array_map([RunCloud_Config::class, 'key'], $this->config->targets());
			} catch (\Throwable $e) {
				$keys = [];
			}

			if ( ! in_array(RunCloud_Config::key($target), $keys, true)) {
				$this->logger->warning(sprintf('Retry of %s dropped: that web app is no longer a configured target.', $what));

				return;
			}
		}

		if ($this->superseded((string) $job['op'], (string) $job['domain'])) {
			$this->logger->info(sprintf('Retry of %s dropped: the mapping changed since (%s).', $what, 0 === strpos((string) $job['op'], 'add_') ? 'it is no longer mapped' : 'it is mapped again'));

			return;
		}

		$this->run((string) $job['op'], (string) $job['domain'], (int) ($job['site_id'] ?? 0), $target, max(1, (int) ($job['attempt'] ?? 1)));
	}

	/**
	 * Whether a retried operation was overtaken by a later change: an add whose mapping (or
	 * subdomain site) is gone, or a removal whose name is mapped again. Retries run later than
	 * the events queued after them, so replaying a stale add would leave an orphan on the app,
	 * and a stale removal would take a live customer's domain off it. When the network cannot
	 * say (no Ultimate Multisite for a mapped domain), the retry runs.
	 *
	 * @param string $op     The operation.
	 * @param string $domain The host name.
	 * @return bool
	 */
	private function superseded(string $op, string $domain): bool {

		$subdomain = in_array($op, ['add_subdomain', 'remove_subdomain'], true);
		$known     = $subdomain ? function_exists('get_sites') : function_exists('wu_get_domains');

		if ( ! $known) {
			return false;
		}

		$mapped = $this->drift->is_expected($domain);

		return 0 === strpos($op, 'add_') ? ! $mapped : $mapped;
	}

	/**
	 * Applies one operation to every target (or one), with the failure policy.
	 *
	 * @param string     $op      One of RunCloud_Domain_Operations::OPERATIONS.
	 * @param string     $domain  The host name.
	 * @param int        $site_id The site.
	 * @param array|null $only    One target (a retry), else every configured target.
	 * @param int        $attempt This attempt's number, 1 for the event itself.
	 * @return void
	 * @throws \Throwable A transient failure when Action Scheduler is not there to retry it.
	 */
	private function run(string $op, string $domain, int $site_id, ?array $only = null, int $attempt = 1): void {

		$domain  = RunCloud_Config::normalize($domain);
		$targets = $this->targets($op, $domain, $site_id, $only);
		$rethrow = null;

		foreach ($targets as $target) {
			try {
				$this->apply($op, $domain, $site_id, $target);
				// Done: an earlier failure of this domain on this app is moot (synced, or removed).
				$this->notices->resolve(RunCloud_Admin_Notices::KIND_PERMANENT, RunCloud_Config::key($target), $domain);
			} catch (\Throwable $e) {
				$decision = $this->policy->handle($op, $domain, $site_id, $target, $attempt, $e);

				if (RunCloud_Failure_Policy::STOP === $decision) {
					break;
				}

				if (RunCloud_Failure_Policy::RETHROW === $decision && null === $rethrow) {
					$rethrow = $e;
				}
			}
		}

		if ($targets) {
			// What could not be sent while the extension or the configuration was missing has
			// been sent now (this very change included).
			$this->notices->records()->resolve_cause(RunCloud_Failure_Records::CAUSE_ENVIRONMENT, $domain);
		}

		if (null !== $rethrow) {
			throw $rethrow;
		}
	}

	/**
	 * One operation on one target, with the certificate around it: an add takes its own SSL
	 * step only where the lifecycle says so (else its certificate job covers it), a removal
	 * forgets the name's certificate state. Throws what the extension throws.
	 *
	 * @param string $op      One of RunCloud_Domain_Operations::OPERATIONS.
	 * @param string $domain  The normalised host name.
	 * @param int    $site_id The site.
	 * @param array  $target  The target.
	 * @return array The operation's native result.
	 */
	public function apply(string $op, string $domain, int $site_id, array $target): array {

		if (0 !== strpos($op, 'add_')) {
			$result = $this->operations->apply($op, $domain, $site_id, $target);

			$this->lifecycle->after_remove($domain, $target);

			return $result;
		}

		$with_ssl = $this->lifecycle->ssl_at_add($target);
		$result = $this->operations->apply($op, $domain, $site_id, $target, $with_ssl);

		$this->lifecycle->after_add($op, $domain, $site_id, $target, $result, $with_ssl);

		return $result;
	}

	/**
	 * The targets an operation goes to, or none after recording why nothing can be sent (the
	 * extension is missing, the configuration invalid or incomplete).
	 *
	 * @param string     $op      The operation.
	 * @param string     $domain  The normalised host name.
	 * @param int        $site_id The site.
	 * @param array|null $only    One target (a retry), else every configured target.
	 * @return array
	 */
	private function targets(string $op, string $domain, int $site_id, ?array $only): array {

		if ( ! $this->notices->is_extension_loaded()) {
			$this->policy->environment_failure($op, $domain, $site_id, 'the wu_runcloud PHP extension is not loaded');

			return [];
		}

		try {
			$config  = $this->config->config();
			$missing = (array) ($config['missing'] ?? []);
			$targets = $missing ? [] : (null !== $only ? [$only] : $this->config->targets($config));
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			$this->policy->environment_failure($op, $domain, $site_id, 'the RunCloud configuration is invalid: ' . $this->policy->describe($e));

			return [];
		}

		if ( ! $targets) {
			$this->policy->environment_failure($op, $domain, $site_id, sprintf('the RunCloud configuration is incomplete (missing: %s)', $missing ? implode(', ', array_map('strval', $missing)) : 'server and app ids'));
		}

		return $targets;
	}
}
