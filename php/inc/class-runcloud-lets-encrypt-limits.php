<?php
/**
 * Let's Encrypt's limits, as the certificate job keeps under them.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * What Let's Encrypt would refuse, decided before anything is sent [doc: letsencrypt.org rate
 * limits]: a name's failed validations per hour (RunCloud_Ssl_Schedule::TRIES_PER_HOUR, counted
 * over every refused order it was on), 100 names per certificate (room for a parked name), and
 * 5 certificates for the same set of names per week (no redeploy of the set last issued).
 */
class RunCloud_Lets_Encrypt_Limits {

	/**
	 * Let's Encrypt's window for certificates of the same set of names (5 per 7 days [doc]).
	 */
	const SAME_SET_WINDOW = 7 * 86400;

	/**
	 * The remembered state.
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The names on the certificate and the limit.
	 *
	 * @var RunCloud_Certificate_Inventory
	 */
	private $inventory;

	/**
	 * The timing (retry schedule).
	 *
	 * @var RunCloud_Ssl_Schedule
	 */
	private $schedule;

	/**
	 * The clock.
	 *
	 * @var RunCloud_Clock
	 */
	private $clock;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_State                 $state     The remembered state.
	 * @param RunCloud_Certificate_Inventory $inventory The names on the certificate.
	 * @param RunCloud_Ssl_Schedule          $schedule  The timing.
	 * @param RunCloud_Clock                 $clock     The clock.
	 */
	public function __construct(RunCloud_State $state, RunCloud_Certificate_Inventory $inventory, RunCloud_Ssl_Schedule $schedule, RunCloud_Clock $clock) {

		$this->state     = $state;
		$this->inventory = $inventory;
		$this->schedule  = $schedule;
		$this->clock     = $clock;
	}

	/**
	 * When the app's certificate may be redeployed again, if a waiting name's hourly limit holds
	 * it back now (every redeploy validates every name on the app); null when nothing does.
	 *
	 * @param array $pending name => target entry.
	 * @return int|null
	 */
	public function blocked_until(array $pending): ?int {

		$now   = $this->clock->now();
		$until = null;

		foreach ($pending as $t) {
			$at = RunCloud_Ssl_Schedule::earliest_try((array) $t['tries_at'], $now);

			if ($at > $now) {
				$until = max((int) $until, $at);
			}
		}

		return $until;
	}

	/**
	 * The waiting names whose next try Let's Encrypt's hourly limit holds back.
	 *
	 * @param array $pending name => target entry.
	 * @return string[]
	 */
	public function over_hourly_limit(array $pending): array {

		$now = $this->clock->now();

		return array_values(
			array_map(
				'strval',
				array_keys(
					array_filter(
						$pending,
						static function ($t) use ($now) {
							return RunCloud_Ssl_Schedule::earliest_try((array) $t['tries_at'], $now) > $now;
						}
					)
				)
			)
		);
	}

	/**
	 * Parked names due before $until wait until then (their count of tries unchanged).
	 *
	 * @param array $target The target.
	 * @param int   $until  When a redeploy may go again.
	 * @return void
	 */
	public function defer_parked(array $target, int $until): void {

		$key = RunCloud_Config::key($target);

		$this->state->update_entries(
			array_keys($this->state->entries_on($target)),
			static function (string $name, ?array $entry) use ($key, $until): ?array {
				if (null === $entry || ! isset($entry['t'][ $key ])) {
					return $entry;
				}

				$t = RunCloud_State::complete($entry['t'][ $key ]);

				if (RunCloud_State::CERT_PARKED === $t['cert'] && ! $t['present'] && null !== $t['next_at'] && (int) $t['next_at'] < $until) {
					$entry['t'][ $key ]['next_at'] = $until;
				}

				return $entry;
			}
		);
	}

	/**
	 * Whether a parked name fits on the app's certificate (basic or not yet known mode). When it
	 * does not, it stays off the app (`over_limit`): its try counts, and the limit's notice names
	 * it. Throws what the extension throws when the domain list must be read.
	 *
	 * @param array      $target  The target.
	 * @param string     $name    The host name.
	 * @param array      $entry   Its entry (www).
	 * @param array|null $records The records counted, read once per run and grown by each name
	 *                            added back (null: not read yet).
	 * @param string|null $mode   The app's SSL mode as known (RunCloud_State::MODE_*).
	 * @return bool
	 */
	public function room_for(array $target, string $name, array $entry, ?array &$records, ?string $mode): bool {

		if ( ! in_array($mode, [null, RunCloud_State::MODE_BASIC], true)) {
			return true;
		}

		$records = $records ?? $this->inventory->counted_records($target);
		$with    = $records + [$name => ['www' => ! empty($entry['www']), 'wildcard' => false]];
		$count   = RunCloud_Certificate_Names::count($with);

		if ($count <= RunCloud_Certificate_Names::LIMIT) {
			$records = $with;

			return true;
		}

		$this->state->update_target_entry(
			$name,
			$target,
			static function (?array $t): array {
				$t               = RunCloud_State::complete($t);
				$t['over_limit'] = true;
				$t['not_added']  = false;

				return $t;
			}
		);
		$this->inventory->within_limit($target, RunCloud_Certificate_Names::count($records), array_values(array_unique(array_merge($this->kept_off($target), [$name]))));
		$this->schedule->not_covered($target, [$name], 'no room on the certificate: ' . RunCloud_Certificate_Inventory::over_limit_reason($count), false);

		return false;
	}

	/**
	 * The names kept off the app for want of room on its certificate.
	 *
	 * @param array $target The target.
	 * @return string[]
	 */
	public function kept_off(array $target): array {

		$key  = RunCloud_Config::key($target);
		$kept = [];

		foreach ($this->state->entries_on($target) as $name => $entry) {
			$t = RunCloud_State::complete($entry['t'][ $key ]);

			if (RunCloud_State::CERT_PARKED === $t['cert'] && ! $t['present'] && $t['over_limit']) {
				$kept[] = (string) $name;
			}
		}

		return $kept;
	}

	/**
	 * Whether the names on the app are those the certificate was issued for within the week (a
	 * name removed, then mapped again: removals never redeploy, so it still holds it). A
	 * redeploy would be an identical certificate; after a week RunCloud may have renewed it for
	 * another set, and the limit no longer binds.
	 *
	 * @param array $target  The target.
	 * @param array $records The records counted.
	 * @return bool
	 */
	public function already_certified(array $target, array $records): bool {

		$certified = $this->state->target($target)['certified_set'];

		return is_array($certified) && self::set_of($records) === ($certified['set'] ?? null) && $this->clock->now() - (int) ($certified['at'] ?? 0) < self::SAME_SET_WINDOW;
	}

	/**
	 * Remembers the set a redeploy of the app's certificate was issued for.
	 *
	 * @param array $target  The target.
	 * @param array $records The records counted when it was sent.
	 * @return void
	 */
	public function certified(array $target, array $records): void {

		$set = [
			'set' => self::set_of($records),
			'at'  => $this->clock->now(),
		];

		$this->state->update_target(
			$target,
			static function (array $record) use ($set): array {
				$record['certified_set'] = $set;

				return $record;
			}
		);
	}

	/**
	 * A digest of the names a whole-app certificate for these records holds (any order).
	 *
	 * @param array $records name => ['www', 'wildcard'].
	 * @return string
	 */
	private static function set_of(array $records): string {

		$names = array_map('strval', array_keys(RunCloud_Certificate_Names::names($records)));
		sort($names);

		return md5(implode("\n", $names));
	}
}
