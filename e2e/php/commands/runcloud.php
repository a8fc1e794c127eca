<?php
/**
 * Runs the plugin's WP-CLI command (`wp runcloud <subcommand> [--flags]`) through the WP-CLI
 * stand-in; its output goes to stdout as in a terminal, WP_CLI::error() exits with status 1.
 *
 *   {"subcommand": "sync", "flags": {"remove-orphans": true}}
 *
 * @package WU_RunCloud_E2E
 */

return static function (array $args): array {

	if (empty(WP_CLI::$commands['runcloud'])) {
		throw new RuntimeException('the plugin did not register `wp runcloud`');
	}

	$subcommand = (string) $args['subcommand'];

	WP_CLI::$commands['runcloud']->$subcommand([], (array) ($args['flags'] ?? []));

	return ['subcommand' => $subcommand];
};
