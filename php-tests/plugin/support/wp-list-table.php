<?php
/**
 * A stand-in for WordPress's WP_List_Table, with the methods the plugin's list table calls and
 * markup close to WordPress's (ul.subsubsub views, p.search-box, table.wp-list-table with
 * tbody#the-list, td.column-<name>, div.row-actions), so the page renders in PHPUnit. Loaded
 * by the tests that render the page (real WordPress: e2e).
 *
 * Copies: WordPress 6.1's WP_List_Table (method names, properties, markup classes).
 *
 * @package WU_RunCloud_Stubs
 */

// phpcs:disable PSR2.Classes.PropertyDeclaration.Underscore -- WordPress's own property names ($_args, ...).

if ( ! class_exists('WP_List_Table')) {
	class WP_List_Table {

		public $items = [];

		protected $_args = [];

		protected $_pagination_args = [];

		protected $_column_headers;

		public function __construct($args = []) {
			$this->_args = (array) $args;
		}

		public function get_columns() {
			return [];
		}

		protected function get_views() {
			return [];
		}

		protected function get_items_per_page($option, $default = 20) {
			return (int) $default;
		}

		public function get_pagenum() {
			return max(1, (int) ($_REQUEST['paged'] ?? 1));
		}

		protected function set_pagination_args($args) {
			$this->_pagination_args = (array) $args;
		}

		public function get_pagination_arg($key) {
			return $this->_pagination_args[ $key ] ?? null;
		}

		public function views() {
			$views = $this->get_views();

			echo '<ul class="subsubsub">';

			foreach ($views as $class => $view) {
				echo '<li class="' . esc_attr($class) . '">' . $view . '</li>';
			}

			echo '</ul>';
		}

		public function search_box($text, $input_id) {
			echo '<p class="search-box"><label for="' . esc_attr($input_id) . '-search-input">' . esc_html($text) . '</label><input type="search" id="' . esc_attr($input_id) . '-search-input" name="s" value=""></p>';
		}

		protected function row_actions($actions, $always_visible = false) {
			if ( ! $actions) {
				return '';
			}

			$out = [];

			foreach ($actions as $action => $link) {
				$out[] = '<span class="' . esc_attr($action) . '">' . $link . '</span>';
			}

			return '<div class="row-actions">' . implode(' | ', $out) . '</div>';
		}

		public function no_items() {
			echo 'No items found.';
		}

		public function display() {
			$columns = $this->get_columns();

			echo '<span class="displaying-num">' . esc_html((string) ($this->_pagination_args['total_items'] ?? 0)) . ' items</span>';
			echo '<table class="wp-list-table widefat fixed striped"><thead><tr>';

			foreach ($columns as $name => $label) {
				echo '<th class="column-' . esc_attr($name) . '">' . esc_html($label) . '</th>';
			}

			echo '</tr></thead><tbody id="the-list">';

			if ( ! $this->items) {
				echo '<tr class="no-items"><td colspan="' . count($columns) . '">';
				$this->no_items();
				echo '</td></tr>';
			}

			foreach ($this->items as $item) {
				echo '<tr>';

				foreach (array_keys($columns) as $name) {
					$method = 'column_' . $name;

					echo '<td class="column-' . esc_attr($name) . '">' . (method_exists($this, $method) ? $this->$method($item) : $this->column_default($item, $name)) . '</td>';
				}

				echo '</tr>';
			}

			echo '</tbody></table>';
		}

		protected function column_default($item, $column_name) {
			return '';
		}
	}
}
