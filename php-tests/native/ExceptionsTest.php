<?php
/**
 * The exception classes: hierarchy, file/line/trace of the PHP caller, getErrors().
 */

namespace WU_RunCloud_Tests;

use WU\RunCloud\ApiException;
use WU\RunCloud\ConfigException;

final class ExceptionsTest extends Native_Test_Case {

	public function test_exception_reports_the_callers_file_and_line(): void {
		try {
			$line = __LINE__ + 1;
			wu_runcloud_list_domains(['server_id' => 1]);
			$this->fail('no exception');
		} catch (ConfigException $e) {
			$this->assertSame(__FILE__, $e->getFile());
			$this->assertSame($line, $e->getLine());
			$this->assertStringContainsString(__FUNCTION__, $e->getTraceAsString());
		}
	}

	public function test_catchable_by_the_base_class_and_runtime_exception(): void {
		try {
			wu_runcloud_list_domains(['server_id' => 1]);
		} catch (\WU\RunCloud\Exception $e) {
			$this->assertInstanceOf(\RuntimeException::class, $e);
			$this->assertInstanceOf(ConfigException::class, $e);
			return;
		}
		$this->fail('not caught by the base class');
	}

	public function test_uncaught_config_exception_names_the_callers_file_and_line(): void {
		$result = Php_Script::run("<?php\n\n\nwu_runcloud_list_domains();\n");
		$this->assertSame(255, $result['exit']);
		$this->assertMatchesRegularExpression(
			'/Fatal error: +Uncaught WU\\\\RunCloud\\\\ConfigException: .*WU_RUNCLOUD_SERVER_ID.* in \S+\.php:4/s',
			$result['stderr']
		);
	}

	public function test_api_exception_carries_field_errors(): void {
		wu_runcloud_add_domain('taken.example.com', $this->v3(['ssl' => false]));
		// A duplicate through add_domain is not an error (idempotent); a 422 from RunCloud is,
		// so provoke one with a fault carrying a field error.
		$this->emulator()->fault([
			'method' => 'POST',
			'path'   => '/api/v3/servers/*/webapps/*/domains',
			'status' => 422,
			'body'   => json_encode(['message' => 'The given data was invalid.', 'errors' => ['name' => ['The name format is invalid.']]]),
		]);
		$e = $this->expectThrown(ApiException::class, function () {
			wu_runcloud_add_domain('other.example.com', $this->v3());
		});
		$this->assertSame(422, $e->getCode());
		$this->assertSame(['name' => ['The name format is invalid.']], $e->getErrors());
		$this->assertStringContainsString('POST /servers/1/webapps/1/domains', $e->getMessage());
		$this->assertStringContainsString('The given data was invalid.', $e->getMessage());
		$this->assertSame(__FILE__, $e->getFile());
	}

	public function test_get_errors_is_empty_without_field_errors(): void {
		$e = $this->expectThrown(ApiException::class, function () {
			wu_runcloud_list_domains($this->v3(['app_id' => 77]));
		});
		$this->assertSame(404, $e->getCode());
		$this->assertSame([], $e->getErrors());
	}
}
