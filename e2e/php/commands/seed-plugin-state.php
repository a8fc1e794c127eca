<?php
/**
 * Seeds the plugin's remembered state with many covered names through its own API
 * (RunCloud_State::update_entries()), for the page's search and paging with thousands of
 * mappings (mapping them all through the queue would take minutes).
 *
 *   {"count": 3000, "prefix": "bulk", "target": "1:1"}
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	$count  = (int) ($args['count'] ?? 1000);
	$prefix = (string) ($args['prefix'] ?? 'bulk');
	$key    = (string) ($args['target'] ?? '1:1');
	$now    = time();
	$names  = [];

	for ($i = 0; $i < $count; $i++) {
		$names[] = sprintf('%s-%05d.example.com', $prefix, $i);
	}

	\WU_RunCloud\RunCloud_Plugin::instance()->state()->update_entries(
		$names,
		static function (string $name, ?array $entry) use ($key, $now): array {
			return [
				'site' => 1,
				'op'   => 'add_domain',
				'www'  => false,
				't'    => [
					$key => \WU_RunCloud\RunCloud_State::complete(
						[
							'id'         => 500000 + (int) substr(md5($name), 0, 6),
							'present'    => true,
							'added'      => true,
							'cert'       => \WU_RunCloud\RunCloud_State::CERT_COVERED,
							'since'      => $now,
							'covered_at' => $now,
						]
					),
				],
			];
		}
	);

	return ['seeded' => $count];
};
