<?php
/**
 * The words an operator reads: a failure record or an environment problem as a headline (what
 * happened, to which domain), what to do, and the technical details kept apart.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Pure: structured facts in, translated sentences out (the notices and the page's table use the
 * same words). Every sentence ends with exactly one period, whatever the reason quoted ends with.
 */
class RunCloud_Failure_Messages {

	/**
	 * A failure record in words.
	 *
	 * @param array $record A record (RunCloud_Failure_Records).
	 * @return array{headline: string, action: string, details: string}
	 */
	public static function record(array $record): array {

		$domain = (string) ($record['domain'] ?? '');
		$target = (string) ($record['target'] ?? '');

		switch ((string) ($record['kind'] ?? RunCloud_Failure_Records::KIND_PERMANENT)) {
			case RunCloud_Failure_Records::KIND_SSL_FAILED:
				$cause = (string) ($record['cause'] ?? RunCloud_Ssl_Schedule::failure_cause((string) ($record['reason'] ?? '')));
				$why   = [
					'dns'   => __('it never validated', 'wu-runcloud'),
					'room'  => __('there was no room for it on the web app\'s certificate (100 names)', 'wu-runcloud'),
					'add'   => __('it could not be added to the web app', 'wu-runcloud'),
					'other' => __('the certificate step kept failing', 'wu-runcloud'),
				];
				$next  = [
					// translators: %s is a domain.
					'dns'   => __('Point %1$s (and www.%1$s when www is on) at the server, then press Retry on the RunCloud page', 'wu-runcloud'),
					'room'  => __('Switch the web app to advanced (per-domain) SSL in RunCloud, or remove unused domains, then press Retry on the RunCloud page', 'wu-runcloud'),
					'add'   => __('Check the reason below (the server and web app ids, the credentials), then press Retry on the RunCloud page', 'wu-runcloud'),
					'other' => __('Check the reason below, then press Retry on the RunCloud page', 'wu-runcloud'),
				];
				$cause = isset($why[ $cause ]) ? $cause : 'other';

				return [
					// translators: %1$s is a domain, %2$s a web app (SERVER:APP), %3$d a number of tries, %4$s a duration such as "3.8 days", %5$s why.
					'headline' => self::sentence(sprintf(__('%1$s got no certificate after %3$d tries over %4$s (web app %2$s): %5$s', 'wu-runcloud'), $domain, $target, RunCloud_Ssl_Schedule::max_tries(), RunCloud_Ssl_Schedule::human_delay((int) array_sum(RunCloud_Ssl_Schedule::retry_delays())), $why[ $cause ])),
					'action'   => self::sentence(sprintf($next[ $cause ], $domain)),
					// translators: %s is the reason Let's Encrypt or RunCloud gave.
					'details'  => self::details(__('Last reason: %s', 'wu-runcloud'), $record['reason'] ?? null),
				];

			case RunCloud_Failure_Records::KIND_BLOCKING:
				return [
					// translators: %1$s is a domain, %2$s a web app (SERVER:APP).
					'headline' => self::sentence(sprintf(__('%1$s no longer validates for Let\'s Encrypt: it blocks the SSL certificate of web app %2$s, so new domains wait for their certificate', 'wu-runcloud'), $domain, $target)),
					'action'   => ('not-ours' === ($record['cause'] ?? null) ? self::sentence(__('It was not added by this plugin (the web app\'s own domain, or one added in RunCloud\'s panel), so it is never removed automatically', 'wu-runcloud')) . ' ' : '')
						// translators: %s is a domain.
						. self::sentence(sprintf(__('Point %1$s (and www.%1$s when www is on) back at the server, or remove it (its mapping in Ultimate Multisite, or the domain in RunCloud)', 'wu-runcloud'), $domain)),
					// translators: %s is the reason Let's Encrypt gave.
					'details'  => self::details(__('Let\'s Encrypt: %s', 'wu-runcloud'), $record['reason'] ?? null),
				];

			case RunCloud_Failure_Records::KIND_NAMES_WARNING:
				return [
					// translators: %1$s is a web app (SERVER:APP), %2$d a number of names, %3$d the limit (100).
					'headline' => self::sentence(sprintf(__('The SSL certificate of web app %1$s holds %2$d of the %3$d names Let\'s Encrypt allows (a domain with www counts twice)', 'wu-runcloud'), $target, self::count($record), RunCloud_Certificate_Names::LIMIT)),
					'action'   => self::sentence(__('Switch the web app to advanced (per-domain) SSL in RunCloud before it reaches the limit: past it, new domains get no certificate', 'wu-runcloud')),
					'details'  => '',
				];

			case RunCloud_Failure_Records::KIND_NAMES_LIMIT:
				if ('full' === ($record['cause'] ?? null)) {
					return [
						// translators: %1$s is a web app (SERVER:APP), %2$d a number of names, %3$d the limit (100), %4$s domains.
						'headline' => self::sentence(sprintf(__('The SSL certificate of web app %1$s is full: it holds %2$d names (a domain with www counts twice) and Let\'s Encrypt allows %3$d. Kept off the app until there is room, so that the other domains keep their certificate: %4$s', 'wu-runcloud'), $target, self::count($record), RunCloud_Certificate_Names::LIMIT, (string) ($record['reason'] ?? ''))),
						'action'   => self::sentence(__('Switch the web app to advanced (per-domain) SSL in RunCloud (Web Application > SSL/TLS), the way past 100 names, or remove unused domains: the waiting domains are added at their next try', 'wu-runcloud')),
						'details'  => '',
					];
				}

				return [
					// translators: %1$s is a web app (SERVER:APP), %2$d a number of names, %3$d the limit (100).
					'headline' => self::sentence(sprintf(__('The SSL certificate of web app %1$s would hold %2$d names, over the %3$d Let\'s Encrypt allows: it was not renewed, and new domains wait', 'wu-runcloud'), $target, self::count($record), RunCloud_Certificate_Names::LIMIT)),
					'action'   => self::sentence(__('Switch the web app to advanced (per-domain) SSL in RunCloud (Web Application > SSL/TLS), or remove unused domains', 'wu-runcloud')),
					'details'  => '',
				];
		}

		return self::permanent($record);
	}

	/**
	 * A domain change that could not be applied, in words.
	 *
	 * @param array $record A permanent record.
	 * @return array{headline: string, action: string, details: string}
	 */
	private static function permanent(array $record): array {

		$domain = (string) ($record['domain'] ?? '');
		$target = (string) ($record['target'] ?? '');
		$op     = (string) ($record['op'] ?? '');
		$status = (int) ($record['status'] ?? 0);
		$retry  = __('then press Retry on the RunCloud page', 'wu-runcloud');

		if ('' === $domain) {
			// A record written by an earlier version: its message is all there is.
			return [
				'headline' => self::sentence(__('A domain change could not be applied on RunCloud', 'wu-runcloud')),
				'action'   => self::sentence(__('Fix the cause, then press Sync now on the RunCloud page', 'wu-runcloud')),
				'details'  => self::sentence((string) ($record['message'] ?? '')),
			];
		}

		$removal = in_array($op, ['remove_domain', 'remove_subdomain'], true);

		if ('' === $target) {
			// translators: %s is a domain.
			$headline = $removal ? __('%s could not be removed from RunCloud', 'wu-runcloud') : __('%s was not sent to RunCloud', 'wu-runcloud');
			$headline = sprintf($headline, $domain);
		} else {
			// translators: %1$s is a domain, %2$s a web app (SERVER:APP).
			$headline = $removal ? __('%1$s could not be removed from web app %2$s', 'wu-runcloud') : __('%1$s could not be added to web app %2$s', 'wu-runcloud');
			$headline = sprintf($headline, $domain, $target);
		}

		$answer  = self::answer((string) ($record['answer'] ?? ''));
		$details = self::sentence('' !== $answer ? $answer : self::technical_prefixes_out((string) ($record['reason'] ?? '')));

		if ('' !== $details && $status > 0) {
			// translators: %1$d is an HTTP status, %2$s RunCloud's words.
			$details = sprintf(__('(HTTP %1$d) %2$s', 'wu-runcloud'), $status, $details);
		}

		switch ((string) ($record['cause'] ?? '')) {
			case RunCloud_Failure_Records::CAUSE_ENVIRONMENT:
				return [
					// translators: %1$s is the sentence saying what happened, %2$s why (e.g. "the wu_runcloud PHP extension is not loaded").
					'headline' => self::sentence(sprintf(__('%1$s: %2$s', 'wu-runcloud'), $headline, rtrim($answer, '. '))),
					'action'   => self::sentence(__('It is sent by itself once that is fixed', 'wu-runcloud')),
					'details'  => '',
				];

			case RunCloud_Failure_Records::CAUSE_GAVE_UP:
				return [
					'headline' => self::sentence($headline . ': ' . __('RunCloud kept failing through every retry', 'wu-runcloud')),
					// translators: %s is "then press Retry on the RunCloud page".
					'action'   => self::sentence(sprintf(__('Wait until RunCloud answers again, %s', 'wu-runcloud'), $retry)),
					// translators: %s is RunCloud's last answer.
					'details'  => '' !== $details ? sprintf(__('Last answer: %s', 'wu-runcloud'), $details) : '',
				];

			case RunCloud_Failure_Records::CAUSE_INVALID:
				return [
					'headline' => self::sentence($headline . ': ' . __('nothing was sent, the name or an option is invalid', 'wu-runcloud')),
					'action'   => self::sentence(__('Check the mapping\'s domain in Ultimate Multisite', 'wu-runcloud')),
					'details'  => $details,
				];

			case RunCloud_Failure_Records::CAUSE_INTERRUPTED:
				return [
					'headline' => self::sentence($headline . ': ' . __('the background worker running it stopped (killed or timed out) every time', 'wu-runcloud')),
					// translators: %s is "then press Retry on the RunCloud page".
					'action'   => self::sentence(sprintf(__('Check the PHP error log for crashes or memory limits, %s', 'wu-runcloud'), $retry)),
					'details'  => '',
				];
		}

		if (401 === $status) {
			// translators: %s is "then press Retry on the RunCloud page".
			$action = sprintf(__('Check the API credentials as RunCloud\'s answer below says, %s', 'wu-runcloud'), $retry);
		} elseif (403 === $status) {
			// translators: %1$s is a web app (SERVER:APP), %2$s is "then press Retry on the RunCloud page".
			$action = sprintf(__('Check that the API credentials may manage web app %1$s (RunCloud plan and permissions), %2$s', 'wu-runcloud'), $target, $retry);
		} elseif (404 === $status) {
			// translators: %s is "then press Retry on the RunCloud page".
			$action = sprintf(__('Check the server and web app ids (WU_RUNCLOUD_SERVER_ID, WU_RUNCLOUD_APP_ID or the integration wizard), %s', 'wu-runcloud'), $retry);
		} elseif (422 === $status) {
			// translators: %s is "then press Retry on the RunCloud page".
			$action = sprintf(__('RunCloud refused the name: check the mapping\'s domain in Ultimate Multisite, %s', 'wu-runcloud'), $retry);
		} else {
			// translators: %s is "then press Retry on the RunCloud page".
			$action = sprintf(__('Fix the cause, %s', 'wu-runcloud'), $retry);
		}

		return [
			'headline' => self::sentence($headline),
			'action'   => self::sentence($action),
			// translators: %s is RunCloud's answer.
			'details'  => '' !== $details ? sprintf(__('RunCloud answered: %s', 'wu-runcloud'), $details) : '',
		];
	}

	/**
	 * An environment problem (RunCloud_Environment::problems()) in words.
	 *
	 * @param array $problem A problem.
	 * @return array{headline: string, action: string, details: string}
	 */
	public static function problem(array $problem): array {

		$minimum = (string) ($problem['minimum'] ?? RunCloud_Environment::MIN_UM_VERSION);
		$halted  = __('RunCloud domains are not synced', 'wu-runcloud');
		$words   = ['', '', ''];

		switch ((string) ($problem['id'] ?? '')) {
			case RunCloud_Environment::EXTENSION_MISSING:
				$words = [
					__('RunCloud is not receiving domain changes: the wu_runcloud PHP extension is not loaded in the PHP that serves this network', 'wu-runcloud'),
					__('Install it for every PHP (make install enables it for PHP-FPM, Apache and the command line), restart PHP-FPM or the web server, then reload this page. Domains mapped meanwhile are sent once it is loaded', 'wu-runcloud'),
					'',
				];
				break;

			case RunCloud_Environment::UM_ABSENT:
				$words = [
					$halted . ': ' . __('Ultimate Multisite is not installed', 'wu-runcloud'),
					// translators: %s is a version such as 2.4.0.
					sprintf(__('This plugin acts on Ultimate Multisite\'s domain mappings and new sites: install and network-activate Ultimate Multisite %s or later', 'wu-runcloud'), $minimum),
					'',
				];
				break;

			case RunCloud_Environment::UM_INACTIVE:
				$words = [
					$halted . ': ' . __('Ultimate Multisite is installed but not active', 'wu-runcloud'),
					__('Network-activate Ultimate Multisite (Network Admin > Plugins): until then no mapping or new site reaches RunCloud', 'wu-runcloud'),
					'',
				];
				break;

			case RunCloud_Environment::UM_TOO_OLD:
				$words = [
					// translators: %s is a version.
					$halted . ': ' . sprintf(__('Ultimate Multisite %s is too old for this plugin', 'wu-runcloud'), (string) ($problem['version'] ?? '?')),
					// translators: %s is a version such as 2.4.0.
					sprintf(__('Update Ultimate Multisite to %s or later', 'wu-runcloud'), $minimum),
					'',
				];
				break;

			case RunCloud_Environment::UM_NOT_READY:
				$words = [
					$halted . ': ' . __('Ultimate Multisite is not set up yet', 'wu-runcloud'),
					__('Finish Ultimate Multisite\'s setup wizard', 'wu-runcloud'),
					'',
				];
				break;

			case RunCloud_Environment::INTEGRATION_DISABLED:
				$words = [
					$halted . ': ' . __('the RunCloud integration is turned off in Ultimate Multisite', 'wu-runcloud'),
					__('Turn it on in Ultimate Multisite > Settings > Integrations (this plugin takes the place of the built-in RunCloud integration)', 'wu-runcloud'),
					'',
				];
				break;

			case RunCloud_Environment::CONFIG_INVALID:
				$words = [
					$halted . ': ' . __('the configuration is invalid', 'wu-runcloud'),
					__('Fix it in wp-config.php or in the integration wizard. Domains mapped meanwhile are sent once it is valid', 'wu-runcloud'),
					(string) ($problem['message'] ?? ''),
				];
				break;

			case RunCloud_Environment::CONFIG_INCOMPLETE:
				$words = [
					// translators: %s is a list of constant names.
					$halted . ': ' . sprintf(__('the configuration is incomplete (missing: %s)', 'wu-runcloud'), implode(', ', array_map('strval', (array) ($problem['missing'] ?? [])))),
					__('Set them in wp-config.php or in the integration wizard (Ultimate Multisite > Settings > Integrations)', 'wu-runcloud'),
					'',
				];
				break;

			case RunCloud_Environment::V2_CREDENTIALS:
				$words = [
					__('RunCloud: an API key and secret (RunCloud API v2, legacy) are in use', 'wu-runcloud'),
					__('This works; RunCloud recommends an API token (v3): create one in Workspace > Settings > API Management and set WU_RUNCLOUD_API_TOKEN', 'wu-runcloud'),
					'',
				];
				break;
		}

		return [
			'headline' => self::sentence($words[0]),
			'action'   => self::sentence($words[1]),
			'details'  => self::sentence($words[2]),
		];
	}

	/**
	 * RunCloud's own words in a native exception message ("POST /servers/1/webapps/1/domains: 404
	 * Web application not found. (guidance)"): the method, path and status dropped.
	 *
	 * @param string $message The native message (or RunCloud's words already).
	 * @return string
	 */
	public static function answer(string $message): string {

		return self::technical_prefixes_out(trim((string) preg_replace('~^(?:[A-Z]+ /\S*: )?(?:\d{3} )?~', '', trim($message))));
	}

	/**
	 * A reason without the request lines quoted in it ("PUT /servers/1/webapps/1/ssl/9: 422 ",
	 * "ApiException HTTP 422: "): the people's part of it.
	 *
	 * @param string $reason A reason.
	 * @return string
	 */
	public static function technical_prefixes_out(string $reason): string {

		$reason = (string) preg_replace('~\b[A-Z][A-Za-z]*Exception(?: HTTP \d{3})?: ~', '', $reason);

		return trim((string) preg_replace('~\b(?:GET|POST|PUT|PATCH|DELETE) /\S*: (?:\d{3} )?~', '', $reason));
	}

	/**
	 * One sentence: trimmed, one final period (none added after ?, ! or a closing parenthesis
	 * that ends with one), no backticks (they are markup in logs, noise in a notice).
	 *
	 * @param string $text The text.
	 * @return string '' for an empty text.
	 */
	public static function sentence(string $text): string {

		$text = trim(str_replace('`', '', $text));

		if ('' === $text) {
			return '';
		}

		if (preg_match('~[.!?]\)?$~', $text)) {
			return (string) preg_replace('~\.{2,}(\)?)$~', '.$1', $text);
		}

		return rtrim($text, ' .') . '.';
	}

	/**
	 * A details line: $format with the reason, or '' without one.
	 *
	 * @param string     $format A format with one %s.
	 * @param mixed|null $reason The reason.
	 * @return string
	 */
	private static function details(string $format, $reason): string {

		$reason = self::technical_prefixes_out(trim((string) $reason));

		return '' === $reason ? '' : self::sentence(sprintf($format, rtrim($reason, '. ')));
	}

	/**
	 * The name count of a names record (older records only have it in 'reason': "92 names").
	 *
	 * @param array $record The record.
	 * @return int
	 */
	private static function count(array $record): int {

		if (isset($record['count']) && is_numeric($record['count'])) {
			return (int) $record['count'];
		}

		return (int) preg_replace('~\D.*$~s', '', (string) ($record['reason'] ?? ''));
	}
}
