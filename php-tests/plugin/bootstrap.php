<?php
/**
 * Bootstrap of the plugin suite (required by php-tests/bootstrap.php).
 *
 * Loads the harness only: each plugin test runs in its own process (constants and Ultimate
 * Multisite generation differ per test) and boots its stand-ins there.
 */

require_once __DIR__ . '/support/class-harness.php';
require_once __DIR__ . '/support/class-plugin-test-case.php';

/*
 * Process isolation: PHPUnit starts each isolated test with PHP_BINARY and no -d flags, so an
 * extension loaded with `php -d extension=...` would be missing there. When the extension was not
 * loaded from an ini file, write one and add its directory to PHP_INI_SCAN_DIR for the children.
 * (`make test` loads it through PHP_INI_SCAN_DIR already: nothing to do then.)
 */
(static function (): void {
	if ( ! extension_loaded('wu_runcloud')) {
		return;
	}

	$inis = array_filter(array_merge([(string) php_ini_loaded_file()], array_map('trim', explode(',', (string) php_ini_scanned_files()))));

	foreach ($inis as $ini) {
		if (is_readable($ini) && false !== strpos((string) file_get_contents($ini), 'wu_runcloud')) {
			return;
		}
	}

	$library = null;

	foreach (is_readable('/proc/self/maps') ? (array) file('/proc/self/maps') : [] as $line) {
		if (preg_match('~\s(/\S*wu_runcloud\S*\.so)\s*$~', (string) $line, $m)) {
			$library = $m[1];
			break;
		}
	}

	if (null === $library) {
		$library = getenv('WU_RUNCLOUD_EXTENSION') ?: dirname(__DIR__, 2) . '/target/release/libwu_runcloud.so';
	}

	if ( ! is_readable($library)) {
		return;
	}

	$dir = sys_get_temp_dir() . '/wu-runcloud-phpunit-ini-' . getmypid();

	if ( ! is_dir($dir) && ! mkdir($dir, 0700) && ! is_dir($dir)) {
		return;
	}

	file_put_contents($dir . '/99-wu_runcloud.ini', 'extension=' . $library . PHP_EOL);

	$current = getenv('PHP_INI_SCAN_DIR');

	putenv('PHP_INI_SCAN_DIR=' . (false === $current ? '' : $current) . PATH_SEPARATOR . $dir);

	register_shutdown_function(
		static function () use ($dir): void {
			@unlink($dir . '/99-wu_runcloud.ini');
			@rmdir($dir);
		}
	);
})();
