<?php
/**
 * Ultimate Multisite 2.5 adapter: the `runcloud` integration (credentials, setup, connection test).
 *
 * Registered in wu_register_integrations, after the core's: the registry keeps one integration per
 * id, so this one replaces the core's RunCloud integration.
 *
 * @package WU_RunCloud
 */

namespace WU_RunCloud;

use WP_Ultimo\Integrations\Integration;

defined('ABSPATH') || exit;

/**
 * The RunCloud integration provider.
 */
class RunCloud_Integration extends Integration {

	/**
	 * The connection test.
	 *
	 * @var RunCloud_Connection_Check
	 */
	private $connection;

	/**
	 * Constructor.
	 *
	 * @param RunCloud_Connection_Check $connection The connection test.
	 */
	public function __construct(RunCloud_Connection_Check $connection) {

		parent::__construct('runcloud', 'RunCloud');

		$this->connection = $connection;

		$this->set_description(__('Adds and removes mapped domains and network subdomains on your RunCloud web app(s) and keeps their SSL certificates in step, through the wu_runcloud PHP extension (API v3 token, or v2 key and secret).', 'wu-runcloud'));
		$this->set_logo(function_exists('wu_get_asset') ? (string) wu_get_asset('runcloud.svg', 'img/hosts') : '');
		$this->set_tutorial_link('https://ultimatemultisite.com/docs/user-guide/host-integrations/runcloud');
		$this->set_constants(
			[
				['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_API_KEY'],
				'WU_RUNCLOUD_SERVER_ID',
				'WU_RUNCLOUD_APP_ID',
			]
		);
		$this->set_optional_constants(
			[
				'WU_RUNCLOUD_API_SECRET',
				'WU_RUNCLOUD_EXTRA_TARGETS',
				'WU_RUNCLOUD_API_URL',
				'WU_RUNCLOUD_CA_FILE',
				'WU_RUNCLOUD_TIMEOUT',
			]
		);
		$this->set_supports(['autossl']);
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
	 * Wizard fields (saved encrypted by the 2.5 wizard when not constants).
	 *
	 * @return array
	 */
	public function get_fields(): array {

		return RunCloud_Credentials::fields();
	}

	/**
	 * A token, or an API key with its secret; a server id; an app id (constants or saved credentials).
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

		return RunCloud_Credentials::missing_credentials([$this, 'get_credential']);
	}

	/**
	 * Tests the credentials and every target web app.
	 *
	 * @return bool|\WP_Error True, or a WP_Error carrying RunCloud's message.
	 */
	public function test_connection() {

		$answer = $this->connection->answer();

		if ($answer['ok']) {
			return true;
		}

		if ('runcloud-extension-missing' === $answer['code']) {
			return new \WP_Error($answer['code'], $answer['message']);
		}

		return new \WP_Error($answer['code'], $answer['message'], ['status' => $answer['status']]);
	}

	/**
	 * Instructions (the core's RunCloud template).
	 *
	 * @return void
	 */
	public function get_instructions(): void {

		if (function_exists('wu_get_template')) {
			wu_get_template('wizards/host-integrations/runcloud-instructions');
		}
	}
}
