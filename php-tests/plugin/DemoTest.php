<?php
/**
 * A scenario across the plugin's classes, not one class's test: the plugin part of `make demo`
 * runs end to end (support/class-demo.php).
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
	public function test_the_demo_maps_creates_removes_fixes_dns_bursts_and_dry_runs(string $generation): void {

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
		$this->assertStringContainsString("   plugin: shop.example.com is pending, next try in 1 min\n-- 60 s later", $text, 'the add sends no SSL step');
		$this->assertStringContainsString("== after the certificate job\n   app 1:1 domains: shop.example.com (id 100001, www on, alias)\n   SSL: letsencrypt certificate covering [shop.example.com], redeployed 1 time(s)", $text);
		$this->assertStringContainsString('blog.network.test (id', $text);
		$this->assertStringContainsString("== after removing both\n   app 1:1 domains: (none)", $text);

		// A domain mapped before its DNS points here: parked, then covered once DNS is fixed.
		$this->assertMatchesRegularExpression('~== after the certificate job: Let\'s Encrypt refused late\.example\.com\n   app 1:1 domains: \(none\)\n.*\n   Let\'s Encrypt: 2 certificate\(s\) issued, 1 order\(s\) refused\n   plugin: late\.example\.com is parked, waiting for DNS~', $text);
		$this->assertStringContainsString("   plugin: fast.example.com is covered", $text, 'another tenant is not blocked');
		$this->assertMatchesRegularExpression('~== after the certificate job: late\.example\.com added back and covered\n.*late\.example\.com \(id \d+, www on, alias\)\n   SSL: letsencrypt certificate covering \[fast\.example\.com, late\.example\.com\]~', $text);
		$this->assertStringContainsString('   plugin: late.example.com is covered', $text);

		// A burst coalesced into one redeploy.
		$this->assertStringContainsString('   burst: 12 requests to RunCloud (10 adds + the certificate step), 1 redeploy(s)', $text);

		$this->assertStringContainsString('core RunCloud handler calls: 0', $text);
		$this->assertStringContainsString('1:1: would add later.example.com', $logged);
		$this->assertStringContainsString('Dry run: nothing was changed.', $logged);
		$this->assertStringContainsString('ssl      late.example.com  on the app; covered', $logged);
		$this->assertStringNotContainsString(self::TOKEN, $text . $logged);
		$this->assertSame(12, count($this->emulator->domain_names(1, 1)));
	}
}
