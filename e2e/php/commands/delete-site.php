<?php
/**
 * Deletes a site (Ultimate Multisite deletes its mappings, then enqueues wu_remove_subdomain).
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	require_once ABSPATH . 'wp-admin/includes/ms.php';

	wpmu_delete_blog((int) $args['site_id'], true);

	return ['deleted' => (int) $args['site_id']];
};
