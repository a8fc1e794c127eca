<?php
/**
 * Runs a PHP script in a child process with the same PHP (and so the same extension, which
 * `make test` loads through PHP_INI_SCAN_DIR). For what one process cannot show: an uncaught
 * exception's report, a crash, constants defined differently.
 */

namespace WU_RunCloud_Tests;

final class Php_Script {

	/**
	 * @return array{exit: int, stdout: string, stderr: string, file: string}
	 */
	public static function run(string $code, array $env = []): array {
		$file = tempnam(sys_get_temp_dir(), 'wu-rc-script-') . '.php';
		file_put_contents($file, $code);
		$pipes = [];
		$process = proc_open(
			[PHP_BINARY, '-d', 'display_errors=stderr', '-d', 'log_errors=0', $file],
			[0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
			$pipes,
			null,
			array_merge(getenv(), $env)
		);
		fclose($pipes[0]);
		$stdout = stream_get_contents($pipes[1]);
		$stderr = stream_get_contents($pipes[2]);
		fclose($pipes[1]);
		fclose($pipes[2]);
		$exit = proc_close($process);
		@unlink($file);
		return ['exit' => $exit, 'stdout' => (string) $stdout, 'stderr' => (string) $stderr, 'file' => $file];
	}
}
