<?php
/**
 * The failures an administrator must act on, as structured records (network option
 * `wu_runcloud_errors`): what the notices and the network-admin page show.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Stores one record per cause: kind, domain, web app, why, what to do. A record goes when its
 * cause does (resolve()); dismissing one hides its notice for every administrator while the
 * same cause repeats with the same reason, and keeps it on the page.
 *
 * Dismissal is network-wide, not per user: the records are the network's to-do list, shared by
 * every super admin; dismissing says "known, someone is on it", and the page still lists the
 * domain with its last error. A per-user dismissal would keep nagging the other administrators
 * about a known cause, and leave user meta to clean up behind every record.
 */
class RunCloud_Failure_Records {

	/**
	 * Network option holding the records (oldest first); named with the others in RunCloud_State.
	 */
	const OPTION = RunCloud_State::OPTION_ERRORS;

	/**
	 * How many records of each kind are kept.
	 */
	const MAX_PER_KIND = 20;

	/**
	 * Kinds of records.
	 */
	const KIND_PERMANENT     = 'permanent';     // A domain change RunCloud refused, or nothing could be sent (extension, configuration).
	const KIND_BLOCKING      = 'blocking';      // A name that was covered no longer validates: it blocks the app's certificate.
	const KIND_NAMES_WARNING = 'names_warning'; // The app's certificate holds 90 names or more.
	const KIND_NAMES_LIMIT   = 'names_limit';   // A redeploy would exceed 100 names: not sent.
	const KIND_SSL_FAILED    = 'ssl_failed';    // A domain got no certificate after the last try.

	/**
	 * Causes of a permanent record.
	 */
	const CAUSE_ENVIRONMENT = 'environment'; // The extension was not loaded or the configuration not usable: nothing was sent.
	const CAUSE_RUNCLOUD    = 'runcloud';    // RunCloud refused it (401/403/404/422...).
	const CAUSE_GAVE_UP     = 'gave-up';     // RunCloud kept failing (429/5xx/network) through every retry.
	const CAUSE_INVALID     = 'invalid';     // The name or an option is invalid: nothing was sent.
	const CAUSE_INTERRUPTED = 'interrupted'; // The worker running it stopped (killed, timed out) too many times.

	/**
	 * The fields a record may carry besides time, kind and key.
	 */
	const FIELDS = ['message', 'domain', 'target', 'reason', 'action', 'op', 'site', 'status', 'answer', 'cause', 'count'];

	/**
	 * Records a failure (already redacted by the caller). A record with the same kind, web app
	 * and domain (or, without a domain, the same message) replaces the earlier one; it stays
	 * dismissed when the earlier one was and the reason did not change.
	 *
	 * @param string $message One or two sentences for the log-minded (kept for older readers).
	 * @param array  $details 'kind' (one of KIND_*, default KIND_PERMANENT), and any of FIELDS:
	 *                        'domain', 'target' ('SERVER:APP'), 'reason', 'action', 'op' (add_domain...),
	 *                        'site' (int), 'status' (HTTP status), 'answer' (RunCloud's words),
	 *                        'cause' (CAUSE_*), 'count' (names).
	 * @return array The record.
	 */
	public function record(string $message, array $details = []): array {

		$record = [
			'time'    => time(),
			'kind'    => (string) ($details['kind'] ?? self::KIND_PERMANENT),
			'message' => $message,
		];

		foreach (self::FIELDS as $field) {
			if ('message' !== $field) {
				$record[ $field ] = isset($details[ $field ]) && is_scalar($details[ $field ]) ? $details[ $field ] : null;
			}
		}

		$record['site']   = null === $record['site'] ? null : (int) $record['site'];
		$record['status'] = null === $record['status'] ? null : (int) $record['status'];
		$record['count']  = null === $record['count'] ? null : (int) $record['count'];
		$record['key']    = self::key_of($record);

		$errors = $this->all();

		foreach ($errors as $i => $error) {
			if ($error['key'] !== $record['key']) {
				continue;
			}

			if (null !== $error['dismissed'] && (string) $error['reason'] === (string) $record['reason']) {
				$record['dismissed']    = $error['dismissed'];
				$record['dismissed_by'] = $error['dismissed_by'];
			}

			unset($errors[ $i ]);
		}

		$errors[] = $record;

		// At most MAX_PER_KIND of each kind, the newest kept.
		$kept  = [];
		$count = [];

		foreach (array_reverse(array_values($errors)) as $error) {
			$count[ $error['kind'] ] = ($count[ $error['kind'] ] ?? 0) + 1;

			if ($count[ $error['kind'] ] <= self::MAX_PER_KIND) {
				$kept[] = $error;
			}
		}

		$this->write(array_reverse($kept));

		return self::complete($record);
	}

	/**
	 * Forgets the records of a cause that is gone (a blocking name validates again, the name
	 * count fell below the warning, a domain got its certificate, was synced or removed).
	 *
	 * @param string      $kind   One of KIND_*, or '' for every kind.
	 * @param string|null $target 'SERVER:APP', or null for every app.
	 * @param string|null $domain The domain, or null for every domain.
	 * @return int How many records went.
	 */
	public function resolve(string $kind, ?string $target = null, ?string $domain = null): int {

		$errors = $this->all();
		$kept   = array_values(
			array_filter(
				$errors,
				static function ($error) use ($kind, $target, $domain) {
					return ! (('' === $kind || $error['kind'] === $kind)
						&& (null === $target || $error['target'] === $target)
						&& (null === $domain || $error['domain'] === $domain));
				}
			)
		);

		if (count($kept) !== count($errors)) {
			$this->write($kept);
		}

		return count($errors) - count($kept);
	}

	/**
	 * Forgets the permanent records of one cause (of one domain when given).
	 *
	 * @param string      $cause  One of CAUSE_*.
	 * @param string|null $domain The domain, or null for every domain.
	 * @return array The records that went.
	 */
	public function resolve_cause(string $cause, ?string $domain = null): array {

		$gone = [];
		$kept = [];

		foreach ($this->all() as $error) {
			if (self::KIND_PERMANENT === $error['kind'] && $cause === $error['cause'] && (null === $domain || $error['domain'] === $domain)) {
				$gone[] = $error;
			} else {
				$kept[] = $error;
			}
		}

		if ($gone) {
			$this->write($kept);
		}

		return $gone;
	}

	/**
	 * Forgets the records with these keys.
	 *
	 * @param array $keys Record keys.
	 * @return int How many went.
	 */
	public function forget(array $keys): int {

		$errors = $this->all();
		$kept   = array_values(
			array_filter(
				$errors,
				static function ($error) use ($keys) {
					return ! in_array($error['key'], $keys, true);
				}
			)
		);

		if (count($kept) !== count($errors)) {
			$this->write($kept);
		}

		return count($errors) - count($kept);
	}

	/**
	 * Sets bookkeeping fields of one record (e.g. when it was replayed).
	 *
	 * @param string $key    The record's key.
	 * @param array  $fields Fields to set.
	 * @return void
	 */
	public function touch(string $key, array $fields): void {

		$errors = $this->all();

		foreach ($errors as $i => $error) {
			if ($error['key'] === $key) {
				$errors[ $i ] = array_merge($error, $fields);
			}
		}

		$this->write($errors);
	}

	/**
	 * Hides a record's notice for every administrator (it stays on the page).
	 *
	 * @param string $key     The record's key.
	 * @param int    $user_id Who dismissed it.
	 * @return bool Whether a record had that key.
	 */
	public function dismiss(string $key, int $user_id = 0): bool {

		$errors = $this->all();
		$found  = false;

		foreach ($errors as $i => $error) {
			if ($error['key'] === $key) {
				$errors[ $i ]['dismissed']    = time();
				$errors[ $i ]['dismissed_by'] = $user_id;
				$found                        = true;
			}
		}

		if ($found) {
			$this->write($errors);
		}

		return $found;
	}

	/**
	 * The records, oldest first; of one kind when given. Records written by earlier versions
	 * (no kind, no key) are completed: KIND_PERMANENT, keyed like new ones.
	 *
	 * @param string|null $kind One of KIND_*, or null for all.
	 * @return array<int, array>
	 */
	public function get(?string $kind = null): array {

		return array_values(
			array_filter(
				$this->all(),
				static function ($error) use ($kind) {
					return null === $kind || $error['kind'] === $kind;
				}
			)
		);
	}

	/**
	 * The record with this key, or null.
	 *
	 * @param string $key The key.
	 * @return array|null
	 */
	public function find(string $key): ?array {

		foreach ($this->all() as $error) {
			if ($error['key'] === $key) {
				return $error;
			}
		}

		return null;
	}

	/**
	 * The key that makes a record unique: kind, web app, and the domain (or, for a record about
	 * no domain in particular and no web app, its message).
	 *
	 * @param array $record A record.
	 * @return string
	 */
	public static function key_of(array $record): string {

		$domain = isset($record['domain']) ? (string) $record['domain'] : '';
		$target = isset($record['target']) ? (string) $record['target'] : '';
		$which  = '' === $domain && '' === $target ? 'm' . substr(md5((string) ($record['message'] ?? '')), 0, 12) : $domain;

		return (string) ($record['kind'] ?? self::KIND_PERMANENT) . '|' . $target . '|' . $which;
	}

	/**
	 * Every record, completed.
	 *
	 * @return array<int, array>
	 */
	private function all(): array {

		if (function_exists('wp_cache_delete') && function_exists('get_current_network_id')) {
			// Another worker may have changed it since this request cached it.
			wp_cache_delete((int) get_current_network_id() . ':' . self::OPTION, 'site-options');
		}

		$errors = get_network_option(null, self::OPTION, []);
		$all    = [];

		foreach (is_array($errors) ? $errors : [] as $error) {
			if (is_array($error) && isset($error['message'])) {
				$all[] = self::complete($error);
			}
		}

		return $all;
	}

	/**
	 * A record with every field.
	 *
	 * @param array $error A stored record.
	 * @return array
	 */
	private static function complete(array $error): array {

		$error = array_merge(
			[
				'time'         => 0,
				'kind'         => self::KIND_PERMANENT,
				'dismissed'    => null,
				'dismissed_by' => null,
			],
			array_fill_keys(self::FIELDS, null),
			$error
		);

		$error['key'] = isset($error['key']) && is_string($error['key']) ? $error['key'] : self::key_of($error);

		return $error;
	}

	/**
	 * Writes the records (deletes the option when none is left).
	 *
	 * @param array $errors The records.
	 * @return void
	 */
	private function write(array $errors): void {

		if ($errors) {
			update_network_option(null, self::OPTION, array_values($errors));
		} else {
			delete_network_option(null, self::OPTION);
		}
	}
}
