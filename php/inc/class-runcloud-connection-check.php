<?php
/**
 * The connection test: credentials and every target's web app (wizards of both generations, CLI).
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Checks that RunCloud answers with the configured credentials and knows every target.
 */
class RunCloud_Connection_Check {

	/**
	 * The configuration.
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * The failure policy (describes exceptions).
	 *
	 * @var RunCloud_Failure_Policy
	 */
	private $policy;

	/**
	 * The notices (extension check).
	 *
	 * @var RunCloud_Admin_Notices
	 */
	private $notices;

	/**
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * Where the last result of each web app is kept (the RunCloud page shows it).
	 *
	 * @var RunCloud_State|null
	 */
	private $state;

	/**
	 * The clock.
	 *
	 * @var RunCloud_Clock|null
	 */
	private $clock;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Config         $config  The configuration.
	 * @param RunCloud_Failure_Policy $policy  The failure policy.
	 * @param RunCloud_Admin_Notices  $notices The notices.
	 * @param RunCloud_Logger         $logger  The logger.
	 * @param RunCloud_State|null     $state   Where results are remembered (none: not remembered).
	 * @param RunCloud_Clock|null     $clock   The clock.
	 */
	public function __construct(RunCloud_Config $config, RunCloud_Failure_Policy $policy, RunCloud_Admin_Notices $notices, RunCloud_Logger $logger, ?RunCloud_State $state = null, ?RunCloud_Clock $clock = null) {

		$this->config  = $config;
		$this->policy  = $policy;
		$this->notices = $notices;
		$this->logger  = $logger;
		$this->state   = $state;
		$this->clock   = $clock ?? new RunCloud_Clock();
	}

	/**
	 * The RunCloud page's Test connection: answer() (a few seconds at most: someone waits), and
	 * the result of each configured web app remembered with the time.
	 *
	 * @return array answer()'s array.
	 */
	public function check_and_remember(): array {

		$answer = $this->answer();

		if (null === $this->state) {
			return $answer;
		}

		try {
			$targets = $this->notices->is_extension_loaded() ? $this->config->targets() : [];
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			$targets = [];
		}

		$found = [];

		foreach ((array) ($answer['result']['targets'] ?? []) as $target) {
			$found[ RunCloud_Config::key($target) ] = $target;
		}

		$results  = [];
		$previous = $this->state->connection_results();

		foreach ($targets as $target) {
			$key = RunCloud_Config::key($target);

			$results[ $key ] = [
				'at'          => $this->clock->now(),
				'ok'          => $answer['ok'] && isset($found[ $key ]),
				'api_version' => $answer['result']['api_version'] ?? null,
				// A failed test keeps the name a successful one learned.
				'webapp'      => isset($found[ $key ]['webapp']['name']) ? (string) $found[ $key ]['webapp']['name'] : ($previous[ $key ]['webapp'] ?? null),
				'status'      => $answer['ok'] ? null : (int) $answer['status'],
				'message'     => $answer['ok'] ? null : (string) $answer['message'],
			];
		}

		$this->state->remember_connection($results);

		return $answer;
	}

	/**
	 * Checks credentials and every target's web app. Throws on failure.
	 *
	 * @return array ['ok', 'api_version', 'targets' => [['server_id', 'app_id', 'webapp' => ['id', 'name']]...]]
	 */
	public function test(): array {

		$result = wu_runcloud_test_connection($this->config->options());
		$seen   = [];

		foreach ((array) ($result['targets'] ?? []) as $target) {
			$seen[ RunCloud_Config::key($target) ] = true;
		}

		// Extra targets saved by the 2.5 wizard are not known to the extension.
		foreach ($this->config->targets() as $target) {
			if (empty($seen[ RunCloud_Config::key($target) ])) {
				$more = wu_runcloud_test_connection($this->config->options($target));

				foreach ((array) ($more['targets'] ?? []) as $found) {
					$result['targets'][] = $found;
				}
			}
		}

		return $result;
	}

	/**
	 * The wizard's connection test: never throws the extension's exceptions; a failure is logged.
	 * Someone waits on it: every call gets the small `max_wait` of an interactive request.
	 *
	 * @return array ['ok' => true, 'result' => test()'s result], or ['ok' => false, 'code' =>
	 *               'runcloud-extension-missing'|'runcloud-error', 'message' => string (no secret),
	 *               'status' => HTTP status or 0].
	 */
	public function answer(): array {

		if ( ! $this->notices->is_extension_loaded()) {
			return [
				'ok'      => false,
				'code'    => 'runcloud-extension-missing',
				'message' => __('The wu_runcloud PHP extension is not loaded.', 'wu-runcloud'),
				'status'  => 0,
			];
		}

		try {
			$result = $this->test();
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			$this->logger->error('test_connection failed: ' . $this->policy->describe($e));

			// The extension's own message, verbatim: for 401/403/404 it says which credential,
			// server or web app id to check and where RunCloud creates credentials (never a secret;
			// redacted anyway).
			return [
				'ok'      => false,
				'code'    => 'runcloud-error',
				'message' => $this->logger->redact((string) $e->getMessage()),
				'status'  => (int) $e->getCode(),
			];
		}

		return [
			'ok'     => true,
			'result' => $result,
		];
	}

	/**
	 * The test() result as one human sentence.
	 *
	 * @param array $result The native result.
	 * @return string
	 */
	public static function describe(array $result): string {

		$apps = [];

		foreach ((array) ($result['targets'] ?? []) as $target) {
			$apps[] = sprintf('%s (%d:%d)', $target['webapp']['name'] ?? '?', $target['server_id'], $target['app_id']);
		}

		// translators: %1$s is the API version, %2$s a list of web apps.
		return sprintf(__('Connected to RunCloud API %1$s; web apps: %2$s.', 'wu-runcloud'), (string) ($result['api_version'] ?? '?'), implode(', ', $apps));
	}
}
