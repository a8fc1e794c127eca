<?php
/**
 * Sets an Ultimate Multisite network setting (e.g. auto_create_www_subdomain).
 *
 *   {"key": "auto_create_www_subdomain", "value": "never"}
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	wu_save_setting((string) $args['key'], $args['value']);

	return [(string) $args['key'] => wu_get_setting((string) $args['key'])];
};
