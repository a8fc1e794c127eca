<?php
/**
 * A refused redeploy of a web app's certificate: which name Let's Encrypt blames, and whether
 * it is taken off the app or reported as blocking.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * No tenant blocks another (basic SSL): Let's Encrypt fails the whole order when one name does
 * not validate, and RunCloud's 422 names it [assumed: docs/RUNCLOUD_API.md §6]. The name is
 * found in the message against the app's names (RunCloud_Certificate_Names::blamed()):
 *
 * - a name this plugin added that no certificate ever covered is taken back off the app
 *   (`parked`, waiting for DNS): the caller redeploys again at once for the others;
 * - a name covered before, or not the plugin's (the app's primary domain...), is never removed:
 *   it is `blocking`, the operator is told which name, and the others wait behind a hold on the
 *   retry schedule (no redeploy before it ends: Let's Encrypt limits failed validations);
 * - too many names, a rate limit, a 422 blaming no known name (none named, or no validation
 *   reason given: blamed() needs both), and every other error: the due names keep their place
 *   on the retry schedule, the reason kept.
 */
class RunCloud_Certificate_Refusal {

	/**
	 * The remembered state.
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The operations (taking a name off).
	 *
	 * @var RunCloud_Domain_Operations
	 */
	private $operations;

	/**
	 * The timing (retry schedule).
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
	 * The failure policy (describes, reports).
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

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
	 * @param RunCloud_State                 $state      The remembered state.
	 * @param RunCloud_Domain_Operations     $operations The operations.
	 * @param RunCloud_Ssl_Schedule          $schedule   The timing.
	 * @param RunCloud_Certificate_Inventory $inventory  The names on the certificate.
	 * @param RunCloud_Failure_Policy        $policy     The failure policy.
	 * @param RunCloud_Clock                 $clock      The clock.
	 * @param RunCloud_Logger                $logger     The logger.
	 */
	public function __construct(RunCloud_State $state, RunCloud_Domain_Operations $operations, RunCloud_Ssl_Schedule $schedule, RunCloud_Certificate_Inventory $inventory, RunCloud_Failure_Policy $policy, RunCloud_Clock $clock, RunCloud_Logger $logger) {

		$this->state      = $state;
		$this->operations = $operations;
		$this->schedule   = $schedule;
		$this->inventory  = $inventory;
		$this->policy     = $policy;
		$this->clock      = $clock;
		$this->logger     = $logger;
	}

	/**
	 * A refused redeploy of the whole-app certificate: what it means.
	 *
	 * @param array      $target  The target.
	 * @param \Throwable $e       The native exception.
	 * @param array      $records The records counted (RunCloud_Certificate_Inventory::counted_records()).
	 * @param array      $pending name => target entry: every pending name on the app.
	 * @return array{parked: ?string, blocking: ?string, reason: string, result: ?string}
	 *               'parked': the never-covered name taken off the app (the caller redeploys again
	 *               at once); else 'reason' why the due names wait (the caller gives them their
	 *               next try), 'blocking' the name that blocks the certificate, if any, and
	 *               'result' a line for the job's summary.
	 */
	public function handle(array $target, \Throwable $e, array $records, array $pending): array {

		$message = (string) $e->getMessage();
		$verdict = [
			'parked'   => null,
			'blocking' => null,
			'reason'   => $this->policy->describe($e),
			'result'   => null,
		];

		if ( ! RunCloud_Failure_Policy::is_native_class($e, 'ApiException') || 422 !== (int) $e->getCode()) {
			return $verdict;
		}

		if (RunCloud_Certificate_Names::says_too_many_names($message)) {
			$count = max(RunCloud_Certificate_Names::LIMIT + 1, RunCloud_Certificate_Names::count($records));

			$this->inventory->within_limit($target, $count);

			$verdict['reason'] = RunCloud_Certificate_Inventory::over_limit_reason($count) . ' (' . $verdict['reason'] . ')';

			return $verdict;
		}

		$blamed = RunCloud_Certificate_Names::says_rate_limited($message) ? null : RunCloud_Certificate_Names::blamed($message, $records);

		if (null === $blamed) {
			// A 422 naming none of the app's names, or a rate limit: retried on the schedule.
			return $verdict;
		}

		$entry = $pending[ $blamed ] ?? null;

		if (null !== $entry && $entry['added'] && null === $entry['covered_at']) {
			try {
				$this->park($target, $blamed, $message);
			} catch (\Throwable $removal) {
				if ( ! RunCloud_Failure_Policy::is_native_exception($removal)) {
					throw $removal;
				}

				$verdict['result'] = sprintf('%s fails validation and could not be taken off the app (%s)', $blamed, $this->policy->describe($removal));

				return $verdict;
			}

			$verdict['parked'] = $blamed;

			return $verdict;
		}

		$this->block($target, $blamed, $message, $entry ?? $this->state->target_entry($blamed, $target));

		$verdict['blocking'] = $blamed;
		$verdict['reason']   = sprintf('waiting: %s blocks the certificate of the web app (%s)', $blamed, $message);
		$verdict['result']   = sprintf('%s blocks the certificate (covered before, or not added by this plugin: never removed)', $blamed);

		return $verdict;
	}

	/**
	 * The certificate would hold more than LIMIT names: the newest names this plugin added that
	 * no certificate ever covered are taken back off the app until it fits (`parked`, marked
	 * `over_limit`: added back when there is room), so that the others get their certificate and
	 * RunCloud's own renewal of the app's certificate keeps working (it renews every name on the
	 * app: over 100, it fails for every tenant). Names covered before, or not the plugin's, are
	 * never taken off.
	 *
	 * @param array $target  The target.
	 * @param array $records The records counted (RunCloud_Certificate_Inventory::counted_records()).
	 * @param array $pending name => target entry: every pending name on the app.
	 * @return string[] The names taken off; none when that could not bring the certificate under
	 *                  the limit (then nothing is taken off) or the first removal failed.
	 */
	public function make_room(array $target, array $records, array $pending): array {

		$count      = RunCloud_Certificate_Names::count($records);
		$candidates = array_filter(
			$pending,
			static function ($t) {
				return ! empty($t['added']) && null === $t['covered_at'];
			}
		);

		// Newest first: the names mapped last wait, the earlier ones keep their place.
		uksort(
			$candidates,
			static function ($a, $b) use ($candidates) {
				return ((int) $candidates[ $b ]['since'] <=> (int) $candidates[ $a ]['since']) ?: strcmp((string) $b, (string) $a);
			}
		);

		$chosen = [];

		foreach (array_keys($candidates) as $name) {
			if ($count <= RunCloud_Certificate_Names::LIMIT) {
				break;
			}

			if (isset($records[ $name ])) {
				$count   -= RunCloud_Certificate_Names::count([$name => $records[ $name ]]);
				$chosen[] = (string) $name;
			}
		}

		if ($count > RunCloud_Certificate_Names::LIMIT) {
			return [];
		}

		$parked = [];
		$why    = RunCloud_Certificate_Inventory::over_limit_reason(RunCloud_Certificate_Names::count($records));

		foreach ($chosen as $name) {
			try {
				$this->park($target, $name, $why, true);
			} catch (\Throwable $e) {
				if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
					throw $e;
				}

				$this->logger->warning(sprintf('%s could not be taken off %s to make room on its certificate: %s', $name, RunCloud_Config::key($target), $this->policy->describe($e)));

				break;
			}

			$parked[] = $name;
		}

		return $parked;
	}

	/**
	 * Takes a never-covered name back off the app: parked, waiting for DNS (or, $over_limit,
	 * for room on the certificate).
	 *
	 * @param array  $target     The target.
	 * @param string $name       The host name.
	 * @param string $why        Let's Encrypt's refusal, or why the certificate is full.
	 * @param bool   $over_limit Taken off because the certificate would exceed LIMIT names.
	 * @return void
	 * @throws \Throwable What the extension throws when the removal fails.
	 */
	private function park(array $target, string $name, string $why, bool $over_limit = false): void {

		$key = RunCloud_Config::key($target);

		$this->operations->delete($name, $target, $this->state->remembered_id($target, $name));
		$this->state->inventory_forget($target, $name);

		$now = $this->clock->now();

		$this->state->update_target_entry(
			$name,
			$target,
			static function (?array $entry) use ($now, $over_limit): array {
				$entry = RunCloud_State::complete($entry);

				$entry['present']    = false;
				$entry['id']         = null;
				$entry['cert']       = RunCloud_State::CERT_PARKED;
				$entry['since']      = $now;
				$entry['not_added']  = false;
				$entry['over_limit'] = $over_limit;

				return $entry;
			}
		);

		if ($over_limit) {
			$this->logger->domain($name, sprintf('%s was taken off web app %s for now: %s. No certificate covered it yet; the other domains keep theirs (RunCloud renews every name on the app, and over %d names that fails for all). It is added back when there is room, at its next try.', $name, $key, rtrim($why, '. '), RunCloud_Certificate_Names::LIMIT), 'warning');
			$this->schedule->not_covered($target, [$name], 'no room on the certificate: ' . $why, false);

			return;
		}

		$this->logger->domain($name, sprintf('%s does not validate for Let\'s Encrypt: %s. No certificate ever covered it, so it was taken off web app %s for now: the other domains get their certificate, and %s is added back when Ultimate Multisite sees its DNS ready, or at its next try.', $name, rtrim($this->logger->redact($why), '. '), $key, $name), 'warning');

		// This try did not cover it: it counts, and sets its next try.
		$this->schedule->not_covered($target, [$name], 'DNS not ready: ' . $why, false);
	}

	/**
	 * A name that was covered before (or is not the plugin's) fails validation: it stays on the
	 * app, blocks the app's certificate, and the operator is told which one.
	 *
	 * @param array  $target The target.
	 * @param string $name   The host name.
	 * @param string     $why   Let's Encrypt's refusal.
	 * @param array|null $entry The name's target entry when the plugin manages it.
	 * @return void
	 */
	private function block(array $target, string $name, string $why, ?array $entry): void {

		$key  = RunCloud_Config::key($target);
		$now  = $this->clock->now();
		$why  = $this->logger->redact($why);
		$ours = null !== $entry;
		$hold = $this->state->target($target)['hold'];
		$try  = is_array($hold) ? (int) ($hold['attempt'] ?? 0) + 1 : 1;
		$wait = RunCloud_Ssl_Schedule::retry_delay($try) ?? (int) max(RunCloud_Ssl_Schedule::retry_delays());

		$this->state->update_target(
			$target,
			static function (array $record) use ($name, $why, $ours, $now, $try, $wait): array {
				$record['blocking'][ $name ] = [
					'reason' => $why,
					'since'  => (int) ($record['blocking'][ $name ]['since'] ?? $now),
					'ours'   => $ours,
				];
				// Its failed validations, for Let's Encrypt's hourly limit (RunCloud_Ssl_Schedule).
				$tries_at                    = array_slice(array_merge(is_array($record['hold']) ? array_map('intval', (array) ($record['hold']['tries_at'] ?? [])) : [], [$now]), -RunCloud_Ssl_Schedule::TRIES_PER_HOUR);
				$record['hold']              = [
					'name'     => $name,
					'attempt'  => $try,
					'next_at'  => RunCloud_Ssl_Schedule::earliest_try($tries_at, $now + $wait),
					'reason'   => $why,
					'tries_at' => $tries_at,
				];

				return $record;
			}
		);

		if ($ours) {
			$this->state->update_target_entry(
				$name,
				$target,
				static function (?array $entry) use ($now, $why): array {
					$entry = RunCloud_State::complete($entry);

					if (RunCloud_State::CERT_BLOCKING !== $entry['cert']) {
						$entry['since'] = $now;
					}

					$entry['cert']   = RunCloud_State::CERT_BLOCKING;
					$entry['reason'] = $why;

					return $entry;
				}
			);
		}

		$this->policy->report(
			RunCloud_Admin_Notices::KIND_BLOCKING,
			sprintf('The SSL certificate of web app %s cannot be renewed or extended: %s no longer validates for Let\'s Encrypt: %s. It %s, so it stays on the app; new domains wait (next try in %s).', $key, $name, rtrim($why, '. '), $ours && null !== ($entry['covered_at'] ?? null) ? 'had a certificate before' : 'was not added by this plugin', RunCloud_Ssl_Schedule::human_delay($wait)),
			sprintf('Point %s (and www.%s when www is on) back at the server, or remove it (its mapping in Ultimate Multisite, or the domain in RunCloud).', $name, $name),
			$key,
			$name,
			$why,
			'error',
			null,
			$ours && null !== ($entry['covered_at'] ?? null) ? 'covered-before' : 'not-ours'
		);
	}
}
