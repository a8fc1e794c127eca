<?php
/**
 * PHPUnit bootstrap: the suites run against the built extension and the emulator binary.
 *
 * Run through `make test` (or `make phpunit`), which passes
 * `-d extension=target/release/libwu_runcloud.so` and WU_RUNCLOUD_EMULATOR_BIN.
 */

if (!extension_loaded('wu_runcloud')) {
	fwrite(STDERR, "wu_runcloud is not loaded. Run the suite with: php -d extension=\$(pwd)/target/release/libwu_runcloud.so /usr/bin/phpunit -c php-tests/phpunit.xml.dist (or simply: make test)\n");
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
