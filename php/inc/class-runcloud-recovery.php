<?php
/**
 * What the plugin does by itself to get back work that was lost: a job whose worker died, and
 * domain changes that could not be sent while the extension or the configuration was missing.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * - A dead worker (killed, out of memory, timed out): Action Scheduler's cleaner marks its
 *   action failed after 5 minutes (`action_scheduler_failed_action`) and never runs it again.
 *   For the four Ultimate Multisite events our handler runs and for the plugin's own jobs, the
 *   work is queued again at once (every job is idempotent): an event or a retry as a
 *   `wu_runcloud_retry` job within the retry cap (RunCloud_Failure_Policy::retry_interrupted()),
 *   a certificate job by rescheduling it, a rename or a page action again (a few times at most).
 *   An add that RunCloud completed just before the kill is found on the app by the idempotent
 *   add: its id is remembered and its certificate followed (nothing lost, nothing duplicated).
 * - Domain changes recorded with CAUSE_ENVIRONMENT (nothing sent: extension not loaded,
 *   configuration incomplete or invalid) are queued again once domains can be sent, checked
 *   when a network admin page loads; records about a web app that is no longer configured go.
 *
 * WP-CLI runs and WP-Cron events are not Action Scheduler actions: a killed `wp runcloud sync`
 * is repaired by running it again (it adopts what the killed run added).
 */
class RunCloud_Recovery {

	/**
	 * Times a certificate job or a rename is queued again after its worker stopped, in a row.
	 */
	const MAX_REQUEUES = 3;

	/**
	 * Seconds before a change replayed after an environment failure is queued again, when its
	 * record is still there (the job never ran).
	 */
	const REPLAY_AGAIN_AFTER = 3600;

	/**
	 * The configuration (targets).
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * The failure policy.
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

	/**
	 * The SSL timing (certificate jobs).
	 *
	 * @var RunCloud_Ssl_Schedule
	 */
	private $schedule;

	/**
	 * The job queue.
	 *
	 * @var RunCloud_Queue
	 */
	private $queue;

	/**
	 * The notices (records, environment).
	 *
	 * @var RunCloud_Admin_Notices
	 */
	private $notices;

	/**
	 * The page's actions.
	 *
	 * @var RunCloud_Admin_Jobs
	 */
	private $admin_jobs;

	/**
	 * The remembered state (crash counts of certificate jobs).
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The clock.
	 *
	 * @var RunCloud_Clock
	 */
	private $clock;

	/**
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * Returns whether our adapter handles Ultimate Multisite's events in this request.
	 *
	 * @var callable
	 */
	private $handler_active;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Config         $config         The configuration.
	 * @param RunCloud_Failure_Policy $policy         The failure policy.
	 * @param RunCloud_Ssl_Schedule   $schedule       The SSL timing.
	 * @param RunCloud_Queue          $queue          The job queue.
	 * @param RunCloud_Admin_Notices  $notices        The notices.
	 * @param RunCloud_Admin_Jobs     $admin_jobs     The page's actions.
	 * @param RunCloud_State          $state          The remembered state.
	 * @param RunCloud_Clock          $clock          The clock.
	 * @param RunCloud_Logger         $logger         The logger.
	 * @param callable                $handler_active Returns bool.
	 */
	public function __construct(RunCloud_Config $config, RunCloud_Failure_Policy $policy, RunCloud_Ssl_Schedule $schedule, RunCloud_Queue $queue, RunCloud_Admin_Notices $notices, RunCloud_Admin_Jobs $admin_jobs, RunCloud_State $state, RunCloud_Clock $clock, RunCloud_Logger $logger, callable $handler_active) {

		$this->config         = $config;
		$this->policy         = $policy;
		$this->schedule       = $schedule;
		$this->queue          = $queue;
		$this->notices        = $notices;
		$this->admin_jobs     = $admin_jobs;
		$this->state          = $state;
		$this->clock          = $clock;
		$this->logger         = $logger;
		$this->handler_active = $handler_active;
	}

	/**
	 * Hooks the recovery.
	 *
	 * @return void
	 */
	public function register_hooks(): void {

		add_action('action_scheduler_failed_action', [$this, 'action_failed'], 10, 1);
		add_action('admin_init', [$this, 'maintain'], 20, 0);
	}

	/**
	 * `action_scheduler_failed_action`: Action Scheduler gave up on an action whose worker died.
	 *
	 * @param mixed $action_id The action id.
	 * @return void
	 */
	public function action_failed($action_id): void {

		$action = self::fetch_action((int) $action_id);

		if (null === $action) {
			return;
		}

		$this->requeue($action['hook'], $action['args']);
	}

	/**
	 * Queues again the work of a dead action.
	 *
	 * @param string $hook The action's hook.
	 * @param array  $args Its arguments.
	 * @return bool Whether something was queued again.
	 */
	public function requeue(string $hook, array $args): bool {

		$args = array_values($args);
		$job  = isset($args[0]) && is_array($args[0]) ? $args[0] : null;

		if (in_array($hook, RunCloud_Plugin::EVENTS, true)) {
			return $this->requeue_event(substr($hook, 3), (string) ($args[0] ?? ''), (int) ($args[1] ?? 0));
		}

		if (null === $job) {
			return false;
		}

		switch ($hook) {
			case RunCloud_Failure_Policy::RETRY_HOOK:
				if (empty($job['op']) || empty($job['domain']) || empty($job['server_id']) || empty($job['app_id'])) {
					return false;
				}

				return $this->policy->retry_interrupted((string) $job['op'], (string) $job['domain'], (int) ($job['site_id'] ?? 0), RunCloud_Config::target($job), max(1, (int) ($job['attempt'] ?? 1)) + 1);

			case RunCloud_Ssl_Schedule::JOB_HOOK:
				return $this->requeue_certificate_job($job);

			case RunCloud_Domain_Sync::RENAME_HOOK:
				$attempt = (int) ($job['attempt'] ?? 1) + 1;

				if ($attempt > self::MAX_REQUEUES) {
					return false;
				}

				$this->queue->enqueue($hook, array_merge($job, ['attempt' => $attempt]));

				return true;

			case RunCloud_Admin_Jobs::HOOK:
				return $this->admin_jobs->interrupted($job);
		}

		return false;
	}

	/**
	 * One of Ultimate Multisite's events died with its worker: when our handler ran it, it is
	 * queued again per web app as a retry (the event's own action is never run again).
	 *
	 * @param string $op      add_domain, remove_domain, add_subdomain or remove_subdomain.
	 * @param string $domain  The host name.
	 * @param int    $site_id The site.
	 * @return bool
	 */
	private function requeue_event(string $op, string $domain, int $site_id): bool {

		$domain = RunCloud_Config::normalize($domain);

		if ('' === $domain || ! call_user_func($this->handler_active) || ! $this->notices->environment()->can_send()) {
			return false;
		}

		$queued = false;

		foreach ($this->config->targets() as $target) {
			$queued = $this->policy->retry_interrupted($op, $domain, $site_id, $target, 2) || $queued;
		}

		return $queued;
	}

	/**
	 * A certificate job died with its worker: run again now (it reads its work from the state),
	 * at most MAX_REQUEUES times in a row (a run that ends resets the count).
	 *
	 * @param array $job ['server_id', 'app_id'].
	 * @return bool
	 */
	private function requeue_certificate_job(array $job): bool {

		if (empty($job['server_id']) || empty($job['app_id'])) {
			return false;
		}

		$target  = RunCloud_Config::target($job);
		$crashes = 0;

		$this->state->update_target(
			$target,
			static function (array $record) use (&$crashes): array {
				$crashes           = (int) ($record['crashes'] ?? 0) + 1;
				$record['crashes'] = $crashes;

				return $record;
			}
		);

		if ($crashes > self::MAX_REQUEUES) {
			$this->logger->error(sprintf('Certificate job of %s: its worker stopped %d times in a row; left to the next domain event or Sync now.', RunCloud_Config::key($target), $crashes));

			return false;
		}

		$this->logger->warning(sprintf('Certificate job of %s: its worker stopped before it ended; queued again.', RunCloud_Config::key($target)));

		return null !== $this->schedule->due_by($target, $this->clock->now());
	}

	/**
	 * On a network admin page: changes recorded while nothing could be sent are queued again once
	 * domains can be sent; records about web apps no longer configured go. One option read when
	 * there is nothing to do.
	 *
	 * @return int How many changes were queued again.
	 */
	public function maintain(): int {

		if ((function_exists('is_network_admin') && ! is_network_admin()) || ! $this->notices->get_errors()) {
			return 0;
		}

		return $this->replay();
	}

	/**
	 * Queues again the changes recorded with CAUSE_ENVIRONMENT, when domains can be sent now; drops
	 * the records of web apps no longer configured.
	 *
	 * @return int How many changes were queued again.
	 */
	public function replay(): int {

		$environment = $this->notices->environment();

		if ( ! $environment->can_send() || ! $environment->integration_enabled() || ! $this->queue->available()) {
			return 0;
		}

		try {
			$targets = $this->config->targets();
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			return 0;
		}

		$keys    = array_map([RunCloud_Config::class, 'key'], $targets);
		$records = $this->notices->records();
		$stale   = [];
		$queued  = 0;
		$now     = $this->clock->now();

		foreach ($records->get() as $record) {
			if (null !== $record['target'] && ! in_array($record['target'], $keys, true)) {
				$stale[] = $record['key'];

				continue;
			}

			$replayed = (int) ($record['replayed'] ?? 0);

			if (RunCloud_Failure_Records::KIND_PERMANENT !== $record['kind'] || RunCloud_Failure_Records::CAUSE_ENVIRONMENT !== $record['cause'] || ! in_array($record['op'], RunCloud_Domain_Operations::OPERATIONS, true) || $now - $replayed < self::REPLAY_AGAIN_AFTER) {
				continue;
			}

			foreach ($targets as $target) {
				$this->queue->enqueue(RunCloud_Failure_Policy::RETRY_HOOK, RunCloud_Failure_Policy::retry_job((string) $record['op'], (string) $record['domain'], (int) $record['site'], $target, 1));
			}

			$records->touch($record['key'], ['replayed' => $now]);
			++$queued;

			$this->logger->info(sprintf('%s %s was not sent earlier (%s): queued again now that domains can be sent.', $record['op'], $record['domain'], rtrim((string) $record['answer'], '. ')));
		}

		if ($stale) {
			$records->forget($stale);
		}

		return $queued;
	}

	/**
	 * An action's hook and arguments, from Action Scheduler's store.
	 *
	 * @param int $action_id The action id.
	 * @return array{hook: string, args: array}|null
	 */
	private static function fetch_action(int $action_id): ?array {

		if ($action_id <= 0 || ! class_exists('\\ActionScheduler') || ! method_exists('\\ActionScheduler', 'store')) {
			return null;
		}

		$action = \ActionScheduler::store()->fetch_action((string) $action_id);

		if ( ! is_object($action) || ! method_exists($action, 'get_hook') || ! method_exists($action, 'get_args')) {
			return null;
		}

		$hook = (string) $action->get_hook();

		if ('' === $hook) {
			return null;
		}

		return [
			'hook' => $hook,
			'args' => (array) $action->get_args(),
		];
	}
}
