<?php
/**
 * WP_Ultimo\Admin_Notices: notices added during a request, shown on the admin panel they name.
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo;

defined('ABSPATH') || exit;

/**
 * Collects notices and prints them in WordPress's notice markup.
 */
class Admin_Notices {

	/**
	 * Notices by panel ('network-admin', 'admin', 'user').
	 *
	 * @var array
	 */
	private $notices = [];

	/**
	 * Hooks the printers.
	 */
	public function __construct() {

		add_action('network_admin_notices', [$this, 'print_network_admin']);
	}

	/**
	 * Adds a notice (Ultimate Multisite's signature).
	 *
	 * @param string       $message         The text.
	 * @param string       $type            success, info, warning or error.
	 * @param string       $panel           Where it shows.
	 * @param string|false $dismissible_key Key of a dismissible notice.
	 * @param array        $actions         Buttons (title, url).
	 * @return void
	 */
	public function add($message, $type = 'success', $panel = 'admin', $dismissible_key = false, $actions = []) {

		$this->notices[ $panel ][] = [
			'message' => (string) $message,
			'type'    => (string) $type,
			'key'     => (string) $dismissible_key,
		];
	}

	/**
	 * Prints the network admin notices.
	 *
	 * @return void
	 */
	public function print_network_admin() {

		foreach ($this->notices['network-admin'] ?? [] as $notice) {
			printf('<div class="notice notice-%s" data-um-notice="%s"><p>%s</p></div>', esc_attr($notice['type']), esc_attr($notice['key']), esc_html($notice['message']));
		}
	}
}
