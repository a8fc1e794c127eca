<?php
/**
 * The domain operations on one RunCloud web app (target), through the wu_runcloud extension.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Adds and removes one host name on one target. Every method throws what the extension throws:
 * the failure policy belongs to the caller.
 *
 * - add: www per Ultimate Multisite's setting, SSL per the extension's result (returned, with the
 *   domain record), and the RunCloud domain id remembered so removal costs O(1) requests;
 * - subdomains: skipped when a wildcard domain on the app already covers the host.
 */
class RunCloud_Domain_Operations {

	/**
	 * The operations (same names as the Ultimate Multisite events, without the wu_ prefix).
	 */
	const OPERATIONS = ['add_domain', 'remove_domain', 'add_subdomain', 'remove_subdomain'];

	/**
	 * The configuration (native options per call).
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * Remembered ids and wildcard names.
	 *
	 * @var RunCloud_State
	 */
	private $state;

	/**
	 * The logger.
	 *
	 * @var RunCloud_Logger
	 */
	private $logger;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Config $config The configuration.
	 * @param RunCloud_State  $state  The remembered state.
	 * @param RunCloud_Logger $logger The logger.
	 */
	public function __construct(RunCloud_Config $config, RunCloud_State $state, RunCloud_Logger $logger) {

		$this->config = $config;
		$this->state  = $state;
		$this->logger = $logger;
	}

	/**
	 * Applies one operation to one target. Throws what the extension throws.
	 *
	 * @param string $op      One of OPERATIONS.
	 * @param string $domain  The host name.
	 * @param int    $site_id The site.
	 * @param array  $target  The target.
	 * @param bool   $ssl     For an add: false skips the SSL step (drift repair batches it into one
	 *                        redeploy_ssl() afterwards); true leaves it to the extension's default.
	 * @return array What happened: the native result (an add's carries its SSL outcome in 'ssl'), or ['skipped' => reason].
	 */
	public function apply(string $op, string $domain, int $site_id, array $target, bool $ssl = true): array {

		$domain = RunCloud_Config::normalize($domain);
		$key    = RunCloud_Config::key($target);

		switch ($op) {
			case 'add_domain':
				return $this->add($op, $domain, $target, $this->wants_www($domain, $site_id), $ssl);

			case 'add_subdomain':
				$wildcard = $this->wildcard_cover($domain, $target);

				if (null !== $wildcard) {
					$this->logger->info(sprintf('%s %s on %s: skipped, the wildcard domain %s on the app already covers it.', $op, $domain, $key, $wildcard));

					return ['skipped' => 'wildcard'];
				}

				return $this->add($op, $domain, $target, false, $ssl);

			case 'remove_domain':
			case 'remove_subdomain':
				return $this->remove($op, $domain, $target);
		}

		throw new \InvalidArgumentException(sprintf('Unknown RunCloud operation "%s".', $op));
	}

	/**
	 * Adds a domain to one target and remembers its RunCloud id.
	 *
	 * @param string $op     The operation (for the log).
	 * @param string $domain The host name.
	 * @param array  $target The target.
	 * @param bool   $www    Whether RunCloud also serves www.<domain>.
	 * @param bool   $ssl    False: no SSL step (the caller redeploys once for a batch).
	 * @return array The native result.
	 */
	private function add(string $op, string $domain, array $target, bool $www, bool $ssl = true): array {

		$key   = RunCloud_Config::key($target);
		$extra = $target + ['www' => $www];

		// Only ever forced off: with SSL on, the extension's default (and wu_runcloud_options) decide.
		if ( ! $ssl) {
			$extra['ssl'] = false;
		}

		$result  = wu_runcloud_add_domain($domain, $this->config->options($extra));
		$record  = isset($result['domain']) && is_array($result['domain']) ? $result['domain'] : [];
		$outcome = isset($result['ssl']) && is_array($result['ssl']) ? $result['ssl'] : [];

		if (isset($record['id'])) {
			$this->state->remember_id($target, $domain, (int) $record['id']);
		}

		$this->logger->info(
			sprintf(
				'%s %s on %s: %s (RunCloud domain id %s, www %s); SSL %s.',
				$op,
				$domain,
				$key,
				empty($result['created']) ? 'already on the app' : 'added',
				isset($record['id']) ? (string) $record['id'] : '?',
				$www ? 'on' : 'off',
				$ssl ? self::describe_ssl($outcome) : 'left to the certificate job (ssl => false)'
			)
		);

		if ('failed' === ($outcome['action'] ?? '')) {
			$this->logger->warning(sprintf('%s %s on %s: the domain was added but SSL failed: %s', $op, $domain, $key, (string) ($outcome['message'] ?? 'no message')));
		}

		return $result;
	}

	/**
	 * The certificate step of one target (the certificate job): without $domain, redeploys the
	 * web app's Let's Encrypt certificate so it covers every domain now on the app (GET ssl +
	 * PUT: `redeployed`, or `skipped` for a custom certificate, `none` without one); with
	 * $domain, the SSL step for that domain already on the app (advanced mode: its own
	 * certificate, `issued` or `redeployed`; `auto`; or the basic one as above). Throws what the
	 * extension throws, e.g. the 422 naming the name that failed validation.
	 *
	 * @param array       $target The target.
	 * @param string|null $domain One domain already on the app, or null for the whole app.
	 * @return array The native result: ['action', 'certificate_id', 'message'].
	 */
	public function redeploy(array $target, ?string $domain = null): array {

		$options = $target;

		if (null !== $domain) {
			$options['domain'] = $domain;
		}

		$result = wu_runcloud_redeploy_ssl($this->config->options($options));

		return is_array($result) ? $result : [];
	}

	/**
	 * "action (certificate N): message" from a native SSL outcome.
	 *
	 * @param array $outcome ['action', 'certificate_id', 'message'].
	 * @return string
	 */
	public static function describe_ssl(array $outcome): string {

		return sprintf(
			'%s%s%s',
			(string) ($outcome['action'] ?? 'none'),
			isset($outcome['certificate_id']) ? ' (certificate ' . $outcome['certificate_id'] . ')' : '',
			isset($outcome['message']) && '' !== (string) $outcome['message'] ? ': ' . $outcome['message'] : ''
		);
	}

	/**
	 * Removes a domain from one target, by its remembered id when there is one.
	 *
	 * @param string $op     The operation.
	 * @param string $domain The host name.
	 * @param array  $target The target.
	 * @return array The native result, or ['skipped' => reason].
	 */
	private function remove(string $op, string $domain, array $target): array {

		$key   = RunCloud_Config::key($target);
		$entry = $this->state->target_entry($domain, $target);
		$id    = $this->state->remembered_id($target, $domain);

		if (null !== $entry && empty($entry['present'])) {
			// The plugin took it off itself (parked while its DNS was not ready): nothing to send.
			$this->state->forget_id($target, $domain);
			$this->logger->info(sprintf('%s %s on %s: not on the app (taken off while its DNS was not ready), nothing to remove.', $op, $domain, $key));

			return [
				'removed' => false,
				'domain'  => null,
			];
		}

		if (null === $id && 'remove_subdomain' === $op) {
			$wildcard = $this->wildcard_cover($domain, $target);

			if (null !== $wildcard) {
				$this->logger->info(sprintf('%s %s on %s: skipped, it was never added (the wildcard domain %s covers it).', $op, $domain, $key, $wildcard));

				return ['skipped' => 'wildcard'];
			}
		}

		$result = $this->delete($domain, $target, $id);

		$this->state->forget_id($target, $domain);

		$this->logger->info(
			sprintf(
				'%s %s on %s: %s',
				$op,
				$domain,
				$key,
				empty($result['removed']) ? 'not on the app, nothing to remove.' : sprintf('removed (RunCloud domain id %s%s).', $result['domain']['id'] ?? '?', null !== $id ? ', remembered' : '')
			)
		);

		return $result;
	}

	/**
	 * Deletes a domain from one target, by its RunCloud id when known (a stale id falls back to
	 * the name). Nothing is forgotten: the caller decides. Throws what the extension throws.
	 *
	 * @param string   $domain The host name.
	 * @param array    $target The target.
	 * @param int|null $id     The remembered RunCloud id.
	 * @return array The native result: ['removed' => bool, 'domain' => ?array].
	 */
	public function delete(string $domain, array $target, ?int $id): array {

		$options = $this->config->options($target);
		$result  = null;

		if (null !== $id) {
			try {
				$result = wu_runcloud_remove_domain($domain, $options + ['domain_id' => $id]);
			} catch (\Throwable $e) {
				// A stale id (the domain was re-created in RunCloud): look it up by name below.
				if ( ! (RunCloud_Failure_Policy::is_native_class($e, 'ApiException') && 404 === (int) $e->getCode())) {
					throw $e;
				}
			}
		}

		if (null === $result || (empty($result['removed']) && null !== $id)) {
			$result = wu_runcloud_remove_domain($domain, $options);
		}

		return $result;
	}

	/**
	 * Removes one domain record found by drift repair (never the primary: the caller checks).
	 *
	 * @param array $record A native domain array.
	 * @param array $target The target.
	 * @return array The native result.
	 */
	public function remove_record(array $record, array $target): array {

		$name   = RunCloud_Config::normalize((string) $record['name']);
		$result = wu_runcloud_remove_domain($name, $this->config->options($target + ['domain_id' => (int) $record['id']]));

		$this->state->forget_id($target, $name);
		$this->logger->info(sprintf('sync: removed orphan %s from %s (RunCloud domain id %d).', $name, RunCloud_Config::key($target), (int) $record['id']));

		return $result;
	}

	/**
	 * Whether RunCloud should also serve www.<domain>: Ultimate Multisite's auto_create_www_subdomain
	 * setting through Domain_Manager::should_create_www_subdomain() when available. For
	 * `main_only`, "main domain" is decided with the Public Suffix List
	 * (wu_runcloud_registrable_domain(): a name is a main domain when it is its own registrable
	 * domain, so example.org.uk is and shop.example.org.uk is not), not with Ultimate Multisite's
	 * five known multi-part suffixes; without the extension, Ultimate Multisite's answer stands.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return bool
	 */
	public function wants_www(string $domain, int $site_id): bool {

		$manager = '\\WP_Ultimo\\Managers\\Domain_Manager';

		if (class_exists($manager) && method_exists($manager, 'should_create_www_subdomain')) {
			$www = (bool) $manager::get_instance()->should_create_www_subdomain($domain);
		} else {
			// Versions before the setting always created www (and never www.www.).
			$www = 0 !== strpos($domain, 'www.');
		}

		if (0 !== strpos($domain, 'www.') && function_exists('wu_get_setting') && 'main_only' === wu_get_setting('auto_create_www_subdomain', 'always')) {
			$main = self::is_main_domain($domain);
			$www  = $main ?? $www;
		}

		/**
		 * Filters whether a mapped domain gets its www alias on RunCloud.
		 *
		 * @param bool   $www     Whether to serve www.<domain> too.
		 * @param string $domain  The domain.
		 * @param int    $site_id The site.
		 */
		return (bool) apply_filters('wu_runcloud_www', $www, $domain, $site_id);
	}

	/**
	 * Whether a name is a main domain (its own registrable domain per the Public Suffix List), or
	 * null when the extension cannot tell (not loaded, or the name is invalid).
	 *
	 * @param string $domain The domain.
	 * @return bool|null
	 */
	public static function is_main_domain(string $domain): ?bool {

		if ( ! function_exists('wu_runcloud_registrable_domain')) {
			return null;
		}

		try {
			$registrable = wu_runcloud_registrable_domain($domain);
		} catch (\Throwable $e) {
			if ( ! RunCloud_Failure_Policy::is_native_exception($e)) {
				throw $e;
			}

			return null;
		}

		// The registrable domain is a suffix of the name (in the A-label form add_domain uses, so
		// an IDN is compared by its labels): the name is main when it has no label more.
		return null !== $registrable && substr_count($registrable, '.') === substr_count(RunCloud_Config::normalize($domain), '.');
	}

	/**
	 * The wildcard domain on the app that covers $host (one label below it), if any.
	 *
	 * @param string     $host    The host name.
	 * @param array      $target  The target.
	 * @param array|null $records The app's domain list when the caller has it (no cache then).
	 * @return string|null The wildcard name, e.g. *.network.example.
	 */
	public function wildcard_cover(string $host, array $target, ?array $records = null): ?string {

		$names = null !== $records ? self::wildcard_names($records) : $this->state->wildcards(
			$target,
			function () use ($target): array {
				$records = wu_runcloud_list_domains($this->config->options($target));

				// The same listing is the app's domain list the certificate job counts names from.
				$this->state->set_inventory($target, $records);

				return self::wildcard_names($records);
			}
		);

		foreach ($names as $name) {
			$suffix = '.' . substr($name, 2);
			$label  = substr($host, 0, -strlen($suffix));

			if (strlen($host) > strlen($suffix) && substr($host, -strlen($suffix)) === $suffix && false === strpos($label, '.')) {
				return $name;
			}
		}

		return null;
	}

	/**
	 * Wildcard names ("*.x") among domain records.
	 *
	 * @param array $records Native domain arrays.
	 * @return array
	 */
	public static function wildcard_names(array $records): array {

		$names = [];

		foreach ($records as $record) {
			$name = RunCloud_Config::normalize((string) ($record['name'] ?? ''));

			if (0 === strpos($name, '*.')) {
				$names[] = $name;
			} elseif ( ! empty($record['wildcard']) && '' !== $name) {
				$names[] = '*.' . $name;
			}
		}

		return array_values(array_unique($names));
	}
}
