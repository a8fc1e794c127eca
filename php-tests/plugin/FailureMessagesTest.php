<?php
/**
 * RunCloud_Failure_Messages, the words an operator reads: what happened, to which domain, what to
 * do; RunCloud's technical answer kept apart; one period per sentence, no backticks, no log-line
 * text in the headline.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Environment as Environment;
use WU_RunCloud\RunCloud_Failure_Messages as Messages;
use WU_RunCloud\RunCloud_Failure_Records as Records;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class FailureMessagesTest extends Plugin_Test_Case {

	const ANSWER_404 = 'POST /servers/1/webapps/1/domains: 404 Web application not found. (web app 1 was not found on server 1: check the web app id (WU_RUNCLOUD_APP_ID or the app_id option).)';

	protected function setUp(): void {

		// The stand-in WordPress (translation functions return the text).
		$this->start_emulator();
		$this->boot();
	}

	/**
	 * Every words array: for people.
	 */
	private function assertForPeople(array $words): void {

		foreach ($words as $part => $text) {
			$this->assertStringNotContainsString('..', $text, $part);
			$this->assertStringNotContainsString('`', $text, $part);
			$this->assertStringNotContainsString('Exception', $text, $part);
			$this->assertDoesNotMatchRegularExpression('~\b(POST|PUT|GET|DELETE) /~', $text, $part);
			$this->assertStringNotContainsString('integration-runcloud', $text, $part);
		}

		$this->assertStringNotContainsString('HTTP', $words['headline'], 'the status is a detail');
	}

	public function test_a_refused_add_names_the_domain_the_app_what_to_do_and_runclouds_answer_apart(): void {

		$words = Messages::record(['kind' => Records::KIND_PERMANENT, 'op' => 'add_domain', 'domain' => 'shop.example.com', 'target' => '1:1', 'status' => 404, 'answer' => self::ANSWER_404, 'cause' => Records::CAUSE_RUNCLOUD]);

		$this->assertSame('shop.example.com could not be added to web app 1:1.', $words['headline']);
		$this->assertStringContainsString('Check the server and web app ids', $words['action']);
		$this->assertStringContainsString('press Retry on the RunCloud page', $words['action']);
		$this->assertSame('RunCloud answered: (HTTP 404) Web application not found. (web app 1 was not found on server 1: check the web app id (WU_RUNCLOUD_APP_ID or the app_id option).)', $words['details']);
		$this->assertForPeople($words);
	}

	/**
	 * @dataProvider statuses
	 */
	public function test_what_to_do_depends_on_runclouds_answer(int $status, string $advice): void {

		$words = Messages::record(['op' => 'add_domain', 'domain' => 'a.example.com', 'target' => '1:1', 'status' => $status, 'answer' => "POST /x: {$status} No.", 'cause' => Records::CAUSE_RUNCLOUD]);

		$this->assertStringContainsString($advice, $words['action']);
		$this->assertForPeople($words);
	}

	public function statuses(): array {

		return [
			'401' => [401, 'Check the API credentials'],
			'403' => [403, 'RunCloud plan and permissions'],
			'404' => [404, 'Check the server and web app ids'],
			'422' => [422, 'RunCloud refused the name'],
			'500' => [500, 'Fix the cause'],
		];
	}

	public function test_the_other_causes_and_kinds(): void {

		$cases = [
			[['op' => 'add_domain', 'domain' => 'a.example.com', 'cause' => Records::CAUSE_ENVIRONMENT, 'answer' => 'the wu_runcloud PHP extension is not loaded'], 'a.example.com was not sent to RunCloud: the wu_runcloud PHP extension is not loaded.', 'It is sent by itself once that is fixed.'],
			[['op' => 'remove_domain', 'domain' => 'a.example.com', 'target' => '1:1', 'cause' => Records::CAUSE_GAVE_UP, 'status' => 503, 'answer' => 'DELETE /x: 503 down.'], 'a.example.com could not be removed from web app 1:1: RunCloud kept failing through every retry.', 'Wait until RunCloud answers again'],
			[['op' => 'add_domain', 'domain' => 'a.example.com', 'cause' => Records::CAUSE_INVALID, 'answer' => 'bad name'], 'nothing was sent, the name or an option is invalid', 'Check the mapping\'s domain'],
			[['op' => 'add_domain', 'domain' => 'a.example.com', 'target' => '1:1', 'cause' => Records::CAUSE_INTERRUPTED], 'stopped (killed or timed out) every time', 'PHP error log'],
			[['kind' => Records::KIND_SSL_FAILED, 'domain' => 'never.example.com', 'target' => '1:1', 'reason' => 'DNS not ready: PUT /servers/1/webapps/1/ssl/9: 422 Let\'s Encrypt could not validate never.example.com..'], 'never.example.com got no certificate after 12 tries over 3.8 days (web app 1:1): it never validated.', 'Point never.example.com (and www.never.example.com when www is on) at the server'],
			[['kind' => Records::KIND_BLOCKING, 'domain' => 'moved.example.com', 'target' => '1:1', 'reason' => 'DNS problem', 'cause' => 'not-ours'], 'moved.example.com no longer validates for Let\'s Encrypt', 'It was not added by this plugin'],
			[['kind' => Records::KIND_NAMES_WARNING, 'target' => '1:1', 'count' => 92], 'holds 92 of the 100 names', 'advanced (per-domain) SSL'],
			[['kind' => Records::KIND_NAMES_LIMIT, 'target' => '1:1', 'reason' => '104 names'], 'would hold 104 names, over the 100', 'remove unused domains'],
			[['message' => 'add_domain x failed: legacy text.'], 'A domain change could not be applied on RunCloud.', 'Sync now'],
		];

		foreach ($cases as [$record, $headline, $action]) {
			$words = Messages::record($record);

			$this->assertStringContainsString($headline, $words['headline'], var_export($record, true));
			$this->assertStringContainsString($action, $words['action'], var_export($record, true));
			$this->assertForPeople($words);
		}

		$this->assertSame('Last reason: DNS not ready: Let\'s Encrypt could not validate never.example.com.', Messages::record($cases[4][0])['details'], 'the request line is out, one period');
	}

	public function test_every_environment_problem_in_words(): void {

		$problems = [
			[['id' => Environment::EXTENSION_MISSING], 'the wu_runcloud PHP extension is not loaded'],
			[['id' => Environment::UM_ABSENT, 'minimum' => '2.4.0'], 'Ultimate Multisite is not installed'],
			[['id' => Environment::UM_INACTIVE], 'installed but not active'],
			[['id' => Environment::UM_TOO_OLD, 'version' => '2.3.1', 'minimum' => '2.4.0'], 'Ultimate Multisite 2.3.1 is too old'],
			[['id' => Environment::UM_NOT_READY], 'not set up yet'],
			[['id' => Environment::INTEGRATION_DISABLED], 'turned off in Ultimate Multisite'],
			[['id' => Environment::CONFIG_INVALID, 'message' => 'Option "app_id" must be a positive integer.'], 'the configuration is invalid'],
			[['id' => Environment::CONFIG_INCOMPLETE, 'missing' => ['WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID']], 'missing: WU_RUNCLOUD_SERVER_ID, WU_RUNCLOUD_APP_ID'],
			[['id' => Environment::V2_CREDENTIALS], 'RunCloud API v2, legacy'],
		];

		foreach ($problems as [$problem, $phrase]) {
			$words = Messages::problem($problem);

			$this->assertStringContainsString($phrase, $words['headline'] . ' ' . $words['details'], $problem['id']);
			$this->assertNotSame('', $words['action'], $problem['id']);
			$this->assertForPeople($words);
		}

		$this->assertSame('Option "app_id" must be a positive integer.', Messages::problem($problems[6][0])['details']);
	}

	public function test_sentence_ends_with_exactly_one_period(): void {

		$this->assertSame('Done.', Messages::sentence('Done'));
		$this->assertSame('Done.', Messages::sentence('Done..'));
		$this->assertSame('Done.', Messages::sentence(' Done. '));
		$this->assertSame('Run wp runcloud sync.', Messages::sentence('Run `wp runcloud sync`.'));
		$this->assertSame('Really?', Messages::sentence('Really?'));
		$this->assertSame('(see it.)', Messages::sentence('(see it..)'));
		$this->assertSame('', Messages::sentence('  '));
		$this->assertSame('Web application not found.', Messages::answer('ApiException HTTP 404: POST /servers/1/webapps/1/domains: 404 Web application not found.'));
	}
}
