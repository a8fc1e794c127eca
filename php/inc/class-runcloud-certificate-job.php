<?php
/**
 * The certificate job of one web app: covers the names waiting for a certificate with as few
 * requests and issuances as possible, and keeps one tenant's DNS from blocking another's.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * One run (Action Scheduler hook RunCloud_Ssl_Schedule::JOB_HOOK, one per target, or
 * `wp runcloud sync`):
 *
 * 1. parked names whose next try has come are added back (without an SSL step);
 * 2. nothing pending: nothing is sent (an unchanged set of names is never redeployed);
 * 3. basic or not yet known mode: the names the certificate would hold are counted from the
 *    remembered domain list and the plugin's own changes (a listing only when that list is
 *    stale, or older than 5 minutes once the count reaches 90); from 90 the operator is warned;
 *    over 100 nothing is sent and it is reported;
 * 4. one redeploy of the app's certificate (GET ssl + PUT) covers every name on the app. When
 *    Let's Encrypt refuses it naming a name (422): a name this plugin added and no certificate
 *    ever covered is taken back off the app (`parked`, waiting for DNS) and the redeploy is
 *    tried again at once for the others (at most MAX_ROUNDS times); a name covered before, or
 *    not the plugin's (the app's primary domain...), is never removed: it is reported as
 *    blocking the certificate, and the others wait behind it on the retry schedule;
 * 5. advanced mode (or no whole-app certificate): each due name gets its own SSL step.
 *
 * Every name a run does not cover keeps its place on the retry schedule
 * (RunCloud_Ssl_Schedule::not_covered()); the job reschedules itself for the next due name.
 */
class RunCloud_Certificate_Job {

	/**
	 * Redeploys one run may send after taking refused names off (the loop is bounded).
	 */
	const MAX_ROUNDS = 10;

	/**
	 * The configuration (targets).
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * Seconds before a job paused (integration disabled, extension not loaded) looks again.
	 */
	const PAUSED_RETRY = 3600;

	/**
	 * Let's Encrypt's limits (hourly failures per name, room, the same set).
	 *
	 * @var RunCloud_Lets_Encrypt_Limits
	 */
	private $limits;

	/**
	 * The remembered state.
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The operations.
	 *
	 * @var RunCloud_Domain_Operations
	 */
	private $operations;

	/**
	 * The lifecycle (SSL mode, adding a name back, unblocking).
	 *
	 * @var RunCloud_Ssl_Lifecycle
	 */
	private $lifecycle;

	/**
	 * The timing: retry schedule, next run.
	 *
	 * @var RunCloud_Ssl_Schedule
	 */
	private $schedule;

	/**
	 * The names on the certificate and the limit.
	 *
	 * @var RunCloud_Certificate_Inventory
	 */
	private $inventory;

	/**
	 * A refused redeploy: park or block the name it blames.
	 *
	 * @var RunCloud_Certificate_Refusal
	 */
	private $refusal;

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
	 * Constructor.
	 *
	 * @param RunCloud_Config            $config     The configuration.
	 * @param RunCloud_State             $state      The remembered state.
	 * @param RunCloud_Domain_Operations $operations The operations.
	 * @param RunCloud_Ssl_Lifecycle     $lifecycle  The lifecycle.
	 * @param RunCloud_Ssl_Schedule      $schedule   The timing.
	 * @param RunCloud_Certificate_Inventory $inventory The names on the certificate.
	 * @param RunCloud_Certificate_Refusal $refusal  A refused redeploy.
	 * @param RunCloud_Failure_Policy    $policy     The failure policy.
	 * @param RunCloud_Admin_Notices     $notices    The notices.
	 * @param RunCloud_Clock             $clock      The clock.
	 * @param RunCloud_Logger            $logger     The logger.
	 * @param RunCloud_Lets_Encrypt_Limits $limits   Let's Encrypt's limits.
	 */
	public function __construct(RunCloud_Config $config, RunCloud_State $state, RunCloud_Domain_Operations $operations, RunCloud_Ssl_Lifecycle $lifecycle, RunCloud_Ssl_Schedule $schedule, RunCloud_Certificate_Inventory $inventory, RunCloud_Certificate_Refusal $refusal, RunCloud_Failure_Policy $policy, RunCloud_Admin_Notices $notices, RunCloud_Clock $clock, RunCloud_Logger $logger, RunCloud_Lets_Encrypt_Limits $limits) {

		$this->config     = $config;
		$this->state      = $state;
		$this->operations = $operations;
		$this->lifecycle  = $lifecycle;
		$this->schedule   = $schedule;
		$this->inventory  = $inventory;
		$this->refusal    = $refusal;
		$this->policy     = $policy;
		$this->notices    = $notices;
		$this->clock      = $clock;
		$this->logger     = $logger;
		$this->limits     = $limits;
	}

	/**
	 * The Action Scheduler hook: one target.
	 *
	 * @param mixed $job ['server_id' => int, 'app_id' => int].
	 * @return void
	 */
	public function handle($job): void {

		if ( ! is_array($job) || empty($job['server_id']) || empty($job['app_id'])) {
			$this->logger->warning('Ignoring a malformed RunCloud certificate job.');

			return;
		}

		$target  = RunCloud_Config::target($job);
		$enabled = get_network_option(null, 'wu_host_integrations_enabled', []);
		$paused  = ! $this->notices->is_extension_loaded() ? 'the wu_runcloud extension is not loaded' : (empty($enabled['runcloud']) ? 'the RunCloud integration is disabled' : null);

		if (null !== $paused) {
			// Not dropped: the names waiting would never be covered once it is back.
			$again = null !== $this->schedule->next_due($target) ? $this->schedule->due_by($target, $this->clock->now() + self::PAUSED_RETRY) : null;
			$this->logger->warning(sprintf('Certificate job of %s paused: %s.%s', RunCloud_Config::key($target), $paused, null !== $again ? ' It looks again in an hour.' : ''));

			return;
		}

		try {
			$keys = array_map([RunCloud_Config::class, 'key'], $this->config->targets());
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			$keys = [];
		}

		if ( ! in_array(RunCloud_Config::key($target), $keys, true)) {
			$this->logger->warning(sprintf('Certificate job of %s dropped: that web app is no longer a configured target.', RunCloud_Config::key($target)));

			return;
		}

		$this->run($target);
	}

	/**
	 * One run for one target.
	 *
	 * @param array $target The target.
	 * @param bool  $force  Try every waiting name now, whatever its next try (`wp runcloud sync`).
	 * @return array What happened: ['result' => string, 'covered' => names, 'parked' => names,
	 *               'waiting' => names, 'blocking' => ?name].
	 */
	public function run(array $target, bool $force = false): array {

		$key     = RunCloud_Config::key($target);
		$summary = [
			'result'   => 'nothing to do',
			'covered'  => [],
			'parked'   => [],
			'waiting'  => [],
			'blocking' => null,
		];

		$blocked_until = $this->limits->blocked_until($this->pending($target));

		if (null === $blocked_until) {
			$this->readd_parked($target, $force);
		} else {
			// No redeploy can go now: adding parked names back would only put them on the next
			// refused order. They wait with the others.
			$this->limits->defer_parked($target, $blocked_until);
		}

		$now     = $this->clock->now();
		$pending = $this->pending($target);
		$hold    = $this->state->target($target)['hold'];
		$due     = array_filter(
			$pending,
			static function ($t) use ($now, $force) {
				// Forced (`wp runcloud sync`, Sync now): whatever the next try, but never past
				// Let's Encrypt's hourly limit of the name (RunCloud_Ssl_Schedule::TRIES_PER_HOUR).
				return RunCloud_Ssl_Schedule::earliest_try((array) $t['tries_at'], $now) <= $now && ($force || (int) $t['next_at'] <= $now);
			}
		);

		if (is_array($hold) && ($force ? RunCloud_Ssl_Schedule::earliest_try((array) ($hold['tries_at'] ?? []), $now) : (int) ($hold['next_at'] ?? 0)) > $now) {
			// Behind a blocking name; a forced run too while that name failed too often this hour.
			$due = [];
		}

		$hold_clear = ! is_array($hold) || RunCloud_Ssl_Schedule::earliest_try((array) ($hold['tries_at'] ?? []), $now) <= $now;

		if ($force && ! $pending && $hold_clear && $this->state->target($target)['blocking'] && in_array($this->lifecycle->mode($target), [null, RunCloud_State::MODE_BASIC], true)) {
			// Asked for (`wp runcloud sync`): one redeploy shows whether the blocking name
			// validates again (and renews the certificate); nothing else would.
			$summary = $this->basic($target, [], [], $summary);
		} elseif ($due) {
			$mode = $this->lifecycle->mode($target);

			if (RunCloud_State::MODE_AUTO === $mode) {
				$this->settle($target, array_keys($pending), RunCloud_State::CERT_AUTO);
				$summary['result'] = 'autoSSL: RunCloud issues the certificates';
			} elseif (RunCloud_State::MODE_ADVANCED === $mode) {
				$summary = $this->per_domain($target, array_keys($due), $summary);
			} else {
				$summary = $this->basic($target, $pending, $due, $summary);
			}
		}

		$summary['waiting'] = array_keys($this->pending($target));
		$next               = $this->schedule->reschedule($target);

		$this->state->update_target(
			$target,
			static function (array $record) use ($now, $summary, $next): array {
				$record['job'] = [
					'at'     => $now,
					'result' => $summary['result'],
					'next'   => $next,
				];

				// A run that ends: a worker stopping before it ended no longer repeats (RunCloud_Recovery).
				$record['crashes'] = 0;

				return $record;
			}
		);

		if ('nothing to do' !== $summary['result']) {
			$this->logger->info(sprintf('Certificate job of %s: %s.%s', $key, $summary['result'], null !== $next ? sprintf(' Next run in %s.', RunCloud_Ssl_Schedule::human_delay(max(0, $next - $now))) : ''));
		}

		return $summary;
	}

	/**
	 * Adds back the parked names whose next try has come. At most one parked for its DNS per
	 * run: each goes on an order of its own (with the names that are new), so one whose DNS is
	 * still not ready fails only its own try, not one for every name parked with it (Let's
	 * Encrypt counts a failed validation per host name); the others are due still, and the job
	 * runs again at once for the next.
	 *
	 * @param array $target The target.
	 * @param bool  $force  Every parked name, whatever its next try.
	 * @return void
	 */
	private function readd_parked(array $target, bool $force): void {

		$key     = RunCloud_Config::key($target);
		$now     = $this->clock->now();
		$records = null;
		$suspect = false;

		foreach ($this->state->entries_on($target) as $name => $entry) {
			$t = RunCloud_State::complete($entry['t'][ $key ]);

			if (RunCloud_State::CERT_PARKED !== $t['cert'] || $t['present'] || ( ! $force && (null === $t['next_at'] || (int) $t['next_at'] > $now))) {
				continue;
			}

			if ($force && RunCloud_Ssl_Schedule::earliest_try((array) $t['tries_at'], $now) > $now) {
				// Failed too often within the hour: even a forced run leaves it for later.
				continue;
			}

			$for_dns = ! $t['not_added'] && ! $t['over_limit'];

			if ($for_dns && $suspect) {
				continue;
			}

			try {
				$room = $this->limits->room_for($target, (string) $name, $entry, $records, $this->lifecycle->mode($target));
			} catch (\Throwable $e) {
				if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
					throw $e;
				}

				$this->schedule->not_covered($target, [$name], 'reading the domains of the web app failed: ' . $this->policy->describe($e), false);

				continue;
			}

			if ( ! $room) {
				continue;
			}

			try {
				$this->lifecycle->readd($target, $name, $entry);
				$suspect = $suspect || $for_dns;
			} catch (\Throwable $e) {
				if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
					throw $e;
				}

				// Not on the app because adding it fails, whatever its DNS: said so (status, page).
				$this->state->update_target_entry(
					$name,
					$target,
					static function (?array $t): array {
						$t              = RunCloud_State::complete($t);
						$t['not_added'] = true;

						return $t;
					}
				);
				$this->schedule->not_covered($target, [$name], 'adding it back failed: ' . $this->policy->describe($e), false);
			}
		}
	}

	/**
	 * The names on the app waiting for a certificate: name => target entry.
	 *
	 * @param array $target The target.
	 * @return array<string, array>
	 */
	private function pending(array $target): array {

		$key     = RunCloud_Config::key($target);
		$pending = [];

		foreach ($this->state->entries_on($target) as $name => $entry) {
			$t = RunCloud_State::complete($entry['t'][ $key ]);

			if (RunCloud_State::CERT_PENDING === $t['cert'] && $t['present']) {
				$pending[ $name ] = $t;
			}
		}

		return $pending;
	}

	/**
	 * Basic (or not yet known) mode: one redeploy of the app's certificate for every pending name.
	 *
	 * @param array $target  The target.
	 * @param array $pending name => target entry: every pending name on the app.
	 * @param array $due     name => target entry: those whose try this is.
	 * @param array $summary The run's summary.
	 * @return array The summary.
	 */
	private function basic(array $target, array $pending, array $due, array $summary): array {

		for ($round = 1; $round <= self::MAX_ROUNDS; $round++) {
			$capped = $this->limits->over_hourly_limit($pending);

			if ($capped) {
				// Every redeploy validates every name on the app: none is sent while a waiting name
				// was on 4 refused orders within the hour. They wait until the hour allows.
				$summary['result'] = sprintf('%s%s on 4 refused orders within the hour: the next redeploy waits for Let\'s Encrypt\'s hourly limit', $summary['parked'] ? sprintf('parked %s; ', implode(', ', $summary['parked'])) : '', implode(', ', $capped));

				return $summary;
			}

			try {
				$records = $this->inventory->counted_records($target);
			} catch (\Throwable $e) {
				if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
					throw $e;
				}

				return $this->not_covered($target, $due, 'reading the domains of the web app failed: ' . $this->policy->describe($e), $summary);
			}

			$count = RunCloud_Certificate_Names::count($records);

			if ($count > RunCloud_Certificate_Names::LIMIT) {
				$room = $this->refusal->make_room($target, $records, $pending);

				if ($room) {
					// The newest never-covered names wait off the app; the others are tried at once.
					$summary['parked'] = array_merge($summary['parked'], $room);
					$summary['full']   = array_merge($summary['full'] ?? [], $room);
					$pending           = $this->pending($target);
					$due               = $pending;

					$this->inventory->within_limit($target, RunCloud_Certificate_Names::count($this->inventory->records($target)), $this->limits->kept_off($target));

					if ( ! $pending) {
						$summary['result'] = sprintf('parked %s (no room on the certificate); nothing else waits', implode(', ', $summary['parked']));

						return $summary;
					}

					continue;
				}
			}

			if ( ! $this->inventory->within_limit($target, $count, $this->limits->kept_off($target))) {
				$summary['result'] = sprintf('not redeployed: the certificate would hold %d names, over Let\'s Encrypt\'s %d', $count, RunCloud_Certificate_Names::LIMIT);

				return $this->not_covered($target, $due, RunCloud_Certificate_Inventory::over_limit_reason($count), $summary);
			}

			if (RunCloud_State::MODE_BASIC === $this->lifecycle->mode($target) && $this->limits->already_certified($target, $records)) {
				// It covers them; a redeploy would be an identical certificate (Let's Encrypt
				// allows 5 per set per week).
				$summary['covered'] = $this->cover_all($target, array_keys($records));
				$summary['result']  = sprintf('the certificate already holds these %d names: not redeployed', $count);

				return $summary;
			}

			try {
				$outcome = $this->operations->redeploy($target);
			} catch (\Throwable $e) {
				if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
					throw $e;
				}

				$verdict = $this->refusal->handle($target, $e, $records, $pending);

				// The other names on the refused order: it counts for their hourly limit too.
				$this->schedule->on_failed_order($target, array_values(array_diff(array_map('strval', array_keys($pending)), array_map('strval', null === $verdict['parked'] ? array_keys($due) : []), array_filter([(string) $verdict['parked'], (string) $verdict['blocking']]))));

				if (null === $verdict['parked']) {
					$summary['blocking'] = $verdict['blocking'];
					$summary['result']   = $verdict['result'] ?? $summary['result'];

					unset($due[ (string) $verdict['blocking'] ]);

					if (null !== $verdict['blocking']) {
						// Their own DNS is not in question: they wait with the hold, uncounted, and
						// never fail for another name's DNS.
						$hold = $this->state->target($target)['hold'];
						$this->schedule->wait_behind($target, array_keys($due), $verdict['reason'], is_array($hold) ? (int) ($hold['next_at'] ?? 0) : $this->clock->now());

						return $summary;
					}

					return $this->not_covered($target, $due, $verdict['reason'], $summary);
				}

				// A never-covered name was taken off: the others are tried again at once.
				$summary['parked'][] = $verdict['parked'];
				$pending             = $this->pending($target);
				$due     = $pending;

				if ( ! $pending) {
					$summary['result'] = sprintf('parked %s (DNS not ready); nothing else waits', implode(', ', $summary['parked']));

					return $summary;
				}

				continue;
			}

			return $this->redeployed($target, $outcome, $records, $pending, $due, $summary);
		}

		$summary['result'] = sprintf('parked %s; stopped after %d redeploys, the others are tried at the next run', implode(', ', $summary['parked']), self::MAX_ROUNDS);

		$this->schedule->make_due($target, $this->clock->now() + $this->schedule->window());

		return $summary;
	}

	/**
	 * A redeploy answered: what it means for the waiting names.
	 *
	 * @param array $target  The target.
	 * @param array $outcome The native result.
	 * @param array $records The records on the app when the redeploy was sent.
	 * @param array $pending Pending names.
	 * @param array $due     Due names.
	 * @param array $summary The summary.
	 * @return array The summary.
	 */
	private function redeployed(array $target, array $outcome, array $records, array $pending, array $due, array $summary): array {

		$count = RunCloud_Certificate_Names::count($records);

		$action = (string) ($outcome['action'] ?? '');

		if ('redeployed' === $action) {
			$this->lifecycle->learn_mode($target, RunCloud_State::MODE_BASIC);
			$this->limits->certified($target, $records);

			$summary['covered'] = $this->cover_all($target, array_keys($records));
			$full               = $summary['full'] ?? [];
			$not_ready          = array_diff($summary['parked'], $full);
			$summary['result']  = sprintf('one redeploy (certificate %s, %d names) covers %d new name(s)', $outcome['certificate_id'] ?? '?', $count, count($summary['covered']))
				. ($not_ready ? sprintf('; parked %s (DNS not ready)', implode(', ', $not_ready)) : '')
				. ($full ? sprintf('; kept %s off the app (no room on the certificate)', implode(', ', $full)) : '');

			return $summary;
		}

		if ('skipped' === $action) {
			$this->lifecycle->learn_mode($target, RunCloud_State::MODE_CUSTOM);
			$this->settle($target, array_keys($pending), RunCloud_State::CERT_CUSTOM);

			$summary['result'] = 'the web app has a custom certificate: its owner renews it';

			return $summary;
		}

		// No certificate for the whole app: advanced mode, or none at all. Each name tells.
		if (RunCloud_State::MODE_BASIC === $this->lifecycle->mode($target)) {
			$this->lifecycle->learn_mode($target, null);
		}

		return $this->per_domain($target, array_keys($due), $summary);
	}

	/**
	 * Advanced mode (or not yet known without a whole-app certificate): the SSL step of each
	 * due name, one by one; one name's failure blocks only itself.
	 *
	 * @param array $target  The target.
	 * @param array $names   Due names.
	 * @param array $summary The summary.
	 * @return array The summary.
	 */
	private function per_domain(array $target, array $names, array $summary): array {

		$covered = [];

		foreach ($names as $name) {
			try {
				$outcome = $this->operations->redeploy($target, $name);
			} catch (\Throwable $e) {
				if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
					throw $e;
				}

				$this->schedule->not_covered($target, [$name], $this->policy->describe($e), false);

				if (RunCloud_Failure_Policy::is_transient($e)) {
					// RunCloud is busy or unreachable: the others wait for the next run.
					break;
				}

				continue;
			}

			$action = (string) ($outcome['action'] ?? '');
			$mode   = RunCloud_Ssl_Lifecycle::mode_of($outcome, 'domain');

			if (null === $mode && 'redeployed' === $action && null === $this->lifecycle->mode($target)) {
				// No whole-app certificate (that was looked at first): the domain's own one.
				$mode = RunCloud_State::MODE_ADVANCED;
			}

			if (null !== $mode) {
				$this->lifecycle->learn_mode($target, $mode);
			}

			if (in_array($action, ['issued', 'redeployed'], true)) {
				$this->settle($target, [$name], RunCloud_State::CERT_COVERED);
				$covered[] = $name;

				continue;
			}

			$cert = ['auto' => RunCloud_State::CERT_AUTO, 'none' => RunCloud_State::CERT_NONE, 'skipped' => RunCloud_State::CERT_CUSTOM][ $action ] ?? null;

			if (null !== $cert) {
				// The app's mode, not this name's: the same for every waiting name.
				$this->settle($target, array_keys($this->pending($target)), $cert);
				$summary['result'] = sprintf('SSL %s for the web app: nothing to issue', $action);

				return $summary;
			}
		}

		$summary['covered'] = $covered;
		$summary['result']  = sprintf('per-domain SSL: %d of %d name(s) covered', count($covered), count($names));

		return $summary;
	}

	/**
	 * A redeploy of the whole-app certificate succeeded: it covers every name that was on the app
	 * when it was sent (a name added by a concurrent event after that waits for the next run).
	 *
	 * @param array $target The target.
	 * @param array $names  The names on the app when the redeploy was sent.
	 * @return array The names newly covered.
	 */
	private function cover_all(array $target, array $names): array {

		$key     = RunCloud_Config::key($target);
		$now     = $this->clock->now();
		$covered = [];
		$record  = $this->state->target($target);

		$this->state->update_entries(
			array_intersect($names, array_keys($this->state->entries_on($target))),
			static function (string $name, ?array $entry) use ($key, $now, &$covered): ?array {
				if (null === $entry || ! isset($entry['t'][ $key ])) {
					return $entry;
				}

				$t = RunCloud_State::complete($entry['t'][ $key ]);

				if ( ! $t['present']) {
					return $entry;
				}

				if (RunCloud_State::CERT_COVERED !== $t['cert']) {
					$covered[]  = $name;
					$t['since'] = $now;
				}

				$t['cert']         = RunCloud_State::CERT_COVERED;
				$t['covered_at']   = $now;
				$t['attempt']      = 0;
				$t['next_at']      = null;
				$t['scheduled_at'] = null;
				$t['reason']       = null;

				$entry['t'][ $key ] = $t;

				return $entry;
			}
		);

		foreach (array_keys((array) $record['blocking']) as $name) {
			$this->lifecycle->unblock($target, (string) $name);
			$this->logger->domain((string) $name, sprintf('%s validates again: the certificate of %s covers it.', $name, $key));
		}

		foreach ($covered as $name) {
			$this->notices->resolve(RunCloud_Admin_Notices::KIND_SSL_FAILED, $key, $name);
			$this->logger->domain($name, sprintf('The SSL certificate of web app %s now covers %s.', $key, $name));
		}

		return $covered;
	}

	/**
	 * Sets the certificate state of names (a final one: covered, auto, none, custom).
	 *
	 * @param array  $target The target.
	 * @param array  $names  Host names.
	 * @param string $cert   One of RunCloud_State::CERT_*.
	 * @return void
	 */
	private function settle(array $target, array $names, string $cert): void {

		$key = RunCloud_Config::key($target);
		$now = $this->clock->now();

		$this->state->update_entries(
			$names,
			static function (string $name, ?array $entry) use ($key, $now, $cert): ?array {
				if (null === $entry || ! isset($entry['t'][ $key ])) {
					return $entry;
				}

				$t = RunCloud_State::complete($entry['t'][ $key ]);

				$t['since']        = $t['cert'] !== $cert ? $now : $t['since'];
				$t['cert']         = $cert;
				$t['attempt']      = 0;
				$t['next_at']      = null;
				$t['scheduled_at'] = null;
				$t['reason']       = null;

				if (RunCloud_State::CERT_COVERED === $cert) {
					$t['covered_at'] = $now;
				}

				$entry['t'][ $key ] = $t;

				return $entry;
			}
		);

		foreach ($names as $name) {
			$this->notices->resolve(RunCloud_Admin_Notices::KIND_SSL_FAILED, $key, $name);

			if (RunCloud_State::CERT_COVERED === $cert) {
				$this->logger->domain($name, sprintf('%s has its own SSL certificate on %s.', $name, $key));
			}
		}
	}

	/**
	 * A run that did not cover the due names: each gets its next try (or fails after the last).
	 *
	 * @param array  $target  The target.
	 * @param array  $due     name => target entry.
	 * @param string $reason  Why.
	 * @param array  $summary The summary.
	 * @return array The summary.
	 */
	private function not_covered(array $target, array $due, string $reason, array $summary): array {

		$this->schedule->not_covered($target, array_keys($due), $reason, false);

		if ('nothing to do' === $summary['result']) {
			$summary['result'] = 'not covered: ' . $reason;
		}

		return $summary;
	}
}
