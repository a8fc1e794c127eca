<?php
/**
 * The WP_Ultimo class's public version constant (WP_Ultimo::VERSION since 2.1), which an
 * integration reads to know whether it supports this Ultimate Multisite.
 *
 * @package WU_RunCloud_E2E
 */

defined('ABSPATH') || exit;

/**
 * Ultimate Multisite's main class (only its version).
 */
final class WP_Ultimo {

	/**
	 * The version the stand-in presents (2.4.10 or 2.5.0, per wu_e2e_um_generation).
	 */
	const VERSION = WU_E2E_UM_VERSION;
}
