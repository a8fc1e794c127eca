<?php
/**
 * Starts the RunCloud emulator binary for a test and talks to its control plane.
 *
 * The binary prints `READY <base-url>` once listening on a port it chose (port 0): reading
 * that line is the only wait, no sleeps.
 */

namespace WU_RunCloud_Tests;

final class Emulator {

	/** @var resource */
	private $process;

	/** @var resource */
	private $stdout;

	/** @var string */
	private $base_url;

	/** @var string|null */
	private $ca_file;

	/** @var string|null */
	private $log_file;

	private function __construct() {}

	/**
	 * @param list<string> $flags Command-line flags of runcloud-emulator, e.g. ['--token', 'T', '--ssl', 'letsencrypt'].
	 */
	public static function start(array $flags = []): self {
		// Never an address an earlier emulator of this process had: the extension remembers
		// each web app's certificate per API root for the life of the process (one root is one
		// RunCloud), and emulators number their certificates alike.
		static $used = [];
		for ($try = 0; $try < 20; $try++) {
			$emulator = self::start_once($flags);
			if (!isset($used[$emulator->base_url])) {
				$used[$emulator->base_url] = true;
				return $emulator;
			}
			$emulator->stop();
		}
		throw new \RuntimeException('no fresh address for an emulator in 20 tries');
	}

	/** @param list<string> $flags */
	private static function start_once(array $flags): self {
		$bin = getenv('WU_RUNCLOUD_EMULATOR_BIN') ?: dirname(__DIR__, 2) . '/target/release/runcloud-emulator';
		$emulator = new self();
		if (in_array('--tls', $flags, true) && !in_array('--ca-out', $flags, true)) {
			$emulator->ca_file = tempnam(sys_get_temp_dir(), 'wu-rc-ca-');
			$flags[] = '--ca-out';
			$flags[] = $emulator->ca_file;
		} elseif (false !== ($i = array_search('--ca-out', $flags, true))) {
			$emulator->ca_file = $flags[$i + 1] ?? null;
		}
		$emulator->log_file = tempnam(sys_get_temp_dir(), 'wu-rc-emu-log-');
		$command = array_merge([$bin, '--listen', '127.0.0.1:0'], $flags);
		$pipes = [];
		$process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $emulator->log_file, 'a']], $pipes);
		if (!is_resource($process)) {
			throw new \RuntimeException('could not start the emulator: ' . implode(' ', $command));
		}
		$emulator->process = $process;
		$emulator->stdout = $pipes[1];
		$line = fgets($pipes[1]);
		if (false === $line || 0 !== strpos($line, 'READY ')) {
			$log = (string) @file_get_contents($emulator->log_file);
			$emulator->stop();
			throw new \RuntimeException("the emulator did not print READY (got: " . var_export($line, true) . "): {$log}");
		}
		$emulator->base_url = trim(substr($line, 6));
		return $emulator;
	}

	public function __destruct() {
		$this->stop();
	}

	/** The API root (ends in /api): WU_RUNCLOUD_API_URL or option api_url. */
	public function base_url(): string {
		return $this->base_url;
	}

	/** The PEM file of the CA generated with --tls, else null. */
	public function ca_file(): ?string {
		return $this->ca_file;
	}

	public function state(): array {
		return $this->control('GET', '/__emulator/state');
	}

	/** @return list<array{method: string, path: string, query: string, body: string}> */
	public function requests(): array {
		return $this->control('GET', '/__emulator/requests')['requests'];
	}

	/** Number of /api requests seen so far. */
	public function request_count(): int {
		return count($this->requests());
	}

	public function fault(array $rule): void {
		$this->control('POST', '/__emulator/faults', $rule);
	}

	public function seed(int $server_id, int $app_id, int $count): void {
		$this->control('POST', '/__emulator/seed', ['server_id' => $server_id, 'app_id' => $app_id, 'count' => $count]);
	}

	public function reset(): void {
		$this->control('POST', '/__emulator/reset', new \stdClass());
	}

	/**
	 * Sets whether a name resolves to the server for certificate validation (every name does
	 * until set otherwise; `www.<name>` is a name of its own).
	 */
	public function set_dns(string $name, bool $points_here): void {
		$this->control('POST', '/__emulator/dns', ['name' => $name, 'points_here' => $points_here]);
	}

	/** @return array<string, bool> The names set so far, by name. */
	public function dns(): array {
		return $this->control('GET', '/__emulator/dns')['names'];
	}

	/**
	 * Moves the emulator clock forward (certificate issuance windows and dates).
	 *
	 * @return array{now: string, unix: int, offset_seconds: int} The clock afterwards.
	 */
	public function advance_clock(int $seconds): array {
		return $this->control('POST', '/__emulator/clock', ['advance_seconds' => $seconds]);
	}

	/** @return array{now: string, unix: int, offset_seconds: int} */
	public function clock(): array {
		return $this->control('GET', '/__emulator/clock');
	}

	/**
	 * Certificate issuance so far: issued_count, failed_count and the latest attempts
	 * (see the emulator crate's docs).
	 */
	public function issuance(): array {
		return $this->state()['issuance'];
	}

	public function connections_accepted(): int {
		return (int) $this->control('GET', '/__emulator/connections')['accepted'];
	}

	/** Names of the domains on one app, sorted. */
	public function domain_names(int $server_id = 1, int $app_id = 1): array {
		$names = [];
		foreach ($this->state()['apps'] as $app) {
			if ((int) $app['server_id'] === $server_id && (int) $app['app_id'] === $app_id) {
				foreach ($app['domains'] as $domain) {
					$names[] = $domain['name'];
				}
			}
		}
		sort($names);
		return $names;
	}

	/** The emulator's process id (benchmarks pin it to a CPU), null once stopped. */
	public function pid(): ?int {
		if (!is_resource($this->process)) {
			return null;
		}
		$status = proc_get_status($this->process);
		return $status['running'] ? (int) $status['pid'] : null;
	}

	/** What the emulator wrote to stderr so far (for failure messages). */
	public function log(): string {
		return null === $this->log_file ? '' : (string) @file_get_contents($this->log_file);
	}

	public function stop(): void {
		if (is_resource($this->stdout)) {
			fclose($this->stdout);
		}
		if (is_resource($this->process)) {
			proc_terminate($this->process);
			proc_close($this->process);
		}
		$this->process = null;
		$this->stdout = null;
		if (null !== $this->log_file && file_exists($this->log_file)) {
			@unlink($this->log_file);
			$this->log_file = null;
		}
	}

	/**
	 * One control-plane request (never under /api, never authenticated). Over TLS the
	 * certificate is checked against the emulator's CA for the name `localhost`, which its
	 * certificate always covers, whatever loopback address it listens on.
	 *
	 * @param mixed $body JSON-encoded when not null.
	 */
	public function control(string $method, string $path, $body = null): array {
		$root = substr($this->base_url, 0, -strlen('/api'));
		$http = ['method' => $method, 'ignore_errors' => true, 'timeout' => 30, 'header' => "Accept: application/json\r\n"];
		if (null !== $body) {
			$http['header'] .= "Content-Type: application/json\r\n";
			$http['content'] = json_encode($body);
		}
		$ssl = null === $this->ca_file ? [] : ['cafile' => $this->ca_file, 'verify_peer' => true, 'verify_peer_name' => true, 'peer_name' => 'localhost'];
		$context = stream_context_create(['http' => $http, 'ssl' => $ssl]);
		$response = @file_get_contents($root . $path, false, $context);
		if (false === $response) {
			throw new \RuntimeException("emulator control request {$method} {$path} failed: " . (error_get_last()['message'] ?? '') . $this->log());
		}
		$status = isset($http_response_header[0]) ? (int) explode(' ', $http_response_header[0])[1] : 0;
		$decoded = json_decode($response, true);
		if ($status < 200 || $status >= 300 || !is_array($decoded)) {
			throw new \RuntimeException("emulator control request {$method} {$path} answered {$status}: {$response}");
		}
		return $decoded;
	}
}
