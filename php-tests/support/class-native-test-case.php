<?php
/**
 * Base class for the native API tests: one emulator per test class (token, and key+secret
 * for v2), reset before every test, and distinctive secrets that the tests look for in
 * everything the extension produces.
 */

namespace WU_RunCloud_Tests;

use PHPUnit\Framework\TestCase;

abstract class Native_Test_Case extends TestCase {

	public const TOKEN  = 'tok-SECRET-7d1f0a9c3b';
	public const KEY    = 'key-SECRET-51c0ffee42';
	public const SECRET = 'sec-SECRET-9e8d7c6b5a';

	/** @var Emulator|null */
	protected static $emulator;

	/** Extra emulator flags for this test class. */
	protected static function emulator_flags(): array {
		return [];
	}


	public static function tearDownAfterClass(): void {
		if (null !== static::$emulator) {
			static::$emulator->stop();
			static::$emulator = null;
		}
	}

	/** Resets the class's emulator (when one runs) so every test starts from the same state. */
	protected function setUp(): void {
		if (null !== static::$emulator) {
			static::$emulator->reset();
		}
	}

	/** The class's emulator, started on first use (also inside a separate test process). */
	protected function emulator(): Emulator {
		if (null === static::$emulator) {
			static::$emulator = Emulator::start(array_merge(
				['--token', self::TOKEN, '--api-key', self::KEY, '--api-secret', self::SECRET],
				static::emulator_flags()
			));
		}
		return static::$emulator;
	}

	/** Options for a v3 call to app 1:1 of the emulator. */
	protected function v3(array $extra = []): array {
		return array_merge(['api_url' => $this->emulator()->base_url(), 'api_token' => self::TOKEN, 'server_id' => 1, 'app_id' => 1], $extra);
	}

	/** Options for a v2 call (key + secret) to app 1:1 of the emulator. */
	protected function v2(array $extra = []): array {
		return array_merge(['api_url' => $this->emulator()->base_url(), 'api_key' => self::KEY, 'api_secret' => self::SECRET, 'server_id' => 1, 'app_id' => 1], $extra);
	}

	/** Both API versions, for data providers. */
	public function versions(): array {
		return ['v3' => ['v3'], 'v2' => ['v2']];
	}

	protected function options(string $version, array $extra = []): array {
		return 'v2' === $version ? $this->v2($extra) : $this->v3($extra);
	}

	/** Fails when any of the secrets appears in $text. */
	protected function assertNoSecret(string $text, string $what = 'output'): void {
		foreach ([self::TOKEN, self::KEY, self::SECRET] as $secret) {
			$this->assertStringNotContainsString($secret, $text, "a secret leaked into the {$what}");
		}
		$this->assertStringNotContainsString('SECRET', $text, "a secret fragment leaked into the {$what}");
	}

	/** Everything an exception exposes, as one string. */
	protected static function describe_exception(\Throwable $e): string {
		return get_class($e) . "\n" . $e->getMessage() . "\n" . $e->getTraceAsString() . "\n"
			. print_r($e->getTrace(), true) . "\n" . var_export($e, true) . "\n" . (string) $e;
	}

	/**
	 * Runs $call and returns the exception it threw; fails when it throws none or another class.
	 *
	 * @template T of \Throwable
	 * @param class-string<T> $class
	 * @return T
	 */
	protected function expectThrown(string $class, callable $call): \Throwable {
		try {
			$call();
		} catch (\Throwable $e) {
			$this->assertInstanceOf($class, $e, 'unexpected exception: ' . get_class($e) . ': ' . $e->getMessage());
			return $e;
		}
		$this->fail("expected {$class}, nothing was thrown");
	}
}
