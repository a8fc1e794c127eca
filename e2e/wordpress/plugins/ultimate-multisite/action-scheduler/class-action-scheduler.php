<?php
/**
 * Action Scheduler stand-in: the public classes code reads an action through,
 * `ActionScheduler::store()->fetch_action($id)` returning an object with get_hook(), get_args()
 * and get_group() (as ActionScheduler_Action in 3.9; a missing id gives an action whose hook is
 * empty, like ActionScheduler_NullAction).
 *
 * @package WU_RunCloud_E2E
 */

defined('ABSPATH') || exit;

/**
 * Action Scheduler's entry point (the part integrations use).
 */
final class ActionScheduler {

	/**
	 * The store.
	 *
	 * @return ActionScheduler_Store
	 */
	public static function store() {

		static $store;

		return $store ?? ($store = new ActionScheduler_Store());
	}
}

/**
 * The store, reading the actions table.
 */
class ActionScheduler_Store {

	/**
	 * One action.
	 *
	 * @param int|string $action_id The id.
	 * @return ActionScheduler_Action
	 */
	public function fetch_action($action_id) {

		global $wpdb;

		$row = $wpdb->get_row($wpdb->prepare("SELECT a.*, g.slug AS group_slug FROM {$wpdb->actionscheduler_actions} a LEFT JOIN {$wpdb->actionscheduler_groups} g ON a.group_id = g.group_id WHERE a.action_id = %d", (int) $action_id), ARRAY_A);

		if ( ! is_array($row)) {
			return new ActionScheduler_Action('', [], '');
		}

		return new ActionScheduler_Action((string) $row['hook'], WU_E2E_Action_Store::args($row), (string) $row['group_slug']);
	}
}

/**
 * One action.
 */
class ActionScheduler_Action {

	/**
	 * The hook.
	 *
	 * @var string
	 */
	private $hook;

	/**
	 * The arguments.
	 *
	 * @var array
	 */
	private $args;

	/**
	 * The group.
	 *
	 * @var string
	 */
	private $group;

	/**
	 * Constructor.
	 *
	 * @param string $hook  The hook.
	 * @param array  $args  The arguments.
	 * @param string $group The group.
	 */
	public function __construct($hook, array $args = [], $group = '') {

		$this->hook  = (string) $hook;
		$this->args  = $args;
		$this->group = (string) $group;
	}

	/**
	 * The hook.
	 *
	 * @return string
	 */
	public function get_hook() {

		return $this->hook;
	}

	/**
	 * The arguments.
	 *
	 * @return array
	 */
	public function get_args() {

		return $this->args;
	}

	/**
	 * The group.
	 *
	 * @return string
	 */
	public function get_group() {

		return $this->group;
	}
}
