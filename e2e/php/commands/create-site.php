<?php
/**
 * Creates a site on its subdomain <slug>.<network> (Ultimate Multisite enqueues wu_add_subdomain).
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	$network = get_network();
	$domain  = $args['slug'] . '.' . $network->domain;
	$site_id = wpmu_create_blog($domain, '/', (string) ($args['title'] ?? $args['slug']), 1, [], $network->id);

	if (is_wp_error($site_id)) {
		throw new RuntimeException('wpmu_create_blog: ' . $site_id->get_error_message());
	}

	return [
		'site_id' => (int) $site_id,
		'domain'  => $domain,
	];
};
