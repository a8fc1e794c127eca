<?php
/**
 * Logging for the RunCloud integration: one handle, never a secret.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Writes to Ultimate Multisite's `integration-runcloud` log (wu_log_add) when it is there,
 * else to PHP's error_log. Every line goes through redact() first.
 */
class RunCloud_Logger {

	/**
	 * The wu_log_add handle (wu-logs/integration-runcloud.log).
	 */
	const HANDLE = 'integration-runcloud';

	/**
	 * Prefix of Ultimate Multisite's per-domain log handles (wu-logs/domain-<name>.log).
	 */
	const DOMAIN_HANDLE_PREFIX = 'domain-';

	/**
	 * Returns the secret values in use (tokens, keys, secrets) so they can be blanked.
	 *
	 * @var callable|null
	 */
	private $secrets;

	/**
	 * Constructor.
	 *
	 * @param callable|null $secrets Returns a list of secret strings to blank out of every line.
	 */
	public function __construct(?callable $secrets = null) {

		$this->secrets = $secrets;
	}

	/**
	 * Logs an informational line.
	 *
	 * @param string $message The message.
	 * @return void
	 */
	public function info(string $message): void {

		$this->log($message, 'info');
	}

	/**
	 * Logs a warning.
	 *
	 * @param string $message The message.
	 * @return void
	 */
	public function warning(string $message): void {

		$this->log($message, 'warning');
	}

	/**
	 * Logs an error (Psr\Log\LogLevel::ERROR is the string 'error').
	 *
	 * @param string $message The message.
	 * @return void
	 */
	public function error(string $message): void {

		$this->log($message, 'error');
	}

	/**
	 * Writes one line.
	 *
	 * @param string $message The message.
	 * @param string $level   A PSR-3 level name.
	 * @return void
	 */
	public function log(string $message, string $level = 'info'): void {

		$message = $this->redact($message);

		if (function_exists('wu_log_add')) {
			wu_log_add(self::HANDLE, $message, $level);

			return;
		}

		error_log(sprintf('[%s] %s: %s', self::HANDLE, strtoupper($level), $message)); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log, Squiz.PHP.DiscouragedFunctions.Discouraged -- the fallback when Ultimate Multisite's wu_log_add() is not there.
	}

	/**
	 * Writes one line to Ultimate Multisite's log of one domain (`domain-<name>`, where UM logs
	 * that domain's DNS and SSL checks) as well as to the integration log. Without wu_log_add
	 * (Ultimate Multisite absent) only the integration line is written.
	 *
	 * @param string $domain  The host name.
	 * @param string $message The message.
	 * @param string $level   A PSR-3 level name.
	 * @return void
	 */
	public function domain(string $domain, string $message, string $level = 'info'): void {

		$this->log($message, $level);

		if (function_exists('wu_log_add')) {
			wu_log_add(self::DOMAIN_HANDLE_PREFIX . $domain, 'RunCloud: ' . $this->redact($message), $level);
		}
	}

	/**
	 * Blanks credentials out of a text: the configured secret values themselves, and anything
	 * shaped like an Authorization header or a credential field, in case a message quotes one.
	 *
	 * @param string $text The text.
	 * @return string
	 */
	public function redact(string $text): string {

		$secrets = [];

		if (null !== $this->secrets) {
			try {
				$secrets = (array) call_user_func($this->secrets);
			} catch (\Throwable $e) {
				$secrets = [];
			}
		}

		foreach ([ 'WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_API_KEY', 'WU_RUNCLOUD_API_SECRET' ] as $constant) {
			if (defined($constant) && is_scalar(constant($constant))) {
				$secrets[] = (string) constant($constant);
			}
		}

		// Longest first, so a secret that contains another is blanked whole.
		$secrets = array_filter(array_unique(array_map('strval', $secrets)), static function ($s) {
			return strlen(trim($s)) >= 4;
		});
		usort($secrets, static function ($a, $b) {
			return strlen($b) - strlen($a);
		});

		foreach ($secrets as $secret) {
			$text = str_replace($secret, '[redacted]', $text);
		}

		$text = (string) preg_replace('/\b(Bearer|Basic)\s+[A-Za-z0-9._~+\/=-]+/i', '$1 [redacted]', $text);

		return (string) preg_replace(
			'/(["\']?\b(?:api[_-]?token|api[_-]?key|api[_-]?secret|token|secret|password|authorization)\b["\']?\s*[:=]\s*)("[^"]*"|\'[^\']*\'|[^\s,&;}]+)/i',
			'$1[redacted]',
			$text
		);
	}
}
