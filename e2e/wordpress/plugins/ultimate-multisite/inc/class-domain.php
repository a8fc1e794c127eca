<?php
/**
 * WP_Ultimo\Models\Domain: a domain mapping, stored in UM's global table {base_prefix}wu_domain_mappings
 * (the 2.4/2.5 columns). Saving fires BerlinDB's per-column transition hooks
 * (`wu_transition_domain_<column>`, old value '' for a new row), deleting fires
 * `wu_domain_post_delete`, exactly the hooks Ultimate Multisite's Domain_Manager listens to.
 *
 * @package WU_RunCloud_E2E
 */

namespace WP_Ultimo\Models;

defined('ABSPATH') || exit;

/**
 * One domain mapping.
 */
class Domain {

	/**
	 * Columns and their defaults.
	 */
	const COLUMNS = [
		'id'             => 0,
		'blog_id'        => 0,
		'domain'         => '',
		'active'         => 1,
		'primary_domain' => 0,
		'secure'         => 0,
		'stage'          => 'checking-dns',
		'date_created'   => null,
		'date_modified'  => null,
	];

	/**
	 * Version of the table layout.
	 */
	const TABLE_VERSION = '2.0.1-revision.20260109';

	/**
	 * Column values.
	 *
	 * @var array
	 */
	private $data;

	/**
	 * Values as last read from or written to the table (for the transitions).
	 *
	 * @var array
	 */
	private $stored = [];

	/**
	 * Constructor.
	 *
	 * @param array $data Column values.
	 */
	public function __construct(array $data = []) {

		$this->data = array_merge(self::COLUMNS, array_intersect_key($data, self::COLUMNS));
	}

	/**
	 * The table name.
	 *
	 * @return string
	 */
	public static function table(): string {

		global $wpdb;

		return $wpdb->base_prefix . 'wu_domain_mappings';
	}

	/**
	 * Creates the table once (UM's BerlinDB tables install themselves on load).
	 *
	 * @return void
	 */
	public static function maybe_create_table(): void {

		global $wpdb;

		if (self::TABLE_VERSION === get_network_option(null, 'wpdb_wu_domain_mappings_version')) {
			return;
		}

		require_once ABSPATH . 'wp-admin/includes/upgrade.php';

		dbDelta(
			'CREATE TABLE ' . self::table() . " (
				id bigint(20) NOT NULL auto_increment,
				blog_id bigint(20) NOT NULL,
				domain varchar(191) NOT NULL,
				active tinyint(4) default 1,
				primary_domain tinyint(4) default 0,
				secure tinyint(4) default 0,
				stage enum('checking-dns','checking-ssl-cert','done-without-ssl','done','failed','ssl-failed') DEFAULT 'checking-dns',
				date_created datetime NULL,
				date_modified datetime NULL,
				PRIMARY KEY  (id),
				KEY blog_id (blog_id,domain,active),
				KEY domain (domain)
			) {$wpdb->get_charset_collate()};"
		);

		update_network_option(null, 'wpdb_wu_domain_mappings_version', self::TABLE_VERSION);
	}

	/**
	 * Mappings matching a query.
	 *
	 * @param array $query id, blog_id, domain, active, stage, number, offset.
	 * @return Domain[]
	 */
	public static function query(array $query): array {

		global $wpdb;

		$where  = ['1=1'];
		$values = [];

		foreach (['id' => '%d', 'blog_id' => '%d', 'domain' => '%s', 'stage' => '%s', 'active' => '%d'] as $column => $format) {
			if (isset($query[ $column ])) {
				$where[]  = "{$column} = {$format}";
				$values[] = 'active' === $column ? (int) (bool) $query[ $column ] : $query[ $column ];
			}
		}

		$sql = 'SELECT * FROM ' . self::table() . ' WHERE ' . implode(' AND ', $where) . ' ORDER BY id ASC';

		if ( ! empty($query['number'])) {
			$sql     .= ' LIMIT %d OFFSET %d';
			$values[] = (int) $query['number'];
			$values[] = (int) ($query['offset'] ?? 0);
		}

		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$rows = $wpdb->get_results($values ? $wpdb->prepare($sql, $values) : $sql, ARRAY_A);

		return array_map(
			static function (array $row) {
				$domain         = new self($row);
				$domain->stored = $domain->data;

				return $domain;
			},
			(array) $rows
		);
	}

	/**
	 * Inserts or updates the row, then fires the transition of every changed column.
	 *
	 * @return bool|\WP_Error
	 */
	public function save() {

		global $wpdb;

		$now    = current_time('mysql', true);
		$is_new = ! $this->data['id'];
		$before = $is_new ? array_fill_keys(array_keys(self::COLUMNS), '') : $this->stored;

		$this->data['domain']        = strtolower(trim((string) $this->data['domain']));
		$this->data['date_modified'] = $now;

		if ('' === $this->data['domain'] || ! $this->data['blog_id']) {
			return new \WP_Error('invalid-domain', 'A domain mapping needs a domain and a site.');
		}

		$row = array_diff_key($this->data, ['id' => true]);

		if ($is_new) {
			$row['date_created'] = $now;

			$wpdb->insert(self::table(), $row);

			$this->data['id']           = (int) $wpdb->insert_id;
			$this->data['date_created'] = $now;
		} else {
			$wpdb->update(self::table(), $row, ['id' => $this->data['id']]);
		}

		$this->stored = $this->data;

		foreach (['domain', 'active', 'primary_domain', 'secure', 'stage', 'blog_id'] as $column) {
			if ((string) $before[ $column ] !== (string) $this->data[ $column ]) {
				do_action("wu_transition_domain_{$column}", $before[ $column ], $this->data[ $column ], $this->data['id']);
			}
		}

		if ($is_new && 'checking-dns' === $this->data['stage']) {
			wu_enqueue_async_action('wu_async_process_domain_stage', ['domain_id' => $this->data['id']], 'domain');
		}

		return true;
	}

	/**
	 * Deletes the row, then fires wu_domain_post_delete.
	 *
	 * @return bool
	 */
	public function delete() {

		global $wpdb;

		$result = (bool) $wpdb->delete(self::table(), ['id' => $this->data['id']]);

		do_action('wu_domain_post_delete', $result, $this);

		return $result;
	}

	/**
	 * Whether the domain's DNS points at the network. The e2e network has no DNS of its own: the
	 * filter wu_e2e_has_correct_dns answers (the e2e seams ask the emulator's DNS control plane);
	 * without it, names listed in the network option wu_e2e_dns_not_pointing do not point here.
	 *
	 * @return bool
	 */
	public function has_correct_dns() {

		$default = ! in_array($this->get_domain(), (array) get_network_option(null, 'wu_e2e_dns_not_pointing', []), true);

		return (bool) apply_filters('wu_e2e_has_correct_dns', $default, $this->get_domain());
	}

	/**
	 * Whether the domain serves a valid certificate: the filter wu_e2e_has_valid_ssl_certificate
	 * answers (the e2e seams ask the emulator whether its certificate covers the name); without
	 * it, names listed in the network option wu_e2e_ssl_valid do.
	 *
	 * @return bool
	 */
	public function has_valid_ssl_certificate() {

		$default = in_array($this->get_domain(), (array) get_network_option(null, 'wu_e2e_ssl_valid', []), true);

		return (bool) apply_filters('wu_e2e_has_valid_ssl_certificate', $default, $this->get_domain());
	}

	/**
	 * The id.
	 *
	 * @return int
	 */
	public function get_id() {

		return (int) $this->data['id'];
	}

	/**
	 * The mapped name.
	 *
	 * @return string
	 */
	public function get_domain() {

		return (string) $this->data['domain'];
	}

	/**
	 * Renames the mapping (saving fires wu_transition_domain_domain: UM sends the new name to the host).
	 *
	 * @param string $domain The new name.
	 * @return void
	 */
	public function set_domain($domain) {

		$this->data['domain'] = (string) $domain;
	}

	/**
	 * The site.
	 *
	 * @return int
	 */
	public function get_site_id() {

		return (int) $this->data['blog_id'];
	}

	/**
	 * The site (UM's other name for it).
	 *
	 * @return int
	 */
	public function get_blog_id() {

		return $this->get_site_id();
	}

	/**
	 * Whether the mapping is active.
	 *
	 * @return bool
	 */
	public function is_active() {

		return (bool) $this->data['active'];
	}

	/**
	 * Activates or deactivates the mapping.
	 *
	 * @param bool $active Whether it is active.
	 * @return void
	 */
	public function set_active($active) {

		$this->data['active'] = (int) (bool) $active;
	}

	/**
	 * Whether it is the site's primary domain.
	 *
	 * @return bool
	 */
	public function is_primary_domain() {

		return (bool) $this->data['primary_domain'];
	}

	/**
	 * Whether it is served over HTTPS.
	 *
	 * @return bool
	 */
	public function is_secure() {

		return (bool) $this->data['secure'];
	}

	/**
	 * Marks it served over HTTPS or not.
	 *
	 * @param bool $secure Whether it is.
	 * @return void
	 */
	public function set_secure($secure) {

		$this->data['secure'] = (int) (bool) $secure;
	}

	/**
	 * The stage (checking-dns, checking-ssl-cert, done-without-ssl, done, failed, ssl-failed).
	 *
	 * @return string
	 */
	public function get_stage() {

		return (string) $this->data['stage'];
	}

	/**
	 * Sets the stage.
	 *
	 * @param string $stage The stage.
	 * @return void
	 */
	public function set_stage($stage) {

		$this->data['stage'] = (string) $stage;
	}

	/**
	 * The columns as an array (for the e2e state dump).
	 *
	 * @return array
	 */
	public function to_array() {

		return $this->data;
	}
}
