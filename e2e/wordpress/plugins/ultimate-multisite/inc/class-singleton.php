<?php
/**
 * WP_Ultimo\Traits\Singleton: get_instance() creates the instance once and calls init().
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo\Traits;

defined('ABSPATH') || exit;

trait Singleton {

	/**
	 * The instance.
	 *
	 * @var object|null
	 */
	public static $instance;

	/**
	 * The instance, created (and initialised) on first call.
	 *
	 * @return static
	 */
	public static function get_instance() {

		if ( ! isset(static::$instance) || ! static::$instance instanceof static) {
			static::$instance = new static();
			static::$instance->init();
		}

		return static::$instance;
	}

	/**
	 * Runs once, after construction.
	 *
	 * @return void
	 */
	public function init() {

		$parent = get_parent_class($this);

		if ($parent && method_exists($parent, 'init')) {
			parent::init();
		}
	}
}
