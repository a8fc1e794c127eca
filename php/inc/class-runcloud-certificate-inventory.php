<?php
/**
 * The names a web app's whole-app certificate would hold, counted without a listing per job,
 * and Let's Encrypt's 100-name limit.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * The app's domain list as last read (a listing only when it is stale: INVENTORY_TTL, or
 * NEAR_LIMIT_TTL once the count reaches the warning), with the plugin's own changes since (names
 * it added or took off, from the name entries). From RunCloud_Certificate_Names::WARN_AT names
 * the operator is warned; over LIMIT nothing is sent and it is reported.
 */
class RunCloud_Certificate_Inventory {

	/**
	 * Seconds the app's domain list (the names counted against 100) is trusted (filter wu_runcloud_inventory_ttl).
	 */
	const INVENTORY_TTL = 3600;

	/**
	 * Once the count reaches the warning, a remembered domain list older than this (seconds) is read again.
	 */
	const NEAR_LIMIT_TTL = 300;

	/**
	 * The configuration (native options).
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * The remembered state.
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The clock.
	 *
	 * @var RunCloud_Clock
	 */
	private $clock;

	/**
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * The notices (records that go with their cause).
	 *
	 * @var RunCloud_Admin_Notices
	 */
	private $notices;

	/**
	 * The failure policy (reports the warning and the limit).
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Config         $config  The configuration.
	 * @param RunCloud_State          $state   The remembered state.
	 * @param RunCloud_Clock          $clock   The clock.
	 * @param RunCloud_Logger         $logger  The logger.
	 * @param RunCloud_Admin_Notices  $notices The notices.
	 * @param RunCloud_Failure_Policy $policy  The failure policy.
	 */
	public function __construct(RunCloud_Config $config, RunCloud_State $state, RunCloud_Clock $clock, RunCloud_Logger $logger, RunCloud_Admin_Notices $notices, RunCloud_Failure_Policy $policy) {

		$this->config  = $config;
		$this->state   = $state;
		$this->clock   = $clock;
		$this->logger  = $logger;
		$this->notices = $notices;
		$this->policy  = $policy;
	}

	/**
	 * Whether the remembered domain list of the app is missing or older than its TTL.
	 *
	 * @param array    $target The target.
	 * @param int|null $ttl    Seconds (default: filter wu_runcloud_inventory_ttl).
	 * @return bool
	 */
	public function stale(array $target, ?int $ttl = null): bool {

		$inventory = $this->state->inventory($target);

		/**
		 * Filters how long (seconds) the plugin trusts the domain list it read from a web app
		 * (names counted against Let's Encrypt's 100, names a refusal may blame). Changes the
		 * plugin makes itself are tracked without reading the list again.
		 *
		 * @param int $seconds Default 3600.
		 */
		$ttl = $ttl ?? (int) apply_filters('wu_runcloud_inventory_ttl', self::INVENTORY_TTL);
		$now = $this->clock->now();

		return null === $inventory || $now - (int) $inventory['at'] >= $ttl || (int) $inventory['at'] > $now;
	}

	/**
	 * Reads (or takes) the app's domain list and remembers it, with its wildcard names.
	 *
	 * @param array      $target  The target.
	 * @param array|null $records Native domain arrays when the caller listed them already.
	 * @return array The inventory.
	 */
	public function refresh(array $target, ?array $records = null): array {

		$records = $records ?? wu_runcloud_list_domains($this->config->options($target));

		$this->state->remember_wildcards($target, RunCloud_Domain_Operations::wildcard_names($records));

		return $this->state->set_inventory($target, $records);
	}

	/**
	 * The records a basic certificate of $target would hold now: the remembered domain list,
	 * with the plugin's own changes since (names it added, names it took off).
	 *
	 * @param array $target The target.
	 * @return array name => ['www' => bool, 'wildcard' => bool].
	 */
	public function records(array $target): array {

		$key       = RunCloud_Config::key($target);
		$inventory = $this->state->inventory($target);
		$records   = [];

		foreach ((array) ($inventory['records'] ?? []) as $name => $record) {
			$records[ (string) $name ] = [
				'www'      => ! empty($record['www']),
				'wildcard' => ! empty($record['wildcard']),
			];
		}

		foreach ($this->state->entries_on($target) as $name => $entry) {
			$t = RunCloud_State::complete($entry['t'][ $key ]);

			if ($t['present']) {
				$records[ $name ] = [
					'www'      => ! empty($entry['www']) || ! empty($records[ $name ]['www']),
					'wildcard' => ! empty($records[ $name ]['wildcard']),
				];
			} else {
				unset($records[ $name ]);
			}
		}

		ksort($records, SORT_STRING);

		return $records;
	}

	/**
	 * After an add that left its certificate to the job: reads the app's domain list when the
	 * one remembered is stale, so the job counts names without a listing. This happens at the
	 * first add of a burst, when the app holds the fewest records (the fewest pages). Never
	 * throws: the job reads the list itself if this fails.
	 *
	 * @param array $target The target.
	 * @return void
	 */
	public function refresh_if_stale(array $target): void {

		if ( ! $this->stale($target)) {
			return;
		}

		try {
			$this->refresh($target);
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			$this->logger->warning(sprintf('Could not read the domains of %s after an add (%s): the certificate job reads them.', RunCloud_Config::key($target), $e->getMessage()));
		}
	}

	/**
	 * The records the certificate would hold: the remembered domain list (read again when stale,
	 * or when near the limit and older than NEAR_LIMIT_TTL) and the plugin's own changes.
	 *
	 * @param array $target The target.
	 * @return array name => ['www', 'wildcard'].
	 */
	public function counted_records(array $target): array {

		if ($this->stale($target)) {
			$this->refresh($target);
		}

		$records = $this->records($target);

		if (RunCloud_Certificate_Names::count($records) >= RunCloud_Certificate_Names::WARN_AT && $this->stale($target, self::NEAR_LIMIT_TTL)) {
			$this->refresh($target);

			$records = $this->records($target);
		}

		return $records;
	}

	/**
	 * Records the name count; warns from WARN_AT; false over LIMIT (reported, nothing sent).
	 * Names kept off the app for want of room (RunCloud_Certificate_Refusal::make_room()) keep
	 * the limit's notice up, naming them, while the rest is redeployed.
	 *
	 * @param array    $target   The target.
	 * @param int      $count    Names the certificate would hold.
	 * @param string[] $kept_off Names waiting off the app for room on the certificate.
	 * @return bool Whether a redeploy may be sent.
	 */
	public function within_limit(array $target, int $count, array $kept_off = []): bool {

		$key   = RunCloud_Config::key($target);
		$now   = $this->clock->now();
		$prior = $this->state->target($target)['names'];

		$this->state->update_target(
			$target,
			static function (array $record) use ($count, $now): array {
				$record['names']    = $count;
				$record['names_at'] = $now;

				return $record;
			}
		);

		if ($count > RunCloud_Certificate_Names::LIMIT) {
			$this->notices->resolve(RunCloud_Admin_Notices::KIND_NAMES_WARNING, $key);
			$this->policy->report(
				RunCloud_Admin_Notices::KIND_NAMES_LIMIT,
				sprintf('The SSL certificate of web app %s would hold %d names (a domain with www counts twice): Let\'s Encrypt allows %d, so it was not redeployed and new domains wait.', $key, $count, RunCloud_Certificate_Names::LIMIT),
				'Switch the web app to advanced (per-domain) SSL in RunCloud (Web Application > SSL/TLS), the way past 100 names, or remove unused domains.',
				$key,
				null,
				sprintf('%d names', $count),
				'error',
				$count
			);

			return false;
		}

		if ($kept_off) {
			sort($kept_off);
			$this->notices->resolve(RunCloud_Admin_Notices::KIND_NAMES_WARNING, $key);
			$this->policy->report(
				RunCloud_Admin_Notices::KIND_NAMES_LIMIT,
				sprintf('The SSL certificate of web app %s is full: it holds %d names (a domain with www counts twice) and Let\'s Encrypt allows %d. Kept off the app until there is room, so that the other domains keep their certificate: %s.', $key, $count, RunCloud_Certificate_Names::LIMIT, implode(', ', $kept_off)),
				'Switch the web app to advanced (per-domain) SSL in RunCloud (Web Application > SSL/TLS), the way past 100 names, or remove unused domains: the waiting domains are added at their next try.',
				$key,
				null,
				implode(', ', $kept_off),
				$prior !== $count ? 'error' : 'debug',
				$count,
				'full'
			);

			return true;
		}

		$this->notices->resolve(RunCloud_Admin_Notices::KIND_NAMES_LIMIT, $key);

		if ($count < RunCloud_Certificate_Names::WARN_AT) {
			$this->notices->resolve(RunCloud_Admin_Notices::KIND_NAMES_WARNING, $key);

			return true;
		}

		// Logged when the count changes (every run would repeat it), recorded each time.
		$this->policy->report(
			RunCloud_Admin_Notices::KIND_NAMES_WARNING,
			sprintf('The SSL certificate of web app %s holds %d of the %d names Let\'s Encrypt allows (a domain with www counts twice).', $key, $count, RunCloud_Certificate_Names::LIMIT),
			'Switch the web app to advanced (per-domain) SSL in RunCloud before it reaches 100: past it, new domains get no certificate.',
			$key,
			null,
			sprintf('%d names', $count),
			$prior !== $count ? 'warning' : 'debug',
			$count
		);

		return true;
	}

	/**
	 * Why names wait when the certificate would exceed the limit.
	 *
	 * @param int $count Names.
	 * @return string
	 */
	public static function over_limit_reason(int $count): string {

		return sprintf('the certificate would hold %d names, over Let\'s Encrypt\'s %d: not redeployed (switch the web app to advanced SSL)', $count, RunCloud_Certificate_Names::LIMIT);
	}
}
