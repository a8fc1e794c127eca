<?php
/**
 * The names a basic (whole web app) certificate holds, and which one a refusal blames.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Pure functions over an app's domain records (name => ['www' => bool, 'wildcard' => bool]).
 *
 * Let's Encrypt puts at most LIMIT names on one certificate [doc: letsencrypt.org rate limits];
 * RunCloud's basic certificate holds every domain of the web app, `www.<name>` counting as a
 * name of its own when www is on (docs/RUNCLOUD_API.md §6).
 */
class RunCloud_Certificate_Names {

	/**
	 * Names per certificate.
	 */
	const LIMIT = 100;

	/**
	 * From this many names on, the operator is warned (advanced SSL is the way past LIMIT).
	 */
	const WARN_AT = 90;

	/**
	 * The names a basic certificate for these records holds, each mapped to its record:
	 * the name, `www.<name>` when www is on, `*.<name>` for a wildcard record [assumed:
	 * RunCloud documents neither; the emulator orders and names them the same way].
	 *
	 * @param array $records name => ['www' => bool, 'wildcard' => bool].
	 * @return array<string, string> certificate name => record name.
	 */
	public static function names(array $records): array {

		$names = [];

		foreach ($records as $name => $record) {
			$name = (string) $name;

			if (0 === strpos($name, '*.')) {
				$names[ $name ] = $names[ $name ] ?? $name;

				continue;
			}

			$names[ $name ] = $names[ $name ] ?? $name;

			if ( ! empty($record['wildcard'])) {
				$names[ '*.' . $name ] = $names[ '*.' . $name ] ?? $name;
			} elseif ( ! empty($record['www'])) {
				$names[ 'www.' . $name ] = $names[ 'www.' . $name ] ?? $name;
			}
		}

		return $names;
	}

	/**
	 * How many names a basic certificate for these records holds.
	 *
	 * @param array $records name => ['www' => bool, 'wildcard' => bool].
	 * @return int
	 */
	public static function count(array $records): int {

		return count(self::names($records));
	}

	/**
	 * Whether a refused issuance says the certificate would hold too many names [assumed:
	 * RunCloud's wording is unknown; Let's Encrypt says "more than 100 DNS names" / "too many
	 * identifiers", the emulator "at most 100 names per certificate"].
	 *
	 * @param string $message The refusal.
	 * @return bool
	 */
	public static function says_too_many_names(string $message): bool {

		return 1 === preg_match('/\b(?:more than|at most)\s+' . self::LIMIT . '\s+(?:dns\s+)?names|names\s+per\s+certificate|too\s+many\s+(?:dns\s+)?(?:names|identifiers)/i', $message);
	}

	/**
	 * Whether a refused issuance is a rate limit (e.g. 5 certificates for the same set of names
	 * per week). Such a message may list every name of the order: none of them is to blame.
	 *
	 * @param string $message The refusal.
	 * @return bool
	 */
	public static function says_rate_limited(string $message): bool {

		return 1 === preg_match('/rate\s*limit|too\s+many\s+(?:certificates|requests|failed|orders)|retry\s+after/i', $message);
	}

	/**
	 * Words of a failed validation (Let's Encrypt's problem types and details [doc:
	 * letsencrypt.org "challenge types", ACME `urn:ietf:params:acme:error:*`], the emulator's
	 * "could not validate <name>. DNS problem: <name> does not point to this server").
	 */
	const VALIDATION_WORDS = '/could\s+not\s+validate|validat(?:e|ion|ing)\b|dns\s+problem|nxdomain|servfail|unauthori[sz]ed|does\s+not\s+point|no\s+valid\s+(?:ip|a+\s+records?)|invalid\s+response|challenge|\bcaa\b|connection\s+(?:refused|reset|timed\s+out)|time(?:d)?\s*out/i';

	/**
	 * How far (in characters) a name may stand from the validation words to be the one they
	 * speak of.
	 */
	const BLAME_REACH = 120;

	/**
	 * Let's Encrypt's reasons mostly name the host after the words ("NXDOMAIN looking up A for
	 * <name>", "Invalid response from http://<name>/", "could not validate <name>", "CAA record
	 * for <name>"); a name before them ("<name>: Timeout during connect") counts as this much
	 * farther, so the name a reason speaks of wins over the last one of a list before it.
	 */
	const BEFORE_PENALTY = 40;

	/**
	 * The record a failed issuance blames, or null. Blaming takes a tenant off the app, so it
	 * needs evidence: the message must speak of a failed validation, and the blamed name is the
	 * certificate name standing nearest those words (within BLAME_REACH, a name before them
	 * BEFORE_PENALTY farther; the first in the text on a tie). A message that merely lists the order's names ("failed to issue for a, b, c;
	 * try again later") blames nobody: every name keeps its place on the retry schedule.
	 *
	 * Names are matched as whole host names, mapped to their records (`www.<name>` and
	 * `*.<name>` to `<name>`): "www.a.example" is never read as "a.example".
	 *
	 * @param string $message The refusal (RunCloud relays Let's Encrypt's reason [assumed]).
	 * @param array  $records name => ['www' => bool, 'wildcard' => bool].
	 * @return string|null The record's name.
	 */
	public static function blamed(string $message, array $records): ?string {

		$text = strtolower($message);

		if ( ! preg_match_all(self::VALIDATION_WORDS, $text, $words, PREG_OFFSET_CAPTURE)) {
			return null;
		}

		$best = null;

		foreach (self::names($records) as $name => $record) {
			// A host name ends where no label character or further label follows ("name." at the end of a sentence ends it).
			$pattern = '/(?<![a-z0-9.*-])' . preg_quote((string) $name, '/') . '(?![a-z0-9-]|\.[a-z0-9*])/';

			if ( ! preg_match_all($pattern, $text, $found, PREG_OFFSET_CAPTURE)) {
				continue;
			}

			foreach ($found[0] as [$match, $at]) {
				foreach ($words[0] as [$word, $word_at]) {
					$before = $at + strlen($match) <= $word_at;
					$gap    = $before ? $word_at - ($at + strlen($match)) + self::BEFORE_PENALTY : max($at - ($word_at + strlen($word)), 0);

					if ($gap <= self::BLAME_REACH && (null === $best || [$gap, $at] < [$best[0], $best[1]])) {
						$best = [$gap, $at, (string) $record];
					}
				}
			}
		}

		return null === $best ? null : $best[2];
	}
}
