<?php
/**
 * What the plugin remembers between requests: network options, all named here.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * The plugin's network options, and the only class that reads or writes them (the failures
 * behind the admin notices go through RunCloud_Failure_Records, under OPTION_ERRORS, and the
 * dismissed environment notices through RunCloud_Admin_Notices, under OPTION_DISMISSED).
 *
 * Every option name starts with PREFIX (`wu_runcloud_`), so an uninstall deletes them all:
 *
 * - OPTION_NAMES_PREFIX + one hex digit (16 shards, by md5 of the name): one entry per host
 *   name the plugin manages, [ name => [ 'site' => int, 'op' => add_domain|add_subdomain,
 *   'www' => bool, 't' => [ 'SERVER:APP' => target entry ] ] ]. A target entry: 'id' (RunCloud
 *   domain id), 'present' (on the app as far as the plugin knows), 'added' (the plugin created
 *   the record), 'cert' (one of CERT_*), 'since' (when 'cert' last changed), 'covered_at' (when
 *   a certificate last covered it; null: never), 'attempt' (scheduled certificate tries that did
 *   not cover it), 'next_at' (next try), 'reason' (why the last try did not cover it),
 *   'tries_at' (when the last few tries failed, scheduled or extra: Let's Encrypt's hourly
 *   limit), 'scheduled_at' (the schedule's own next try while an extra one, brought forward by
 *   UM's DNS hook or Retry, comes first), 'not_added' (parked only because it is not on the app
 *   yet, or adding it back failed: not waiting for DNS), 'over_limit' (parked for want of room:
 *   the certificate would exceed 100 names).
 * - OPTION_TARGETS: per 'SERVER:APP', what the plugin learned about the app: 'mode' (SSL mode,
 *   one of MODE_*) and 'mode_at', 'hold' (a covered name blocks the basic certificate: no
 *   redeploy before hold.next_at; 'tries_at' as above, for the blocking name)
, 'blocking' (name => reason, since, ours), 'names' (names the
 *   basic certificate would hold) and 'names_at', 'job' (last certificate job: at, result),
 *   'certified_set' (['set' => digest of the names the last redeploy of the app's certificate
 *   held, 'at' => when]), 'recent_tries' (name => tries_at of names forgotten on the app,
 *   restored when they are known again).
 * - OPTION_INVENTORY_PREFIX + 'SERVER_APP': the app's domain records from the last listing,
 *   [ 'at' => time, 'records' => [ name => [ 'id', 'www', 'wildcard', 'type' ] ] ].
 * - OPTION_WILDCARDS: wildcard names per app (5 min cache). OPTION_ERRORS: recorded failures
 *   (RunCloud_Failure_Records); OPTION_DISMISSED: environment notices dismissed.
 * - OPTION_CONNECTION: the last connection test of each app; OPTION_DRIFT: the last drift check
 *   of each app; OPTION_ADMIN_JOBS: the network-admin page's queued actions (RunCloud_Admin_Jobs).
 * - OPTION_DOMAIN_IDS: the ids remembered by versions before the SSL lifecycle; moved into the
 *   entries on first use, then deleted.
 *
 * Concurrency: Action Scheduler may run several jobs at once. Every change re-reads its option
 * from the database just before writing (the object cache entry is dropped first) and changes
 * only the entries it touches; names are spread over 16 shards. Two workers changing names of
 * the same shard (or the same target record) within the same few milliseconds can still lose
 * one of the two changes: the next event or certificate job for that name writes it again.
 */
class RunCloud_State {

	/**
	 * Prefix of every network option (and of nothing else).
	 */
	const PREFIX = 'wu_runcloud_';

	/**
	 * Names forgotten on an app whose recent failed tries are remembered (RunCloud_Ssl_Schedule's
	 * hourly limit survives a removal or a rename).
	 */
	const RECENT_TRIES_KEPT = 200;

	/**
	 * Legacy network option: RunCloud domain ids, [ 'SERVER:APP' => [ domain => id ] ].
	 */
	const OPTION_DOMAIN_IDS = 'wu_runcloud_domain_ids';

	/**
	 * Network option: wildcard names seen on each app, [ 'SERVER:APP' => [ 'at' => time, 'names' => [...] ] ].
	 */
	const OPTION_WILDCARDS = 'wu_runcloud_wildcards';

	/**
	 * Network option: failures an administrator must act on (read and written by RunCloud_Admin_Notices).
	 */
	const OPTION_ERRORS = 'wu_runcloud_errors';

	/**
	 * Network option: what the plugin learned about each app (SSL mode, blocking names, name count).
	 */
	const OPTION_TARGETS = 'wu_runcloud_targets';

	/**
	 * Network options: host name entries, one option per shard (+ one hex digit).
	 */
	const OPTION_NAMES_PREFIX = 'wu_runcloud_names_';

	/**
	 * Network options: the app's domain records from the last listing (+ 'SERVER_APP').
	 */
	const OPTION_INVENTORY_PREFIX = 'wu_runcloud_inventory_';

	/**
	 * Network option: environment notices an administrator dismissed, [ notice id => time ].
	 */
	const OPTION_DISMISSED = 'wu_runcloud_dismissed';

	/**
	 * Network option: the last connection test of each app, [ 'SERVER:APP' => result ].
	 */
	const OPTION_CONNECTION = 'wu_runcloud_connection';

	/**
	 * Network option: the network-admin page's queued actions and their outcome (newest last).
	 */
	const OPTION_ADMIN_JOBS = 'wu_runcloud_admin_jobs';

	/**
	 * Network option: the last drift check of each app, [ 'SERVER:APP' => summary ].
	 */
	const OPTION_DRIFT = 'wu_runcloud_drift';

	/**
	 * The options with fixed names.
	 */
	const OPTIONS = [self::OPTION_DOMAIN_IDS, self::OPTION_WILDCARDS, self::OPTION_ERRORS, self::OPTION_TARGETS, self::OPTION_DISMISSED, self::OPTION_CONNECTION, self::OPTION_ADMIN_JOBS, self::OPTION_DRIFT];

	/**
	 * Shards of the name entries.
	 */
	const SHARDS = 16;

	/**
	 * Seconds the wildcard names of an app are trusted before being read again.
	 */
	const WILDCARD_TTL = 300;

	/**
	 * Certificate states of a name on one app.
	 */
	const CERT_PENDING  = 'pending';  // On the app; the certificate job will cover it (next_at).
	const CERT_COVERED  = 'covered';  // The certificate covers it.
	const CERT_PARKED   = 'parked';   // Never covered, failed validation: taken off the app, waiting for DNS (next_at).
	const CERT_BLOCKING = 'blocking'; // Covered before, now fails validation: blocks the app's certificate; never removed.
	const CERT_FAILED   = 'failed';   // Not covered after the last try (reason).
	const CERT_NONE     = 'none';     // The app has no certificate: nothing to do.
	const CERT_CUSTOM   = 'custom';   // The app has a custom certificate: its owner renews it.
	const CERT_AUTO     = 'auto';     // Advanced SSL with autoSSL: RunCloud issues it.

	/**
	 * SSL modes of an app, learned from outcomes.
	 */
	const MODE_BASIC    = 'basic';    // A Let's Encrypt certificate for the whole app.
	const MODE_ADVANCED = 'advanced'; // Per-domain certificates.
	const MODE_AUTO     = 'auto';     // Per-domain, RunCloud issues them itself.
	const MODE_CUSTOM   = 'custom';   // A custom certificate.
	const MODE_NONE     = 'none';     // No certificate.

	/**
	 * The clock.
	 *
	 * @var RunCloud_Clock
	 */
	private $clock;

	/**
	 * Whether the legacy ids were looked at in this request.
	 *
	 * @var bool
	 */
	private $migrated = false;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Clock|null $clock The clock (default: the system clock).
	 */
	public function __construct(?RunCloud_Clock $clock = null) {

		$this->clock = $clock ?? new RunCloud_Clock();
	}

	/**
	 * Every option name the plugin may have written for these targets (all start with PREFIX).
	 *
	 * @param array $targets Targets (for their inventory options).
	 * @return array
	 */
	public static function option_names(array $targets = []): array {

		$names = self::OPTIONS;

		for ($i = 0; $i < self::SHARDS; $i++) {
			$names[] = self::OPTION_NAMES_PREFIX . dechex($i);
		}

		foreach ($targets as $target) {
			$names[] = self::inventory_option($target);
		}

		return $names;
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * Raw options: fresh reads, whole writes.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * Reads a network option from the database, not from this request's object cache: another
	 * worker may have changed it since it was cached.
	 *
	 * @param string $option The option.
	 * @return array
	 */
	private function read(string $option): array {

		if (function_exists('wp_cache_delete')) {
			$network = function_exists('get_current_network_id') ? (int) get_current_network_id() : 1;

			wp_cache_delete($network . ':' . $option, 'site-options');
			wp_cache_delete($network . ':notoptions', 'site-options');
		}

		$value = get_network_option(null, $option, []);

		return is_array($value) ? $value : [];
	}

	/**
	 * Writes a network option (deletes it when empty).
	 *
	 * @param string $option The option.
	 * @param array  $value  Its value.
	 * @return void
	 */
	private function write(string $option, array $value): void {

		if ($value) {
			update_network_option(null, $option, $value);
		} else {
			delete_network_option(null, $option);
		}
	}

	/**
	 * The shard option of a name.
	 *
	 * @param string $name A normalised host name.
	 * @return string
	 */
	private static function shard(string $name): string {

		return self::OPTION_NAMES_PREFIX . substr(md5($name), 0, 1);
	}

	/**
	 * The inventory option of a target.
	 *
	 * @param array $target The target.
	 * @return string
	 */
	private static function inventory_option(array $target): string {

		return self::OPTION_INVENTORY_PREFIX . (int) $target['server_id'] . '_' . (int) $target['app_id'];
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * Name entries.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * The entry of a host name, or null.
	 *
	 * @param string $name The host name.
	 * @return array|null
	 */
	public function entry(string $name): ?array {

		$this->migrate();

		$name  = RunCloud_Config::normalize($name);
		$shard = $this->read(self::shard($name));

		return isset($shard[ $name ]) && is_array($shard[ $name ]) ? $shard[ $name ] : null;
	}

	/**
	 * Every entry, by name (sorted).
	 *
	 * @return array<string, array>
	 */
	public function entries(): array {

		$this->migrate();

		$all = [];

		for ($i = 0; $i < self::SHARDS; $i++) {
			foreach ($this->read(self::OPTION_NAMES_PREFIX . dechex($i)) as $name => $entry) {
				if (is_array($entry)) {
					$all[ (string) $name ] = $entry;
				}
			}
		}

		ksort($all, SORT_NATURAL);

		return $all;
	}

	/**
	 * The entries that have a target entry on $target, by name.
	 *
	 * @param array $target The target.
	 * @return array<string, array>
	 */
	public function entries_on(array $target): array {

		$key = RunCloud_Config::key($target);

		return array_filter(
			$this->entries(),
			static function ($entry) use ($key) {
				return isset($entry['t'][ $key ]) && is_array($entry['t'][ $key ]);
			}
		);
	}

	/**
	 * Changes the entries of some names: one fresh read and one write per shard touched.
	 *
	 * @param array    $names  Host names.
	 * @param callable $change fn(string $name, ?array $entry): ?array; null deletes the entry.
	 * @return void
	 */
	public function update_entries(array $names, callable $change): void {

		$this->migrate();

		$by_shard = [];

		foreach ($names as $name) {
			$name = RunCloud_Config::normalize((string) $name);

			$by_shard[ self::shard($name) ][] = $name;
		}

		foreach ($by_shard as $option => $shard_names) {
			$shard = $this->read($option);

			foreach (array_unique($shard_names) as $name) {
				$entry = call_user_func($change, $name, isset($shard[ $name ]) && is_array($shard[ $name ]) ? $shard[ $name ] : null);

				if (null === $entry) {
					unset($shard[ $name ]);
				} else {
					$shard[ $name ] = $entry;
				}
			}

			$this->write($option, $shard);
		}
	}

	/**
	 * The target entry of a name on one app, or null.
	 *
	 * @param string $name   The host name.
	 * @param array  $target The target.
	 * @return array|null
	 */
	public function target_entry(string $name, array $target): ?array {

		$entry = $this->entry($name);
		$key   = RunCloud_Config::key($target);

		return isset($entry['t'][ $key ]) && is_array($entry['t'][ $key ]) ? $entry['t'][ $key ] : null;
	}

	/**
	 * Changes the target entry of one name on one app.
	 *
	 * @param string   $name   The host name.
	 * @param array    $target The target.
	 * @param callable $change fn(?array $target_entry): ?array; null forgets the name on that app
	 *                         (and the whole entry once no app is left).
	 * @param array    $fields Name-level fields to set when given (site, op, www).
	 * @return void
	 */
	public function update_target_entry(string $name, array $target, callable $change, array $fields = []): void {

		$key     = RunCloud_Config::key($target);
		$dropped = null;
		$created = false;

		$this->update_entries(
			[$name],
			static function (string $name, ?array $entry) use ($key, $change, $fields, &$dropped, &$created): ?array {
				$entry = $entry ?? ['site' => 0, 'op' => 'add_domain', 'www' => false, 't' => []];
				$entry = array_merge($entry, $fields);
				$now   = isset($entry['t'][ $key ]) && is_array($entry['t'][ $key ]) ? $entry['t'][ $key ] : null;
				$new   = call_user_func($change, $now);

				if (null === $new) {
					unset($entry['t'][ $key ]);
					$dropped = null !== $now ? (array) ($now['tries_at'] ?? []) : null;
				} else {
					$created            = null === $now;
					$entry['t'][ $key ] = $new;
				}

				return empty($entry['t']) ? null : $entry;
			}
		);

		// Known again (mapped again, renamed back): its recent failed tries come back, so that
		// forgetting a name cannot reset Let's Encrypt's hourly limit. Read only when an entry is
		// created (once per name), not on every change.
		$recent  = $created ? (array) ($this->target($target)['recent_tries'][ $name ] ?? []) : [];
		$revived = (bool) $recent;

		if ($revived) {
			$this->update_entries(
				[$name],
				static function (string $name, ?array $entry) use ($key, $recent): ?array {
					if (null !== $entry && isset($entry['t'][ $key ]) && is_array($entry['t'][ $key ])) {
						$entry['t'][ $key ]['tries_at'] = array_slice(array_merge($recent, (array) ($entry['t'][ $key ]['tries_at'] ?? [])), -RunCloud_Ssl_Schedule::TRIES_PER_HOUR);
					}

					return $entry;
				}
			);
		}

		if ($dropped || $revived) {
			$this->update_target(
				$target,
				static function (array $record) use ($name, $dropped): array {
					$tries = (array) $record['recent_tries'];
					unset($tries[ $name ]);

					if ($dropped) {
						$tries[ $name ] = array_values(array_map('intval', $dropped));
					}

					// A bounded memory: the names forgotten last (an hour's worth in practice).
					$record['recent_tries'] = array_slice($tries, -self::RECENT_TRIES_KEPT, null, true);

					return $record;
				}
			);
		}
	}

	/**
	 * A target entry with every field, defaults filled in.
	 *
	 * @param array|null $entry A stored target entry.
	 * @return array
	 */
	public static function complete(?array $entry): array {

		return array_merge(
			[
				'id'         => null,
				'present'    => false,
				'added'      => false,
				'cert'       => self::CERT_PENDING,
				'since'      => 0,
				'covered_at' => null,
				'attempt'    => 0,
				'next_at'    => null,
				'reason'     => null,
				'tries_at'   => [],
				'scheduled_at' => null,
				'not_added'  => false,
				'over_limit' => false,
			],
			(array) $entry
		);
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * RunCloud domain ids (removal in O(1) requests), kept in the entries.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * The RunCloud id remembered for a domain on a target.
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @return int|null
	 */
	public function remembered_id(array $target, string $domain): ?int {

		$id = $this->target_entry($domain, $target)['id'] ?? null;

		return is_numeric($id) && (int) $id > 0 ? (int) $id : null;
	}

	/**
	 * Remembers a RunCloud id.
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @param int    $id     The RunCloud domain id.
	 * @return void
	 */
	public function remember_id(array $target, string $domain, int $id): void {

		$now = $this->clock->now();

		$this->update_target_entry(
			$domain,
			$target,
			static function (?array $entry) use ($id, $now): array {
				$entry = self::complete($entry ?? ['since' => $now]);

				$entry['id']      = $id;
				$entry['present'] = true;

				return $entry;
			}
		);
	}

	/**
	 * Forgets a name on a target: its id and its certificate state (the domain left the app).
	 *
	 * @param array  $target The target.
	 * @param string $domain The host name.
	 * @return void
	 */
	public function forget_id(array $target, string $domain): void {

		if (null === $this->entry($domain)) {
			return;
		}

		$this->update_target_entry(
			$domain,
			$target,
			static function (): ?array {
				return null;
			}
		);
	}

	/**
	 * Moves the ids of OPTION_DOMAIN_IDS (versions before the SSL lifecycle) into the entries,
	 * once, then deletes that option. Those versions redeployed the certificate after every
	 * add, so a remembered name is taken as covered [assumed]: it is never taken off the app.
	 *
	 * @return void
	 */
	private function migrate(): void {

		if ($this->migrated) {
			return;
		}

		$this->migrated = true;

		$legacy = get_network_option(null, self::OPTION_DOMAIN_IDS, []);

		if ( ! is_array($legacy) || ! $legacy) {
			return;
		}

		$now = $this->clock->now();

		foreach ($legacy as $key => $ids) {
			if ( ! is_array($ids) || ! preg_match('/^\d+:\d+$/', (string) $key)) {
				continue;
			}

			$this->update_entries(
				array_keys($ids),
				static function (string $name, ?array $entry) use ($ids, $key, $now): array {
					$entry = $entry ?? ['site' => 0, 'op' => 'add_domain', 'www' => false, 't' => []];
					$id    = $ids[ $name ] ?? null;

					if ( ! isset($entry['t'][ $key ]) && is_numeric($id)) {
						$entry['t'][ $key ] = self::complete(
							[
								'id'         => (int) $id,
								'present'    => true,
								'added'      => true,
								'cert'       => self::CERT_COVERED,
								'since'      => $now,
								'covered_at' => $now,
							]
						);
					}

					return $entry;
				}
			);
		}

		delete_network_option(null, self::OPTION_DOMAIN_IDS);
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * What the plugin learned about each app.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * The record of one app (defaults filled in).
	 *
	 * @param array $target The target.
	 * @return array
	 */
	public function target(array $target): array {

		$all = $this->read(self::OPTION_TARGETS);

		return self::complete_target($all[ RunCloud_Config::key($target) ] ?? null);
	}

	/**
	 * Changes the record of one app.
	 *
	 * @param array    $target The target.
	 * @param callable $change fn(array $record): array.
	 * @return array The new record.
	 */
	public function update_target(array $target, callable $change): array {

		$key = RunCloud_Config::key($target);
		$all = $this->read(self::OPTION_TARGETS);
		$new = self::complete_target((array) call_user_func($change, self::complete_target($all[ $key ] ?? null)));

		$all[ $key ] = $new;

		$this->write(self::OPTION_TARGETS, $all);

		return $new;
	}

	/**
	 * Every app record, by 'SERVER:APP'.
	 *
	 * @return array<string, array>
	 */
	public function targets(): array {

		return array_map([self::class, 'complete_target'], $this->read(self::OPTION_TARGETS));
	}

	/**
	 * An app record with every field.
	 *
	 * @param array|null $record A stored record.
	 * @return array
	 */
	private static function complete_target($record): array {

		return array_merge(
			[
				'mode'     => null,
				'mode_at'  => 0,
				'hold'     => null,
				'blocking' => [],
				'names'    => null,
				'names_at' => 0,
				'job'      => null,
				'certified_set' => null,
				'recent_tries'  => [],
			],
			is_array($record) ? $record : []
		);
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * The app's domain records from the last listing.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * The inventory of an app: ['at' => time, 'records' => [name => ['id', 'www', 'wildcard', 'type']]], or null.
	 *
	 * @param array $target The target.
	 * @return array|null
	 */
	public function inventory(array $target): ?array {

		$inventory = $this->read(self::inventory_option($target));

		return isset($inventory['at'], $inventory['records']) && is_array($inventory['records']) ? $inventory : null;
	}

	/**
	 * Stores the app's domain records from a listing (native domain arrays).
	 *
	 * @param array $target  The target.
	 * @param array $records Native domain arrays (every page).
	 * @return array The inventory.
	 */
	public function set_inventory(array $target, array $records): array {

		$list = [];

		foreach ($records as $record) {
			$name = RunCloud_Config::normalize((string) ($record['name'] ?? ''));

			if ('' === $name) {
				continue;
			}

			$list[ $name ] = [
				'id'       => (int) ($record['id'] ?? 0),
				'www'      => ! empty($record['www']),
				'wildcard' => ! empty($record['wildcard']),
				'type'     => (string) ($record['type'] ?? 'alias'),
			];
		}

		$inventory = [
			'at'      => $this->clock->now(),
			'records' => $list,
		];

		$this->write(self::inventory_option($target), $inventory);

		return $inventory;
	}

	/**
	 * Drops one name from the inventory (the plugin removed it from the app).
	 *
	 * @param array  $target The target.
	 * @param string $name   The host name.
	 * @return void
	 */
	public function inventory_forget(array $target, string $name): void {

		$option    = self::inventory_option($target);
		$inventory = $this->read($option);
		$name      = RunCloud_Config::normalize($name);

		if ( ! isset($inventory['records'][ $name ])) {
			return;
		}

		unset($inventory['records'][ $name ]);

		$this->write($option, $inventory);
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * Wildcard names (subdomains they cover are not added).
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * The wildcard names of an app: remembered ones younger than WILDCARD_TTL, else read again.
	 *
	 * @param array    $target The target.
	 * @param callable $read   Reads the app's wildcard names now (returns an array).
	 * @return array
	 */
	public function wildcards(array $target, callable $read): array {

		$key   = RunCloud_Config::key($target);
		$cache = get_network_option(null, self::OPTION_WILDCARDS, []);
		$cache = is_array($cache) ? $cache : [];
		$now   = $this->clock->now();

		if (isset($cache[ $key ]['at'], $cache[ $key ]['names']) && $now - (int) $cache[ $key ]['at'] < self::WILDCARD_TTL && $now >= (int) $cache[ $key ]['at']) {
			return (array) $cache[ $key ]['names'];
		}

		$names = (array) call_user_func($read);

		$this->remember_wildcards($target, $names);

		return $names;
	}

	/**
	 * Remembers the wildcard names of an app (read by a listing made for another reason too).
	 *
	 * @param array $target The target.
	 * @param array $names  Wildcard names.
	 * @return void
	 */
	public function remember_wildcards(array $target, array $names): void {

		$cache = $this->read(self::OPTION_WILDCARDS);

		$cache[ RunCloud_Config::key($target) ] = [
			'at'    => $this->clock->now(),
			'names' => array_values($names),
		];

		$this->write(self::OPTION_WILDCARDS, $cache);
	}

	/*
	 * ---------------------------------------------------------------------------------------
	 * What the network-admin page shows: connection tests, drift checks, its queued actions.
	 * ---------------------------------------------------------------------------------------
	 */

	/**
	 * The last connection test of each app: 'SERVER:APP' => ['at', 'ok', 'api_version', 'auth',
	 * 'webapp', 'status', 'message'].
	 *
	 * @return array
	 */
	public function connection_results(): array {

		return $this->read(self::OPTION_CONNECTION);
	}

	/**
	 * Remembers connection test results (merged by app).
	 *
	 * @param array $results 'SERVER:APP' => result.
	 * @return void
	 */
	public function remember_connection(array $results): void {

		$this->write(self::OPTION_CONNECTION, array_merge($this->read(self::OPTION_CONNECTION), $results));
	}

	/**
	 * The last drift check of each app: 'SERVER:APP' => summary.
	 *
	 * @return array
	 */
	public function drift_summaries(): array {

		return $this->read(self::OPTION_DRIFT);
	}

	/**
	 * Remembers drift summaries (merged by app).
	 *
	 * @param array $summaries 'SERVER:APP' => summary.
	 * @return void
	 */
	public function remember_drift(array $summaries): void {

		$this->write(self::OPTION_DRIFT, array_merge($this->read(self::OPTION_DRIFT), $summaries));
	}

	/**
	 * The page's queued actions, oldest first.
	 *
	 * @return array
	 */
	public function admin_jobs(): array {

		return array_values($this->read(self::OPTION_ADMIN_JOBS));
	}

	/**
	 * Changes the page's queued actions (fresh read before the write).
	 *
	 * @param callable $change fn(array $jobs): array.
	 * @return array The new list.
	 */
	public function update_admin_jobs(callable $change): array {

		$jobs = array_values((array) call_user_func($change, array_values($this->read(self::OPTION_ADMIN_JOBS))));

		$this->write(self::OPTION_ADMIN_JOBS, $jobs);

		return $jobs;
	}
}
