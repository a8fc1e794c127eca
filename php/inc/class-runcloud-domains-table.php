<?php
/**
 * The data of the RunCloud page's domains table: what the plugin knows of each mapped name, per
 * web app, with its last error; searched, filtered and paged on the server.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Reads the plugin's state (RunCloud_Ssl_Report) and the failure records: never RunCloud. A
 * domain whose change failed before the plugin stored anything about it (an add RunCloud
 * refused, a change made while the extension was missing) is listed from its failure record.
 *
 * Cost per page, whatever the number of mappings: one read of the 16 state options and of the
 * failure records; words are built for the page's rows only.
 */
class RunCloud_Domains_Table {

	/**
	 * Views (the filter links above the table): view => certificate state ('' for none).
	 */
	const VIEWS = [
		'all'      => '',
		'covered'  => RunCloud_State::CERT_COVERED,
		'pending'  => RunCloud_State::CERT_PENDING,
		'parked'   => RunCloud_State::CERT_PARKED,
		'blocking' => RunCloud_State::CERT_BLOCKING,
		'failed'   => RunCloud_State::CERT_FAILED,
		'errors'   => '',
	];

	/**
	 * Rows per page by default, and at most.
	 */
	const PER_PAGE     = 50;
	const MAX_PER_PAGE = 500;

	/**
	 * The SSL report.
	 *
	 * @var RunCloud_Ssl_Report
	 */
	private $report;

	/**
	 * The failure records.
	 *
	 * @var RunCloud_Failure_Records
	 */
	private $records;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Ssl_Report      $report  The SSL report.
	 * @param RunCloud_Failure_Records $records The failure records.
	 */
	public function __construct(RunCloud_Ssl_Report $report, RunCloud_Failure_Records $records) {

		$this->report  = $report;
		$this->records = $records;
	}

	/**
	 * One page of rows.
	 *
	 * @param array $args 'search' (part of a name), 'view' (a key of VIEWS), 'page' (from 1),
	 *                    'per_page'.
	 * @return array{total: int, pages: int, page: int, per_page: int, rows: array}
	 *               Each row: 'name', 'site', 'www', 'known', 'op', 'targets' (per 'SERVER:APP':
	 *               'present', 'id', 'cert', 'label', 'state_label', 'reason', 'next_at'...),
	 *               'failures' (its records, newest first), 'error' (the newest record in
	 *               words, or null).
	 */
	public function query(array $args = []): array {

		$search   = strtolower(trim((string) ($args['search'] ?? '')));
		$view     = isset(self::VIEWS[ $args['view'] ?? '' ]) ? (string) $args['view'] : 'all';
		$per_page = max(1, min(self::MAX_PER_PAGE, (int) ($args['per_page'] ?? self::PER_PAGE)));
		$page     = max(1, (int) ($args['page'] ?? 1));
		$failures = $this->failures_by_domain();

		if ('errors' === $view) {
			$result = $this->report->select($search, '', array_keys($failures), ($page - 1) * $per_page, $per_page, true);
		} else {
			$result = $this->report->select($search, self::VIEWS[ $view ], 'all' === $view ? array_keys($failures) : [], ($page - 1) * $per_page, $per_page);
		}

		$rows = [];

		foreach ($result['rows'] as $row) {
			$records         = $failures[ $row['name'] ] ?? [];
			$row['failures'] = $records;
			$row['error']    = $records ? RunCloud_Failure_Messages::record($records[0]) + ['key' => $records[0]['key'], 'dismissed' => null !== $records[0]['dismissed']] : null;
			$rows[]          = $row;
		}

		return [
			'total'    => $result['total'],
			'pages'    => max(1, (int) ceil($result['total'] / $per_page)),
			'page'     => $page,
			'per_page' => $per_page,
			'rows'     => $rows,
		];
	}

	/**
	 * How many rows each view has.
	 *
	 * @return array<string, int> view => count.
	 */
	public function view_counts(): array {

		$counts   = $this->report->counts();
		$failures = $this->failures_by_domain();
		$known    = $this->report->select('', '', array_keys($failures), 0, 0, true)['total'];
		$views    = [];

		foreach (self::VIEWS as $view => $cert) {
			$views[ $view ] = '' === $cert ? 0 : (int) ($counts[ $cert ] ?? 0);
		}

		$views['errors'] = $known;
		$views['all']    = (int) $counts['all'] + count(array_diff_key($failures, $this->known_names(array_keys($failures))));

		return $views;
	}

	/**
	 * The failure records about a domain, newest first: domain => records.
	 *
	 * @return array<string, array>
	 */
	private function failures_by_domain(): array {

		$by = [];

		foreach (array_reverse($this->records->get()) as $record) {
			$domain = (string) ($record['domain'] ?? '');

			if ('' !== $domain) {
				$by[ $domain ][] = $record;
			}
		}

		ksort($by, SORT_NATURAL);

		return $by;
	}

	/**
	 * Which of these names the plugin's state knows.
	 *
	 * @param array $names Names.
	 * @return array name => true.
	 */
	private function known_names(array $names): array {

		$known = [];

		foreach ($this->report->select('', '', $names, 0, 0, true)['rows'] as $row) {
			if ($row['known']) {
				$known[ $row['name'] ] = true;
			}
		}

		return $known;
	}
}
