<?php
/**
 * Shared pieces of the reliability suite: the control-plane calls the general Emulator helper
 * does not offer (pending faults, clearing faults or the request log), a raw HTTP listener
 * (redirect target, a server that never answers, a server that drips), and a few assertions.
 *
 * Loaded by the reliability tests with require_once; the file name does not end in Test.php,
 * so PHPUnit does not take it for a test file.
 */

namespace WU_RunCloud_Tests\Reliability;

use WU_RunCloud_Tests\Emulator;
use WU_RunCloud_Tests\Native_Test_Case;

/**
 * A raw HTTP listener in a child process (support/raw-server.php). Bounded lifetime.
 */
final class Raw_Server {

	/** @var resource|null */
	private $process;

	/** @var resource|null */
	private $stdout;

	/** @var string */
	private $address;

	/** @var string */
	private $capture;

	private function __construct() {}

	/**
	 * @param string $mode     record | silent | drip (see raw-server.php).
	 * @param int    $lifetime Seconds after which the listener exits by itself.
	 */
	public static function start(string $mode, int $lifetime = 300): self {
		$server          = new self();
		$server->capture = (string) tempnam(sys_get_temp_dir(), 'wu-rc-raw-');
		$pipes           = [];
		$process         = proc_open(
			[PHP_BINARY, '-n', __DIR__ . '/raw-server.php', $mode, $server->capture, (string) $lifetime],
			[0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']],
			$pipes
		);
		if (!is_resource($process)) {
			throw new \RuntimeException('could not start the raw server');
		}
		fclose($pipes[0]);
		$server->process = $process;
		$server->stdout  = $pipes[1];
		$line            = fgets($pipes[1]);
		if (false === $line || 0 !== strpos($line, 'READY ')) {
			$server->stop();
			throw new \RuntimeException('the raw server did not print READY: ' . var_export($line, true));
		}
		$server->address = trim(substr($line, 6));
		return $server;
	}

	public function __destruct() {
		$this->stop();
	}

	/** `127.0.0.1:PORT`. */
	public function address(): string {
		return $this->address;
	}

	public function port(): int {
		return (int) substr($this->address, strrpos($this->address, ':') + 1);
	}

	/** Everything received so far, raw. */
	public function captured(): string {
		clearstatcache();
		return (string) @file_get_contents($this->capture);
	}

	/** Number of complete requests received so far. */
	public function request_count(): int {
		return substr_count($this->captured(), "----- request -----\n");
	}

	public function clear(): void {
		file_put_contents($this->capture, '');
	}

	public function stop(): void {
		if (is_resource($this->stdout)) {
			fclose($this->stdout);
		}
		if (is_resource($this->process)) {
			proc_terminate($this->process);
			proc_close($this->process);
		}
		$this->stdout  = null;
		$this->process = null;
		if (null !== $this->capture && file_exists($this->capture)) {
			@unlink($this->capture);
		}
	}
}

/**
 * Base class of the reliability tests.
 */
abstract class Reliability_Test_Case extends Native_Test_Case {

	/** Every exception class a wu_runcloud_* function may throw. */
	protected const NATIVE_EXCEPTIONS = [
		'WU\RunCloud\ConfigException',
		'WU\RunCloud\ValidationException',
		'WU\RunCloud\ApiException',
		'WU\RunCloud\TransportException',
	];

	/** A control-plane request to any emulator (see Emulator::control()). */
	protected static function control(Emulator $emulator, string $method, string $path, $body = null): array {
		return $emulator->control($method, $path, $body);
	}

	/** Rules still programmed (with their remaining uses). */
	protected static function pending_faults(Emulator $emulator): array {
		return self::control($emulator, 'GET', '/__emulator/faults')['faults'] ?? [];
	}

	protected static function clear_faults(Emulator $emulator): void {
		self::control($emulator, 'DELETE', '/__emulator/faults');
	}

	protected static function clear_requests(Emulator $emulator): void {
		self::control($emulator, 'DELETE', '/__emulator/requests');
	}

	/** Requests the emulator saw with this method and a path matching $path_regex. */
	protected static function count_requests(Emulator $emulator, string $method, string $path_regex): int {
		$count = 0;
		foreach ($emulator->requests() as $request) {
			if ($method === $request['method'] && preg_match($path_regex, $request['path'])) {
				$count++;
			}
		}
		return $count;
	}

	/** The domain names of app 1:1 with their multiplicity kept (no sort, no unique). */
	protected static function all_names(Emulator $emulator, int $server_id = 1, int $app_id = 1): array {
		$names = [];
		foreach ($emulator->state()['apps'] as $app) {
			if ((int) $app['server_id'] === $server_id && (int) $app['app_id'] === $app_id) {
				foreach ($app['domains'] as $domain) {
					$names[] = $domain['name'];
				}
			}
		}
		return $names;
	}

	protected function assertNoDuplicateDomain(Emulator $emulator, string $context = ''): void {
		$names  = self::all_names($emulator);
		$counts = array_count_values($names);
		$dups   = array_keys(array_filter($counts, function ($n) {
			return $n > 1;
		}));
		$this->assertSame([], $dups, "duplicate domains on the app {$context}");
	}

	/** Runs $call; returns [result, exception, seconds]. Only our exception classes are caught. */
	protected function attempt(callable $call): array {
		$started = microtime(true);
		try {
			$result = $call();
			return [$result, null, microtime(true) - $started];
		} catch (\Throwable $e) {
			$elapsed = microtime(true) - $started;
			$this->assertContains(get_class($e), self::NATIVE_EXCEPTIONS, 'not an exception of the extension: ' . get_class($e) . ': ' . $e->getMessage() . "\n" . $e->getTraceAsString());
			return [null, $e, $elapsed];
		}
	}
}
