<?php
/**
 * The plugin part of `make demo` runs end to end (support/class-demo.php).
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud_Stubs\Demo;

require_once __DIR__ . '/support/class-demo.php';

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class DemoTest extends Plugin_Test_Case {

	/**
	 * @dataProvider generations
	 */
	public function test_the_demo_maps_creates_removes_and_dry_runs(string $generation): void {

		$this->start_emulator();

		$lines = [];
		ob_start();
		Demo::run(
			$this->emulator,
			self::TOKEN,
			$generation,
			1,
			1,
			static function (string $line) use (&$lines): void {
				$lines[] = $line;
			}
		);
		$logged = (string) ob_get_clean();

		$text = implode("\n", $lines);

		$this->assertStringContainsString('shop.example.com (id', $text);
		$this->assertStringContainsString('blog.network.test (id', $text);
		$this->assertStringContainsString("== after removing both\n   app 1:1 domains: (none)", $text);
		$this->assertStringContainsString('core RunCloud handler calls: 0', $text);
		$this->assertStringContainsString('1:1: would add later.example.com', $logged);
		$this->assertStringContainsString('Dry run: nothing was changed.', $logged);
		$this->assertStringNotContainsString(self::TOKEN, $text . $logged);
		$this->assertSame([], $this->emulator->domain_names(1, 1));
	}

	public function generations(): array {

		return [
			'2.4' => ['2.4'],
			'2.5' => ['2.5'],
		];
	}
}
