<?php
/**
 * Deletes a domain mapping through Ultimate Multisite (enqueues wu_remove_domain).
 *
 *   {"domain": "shop.example.com"}
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	$domain = wu_get_domain_by_domain((string) $args['domain']);

	if ( ! $domain) {
		throw new RuntimeException('no mapping for ' . $args['domain']);
	}

	return ['deleted' => $domain->delete()];
};
