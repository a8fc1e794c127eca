<?php
/**
 * Drift: what the network maps against what each RunCloud web app has.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

defined('ABSPATH') || exit;

/**
 * Reads the host names Ultimate Multisite and the network expect, and compares them with each
 * target's domain list (read only: `wp runcloud sync` applies the report through the operations).
 */
class RunCloud_Drift {

	/**
	 * The configuration (targets, native options).
	 *
	 * @var RunCloud_Config
	 */
	private $config;

	/**
	 * The operations (wildcard cover).
	 *
	 * @var RunCloud_Domain_Operations
	 */
	private $operations;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Config            $config     The configuration.
	 * @param RunCloud_Domain_Operations $operations The operations.
	 */
	public function __construct(RunCloud_Config $config, RunCloud_Domain_Operations $operations) {

		$this->config     = $config;
		$this->operations = $operations;
	}

	/**
	 * The host names the network maps: active mapped domains and, on a subdomain network, the sites'
	 * subdomains (the network's own domain excluded).
	 *
	 * @return array<string, array{kind: string, site_id: int}>
	 */
	public function expected_domains(): array {

		$network  = $this->network_domain();
		$expected = [];

		if (function_exists('wu_get_domains')) {
			$offset = 0;

			do {
				$page = (array) wu_get_domains(
					[
						'active' => true,
						'number' => 100,
						'offset' => $offset,
					]
				);

				foreach ($page as $mapping) {
					$name = is_object($mapping) && method_exists($mapping, 'get_domain') ? RunCloud_Config::normalize((string) $mapping->get_domain()) : '';

					if ('' !== $name && $name !== $network) {
						$expected[ $name ] = [
							'kind'    => 'domain',
							'site_id' => method_exists($mapping, 'get_site_id') ? (int) $mapping->get_site_id() : 0,
						];
					}
				}

				$offset += 100;
			} while (count($page) >= 100 && $offset < 100000);
		}

		if (function_exists('is_subdomain_install') && is_subdomain_install() && function_exists('get_sites')) {
			$query = [
				'number'  => 0,
				'deleted' => 0,
			];

			if (function_exists('get_current_network_id')) {
				$query['network_id'] = get_current_network_id();
			}

			foreach ((array) get_sites($query) as $site) {
				$name = RunCloud_Config::normalize((string) $site->domain);

				if ('' !== $name && $name !== $network && ! isset($expected[ $name ])) {
					$expected[ $name ] = [
						'kind'    => 'subdomain',
						'site_id' => (int) $site->blog_id,
					];
				}
			}
		}

		/**
		 * Filters the host names the network expects on RunCloud (drift repair).
		 *
		 * @param array $expected name => ['kind' => 'domain'|'subdomain', 'site_id' => int].
		 */
		return (array) apply_filters('wu_runcloud_expected_domains', $expected);
	}

	/**
	 * Whether the network maps one host name now (an active mapping, or a site on a subdomain
	 * network): two lookups, not the whole list.
	 *
	 * @param string $name The host name.
	 * @return bool
	 */
	public function is_expected(string $name): bool {

		$name = RunCloud_Config::normalize($name);

		if ('' === $name || $name === $this->network_domain()) {
			return false;
		}

		$expected = null;

		if (function_exists('wu_get_domains')) {
			foreach ((array) wu_get_domains(['domain' => $name, 'active' => true, 'number' => 5]) as $mapping) {
				if (is_object($mapping) && method_exists($mapping, 'get_domain') && RunCloud_Config::normalize((string) $mapping->get_domain()) === $name) {
					$expected = ['kind' => 'domain', 'site_id' => method_exists($mapping, 'get_site_id') ? (int) $mapping->get_site_id() : 0];
				}
			}
		}

		if (null === $expected && function_exists('is_subdomain_install') && is_subdomain_install() && function_exists('get_sites')) {
			foreach ((array) get_sites(['domain' => $name, 'number' => 1, 'deleted' => 0]) as $site) {
				if (RunCloud_Config::normalize((string) $site->domain) === $name) {
					$expected = ['kind' => 'subdomain', 'site_id' => (int) $site->blog_id];
				}
			}
		}

		$filtered = (array) apply_filters('wu_runcloud_expected_domains', null === $expected ? [] : [$name => $expected]);

		return isset($filtered[ $name ]);
	}

	/**
	 * Whether Ultimate Multisite is there to say which domains are mapped (without it, nothing on
	 * the app can be called an orphan).
	 *
	 * @return bool
	 */
	protected function mappings_known(): bool {

		return function_exists('wu_get_domains');
	}

	/**
	 * The network's own domain.
	 *
	 * @return string
	 */
	private function network_domain(): string {

		if (function_exists('get_network')) {
			$network = get_network();

			if (is_object($network) && ! empty($network->domain)) {
				return RunCloud_Config::normalize((string) $network->domain);
			}
		}

		return defined('DOMAIN_CURRENT_SITE') ? RunCloud_Config::normalize((string) DOMAIN_CURRENT_SITE) : '';
	}

	/**
	 * For each target: what the network maps and RunCloud lacks, and what RunCloud has that the
	 * network no longer maps. The app's primary domain, wildcard domains and the network's own
	 * domain are protected: never orphans; without Ultimate Multisite (no mapping known) nothing is.
	 *
	 * @return array<int, array{target: array, key: string, records: array, present: int, missing: array, orphans: array, protected: array, expected: array}>
	 */
	public function drift_report(): array {

		$expected       = $this->expected_domains();
		$network        = $this->network_domain();
		$mappings_known = $this->mappings_known();
		$keep     = array_map([RunCloud_Config::class, 'normalize'], (array) apply_filters('wu_runcloud_protected_domains', []));
		$report   = [];

		foreach ($this->config->targets() as $target) {
			$records = wu_runcloud_list_domains($this->config->options($target));
			$present = [];

			foreach ($records as $record) {
				$present[ RunCloud_Config::normalize((string) $record['name']) ] = $record;
			}

			$missing = [];

			foreach ($expected as $name => $info) {
				if (isset($present[ $name ])) {
					continue;
				}

				if ('subdomain' === $info['kind'] && null !== $this->operations->wildcard_cover($name, $target, $records)) {
					continue;
				}

				$missing[ $name ] = $info;
			}

			$orphans   = [];
			$protected = [];

			foreach ($present as $name => $record) {
				if (isset($expected[ $name ])) {
					continue;
				}

				if ( ! $mappings_known) {
					// Without Ultimate Multisite nothing says which domains are mapped: none is an orphan.
					$protected[] = $name;

					continue;
				}

				if ('primary' === ($record['type'] ?? '') || ! empty($record['wildcard']) || 0 === strpos($name, '*.') || $name === $network || in_array($name, $keep, true)) {
					$protected[] = $name;
				} else {
					$orphans[ $name ] = $record;
				}
			}

			$report[] = [
				'target'    => $target,
				'key'       => RunCloud_Config::key($target),
				'records'   => $records,
				'present'   => count($present),
				'missing'   => $missing,
				'orphans'   => $orphans,
				'protected' => $protected,
				'expected'  => $expected,
			];
		}

		return $report;
	}
}
