<?php
/**
 * Minimal stand-ins for the WordPress functions the plugin uses: hooks (with WP_Hook's
 * $wp_filter[$hook]->callbacks layout), network options, escaping, WP_Error, JSON answers,
 * sites and network.
 *
 * Copies: WordPress 6.1 (Debian 12's `wordpress` package, the version the e2e runs); each
 * function has 6.1's signature up to the last parameter the plugin passes (checked against
 * /usr/share/wordpress). The plugin itself needs WordPress 5.3 or later.
 *
 * @package WU_RunCloud_Stubs
 */

use WU_RunCloud_Stubs\State;

defined('ABSPATH') || define('ABSPATH', '/var/www/network/');

if ( ! class_exists('WP_Hook')) {
	/**
	 * Same public layout as WordPress: callbacks[priority][id] = ['function', 'accepted_args'].
	 */
	final class WP_Hook {

		/** @var array */
		public $callbacks = [];

		public function add_filter($hook_name, $callback, $priority, $accepted_args): void {
			$this->callbacks[ $priority ][ _wp_filter_build_unique_id($hook_name, $callback, $priority) ] = [
				'function'      => $callback,
				'accepted_args' => $accepted_args,
			];
			ksort($this->callbacks, SORT_NUMERIC);
		}

		public function remove_filter($hook_name, $callback, $priority): bool {
			$id = _wp_filter_build_unique_id($hook_name, $callback, $priority);

			if ( ! isset($this->callbacks[ $priority ][ $id ])) {
				return false;
			}

			unset($this->callbacks[ $priority ][ $id ]);

			if ( ! $this->callbacks[ $priority ]) {
				unset($this->callbacks[ $priority ]);
			}

			return true;
		}

		public function has_filter($hook_name = '', $callback = false) {
			if (false === $callback) {
				return (bool) $this->callbacks;
			}

			foreach ($this->callbacks as $priority => $callbacks) {
				if (isset($callbacks[ _wp_filter_build_unique_id($hook_name, $callback, $priority) ])) {
					return $priority;
				}
			}

			return false;
		}

		/**
		 * Runs callbacks in priority order; one removed while the hook runs is not called.
		 */
		public function apply_filters($value, array $args) {
			$priorities = array_keys($this->callbacks);
			sort($priorities, SORT_NUMERIC);

			foreach ($priorities as $priority) {
				foreach (array_keys($this->callbacks[ $priority ] ?? []) as $id) {
					if ( ! isset($this->callbacks[ $priority ][ $id ])) {
						continue;
					}

					$callback = $this->callbacks[ $priority ][ $id ];
					$args[0]  = $value;
					$value    = call_user_func_array($callback['function'], array_slice($args, 0, (int) $callback['accepted_args']));
				}
			}

			return $value;
		}

		public function do_action(array $args): void {
			$priorities = array_keys($this->callbacks);
			sort($priorities, SORT_NUMERIC);

			foreach ($priorities as $priority) {
				foreach (array_keys($this->callbacks[ $priority ] ?? []) as $id) {
					if ( ! isset($this->callbacks[ $priority ][ $id ])) {
						continue;
					}

					$callback = $this->callbacks[ $priority ][ $id ];

					call_user_func_array($callback['function'], array_slice($args, 0, (int) $callback['accepted_args']));
				}
			}
		}
	}

	function _wp_filter_build_unique_id($hook_name, $callback, $priority) {
		if (is_string($callback)) {
			return $callback;
		}

		if (is_object($callback)) {
			$callback = [$callback, ''];
		} else {
			$callback = (array) $callback;
		}

		if (is_object($callback[0])) {
			return spl_object_hash($callback[0]) . $callback[1];
		}

		return $callback[0] . '::' . $callback[1];
	}

	function add_filter($hook_name, $callback, $priority = 10, $accepted_args = 1) {
		global $wp_filter;

		if ( ! isset($wp_filter[ $hook_name ])) {
			$wp_filter[ $hook_name ] = new WP_Hook();
		}

		$wp_filter[ $hook_name ]->add_filter($hook_name, $callback, $priority, $accepted_args);

		return true;
	}

	function add_action($hook_name, $callback, $priority = 10, $accepted_args = 1) {
		return add_filter($hook_name, $callback, $priority, $accepted_args);
	}

	function remove_filter($hook_name, $callback, $priority = 10) {
		global $wp_filter;

		return isset($wp_filter[ $hook_name ]) && $wp_filter[ $hook_name ]->remove_filter($hook_name, $callback, $priority);
	}

	function remove_action($hook_name, $callback, $priority = 10) {
		return remove_filter($hook_name, $callback, $priority);
	}

	function has_filter($hook_name, $callback = false) {
		global $wp_filter;

		return isset($wp_filter[ $hook_name ]) ? $wp_filter[ $hook_name ]->has_filter($hook_name, $callback) : false;
	}

	function has_action($hook_name, $callback = false) {
		return has_filter($hook_name, $callback);
	}

	function apply_filters($hook_name, $value, ...$args) {
		global $wp_filter;

		if ( ! isset($wp_filter[ $hook_name ])) {
			return $value;
		}

		array_unshift($args, $value);

		return $wp_filter[ $hook_name ]->apply_filters($value, $args);
	}

	function do_action($hook_name, ...$args) {
		global $wp_filter;

		State::$did[ $hook_name ] = (State::$did[ $hook_name ] ?? 0) + 1;

		if (isset($wp_filter[ $hook_name ])) {
			$wp_filter[ $hook_name ]->do_action($args);
		}
	}

	function do_action_ref_array($hook_name, $args) {
		do_action($hook_name, ...array_values((array) $args));
	}

	function did_action($hook_name) {
		return State::$did[ $hook_name ] ?? 0;
	}
}

if ( ! function_exists('get_network_option')) {
	function get_network_option($network_id, $option, $default = false) {
		return array_key_exists($option, State::$network_options) ? State::$network_options[ $option ] : $default;
	}

	function update_network_option($network_id, $option, $value) {
		State::$network_options[ $option ] = $value;

		return true;
	}

	function delete_network_option($network_id, $option) {
		unset(State::$network_options[ $option ]);

		return true;
	}

	function get_site_option($option, $default = false) {
		return get_network_option(null, $option, $default);
	}

	function update_site_option($option, $value) {
		return update_network_option(null, $option, $value);
	}
}

if ( ! function_exists('__')) {
	function __($text, $domain = 'default') {
		return $text;
	}

	function esc_html($text) {
		return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8');
	}

	function esc_attr($text) {
		return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8');
	}

	function current_user_can($capability, ...$args) {
		return ! in_array($capability, State::$denied_caps, true);
	}

	function is_admin() {
		return State::$is_admin;
	}

	function wp_doing_ajax() {
		return State::$doing_ajax;
	}

	function wp_doing_cron() {
		return false;
	}

	function wp_json_encode($data, $options = 0, $depth = 512) {
		return json_encode($data, $options, $depth);
	}

	function shortcode_atts($pairs, $atts, $shortcode = '') {
		$out = [];

		foreach ($pairs as $name => $default) {
			$out[ $name ] = array_key_exists($name, (array) $atts) ? $atts[ $name ] : $default;
		}

		return $out;
	}

	/**
	 * Records the answer (WordPress would print it and die: callers return right after).
	 */
	function wp_send_json_success($data = null, $status_code = null, $options = 0) {
		State::$json[] = ['success' => true, 'data' => $data];
	}

	function wp_send_json_error($data = null, $status_code = null, $options = 0) {
		State::$json[] = ['success' => false, 'data' => $data];
	}

	function is_subdomain_install() {
		return State::$subdomain_install;
	}

	function get_current_network_id() {
		return 1;
	}

	function get_network($network = null) {
		return (object) ['id' => 1, 'domain' => State::$network_domain, 'path' => '/'];
	}

	function get_sites($args = []) {
		return array_values(State::$sites);
	}
}

if ( ! class_exists('WP_Error')) {
	class WP_Error {

		public $errors = [];

		public $error_data = [];

		public function __construct($code = '', $message = '', $data = '') {
			if ('' !== $code) {
				$this->errors[ $code ][] = $message;

				if ('' !== $data) {
					$this->error_data[ $code ] = $data;
				}
			}
		}

		public function get_error_code() {
			$codes = array_keys($this->errors);

			return $codes[0] ?? '';
		}

		public function get_error_message($code = '') {
			$code = '' === $code ? $this->get_error_code() : $code;

			return $this->errors[ $code ][0] ?? '';
		}

		public function get_error_data($code = '') {
			$code = '' === $code ? $this->get_error_code() : $code;

			return $this->error_data[ $code ] ?? null;
		}
	}

	function is_wp_error($thing) {
		return $thing instanceof WP_Error;
	}
}

if ( ! function_exists('esc_url')) {
	/*
	 * The admin side: escaping, translation helpers, nonces (valid when made by wp_create_nonce()
	 * for the same action, unless State::$nonces_valid is false), redirects and the menu, recorded
	 * in State.
	 */
	function esc_url($url) {
		return htmlspecialchars((string) $url, ENT_QUOTES, 'UTF-8');
	}

	function esc_html__($text, $domain = 'default') {
		return esc_html($text);
	}

	function esc_html_e($text, $domain = 'default') {
		echo esc_html($text);
	}

	function esc_attr__($text, $domain = 'default') {
		return esc_attr($text);
	}

	function _n($single, $plural, $number, $domain = 'default') {
		return 1 === (int) $number ? $single : $plural;
	}

	function admin_url($path = '') {
		return 'https://network.test/wp-admin/' . ltrim((string) $path, '/');
	}

	function network_admin_url($path = '') {
		return 'https://network.test/wp-admin/network/' . ltrim((string) $path, '/');
	}

	function add_query_arg($args, $url) {
		return $url . (false === strpos($url, '?') ? '?' : '&') . http_build_query($args, '', '&', PHP_QUERY_RFC3986);
	}

	function wp_create_nonce($action = -1) {
		return substr(md5('nonce|' . $action), 0, 10);
	}

	function wp_verify_nonce($nonce, $action = -1) {
		return State::$nonces_valid && hash_equals(wp_create_nonce($action), (string) $nonce) ? 1 : false;
	}

	function check_ajax_referer($action = -1, $query_arg = false, $stop = true) {
		$nonce = (string) ($_REQUEST[ $query_arg ?: '_ajax_nonce' ] ?? '');

		return wp_verify_nonce($nonce, $action);
	}

	function wp_nonce_field($action = -1, $name = '_wpnonce', $referer = true, $echo = true) {
		$field = '<input type="hidden" name="' . esc_attr($name) . '" value="' . esc_attr(wp_create_nonce($action)) . '">';

		if ($echo) {
			echo $field;
		}

		return $field;
	}

	function sanitize_key($key) {
		return preg_replace('/[^a-z0-9_\-]/', '', strtolower((string) $key));
	}

	function sanitize_text_field($text) {
		return trim(preg_replace('/[\r\n\t ]+/', ' ', strip_tags((string) $text)));
	}

	function wp_unslash($value) {
		return $value;
	}

	function wp_parse_url($url, $component = -1) {
		return parse_url((string) $url, $component);
	}

	function get_current_user_id() {
		return 1;
	}

	function wp_rand($min = 0, $max = 0) {
		return random_int(0, PHP_INT_MAX);
	}

	function number_format_i18n($number, $decimals = 0) {
		return number_format((float) $number, (int) $decimals);
	}

	function untrailingslashit($value) {
		return rtrim((string) $value, '/\\');
	}

	function human_time_diff($from, $to = 0) {
		return sprintf('%d secs', abs((int) $to - (int) $from));
	}

	function wp_date($format, $timestamp = null) {
		return gmdate($format, (int) $timestamp);
	}

	function is_network_admin() {
		return State::$is_network_admin;
	}

	function menu_page_url($menu_slug, $display = true) {
		return isset(State::$menu[ $menu_slug ]) ? esc_url(network_admin_url(('settings.php' === State::$menu[ $menu_slug ]['parent'] ? 'settings.php' : 'admin.php') . '?page=' . $menu_slug)) : '';
	}

	function add_submenu_page($parent_slug, $page_title, $menu_title, $capability, $menu_slug, $callback = '', $position = null) {
		State::$menu[ $menu_slug ] = ['parent' => $parent_slug, 'title' => $page_title, 'capability' => $capability, 'callback' => $callback];

		return $parent_slug . '_page_' . $menu_slug;
	}

	function add_screen_option($option, $args = []) {}

	function wp_safe_redirect($location, $status = 302) {
		State::$redirects[] = $location;

		return true;
	}

	function wp_die($message = '', $title = '', $args = []) {
		throw new \WU_RunCloud_Stubs\Died((string) $message, (int) ($args['response'] ?? 500));
	}

}
