<?php
/**
 * The read side of the SSL lifecycle: per web app and per domain, what `wp runcloud status`
 * and the network-admin page show. Sends nothing to RunCloud.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Reads the remembered state (RunCloud_State) and words it for people.
 */
class RunCloud_Ssl_Report {

	/**
	 * The remembered state.
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The lifecycle (SSL mode).
	 *
	 * @var RunCloud_Ssl_Lifecycle
	 */
	private $lifecycle;

	/**
	 * The timing (next certificate job).
	 *
	 * @var RunCloud_Ssl_Schedule
	 */
	private $schedule;

	/**
	 * The names on the certificate.
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
	 * Constructor.
	 *
	 * @param RunCloud_State                 $state     The remembered state.
	 * @param RunCloud_Ssl_Lifecycle         $lifecycle The lifecycle.
	 * @param RunCloud_Ssl_Schedule          $schedule  The timing.
	 * @param RunCloud_Certificate_Inventory $inventory The names on the certificate.
	 * @param RunCloud_Clock                 $clock     The clock.
	 */
	public function __construct(RunCloud_State $state, RunCloud_Ssl_Lifecycle $lifecycle, RunCloud_Ssl_Schedule $schedule, RunCloud_Certificate_Inventory $inventory, RunCloud_Clock $clock) {

		$this->state     = $state;
		$this->lifecycle = $lifecycle;
		$this->schedule  = $schedule;
		$this->inventory = $inventory;
		$this->clock     = $clock;
	}

	/**
	 * One web app: its SSL mode (null: not known yet), the names its basic certificate would
	 * hold against the limit, the names blocking it, the next certificate job.
	 *
	 * @param array $target The target.
	 * @return array{key: string, mode: ?string, names: int, limit: int, warn_at: int, blocking: array, hold_until: ?int, last_job: ?array, next_job: ?int, inventory_at: ?int}
	 */
	public function target(array $target): array {

		$record    = $this->state->target($target);
		$inventory = $this->state->inventory($target);

		return [
			'key'          => RunCloud_Config::key($target),
			'mode'         => $this->lifecycle->mode($target),
			'names'        => RunCloud_Certificate_Names::count($this->inventory->records($target)),
			'limit'        => RunCloud_Certificate_Names::LIMIT,
			'warn_at'      => RunCloud_Certificate_Names::WARN_AT,
			'blocking'     => (array) $record['blocking'],
			'hold_until'   => is_array($record['hold']) ? (int) ($record['hold']['next_at'] ?? 0) : null,
			'last_job'     => is_array($record['job']) ? $record['job'] : null,
			'next_job'     => $this->schedule->next_due($target),
			'inventory_at' => null === $inventory ? null : (int) $inventory['at'],
		];
	}

	/**
	 * The domains the plugin manages, sorted by name, a page at a time.
	 *
	 * @param int    $offset First row.
	 * @param int    $limit  Rows (0: all).
	 * @param string $search Only names containing this.
	 * @param string $cert   Only names in this certificate state on some app (RunCloud_State::CERT_*), '' for all.
	 * @return array{total: int, rows: array<int, array{name: string, site: int, www: bool, known: bool, targets: array<string, array>}>}
	 */
	public function domains(int $offset = 0, int $limit = 0, string $search = '', string $cert = ''): array {

		return $this->select($search, $cert, [], $offset, $limit);
	}

	/**
	 * Like domains(), with more names merged into the sorted list (e.g. domains with a recorded
	 * failure the plugin never stored: a row with 'known' => false and no target entry). One read
	 * of the state; words are built for the page's rows only.
	 *
	 * @param string   $search Only names containing this (applies to $also too).
	 * @param string   $cert   A RunCloud_State::CERT_* state, or '' for all ($also only with '').
	 * @param string[] $also   More names.
	 * @param int      $offset First row.
	 * @param int      $limit  Rows (0: all).
	 * @param bool     $only   Only the names of $also (known or not).
	 * @return array{total: int, rows: array}
	 */
	public function select(string $search, string $cert, array $also, int $offset, int $limit, bool $only = false): array {

		$entries = $this->matching($search, $cert);
		$needle  = strtolower(trim($search));

		if ($only) {
			$entries = array_intersect_key($entries, array_flip(array_map([RunCloud_Config::class, 'normalize'], array_map('strval', $also))));
		}

		if ('' === $cert) {
			foreach ($also as $name) {
				$name = RunCloud_Config::normalize((string) $name);

				if ('' !== $name && ! isset($entries[ $name ]) && ('' === $needle || false !== strpos($name, $needle))) {
					$entries[ $name ] = null;
				}
			}

			ksort($entries, SORT_NATURAL);
		}

		$page = array_slice($entries, max(0, $offset), $limit > 0 ? $limit : null, true);

		return [
			'total' => count($entries),
			'rows'  => $this->rows_of($page),
		];
	}

	/**
	 * How many names the plugin manages, in all and per certificate state (a name counts once
	 * per state it has on some app).
	 *
	 * @return array<string, int> 'all' => n, state => n.
	 */
	public function counts(): array {

		$counts = ['all' => 0];

		foreach ($this->state->entries() as $entry) {
			++$counts['all'];

			$states = [];

			foreach ((array) ($entry['t'] ?? []) as $t) {
				$states[ RunCloud_State::complete($t)['cert'] ] = true;
			}

			foreach (array_keys($states) as $cert) {
				$counts[ $cert ] = ($counts[ $cert ] ?? 0) + 1;
			}
		}

		return $counts;
	}

	/**
	 * The entries matching a search and a certificate state, by name (sorted).
	 *
	 * @param string $search Only names containing this.
	 * @param string $cert   A RunCloud_State::CERT_* state, or ''.
	 * @return array<string, array>
	 */
	private function matching(string $search, string $cert): array {

		$search  = strtolower(trim($search));
		$entries = $this->state->entries();

		if ('' === $search && '' === $cert) {
			return $entries;
		}

		return array_filter(
			$entries,
			static function ($entry, $name) use ($search, $cert) {
				if ('' !== $search && false === strpos((string) $name, $search)) {
					return false;
				}

				if ('' === $cert) {
					return true;
				}

				foreach ((array) ($entry['t'] ?? []) as $t) {
					if (RunCloud_State::complete($t)['cert'] === $cert) {
						return true;
					}
				}

				return false;
			},
			ARRAY_FILTER_USE_BOTH
		);
	}

	/**
	 * Rows of entries, with each target entry completed and worded.
	 *
	 * @param array $entries name => entry (null: a name the plugin does not know).
	 * @return array
	 */
	private function rows_of(array $entries): array {

		$rows  = [];
		$holds = [];

		foreach ($entries as $name => $entry) {
			$targets = [];

			foreach ((array) ($entry['t'] ?? []) as $key => $t) {
				$t = RunCloud_State::complete($t);

				if ( ! isset($holds[ $key ])) {
					$ids            = array_map('intval', explode(':', (string) $key) + [1 => 0]);
					$hold           = $this->state->target(['server_id' => $ids[0], 'app_id' => $ids[1]])['hold'];
					$holds[ $key ]  = is_array($hold) ? (int) ($hold['next_at'] ?? 0) : 0;
				}

				$targets[ (string) $key ] = $t + [
					'label'       => $this->describe($t, $holds[ $key ]),
					'state_label' => $this->state_words($t, $holds[ $key ]),
				];
			}

			$rows[] = [
				'name'    => (string) $name,
				'site'    => (int) ($entry['site'] ?? 0),
				'www'     => ! empty($entry['www']),
				'known'   => null !== $entry,
				'op'      => (string) ($entry['op'] ?? ''),
				'targets' => $targets,
			];
		}

		return $rows;
	}

	/**
	 * One target entry in words: "covered", "pending, next try in 4 min (try 2 of 12): reason"...
	 *
	 * @param array $t          A complete target entry.
	 * @param int   $held_until When a blocking name's hold on the app's certificate ends (0: none).
	 * @return string
	 */
	public function describe(array $t, int $held_until = 0): string {

		$reason = null !== $t['reason'] && '' !== (string) $t['reason'] ? ': ' . $t['reason'] : '';

		return $this->state_words($t, $held_until) . (in_array($t['cert'], [RunCloud_State::CERT_PENDING, RunCloud_State::CERT_PARKED, RunCloud_State::CERT_BLOCKING, RunCloud_State::CERT_FAILED], true) ? $reason : '');
	}

	/**
	 * One target entry's state in words, without its reason: "pending, next try in 4 min (1 of
	 * 12 tries failed)".
	 *
	 * @param array $t          A complete target entry.
	 * @param int   $held_until When a blocking name's hold on the app's certificate ends (0: none).
	 * @return string
	 */
	public function state_words(array $t, int $held_until = 0): string {

		$now   = $this->clock->now();
		$next  = '';
		$tries = '';

		if (null !== $t['next_at']) {
			// When it is really tried: not before Let's Encrypt's hourly limit allows, nor, on the
			// app, before a blocking name's hold ends.
			$at = RunCloud_Ssl_Schedule::earliest_try((array) $t['tries_at'], (int) $t['next_at']);
			$at = $t['present'] ? max($at, $held_until) : $at;
			// translators: %s is a duration such as "4 min".
			$next = $at <= $now ? __(', next try now', 'wu-runcloud') : sprintf(__(', next try in %s', 'wu-runcloud'), RunCloud_Ssl_Schedule::human_delay($at - $now));
		}

		if ((int) $t['attempt'] > 0) {
			// translators: %1$d is a number of tries that failed, %2$d the tries in all.
			$tries = sprintf(__(' (%1$d of %2$d tries failed)', 'wu-runcloud'), (int) $t['attempt'], RunCloud_Ssl_Schedule::max_tries());
		}

		switch ($t['cert']) {
			case RunCloud_State::CERT_COVERED:
				return __('covered', 'wu-runcloud');
			case RunCloud_State::CERT_PENDING:
				return __('pending', 'wu-runcloud') . $next . $tries;
			case RunCloud_State::CERT_PARKED:
				if ( ! empty($t['over_limit'])) {
					return __('parked: no room on the certificate (100 names), added when there is room', 'wu-runcloud') . $next . $tries;
				}

				if ( ! empty($t['not_added'])) {
					// Off the app because adding it failed (or never happened), not because of its DNS.
					return __('not on the app: the certificate job adds it', 'wu-runcloud') . $next . $tries;
				}

				return __('parked, waiting for DNS (not on the app)', 'wu-runcloud') . $next . $tries;
			case RunCloud_State::CERT_BLOCKING:
				return __('blocking the certificate', 'wu-runcloud');
			case RunCloud_State::CERT_FAILED:
				return __('failed after the last try', 'wu-runcloud');
			case RunCloud_State::CERT_NONE:
				return __('none (the web app has no certificate)', 'wu-runcloud');
			case RunCloud_State::CERT_CUSTOM:
				return __('custom certificate (its owner renews it)', 'wu-runcloud');
			case RunCloud_State::CERT_AUTO:
				return __('auto (RunCloud issues it: autoSSL)', 'wu-runcloud');
		}

		return (string) $t['cert'];
	}

}
