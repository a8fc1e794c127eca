<?php
/**
 * The SSL lifecycle of a mapped name: which certificate state it is in, when its certificate is
 * tried next, and what the domain events and Ultimate Multisite's DNS check change about it.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * The event side of the lifecycle (the certificate job, RunCloud_Certificate_Job, does the
 * certificate work):
 *
 * - an add in basic (whole-app Let's Encrypt) or not yet known SSL mode goes without its own SSL
 *   step: the name is `pending`, and one certificate job per web app, a short window later
 *   (filter wu_runcloud_ssl_coalesce_window), covers every name added meanwhile with one
 *   redeploy. In advanced mode (and with no certificate or a custom one, where the step costs
 *   one or two reads and tells when that changes) the add keeps its own SSL step; with autoSSL
 *   RunCloud needs nothing;
 * - the app's SSL mode is learned from outcomes and remembered a day (filter
 *   wu_runcloud_ssl_mode_ttl);
 * - Ultimate Multisite's DNS check passing (`wu_domain_manager_dns_propagation_finished`) makes
 *   the name due within the window: added back when it was parked (or never added), its
 *   certificate job scheduled;
 * - a step that did not cover a name is retried on the schedule of retry_delay() (filter
 *   wu_runcloud_ssl_retry_delays); after the last try the name is `failed`, logged to the
 *   integration log and the domain's own log, and shown in a notice.
 */
class RunCloud_Ssl_Lifecycle {

	/**
	 * Seconds a learned SSL mode is trusted (filter wu_runcloud_ssl_mode_ttl).
	 */
	const MODE_TTL = 86400;

	/**
	 * The configuration.
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * The remembered state.
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The operations (re-adding a parked name).
	 *
	 * @var RunCloud_Domain_Operations
	 */
	private $operations;

	/**
	 * The timing: window, retry schedule, certificate job.
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
	 * The notices (failure records).
	 *
	 * @var RunCloud_Admin_Notices
	 */
	private $notices;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Config            $config     The configuration.
	 * @param RunCloud_State             $state      The remembered state.
	 * @param RunCloud_Domain_Operations $operations The operations.
	 * @param RunCloud_Ssl_Schedule      $schedule   The timing.
	 * @param RunCloud_Certificate_Inventory $inventory The app's domain list.
	 * @param RunCloud_Clock             $clock      The clock.
	 * @param RunCloud_Logger            $logger     The logger.
	 * @param RunCloud_Admin_Notices     $notices    The notices.
	 */
	public function __construct(RunCloud_Config $config, RunCloud_State $state, RunCloud_Domain_Operations $operations, RunCloud_Ssl_Schedule $schedule, RunCloud_Certificate_Inventory $inventory, RunCloud_Clock $clock, RunCloud_Logger $logger, RunCloud_Admin_Notices $notices) {

		$this->config     = $config;
		$this->state      = $state;
		$this->operations = $operations;
		$this->schedule   = $schedule;
		$this->inventory  = $inventory;
		$this->clock      = $clock;
		$this->logger     = $logger;
		$this->notices    = $notices;
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * The app's SSL mode.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * The app's SSL mode if learned recently (one of RunCloud_State::MODE_*), else null.
	 *
	 * @param array $target The target.
	 * @return string|null
	 */
	public function mode(array $target): ?string {

		$record = $this->state->target($target);

		/**
		 * Filters how long (seconds) a web app's learned SSL mode is trusted before an outcome
		 * tells it again.
		 *
		 * @param int $seconds Default 86400.
		 */
		$ttl = (int) apply_filters('wu_runcloud_ssl_mode_ttl', self::MODE_TTL);

		return null !== $record['mode'] && $this->clock->now() - (int) $record['mode_at'] < $ttl ? (string) $record['mode'] : null;
	}

	/**
	 * Remembers the app's SSL mode (null forgets it).
	 *
	 * @param array       $target The target.
	 * @param string|null $mode   One of RunCloud_State::MODE_*, or null.
	 * @return void
	 */
	public function learn_mode(array $target, ?string $mode): void {

		$now = $this->clock->now();

		$this->state->update_target(
			$target,
			static function (array $record) use ($mode, $now): array {
				$record['mode']    = $mode;
				$record['mode_at'] = null === $mode ? 0 : $now;

				return $record;
			}
		);
	}

	/**
	 * The mode an SSL outcome shows, or null when it tells nothing.
	 *
	 * @param array  $outcome ['action', 'certificate_id', 'message'].
	 * @param string $source  'add' (an add's own step: the full decision for a new domain),
	 *                        'app' (the whole-app redeploy: `none` may still be advanced mode) or
	 *                        'domain' (one domain's step: `redeployed` may be its own certificate).
	 * @return string|null
	 */
	public static function mode_of(array $outcome, string $source): ?string {

		switch ((string) ($outcome['action'] ?? '')) {
			case 'redeployed':
				return 'domain' === $source ? null : RunCloud_State::MODE_BASIC;
			case 'issued':
				return RunCloud_State::MODE_ADVANCED;
			case 'auto':
				return RunCloud_State::MODE_AUTO;
			case 'none':
				return 'app' === $source ? null : RunCloud_State::MODE_NONE;
			case 'skipped':
				return 'ssl => false' === ($outcome['message'] ?? '') ? null : RunCloud_State::MODE_CUSTOM;
		}

		return null;
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * Adds and removals (RunCloud_Domain_Sync, `wp runcloud sync`).
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * Whether an add to $target takes its own SSL step: not in basic (or not yet known) mode
	 * and not with autoSSL, where the certificate job (or RunCloud) does it; always when Action
	 * Scheduler is not there to run the job.
	 *
	 * @param array $target The target.
	 * @return bool
	 */
	public function ssl_at_add(array $target): bool {

		if ( ! $this->schedule->available()) {
			return true;
		}

		return in_array($this->mode($target), [RunCloud_State::MODE_ADVANCED, RunCloud_State::MODE_NONE, RunCloud_State::MODE_CUSTOM], true);
	}

	/**
	 * After a successful add: the name's certificate state on that app, and the certificate job.
	 *
	 * @param string   $op       add_domain or add_subdomain.
	 * @param string   $domain   The normalised host name.
	 * @param int      $site_id  The site.
	 * @param array    $target   The target.
	 * @param array    $result   What RunCloud_Domain_Operations::apply() returned.
	 * @param bool     $with_ssl Whether the add took its own SSL step.
	 * @param int|null $due_at   When the certificate job should cover it (default: after the window).
	 * @param bool     $schedule Whether to schedule the certificate job (the job itself does not).
	 * @return void
	 */
	public function after_add(string $op, string $domain, int $site_id, array $target, array $result, bool $with_ssl, ?int $due_at = null, bool $schedule = true): void {

		if (isset($result['skipped']) || ! isset($result['domain']) || ! is_array($result['domain'])) {
			return;
		}

		// On the app now: a failure recorded for this add (or an earlier one) is moot.
		$this->notices->resolve(RunCloud_Admin_Notices::KIND_PERMANENT, RunCloud_Config::key($target), RunCloud_Config::normalize($domain));

		$now     = $this->clock->now();
		$key     = RunCloud_Config::key($target);
		$record  = $result['domain'];
		$created = ! empty($result['created']);
		$outcome = isset($result['ssl']) && is_array($result['ssl']) ? $result['ssl'] : [];
		$due_at  = $due_at ?? $now + $this->schedule->window();
		$prior   = $this->state->target_entry($domain, $target);

		if ($with_ssl && ! $created && 'skipped' === ($outcome['action'] ?? '')) {
			// Already on the app (added in RunCloud's panel, an answer lost after the add took
			// effect, a reinstall): the extension took no SSL step (its `skipped` says nothing of
			// the certificate). Unless the plugin knows the name settled, the step is taken now.
			$outcome = self::settled($prior) ? [] : $this->ssl_step($target, $domain);
		}

		$mode = $with_ssl ? self::mode_of($outcome, 'add') : null;

		if ($with_ssl && null !== $mode) {
			$this->learn_mode($target, $mode);
		}

		$cert = $this->cert_after_add($target, $prior, $created, $with_ssl && isset($outcome['action']) ? (string) $outcome['action'] : null);

		$this->state->update_target_entry(
			$domain,
			$target,
			static function (?array $entry) use ($record, $created, $cert, $now, $due_at, $outcome): array {
				$entry   = RunCloud_State::complete($entry);
				$parked  = RunCloud_State::CERT_PARKED === $entry['cert'];
				$waiting = ! $created && $entry['present'] && RunCloud_State::CERT_PENDING === $entry['cert'];
				$changed = $entry['cert'] !== $cert || ! $entry['present'];

				// Ours to take off again only when this plugin created the record now on the app.
				$entry['added']   = $created || ($entry['present'] && $entry['added']);
				$entry['id']      = isset($record['id']) ? (int) $record['id'] : $entry['id'];
				$entry['present']    = true;
				$entry['not_added']  = false;
				$entry['over_limit'] = false;
				$entry['cert']      = $cert;
				$entry['since']     = $changed ? $now : (int) $entry['since'];

				if (RunCloud_State::CERT_COVERED === $cert && $changed) {
					$entry['covered_at'] = $now;
				}

				if (RunCloud_State::CERT_PENDING === $cert) {
					// A parked name, or one already waiting (an add repeated), keeps its count of
					// tries and is tried by $due_at as an extra try (within the hourly limit); a new
					// one starts its schedule.
					$keep             = $parked || $waiting;
					$entry['attempt'] = $keep ? (int) $entry['attempt'] : 0;
					$entry['next_at'] = $keep ? $entry['next_at'] : $due_at;
					$entry            = $keep ? RunCloud_Ssl_Schedule::bring_forward($entry, $due_at) : $entry;
					$entry['reason']  = isset($outcome['action']) && 'failed' === $outcome['action'] ? (string) ($outcome['message'] ?? '') : $entry['reason'];
				} else {
					$entry['attempt']      = 0;
					$entry['next_at']      = null;
					$entry['scheduled_at'] = null;
					$entry['reason']       = null;
				}

				return $entry;
			},
			[
				'site' => $site_id,
				'op'   => $op,
				'www'  => ! empty($record['www']),
			]
		);

		if (RunCloud_State::CERT_PENDING !== $cert) {
			$this->notices->resolve(RunCloud_Admin_Notices::KIND_SSL_FAILED, $key, $domain);

			return;
		}

		if ($with_ssl) {
			// The add's own step failed (advanced mode, or no queue): a try that did not cover it.
			$this->schedule->not_covered($target, [$domain], (string) ($outcome['message'] ?? 'the SSL step failed'), $schedule);

			return;
		}

		$this->notices->resolve(RunCloud_Admin_Notices::KIND_SSL_FAILED, $key, $domain);

		if ($schedule) {
			$this->inventory->refresh_if_stale($target);
			$this->schedule->due_by($target, $due_at);
		}
	}

	/**
	 * Whether a name's certificate state on an app is settled (nothing for an add to do): on the
	 * app and covered, blocking, custom, autoSSL, or without a certificate at all.
	 *
	 * @param array|null $prior Its target entry.
	 * @return bool
	 */
	private static function settled(?array $prior): bool {

		return null !== $prior && ! empty($prior['present']) && in_array($prior['cert'] ?? null, [RunCloud_State::CERT_COVERED, RunCloud_State::CERT_BLOCKING, RunCloud_State::CERT_CUSTOM, RunCloud_State::CERT_AUTO, RunCloud_State::CERT_NONE], true);
	}

	/**
	 * The SSL step for one domain already on the app (its own certificate in advanced mode, the
	 * app's otherwise), as an add's own step would have been: a failure is an outcome, not thrown.
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @return array ['action', 'certificate_id', 'message'].
	 */
	private function ssl_step(array $target, string $domain): array {

		try {
			return $this->operations->redeploy($target, $domain);
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			// The extension's messages carry no secret; logged through the redacting logger anyway.
			return [
				'action'  => 'failed',
				'message' => $e->getMessage(),
			];
		}
	}

	/**
	 * The certificate state of a name just added.
	 *
	 * @param array       $target  The target.
	 * @param array|null  $prior   Its target entry before the add.
	 * @param bool        $created Whether the add created the record.
	 * @param string|null $action  The add's own SSL outcome, or null when it took none.
	 * @return string One of RunCloud_State::CERT_*.
	 */
	private function cert_after_add(array $target, ?array $prior, bool $created, ?string $action): string {

		switch ($action) {
			case 'redeployed':
			case 'issued':
				return RunCloud_State::CERT_COVERED;
			case 'auto':
				return RunCloud_State::CERT_AUTO;
			case 'none':
				return RunCloud_State::CERT_NONE;
			case 'skipped':
				return RunCloud_State::CERT_CUSTOM;
			case 'failed':
				return RunCloud_State::CERT_PENDING;
		}

		if (RunCloud_State::MODE_AUTO === $this->mode($target)) {
			return RunCloud_State::CERT_AUTO;
		}

		// Already on the app and settled (covered...): an unchanged set of names is never redeployed.
		if ( ! $created && self::settled($prior)) {
			return (string) $prior['cert'];
		}

		return RunCloud_State::CERT_PENDING;
	}

	/**
	 * After a removal (the name's entry on that app is already forgotten): the name leaves the
	 * remembered domain list, its failure records go, and when it was what blocked the
	 * certificate, the names waiting behind it are tried soon. A removal never redeploys: the
	 * name drops off the certificate at the next redeploy or renewal (Let's Encrypt's limits).
	 *
	 * @param string $domain The normalised host name.
	 * @param array  $target The target.
	 * @return void
	 */
	public function after_remove(string $domain, array $target): void {

		$key = RunCloud_Config::key($target);

		$this->state->inventory_forget($target, $domain);
		$this->notices->resolve(RunCloud_Admin_Notices::KIND_SSL_FAILED, $key, $domain);

		if (isset($this->state->target($target)['blocking'][ $domain ])) {
			$this->unblock($target, $domain);
			$this->logger->info(sprintf('%s, which blocked the certificate of %s, was removed: the names waiting are tried again soon.', $domain, $key));

			if ($this->schedule->available()) {
				$this->schedule->make_due($target, $this->clock->now() + $this->schedule->window());
			}
		}

		// The job runs when the next name waiting is due; with none left, it is not queued.
		$this->schedule->reschedule($target);
	}

	/**
	 * Forgets that $domain blocks the certificate of $target (and the hold it put on the job).
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @return void
	 */
	public function unblock(array $target, string $domain): void {

		$this->state->update_target(
			$target,
			static function (array $record) use ($domain): array {
				unset($record['blocking'][ $domain ]);

				if ( ! $record['blocking']) {
					$record['hold'] = null;
				}

				return $record;
			}
		);

		$this->notices->resolve(RunCloud_Admin_Notices::KIND_BLOCKING, RunCloud_Config::key($target), $domain);
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * Ultimate Multisite's DNS check.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * `wu_domain_manager_dns_propagation_finished`: the name points here now. On every target it
	 * becomes due at once (a parked or failed name is added back by the certificate job, a
	 * blocking one lifts its hold), and the certificate job is scheduled a window later.
	 *
	 * @param object $domain A WP_Ultimo\Models\Domain (get_domain(), get_site_id()).
	 * @return void
	 */
	public function on_dns_propagated($domain): void {

		if ( ! is_object($domain) || ! method_exists($domain, 'get_domain')) {
			return;
		}

		$name    = RunCloud_Config::normalize((string) $domain->get_domain());
		$site_id = method_exists($domain, 'get_site_id') ? (int) $domain->get_site_id() : 0;

		$this->wake($name, $site_id, $this->clock->now() + $this->schedule->window(), sprintf('DNS check passed for %s', $name));
	}

	/**
	 * Retry asked for one name (the RunCloud page): like UM's DNS check passing, but due now. A
	 * failed name starts a new schedule, a parked one is added back, a blocking one lifts the
	 * hold it put on the app's certificate job; the caller runs the certificate job.
	 *
	 * @param string $name    The host name.
	 * @param int    $site_id The site (0: keep the one remembered).
	 * @return bool Whether the name waits for a certificate on some app now.
	 */
	public function retry_now(string $name, int $site_id = 0): bool {

		$name = RunCloud_Config::normalize($name);

		if ($site_id <= 0) {
			$site_id = (int) ($this->state->entry($name)['site'] ?? 0);
		}

		return $this->wake($name, $site_id, $this->clock->now(), sprintf('Retry asked for %s', $name));
	}

	/**
	 * Makes a name due on every target by $due_at (see on_dns_propagated()).
	 *
	 * @param string $name    The normalised host name.
	 * @param int    $site_id The site.
	 * @param int    $due_at  When it is due.
	 * @param string $why     For the log ("DNS check passed for x").
	 * @return bool Whether it waits for a certificate on some app.
	 */
	private function wake(string $name, int $site_id, int $due_at, string $why): bool {

		$now = $this->clock->now();

		if ('' === $name || ! $this->schedule->available() || ! $this->notices->is_extension_loaded()) {
			return false;
		}

		try {
			$targets = $this->config->targets();
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			return false;
		}

		$any = false;

		foreach ($targets as $target) {
			$blocking = isset($this->state->target($target)['blocking'][ $name ]);
			$waiting  = false;
			$when     = $due_at;

			$this->state->update_target_entry(
				$name,
				$target,
				static function (?array $entry) use ($now, $due_at, &$waiting, &$when): array {
					if (null === $entry) {
						// Not on the app (mapped while the integration was off, or its add
						// failed): the job adds it. Not waiting for DNS.
						$waiting = true;

						return RunCloud_State::complete(
							[
								'cert'      => RunCloud_State::CERT_PARKED,
								'since'     => $now,
								'next_at'   => $due_at,
								'reason'    => 'not on the web app yet',
								'not_added' => true,
							]
						);
					}

					$entry = RunCloud_State::complete($entry);

					if (RunCloud_State::CERT_FAILED === $entry['cert']) {
						// A new chance, with a new schedule (still within Let's Encrypt's hourly limit).
						$entry['cert']         = $entry['present'] ? RunCloud_State::CERT_PENDING : RunCloud_State::CERT_PARKED;
						$entry['attempt']      = 0;
						$entry['since']        = $now;
						$entry['next_at']      = null;
						$entry['scheduled_at'] = null;
					}

					if (in_array($entry['cert'], [RunCloud_State::CERT_PENDING, RunCloud_State::CERT_PARKED], true)) {
						// An extra try: it does not count against the schedule, and none comes while
						// the name failed too often within the hour (RunCloud_Ssl_Schedule).
						$entry   = RunCloud_Ssl_Schedule::bring_forward($entry, $due_at);
						$when    = (int) $entry['next_at'];
						$waiting = true;
					}

					return $entry;
				},
				null === $this->state->entry($name) ? ['site' => $site_id, 'op' => 'add_domain', 'www' => false] : ['site' => $site_id]
			);

			$this->notices->resolve(RunCloud_Admin_Notices::KIND_SSL_FAILED, RunCloud_Config::key($target), $name);

			if ($blocking) {
				// The operator pointed it back here: the names waiting behind it are tried now,
				// not at the hold's end, unless the blocking name already failed too often
				// within the hour (each redeploy validates it again).
				$hold = $this->state->target($target)['hold'];
				$when = RunCloud_Ssl_Schedule::earliest_try(is_array($hold) ? (array) ($hold['tries_at'] ?? []) : [], $due_at);

				$this->state->update_target(
					$target,
					static function (array $record) use ($when): array {
						if (is_array($record['hold'])) {
							$record['hold']['next_at'] = min((int) ($record['hold']['next_at'] ?? $when), $when);
						}

						return $record;
					}
				);
				$this->schedule->make_due($target, $when);
			}

			$any = $any || $waiting || $blocking;

			if ($waiting || $blocking) {
				$this->logger->domain($name, sprintf('%s: its certificate on %s is tried within %d s.', $why, RunCloud_Config::key($target), max(0, $when - $now)));
				$this->schedule->reschedule($target);
			}
		}

		return $any;
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * Helpers.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * Adds a parked (or not yet added) name back to one app without an SSL step; it is pending
	 * and due at once (it keeps its count of tries). Throws what the extension throws.
	 *
	 * @param array  $target The target.
	 * @param string $name   The host name.
	 * @param array  $entry  Its entry (site, op).
	 * @return void
	 */
	public function readd(array $target, string $name, array $entry): void {

		$op     = 'add_subdomain' === ($entry['op'] ?? '') ? 'add_subdomain' : 'add_domain';
		$site   = (int) ($entry['site'] ?? 0);
		$result = $this->operations->apply($op, $name, $site, $target, false);

		if (isset($result['skipped'])) {
			// A wildcard domain covers it now: nothing of its own to certify.
			$this->state->forget_id($target, $name);

			return;
		}

		$this->logger->domain($name, sprintf('%s %s %s for its certificate.', $name, empty($result['created']) ? 'is already on' : 'added (back) to', RunCloud_Config::key($target)));
		$this->after_add($op, $name, $site, $target, $result, false, $this->clock->now(), false);
	}
}
