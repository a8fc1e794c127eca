<?php
/**
 * Ultimate Multisite's network admin menu (top-level slug `wp-ultimo`, where integrations add
 * their pages under it) with a plain list of domain mappings, so screenshots show what is mapped.
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo;

defined('ABSPATH') || exit;

/**
 * The menu and its page.
 */
final class Admin_Menu {

	/**
	 * Top-level menu slug (as in Ultimate Multisite).
	 */
	const SLUG = 'wp-ultimo';

	/**
	 * Hooks the menu.
	 *
	 * @return void
	 */
	public static function register(): void {

		\WP_Ultimo();

		add_action('network_admin_menu', [self::class, 'add_menu']);
	}

	/**
	 * Adds the top-level page.
	 *
	 * @return void
	 */
	public static function add_menu(): void {

		add_menu_page('Ultimate Multisite', 'Ultimate Multisite', 'manage_network', self::SLUG, [self::class, 'render'], 'dashicons-admin-multisite', 3);
		add_submenu_page(self::SLUG, 'Domains', 'Domains', 'manage_network', self::SLUG, [self::class, 'render']);
	}

	/**
	 * The domain mappings.
	 *
	 * @return void
	 */
	public static function render(): void {

		echo '<div class="wrap"><h1>Domains</h1><table class="widefat striped" id="wu-e2e-domains"><thead><tr><th>Domain</th><th>Site</th><th>Active</th><th>Stage</th></tr></thead><tbody>';

		foreach (wu_get_domains(['number' => 200]) as $domain) {
			printf(
				'<tr><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>',
				esc_html($domain->get_domain()),
				(int) $domain->get_site_id(),
				$domain->is_active() ? 'yes' : 'no',
				esc_html($domain->get_stage())
			);
		}

		echo '</tbody></table></div>';
	}
}
