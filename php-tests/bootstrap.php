<?php
/**
 * PHPUnit bootstrap: the suites run against the built extension and the emulator binary.
 *
 * Run through `make test` (or `make phpunit`), which loads target/release/libwu_runcloud.so
 * through PHP_INI_SCAN_DIR=target/php-ini and sets WU_RUNCLOUD_EMULATOR_BIN (php-tests/README.md).
 */

if (!extension_loaded('wu_runcloud')) {
	fwrite(STDERR, "wu_runcloud is not loaded. Run the suite with: make ini && PHP_INI_SCAN_DIR=\$PWD/target/php-ini phpunit -c php-tests/phpunit.xml.dist (or simply: make phpunit)\n");
	exit(1);
}

$wu_runcloud_emulator_bin = getenv('WU_RUNCLOUD_EMULATOR_BIN') ?: dirname(__DIR__) . '/target/release/runcloud-emulator';
if (!is_executable($wu_runcloud_emulator_bin)) {
	fwrite(STDERR, "The emulator binary is missing at {$wu_runcloud_emulator_bin}: build it with `cargo build --release -p runcloud-emulator` or set WU_RUNCLOUD_EMULATOR_BIN.\n");
	exit(1);
}

require_once __DIR__ . '/support/class-emulator.php';
require_once __DIR__ . '/support/class-php-script.php';
require_once __DIR__ . '/support/class-native-test-case.php';

if (file_exists(__DIR__ . '/plugin/bootstrap.php')) {
	require_once __DIR__ . '/plugin/bootstrap.php';
}
