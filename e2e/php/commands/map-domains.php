<?php
/**
 * Maps domains to a site through Ultimate Multisite (each save enqueues wu_add_domain and the
 * DNS/SSL stage checks, as UM does).
 *
 *   {"site_id": 2, "domains": ["shop.example.com", ...], "active": true}
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	$ids = [];

	foreach ((array) $args['domains'] as $name) {
		$domain = wu_create_domain(
			[
				'blog_id' => (int) $args['site_id'],
				'domain'  => (string) $name,
				'active'  => (int) ($args['active'] ?? true),
			]
		);

		if (is_wp_error($domain)) {
			throw new RuntimeException('wu_create_domain: ' . $domain->get_error_message());
		}

		$ids[ $domain->get_domain() ] = $domain->get_id();
	}

	return ['ids' => $ids];
};
