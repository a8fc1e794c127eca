<?php
/**
 * The time the plugin reads: the system clock, or a source set by tests and demos.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * One seam for "now": every timestamp the plugin stores or compares (next try, covered since,
 * certificate job) comes from here, so the retry schedule (days) can be run without waiting.
 */
class RunCloud_Clock {

	/**
	 * Returns the current unix time; null reads time().
	 *
	 * @var callable|null
	 */
	private $source;

	/**
	 * Constructor.
	 *
	 * @param callable|null $source Returns the current unix time (int); null: the system clock.
	 */
	public function __construct(?callable $source = null) {

		$this->source = $source;
	}

	/**
	 * Replaces the time source (tests, demos); null goes back to the system clock.
	 *
	 * @param callable|null $source Returns the current unix time.
	 * @return void
	 */
	public function set_source(?callable $source): void {

		$this->source = $source;
	}

	/**
	 * The current unix time.
	 *
	 * @return int
	 */
	public function now(): int {

		return null === $this->source ? time() : (int) call_user_func($this->source);
	}
}
