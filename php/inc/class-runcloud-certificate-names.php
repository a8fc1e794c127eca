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
	 * The record a failed issuance blames: the longest certificate name the message contains as a
	 * whole host name, mapped to its record (`www.<name>` and `*.<name>` to `<name>`). Longest
	 * first, so "www.a.example" is never read as "a.example". Null when it names none of them.
	 *
	 * @param string $message The refusal (RunCloud relays Let's Encrypt's reason [assumed]).
	 * @param array  $records name => ['www' => bool, 'wildcard' => bool].
	 * @return string|null The record's name.
	 */
	public static function blamed(string $message, array $records): ?string {

		$names = self::names($records);
		$text  = strtolower($message);

		uksort(
			$names,
			static function ($a, $b) {
				return strlen((string) $b) - strlen((string) $a) ?: strcmp((string) $a, (string) $b);
			}
		);

		foreach ($names as $name => $record) {
			// A host name ends where no label character or further label follows ("name." at the end of a sentence ends it).
			$pattern = '/(?<![a-z0-9.*-])' . preg_quote((string) $name, '/') . '(?![a-z0-9-]|\.[a-z0-9*])/';

			if (preg_match($pattern, $text)) {
				return (string) $record;
			}
		}

		return null;
	}
}
