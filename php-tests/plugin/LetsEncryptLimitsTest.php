<?php
/**
 * RunCloud_Lets_Encrypt_Limits: what Let's Encrypt would refuse, decided before anything is
 * sent — a name's failed tries per hour, room for a name on the certificate, the same set of
 * names within a week. (The scenarios through the certificate job are in CertificateJobTest,
 * CertificateRefusalTest and CertificateInventoryTest.)
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Lets_Encrypt_Limits;
use WU_RunCloud\RunCloud_Plugin;
use WU_RunCloud\RunCloud_State;
use WU_RunCloud_Stubs\State;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class LetsEncryptLimitsTest extends Plugin_Test_Case {

	private function limits(): RunCloud_Lets_Encrypt_Limits {

		$plugin = RunCloud_Plugin::instance();

		return new RunCloud_Lets_Encrypt_Limits($plugin->state(), $plugin->inventory(), $plugin->schedule(), $plugin->clock());
	}

	public function test_a_name_with_four_failed_tries_within_the_hour_holds_the_redeploy_back(): void {

		$this->start_emulator();
		$this->boot();
		$now    = State::now();
		$limits = $this->limits();

		$three = RunCloud_State::complete(['tries_at' => [$now - 3000, $now - 2000, $now - 60]]);
		$four  = RunCloud_State::complete(['tries_at' => [$now - 3000, $now - 2000, $now - 1000, $now - 60]]);
		$old   = RunCloud_State::complete(['tries_at' => [$now - 7200, $now - 5000, $now - 4000, $now - 3700]]);

		$this->assertNull($limits->blocked_until(['a.example' => $three, 'b.example' => $old]));
		$this->assertSame([], $limits->over_hourly_limit(['a.example' => $three, 'b.example' => $old]));
		$this->assertSame($now - 3000 + 3600, $limits->blocked_until(['a.example' => $three, 'c.example' => $four]), 'until the oldest of the four is an hour old');
		$this->assertSame(['c.example'], $limits->over_hourly_limit(['a.example' => $three, 'c.example' => $four]));
	}

	public function test_the_set_last_certified_is_known_for_a_week_in_any_order(): void {

		$this->start_emulator();
		$this->boot();
		$limits  = $this->limits();
		$records = [
			'a.example.com' => ['www' => true, 'wildcard' => false],
			'b.example.com' => ['www' => false, 'wildcard' => false],
		];

		$this->assertFalse($limits->already_certified(self::APP, $records), 'nothing certified yet');
		$limits->certified(self::APP, $records);

		$this->assertTrue($limits->already_certified(self::APP, array_reverse($records, true)), 'the same names, another order');
		$this->assertFalse($limits->already_certified(self::APP, ['a.example.com' => ['www' => false, 'wildcard' => false]] + $records), 'www.a.example.com is not on it any more: another set');
		$this->assertFalse($limits->already_certified(self::APP, $records + ['c.example.com' => ['www' => false, 'wildcard' => false]]));

		State::$now = State::now() + RunCloud_Lets_Encrypt_Limits::SAME_SET_WINDOW;
		$this->assertFalse($limits->already_certified(self::APP, $records), 'a week later RunCloud may have renewed it for another set');
	}

	public function test_a_parked_name_without_room_stays_off_and_is_kept_off(): void {

		$this->start_emulator(['--app', '1:1', '--ssl', 'letsencrypt', '--seed-domains', '99']);
		$this->boot();
		$limits  = $this->limits();
		$records = null;

		$this->assertTrue($limits->room_for(self::APP, 'one.example.com', ['www' => false], $records, null), '99 + 1 names fit');
		$this->assertCount(100, $records, 'the records grow by the name added back');

		// A parked name (taken off the app) due for its try.
		RunCloud_Plugin::instance()->state()->update_target_entry(
			'two.example.com',
			self::APP,
			static function (?array $t): array {
				return ['cert' => RunCloud_State::CERT_PARKED, 'present' => false, 'added' => true] + RunCloud_State::complete($t);
			}
		);
		$this->assertSame([], $limits->kept_off(self::APP), 'parked, but not for room yet');

		$records = null;
		$this->assertFalse($limits->room_for(self::APP, 'two.example.com', ['www' => true], $records, RunCloud_State::MODE_BASIC), '99 + 2 names do not');
		$this->assertTrue($this->entry('two.example.com')['over_limit']);
		$this->assertSame(['two.example.com'], $limits->kept_off(self::APP), 'kept off for room');
		$this->assertStringContainsString('no room on the certificate', (string) $this->entry('two.example.com')['reason']);

		$records = null;
		$this->assertTrue($limits->room_for(self::APP, 'three.example.com', ['www' => true], $records, RunCloud_State::MODE_ADVANCED), 'advanced SSL: no shared certificate, always room');
	}
}
