<?php
/**
 * Ultimate Multisite ≤ 2.4 adapter: a host provider with the id `runcloud`.
 *
 * Loaded on wp_ultimo_host_providers_load, when Base_Host_Provider exists.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

use WP_Ultimo\Integrations\Host_Providers\Base_Host_Provider;

defined('ABSPATH') || exit;

/**
 * Thin adapter: every event goes to RunCloud_Domain_Sync, the wizard's test to RunCloud_Connection_Check.
 */
class RunCloud_Legacy_Provider extends Base_Host_Provider {

	use \WP_Ultimo\Traits\Singleton;

	/**
	 * Same id as the core provider: one toggle (wu_host_integrations_enabled['runcloud']) and our
	 * class replaces the core's in wu_domain_manager_get_integrations (the wizard and its test).
	 *
	 * @var string
	 */
	protected $id = 'runcloud';

	/**
	 * Title.
	 *
	 * @var string
	 */
	protected $title = 'RunCloud';

	/**
	 * Tutorial.
	 *
	 * @var string
	 */
	protected $tutorial_link = 'https://ultimatemultisite.com/docs/user-guide/host-integrations/runcloud';

	/**
	 * Features.
	 *
	 * @var array
	 */
	protected $supports = ['autossl'];

	/**
	 * Required constants: a token or an API key (with its secret, see is_setup()), server, app.
	 *
	 * @var array
	 */
	protected $constants = [
		['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_API_KEY'],
		'WU_RUNCLOUD_SERVER_ID',
		'WU_RUNCLOUD_APP_ID',
	];

	/**
	 * Optional constants.
	 *
	 * @var array
	 */
	protected $optional_constants = [
		'WU_RUNCLOUD_API_SECRET',
		'WU_RUNCLOUD_EXTRA_TARGETS',
		'WU_RUNCLOUD_API_URL',
		'WU_RUNCLOUD_CA_FILE',
		'WU_RUNCLOUD_TIMEOUT',
	];

	/**
	 * The domain events (Ultimate Multisite creates this singleton: no constructor injection).
	 *
	 * @return RunCloud_Domain_Sync
	 */
	private function sync(): RunCloud_Domain_Sync {

		return RunCloud_Plugin::instance()->sync();
	}

	/**
	 * Reads a credential: the constant, or (Ultimate Multisite versions that have it) get_credential().
	 *
	 * @param string $constant The constant name.
	 * @return string
	 */
	private function credential(string $constant): string {

		$value = RunCloud_Credentials::constant_value($constant);

		if ('' === $value && method_exists($this, 'get_credential')) {
			$value = (string) $this->get_credential($constant);
		}

		return $value;
	}

	/**
	 * Marks our handler active so the core RunCloud provider's callbacks are taken off.
	 *
	 * @return void
	 */
	public function additional_hooks() {

		RunCloud_Plugin::instance()->mark_handler_active();
	}

	/**
	 * RunCloud servers keep web apps under /home/runcloud/webapps.
	 *
	 * @return bool
	 */
	public function detect(): bool {

		return defined('ABSPATH') && false !== strpos((string) ABSPATH, 'runcloud');
	}

	/**
	 * A token, or an API key with its secret; a server id; an app id.
	 *
	 * @return bool
	 */
	public function is_setup(): bool {

		return ! $this->get_missing_constants();
	}

	/**
	 * What is missing.
	 *
	 * @return array
	 */
	public function get_missing_constants(): array {

		return RunCloud_Credentials::missing_credentials(\Closure::fromCallable([$this, 'credential']));
	}

	/**
	 * Wizard fields.
	 *
	 * @return array
	 */
	public function get_fields(): array {

		return RunCloud_Credentials::fields();
	}

	/**
	 * Event: a domain mapping became active.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_add_domain($domain, $site_id): void {

		$this->sync()->add_domain((string) $domain, (int) $site_id);
	}

	/**
	 * Event: a domain mapping was deleted.
	 *
	 * @param string $domain  The domain.
	 * @param int    $site_id The site.
	 * @return void
	 */
	public function on_remove_domain($domain, $site_id): void {

		$this->sync()->remove_domain((string) $domain, (int) $site_id);
	}

	/**
	 * Event: a site was created on a subdomain network.
	 *
	 * @param string $subdomain The full host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_add_subdomain($subdomain, $site_id): void {

		$this->sync()->add_subdomain((string) $subdomain, (int) $site_id);
	}

	/**
	 * Event: a site was deleted on a subdomain network.
	 *
	 * @param string $subdomain The full host.
	 * @param int    $site_id   The site.
	 * @return void
	 */
	public function on_remove_subdomain($subdomain, $site_id): void {

		$this->sync()->remove_subdomain((string) $subdomain, (int) $site_id);
	}

	/**
	 * Wizard "test connection": answers the admin AJAX request.
	 *
	 * @return void
	 */
	public function test_connection(): void {

		$answer = RunCloud_Plugin::instance()->connection()->answer();

		if ( ! $answer['ok']) {
			wp_send_json_error(['message' => $answer['message']]);

			return;
		}

		wp_send_json_success(
			[
				'message' => RunCloud_Connection_Check::describe($answer['result']),
				'targets' => $answer['result']['targets'] ?? [],
			]
		);
	}

	/**
	 * Description.
	 *
	 * @return string
	 */
	public function get_description(): string {

		return __('Adds and removes mapped domains and network subdomains on your RunCloud web app(s) and keeps their SSL certificates in step, through the wu_runcloud PHP extension (API v3 token, or v2 key and secret).', 'wu-runcloud');
	}

	/**
	 * Logo.
	 *
	 * @return string
	 */
	public function get_logo(): string {

		return function_exists('wu_get_asset') ? (string) wu_get_asset('runcloud.svg', 'img/hosts') : '';
	}

	/**
	 * Instructions (the core's RunCloud template).
	 *
	 * @return void
	 */
	public function get_instructions() {

		if (function_exists('wu_get_template')) {
			wu_get_template('wizards/host-integrations/runcloud-instructions');
		}
	}
}
