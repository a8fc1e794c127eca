<?php
/**
 * Sets (value) or deletes (value null) a network option: e2e seams, Ultimate Multisite settings.
 *
 *   {"name": "wu_e2e_runcloud_options", "value": {"app_id": "abc"}}
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	if (null === ($args['value'] ?? null)) {
		delete_network_option(null, (string) $args['name']);
	} else {
		update_network_option(null, (string) $args['name'], $args['value']);
	}

	return ['name' => $args['name']];
};
