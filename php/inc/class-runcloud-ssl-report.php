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
	 * @return array{total: int, rows: array<int, array{name: string, site: int, www: bool, targets: array<string, array>}>}
	 */
	public function domains(int $offset = 0, int $limit = 0, string $search = ''): array {

		$search  = strtolower(trim($search));
		$entries = $this->state->entries();

		if ('' !== $search) {
			$entries = array_filter(
				$entries,
				static function ($name) use ($search) {
					return false !== strpos((string) $name, $search);
				},
				ARRAY_FILTER_USE_KEY
			);
		}

		$total = count($entries);
		$page  = array_slice($entries, max(0, $offset), $limit > 0 ? $limit : null, true);
		$rows  = [];

		foreach ($page as $name => $entry) {
			$targets = [];

			foreach ((array) ($entry['t'] ?? []) as $key => $t) {
				$t = RunCloud_State::complete($t);

				$targets[ (string) $key ] = $t + ['label' => $this->describe($t)];
			}

			$rows[] = [
				'name'    => (string) $name,
				'site'    => (int) ($entry['site'] ?? 0),
				'www'     => ! empty($entry['www']),
				'targets' => $targets,
			];
		}

		return [
			'total' => $total,
			'rows'  => $rows,
		];
	}

	/**
	 * One target entry in words: "covered", "pending, next try in 4 min (try 2 of 12): reason"...
	 *
	 * @param array $t A complete target entry.
	 * @return string
	 */
	public function describe(array $t): string {

		$now    = $this->clock->now();
		$next   = null === $t['next_at'] ? '' : ((int) $t['next_at'] <= $now ? ', next try now' : ', next try in ' . RunCloud_Ssl_Schedule::human_delay((int) $t['next_at'] - $now));
		$tries  = (int) $t['attempt'] > 0 ? sprintf(' (%d of %d tries failed)', (int) $t['attempt'], RunCloud_Ssl_Schedule::max_tries()) : '';
		$reason = null !== $t['reason'] && '' !== (string) $t['reason'] ? ': ' . $t['reason'] : '';

		switch ($t['cert']) {
			case RunCloud_State::CERT_COVERED:
				return 'covered';
			case RunCloud_State::CERT_PENDING:
				return 'pending' . $next . $tries . $reason;
			case RunCloud_State::CERT_PARKED:
				return 'parked, waiting for DNS (not on the app)' . $next . $tries . $reason;
			case RunCloud_State::CERT_BLOCKING:
				return 'blocking the certificate' . $reason;
			case RunCloud_State::CERT_FAILED:
				return 'failed after the last try' . $reason;
			case RunCloud_State::CERT_NONE:
				return 'none (the web app has no certificate)';
			case RunCloud_State::CERT_CUSTOM:
				return 'custom certificate (its owner renews it)';
			case RunCloud_State::CERT_AUTO:
				return 'auto (RunCloud issues it: autoSSL)';
		}

		return (string) $t['cert'];
	}
}
