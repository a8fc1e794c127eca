<?php
/**
 * RunCloud_Failure_Records, the failure records: one per cause, capped per kind, dismissed
 * network-wide while the same cause repeats with the same reason, gone with their cause.
 */

namespace WU_RunCloud_Tests\Plugin;

use WU_RunCloud\RunCloud_Failure_Records as Records;

/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
final class FailureRecordsTest extends Plugin_Test_Case {

	private function records(): Records {

		$this->start_emulator();

		return $this->boot()->notices()->records();
	}

	public function test_one_record_per_kind_target_and_domain_the_newest_kept(): void {

		$records = $this->records();

		$records->record('first', ['domain' => 'a.example.com', 'target' => '1:1', 'op' => 'add_domain', 'site' => 2, 'status' => 404, 'answer' => 'x']);
		$records->record('second', ['domain' => 'a.example.com', 'target' => '1:1', 'op' => 'add_domain', 'site' => 2, 'status' => 403, 'answer' => 'y']);
		$records->record('other app', ['domain' => 'a.example.com', 'target' => '2:2']);
		$records->record('other kind', ['kind' => Records::KIND_SSL_FAILED, 'domain' => 'a.example.com', 'target' => '1:1']);

		$all = $records->get();
		$this->assertSame(['second', 'other app', 'other kind'], array_column($all, 'message'), 'a cause recorded again moves to the end');
		$this->assertSame(403, $records->get(Records::KIND_PERMANENT)[0]['status']);
		$this->assertSame(2, $records->get(Records::KIND_PERMANENT)[0]['site'], 'ints stay ints');
	}

	public function test_records_without_a_domain_are_told_apart_by_their_message_and_capped_per_kind(): void {

		$records = $this->records();

		for ($i = 0; $i < 30; $i++) {
			$records->record("failure {$i}");
		}

		$records->record('blocked', ['kind' => Records::KIND_BLOCKING, 'domain' => 'b.example.com', 'target' => '1:1']);

		$this->assertCount(Records::MAX_PER_KIND, $records->get(Records::KIND_PERMANENT));
		$this->assertSame('failure 10', $records->get(Records::KIND_PERMANENT)[0]['message'], 'the oldest go');
		$this->assertCount(1, $records->get(Records::KIND_BLOCKING), 'another kind has its own cap');
	}

	public function test_a_dismissed_record_stays_dismissed_while_the_same_reason_repeats(): void {

		$records = $this->records();
		$details = ['kind' => Records::KIND_BLOCKING, 'domain' => 'moved.example.com', 'target' => '1:1', 'reason' => 'DNS problem'];
		$key     = $records->record('blocks', $details)['key'];

		$this->assertTrue($records->dismiss($key, 7));
		$this->assertFalse($records->dismiss('no|such|key', 7));

		$records->record('still blocks', $details);
		$record = $records->find($key);
		$this->assertNotNull($record['dismissed'], 'the same cause, the same reason: still dismissed');
		$this->assertSame(7, $record['dismissed_by']);
		$this->assertSame('still blocks', $record['message']);

		$records->record('blocks differently', ['reason' => 'rate limited'] + $details);
		$this->assertNull($records->find($key)['dismissed'], 'a new reason is news: shown again');
	}

	public function test_resolve_forget_and_resolve_cause(): void {

		$records = $this->records();

		$records->record('a', ['domain' => 'a.example.com', 'target' => '1:1']);
		$records->record('a2', ['domain' => 'a.example.com', 'target' => '2:2']);
		$records->record('b env', ['domain' => 'b.example.com', 'cause' => Records::CAUSE_ENVIRONMENT, 'op' => 'add_domain']);
		$records->record('c env', ['domain' => 'c.example.com', 'cause' => Records::CAUSE_ENVIRONMENT, 'op' => 'add_domain']);
		$records->record('ssl', ['kind' => Records::KIND_SSL_FAILED, 'domain' => 'a.example.com', 'target' => '1:1']);

		$this->assertSame(1, $records->resolve(Records::KIND_PERMANENT, '1:1', 'a.example.com'));
		$this->assertSame(['b env'], array_column($records->resolve_cause(Records::CAUSE_ENVIRONMENT, 'b.example.com'), 'message'));
		$records->touch($records->get()[1]['key'], ['replayed' => 123]);
		$this->assertSame(123, $records->get()[1]['replayed']);
		$this->assertSame(1, $records->forget([$records->get()[0]['key']]));
		$this->assertSame(2, $records->resolve(''), 'every kind');
		$this->assertSame([], $records->get());
		$this->assertFalse(get_network_option(null, Records::OPTION, false), 'no record, no option');
	}

	public function test_records_written_by_earlier_versions_are_completed(): void {

		$records = $this->records();

		update_network_option(null, Records::OPTION, [['time' => 1, 'message' => 'old failure'], 'garbage', ['no message' => true]]);

		$all = $records->get();
		$this->assertCount(1, $all);
		$this->assertSame([Records::KIND_PERMANENT, null, null, null], [$all[0]['kind'], $all[0]['domain'], $all[0]['dismissed'], $all[0]['cause']]);
		$this->assertSame(Records::key_of($all[0]), $all[0]['key']);
	}
}
