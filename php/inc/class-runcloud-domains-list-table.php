<?php
/**
 * The RunCloud page's domains table, in WordPress's list-table idiom (views, search, paging,
 * row actions). Loaded by the page only (WP_List_Table is an admin class).
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Rows come from RunCloud_Domains_Table (the plugin's state, searched and paged on the server);
 * one column per web app says whether the name is on it and where its certificate stands.
 */
class RunCloud_Domains_List_Table extends \WP_List_Table {

	/**
	 * The data.
	 *
	 * @var RunCloud_Domains_Table
	 */
	private $data;

	/**
	 * The web apps ('SERVER:APP'), one column each.
	 *
	 * @var string[]
	 */
	private $targets;

	/**
	 * Whether Retry can run now.
	 *
	 * @var bool
	 */
	private $can_retry;

	/**
	 * Site id => "domain/path" of the sites on this page.
	 *
	 * @var array
	 */
	private $sites = [];

	/**
	 * The current view.
	 *
	 * @var string
	 */
	private $view = 'all';

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Domains_Table $data      The data.
	 * @param string[]               $targets   The web apps.
	 * @param bool                   $can_retry Whether Retry can run now.
	 */
	public function __construct(RunCloud_Domains_Table $data, array $targets, bool $can_retry) {

		parent::__construct(
			[
				'singular' => 'wu-runcloud-domain',
				'plural'   => 'wu-runcloud-domains',
				'ajax'     => false,
				'screen'   => function_exists('get_current_screen') && get_current_screen() ? get_current_screen() : 'wu-runcloud',
			]
		);

		$this->data      = $data;
		$this->targets   = array_values(array_unique(array_map('strval', $targets)));
		$this->can_retry = $can_retry;
	}

	/**
	 * The columns: domain, site, www, one per web app, last error.
	 *
	 * @return array
	 */
	public function get_columns() {

		$columns = [
			'name' => __('Domain', 'wu-runcloud'),
			'site' => __('Site', 'wu-runcloud'),
			'www'  => __('www', 'wu-runcloud'),
		];

		foreach ($this->targets as $key) {
			// translators: %s is a web app (SERVER:APP).
			$columns[ self::target_column($key) ] = sprintf(__('Web app %s', 'wu-runcloud'), $key);
		}

		$columns['error'] = __('Last error', 'wu-runcloud');

		return $columns;
	}

	/**
	 * Reads the page's rows (the request's search, view and page).
	 *
	 * @param array $query The request's query arguments.
	 * @return void
	 */
	public function prepare_items_from(array $query): void {

		$this->view = isset($query['view']) && isset(RunCloud_Domains_Table::VIEWS[ (string) $query['view'] ]) ? (string) $query['view'] : 'all';
		$per_page   = $this->get_items_per_page(RunCloud_Admin_Page::PER_PAGE_OPTION, RunCloud_Domains_Table::PER_PAGE);
		$result     = $this->data->query(
			[
				'search'   => isset($query['s']) ? sanitize_text_field((string) $query['s']) : '',
				'view'     => $this->view,
				'page'     => $this->get_pagenum(),
				'per_page' => $per_page,
			]
		);

		$this->items           = $result['rows'];
		$this->_column_headers = [$this->get_columns(), [], []];

		$this->set_pagination_args(
			[
				'total_items' => $result['total'],
				'per_page'    => $result['per_page'],
				'total_pages' => $result['pages'],
			]
		);

		$this->prime_sites();
	}

	/**
	 * The views (filter links) with their counts.
	 *
	 * @return array
	 */
	protected function get_views() {

		$labels = [
			'all'      => __('All', 'wu-runcloud'),
			'covered'  => __('Covered', 'wu-runcloud'),
			'pending'  => __('Pending', 'wu-runcloud'),
			'parked'   => __('Parked (waiting for DNS)', 'wu-runcloud'),
			'blocking' => __('Blocking', 'wu-runcloud'),
			'failed'   => __('Failed', 'wu-runcloud'),
			'errors'   => __('With an error', 'wu-runcloud'),
		];
		$views  = [];

		foreach ($this->data->view_counts() as $view => $count) {
			if ('all' !== $view && 0 === $count) {
				continue;
			}

			$views[ $view ] = sprintf(
				'<a href="%1$s"%2$s>%3$s <span class="count">(%4$s)</span></a>',
				esc_url(RunCloud_Admin_Page::url('all' === $view ? [] : ['view' => $view])),
				$view === $this->view ? ' class="current" aria-current="page"' : '',
				esc_html($labels[ $view ] ?? $view),
				esc_html(number_format_i18n($count))
			);
		}

		return $views;
	}

	/**
	 * Without rows.
	 *
	 * @return void
	 */
	public function no_items() {

		esc_html_e('No domain yet: mapped domains and new sites show here once they were sent to RunCloud.', 'wu-runcloud');
	}

	/**
	 * The domain, with its row actions (Retry; Dismiss while its failure notice shows).
	 *
	 * @param array $item The row.
	 * @return string
	 */
	protected function column_name($item) {

		$actions = [];

		if ($this->can_retry && $this->needs_retry($item)) {
			$actions['retry'] = sprintf('<a href="%1$s" class="wu-runcloud-retry" data-domain="%2$s">%3$s</a>', esc_url(RunCloud_Admin_Page::action_url('retry', $item['name'])), esc_attr($item['name']), esc_html__('Retry', 'wu-runcloud'));
		}

		if (null !== $item['error'] && ! $item['error']['dismissed']) {
			$actions['dismiss'] = sprintf('<a href="%1$s" class="wu-runcloud-dismiss" data-domain="%2$s">%3$s</a>', esc_url(RunCloud_Admin_Page::action_url('dismiss', (string) $item['error']['key'])), esc_attr($item['name']), esc_html__('Dismiss', 'wu-runcloud'));
		}

		return sprintf('<strong data-domain="%1$s">%2$s</strong>%3$s', esc_attr($item['name']), esc_html($item['name']), $this->row_actions($actions));
	}

	/**
	 * The site, linked to its network admin page.
	 *
	 * @param array $item The row.
	 * @return string
	 */
	protected function column_site($item) {

		$site = (int) $item['site'];

		if ($site <= 0) {
			return '&mdash;';
		}

		return sprintf('<a href="%1$s">%2$s</a>', esc_url(network_admin_url('site-info.php?id=' . $site)), esc_html($this->sites[ $site ] ?? '#' . $site));
	}

	/**
	 * Whether www.<name> is served too.
	 *
	 * @param array $item The row.
	 * @return string
	 */
	protected function column_www($item) {

		return $item['known'] ? esc_html($item['www'] ? __('yes', 'wu-runcloud') : __('no', 'wu-runcloud')) : '&mdash;';
	}

	/**
	 * The last error: the newest failure record in words, else the certificate's last reason.
	 *
	 * @param array $item The row.
	 * @return string
	 */
	protected function column_error($item) {

		if (null !== $item['error']) {
			return sprintf(
				'<span class="wu-runcloud-error">%1$s</span>%2$s%3$s',
				esc_html($item['error']['headline']),
				'' !== $item['error']['details'] ? '<br><small>' . esc_html($item['error']['details']) . '</small>' : '',
				$item['error']['dismissed'] ? ' <em>' . esc_html__('(dismissed)', 'wu-runcloud') . '</em>' : ''
			);
		}

		$reasons = [];

		foreach ($item['targets'] as $key => $t) {
			if (null !== $t['reason'] && '' !== (string) $t['reason'] && ! in_array($t['cert'], [RunCloud_State::CERT_COVERED, RunCloud_State::CERT_NONE, RunCloud_State::CERT_CUSTOM, RunCloud_State::CERT_AUTO], true)) {
				$reasons[] = (count($item['targets']) > 1 ? $key . ': ' : '') . RunCloud_Failure_Messages::sentence(RunCloud_Failure_Messages::technical_prefixes_out((string) $t['reason']));
			}
		}

		return $reasons ? '<small>' . esc_html(implode(' ', $reasons)) . '</small>' : '&mdash;';
	}

	/**
	 * A web app's column: on it or not, and its certificate state.
	 *
	 * @param array  $item        The row.
	 * @param string $column_name The column.
	 * @return string
	 */
	protected function column_default($item, $column_name) {

		foreach ($this->targets as $key) {
			if (self::target_column($key) !== $column_name) {
				continue;
			}

			$t = $item['targets'][ $key ] ?? null;

			if (null === $t) {
				return '<span class="wu-runcloud-cert" data-cert="none-known">' . esc_html__('Not on the app', 'wu-runcloud') . '</span>';
			}

			return sprintf(
				'<span class="wu-runcloud-present">%1$s</span><br><span class="wu-runcloud-cert" data-cert="%2$s">%3$s</span>',
				esc_html($t['present'] ? __('On the app', 'wu-runcloud') : __('Not on the app', 'wu-runcloud')),
				esc_attr((string) $t['cert']),
				esc_html((string) $t['state_label'])
			);
		}

		return '';
	}

	/**
	 * A web app's column name.
	 *
	 * @param string $key 'SERVER:APP'.
	 * @return string
	 */
	private static function target_column(string $key): string {

		return 'app_' . str_replace(':', '_', $key);
	}

	/**
	 * Whether Retry has something to do for a row: a failure, or a certificate not covered.
	 *
	 * @param array $item The row.
	 * @return bool
	 */
	private function needs_retry(array $item): bool {

		if (null !== $item['error'] || ! $item['known']) {
			return true;
		}

		foreach ($item['targets'] as $t) {
			if (in_array($t['cert'], [RunCloud_State::CERT_PENDING, RunCloud_State::CERT_PARKED, RunCloud_State::CERT_BLOCKING, RunCloud_State::CERT_FAILED], true) || ! $t['present']) {
				return true;
			}
		}

		return false;
	}

	/**
	 * Reads the page's sites at once (one query, not one per row).
	 *
	 * @return void
	 */
	private function prime_sites(): void {

		$ids = array_values(array_unique(array_filter(array_map('intval', array_column($this->items, 'site')))));

		if ( ! $ids || ! function_exists('get_sites')) {
			return;
		}

		foreach (get_sites(['site__in' => $ids, 'number' => count($ids)]) as $site) {
			$this->sites[ (int) $site->blog_id ] = untrailingslashit($site->domain . $site->path);
		}
	}
}
