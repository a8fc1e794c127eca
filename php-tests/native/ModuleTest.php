<?php
/**
 * The extension as PHP sees it: functions, classes, reflection, phpinfo().
 */

namespace WU_RunCloud_Tests;

final class ModuleTest extends Native_Test_Case {

	private const FUNCTIONS = [
		'wu_runcloud_version',
		'wu_runcloud_config',
		'wu_runcloud_test_connection',
		'wu_runcloud_list_domains',
		'wu_runcloud_find_domain',
		'wu_runcloud_add_domain',
		'wu_runcloud_remove_domain',
		'wu_runcloud_redeploy_ssl',
		'wu_runcloud_registrable_domain',
	];

	private const EXCEPTIONS = [
		'WU\RunCloud\ConfigException',
		'WU\RunCloud\ValidationException',
		'WU\RunCloud\ApiException',
		'WU\RunCloud\TransportException',
	];

	public function test_version_is_semver(): void {
		$this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', wu_runcloud_version());
	}

	public function test_every_function_is_registered(): void {
		$extension = new \ReflectionExtension('wu_runcloud');
		$this->assertEqualsCanonicalizing(self::FUNCTIONS, array_keys($extension->getFunctions()));
	}

	public function test_exception_hierarchy(): void {
		$this->assertTrue(is_subclass_of('WU\RunCloud\Exception', \RuntimeException::class));
		foreach (self::EXCEPTIONS as $class) {
			$this->assertTrue(class_exists($class), $class);
			$this->assertTrue(is_subclass_of($class, 'WU\RunCloud\Exception'), $class);
		}
		$this->assertTrue(method_exists('WU\RunCloud\ApiException', 'getErrors'));
	}

	public function test_reflection_lists_functions_and_classes(): void {
		$result = Php_Script::run('<?php passthru(escapeshellarg(PHP_BINARY) . " --re wu_runcloud");');
		$this->assertSame(0, $result['exit'], $result['stderr']);
		foreach (self::FUNCTIONS as $function) {
			$this->assertStringContainsString("function {$function} ", $result['stdout']);
		}
		foreach (array_merge(['WU\RunCloud\Exception'], self::EXCEPTIONS) as $class) {
			$this->assertStringContainsString("class {$class} ", $result['stdout']);
		}
	}

	public function test_phpinfo_section_shows_configuration_without_secrets(): void {
		$url    = $this->emulator()->base_url();
		$script = '<?php
			define("WU_RUNCLOUD_API_TOKEN", "' . self::TOKEN . '");
			define("WU_RUNCLOUD_API_KEY", "' . self::KEY . '");
			define("WU_RUNCLOUD_API_SECRET", "' . self::SECRET . '");
			define("WU_RUNCLOUD_SERVER_ID", 3);
			define("WU_RUNCLOUD_APP_ID", "4");
			define("WU_RUNCLOUD_EXTRA_TARGETS", "5:6");
			define("WU_RUNCLOUD_API_URL", "' . $url . '");
			phpinfo(INFO_MODULES);';
		$result = Php_Script::run($script);
		$this->assertSame(0, $result['exit'], $result['stderr']);
		$out = $result['stdout'];
		$this->assertMatchesRegularExpression('/wu_runcloud support => enabled/', $out);
		$this->assertMatchesRegularExpression('/version => \d+\.\d+\.\d+/', $out);
		$this->assertMatchesRegularExpression('/API version in use => v3/', $out);
		$this->assertStringContainsString('API root => ' . $url, $out);
		$this->assertMatchesRegularExpression('/targets => 2/', $out);
		$this->assertMatchesRegularExpression('/TLS roots => system/', $out);
		$this->assertMatchesRegularExpression('/configured => yes/', $out);
		$this->assertNoSecret($out . $result['stderr'], 'phpinfo() output');
	}

	public function test_phpinfo_when_not_configured(): void {
		$result = Php_Script::run('<?php phpinfo(INFO_MODULES);');
		$this->assertSame(0, $result['exit'], $result['stderr']);
		$this->assertMatchesRegularExpression('/configured => no/', $result['stdout']);
	}

	/** The committed IDE stubs declare exactly what the loaded extension has. */
	public function test_stubs_agree_with_reflection(): void {
		$describe = <<<'PHP'
<?php
$out = [];
foreach (%s as $function) {
	$f = new ReflectionFunction($function);
	$params = [];
	foreach ($f->getParameters() as $p) {
		$params[] = [(string) $p->getType(), $p->getName(), $p->isOptional()];
	}
	$out['functions'][$function] = [$params, (string) $f->getReturnType()];
}
foreach (%s as $class) {
	$c = new ReflectionClass($class);
	$methods = [];
	foreach ($c->getMethods() as $m) {
		if ($m->getDeclaringClass()->getName() === $class) {
			$methods[$m->getName()] = (string) $m->getReturnType();
		}
	}
	$out['classes'][$class] = [$c->getParentClass()->getName(), $methods];
}
echo json_encode($out);
PHP;
		$classes  = array_merge(['WU\RunCloud\Exception'], self::EXCEPTIONS);
		$script   = sprintf($describe, var_export(self::FUNCTIONS, true), var_export($classes, true));
		$stubs    = dirname(__DIR__, 2) . '/stubs/wu_runcloud.stubs.php';
		$from_ext = Php_Script::run($script);
		// The same description, from a PHP without the extension that loads the stubs instead.
		$file = tempnam(sys_get_temp_dir(), 'wu-rc-stubs-') . '.php';
		file_put_contents($file, str_replace('<?php', "<?php require " . var_export($stubs, true) . ";", $script));
		$from_stubs = shell_exec(escapeshellarg(PHP_BINARY) . ' -n ' . escapeshellarg($file) . ' 2>&1');
		unlink($file);
		$this->assertSame(0, $from_ext['exit'], $from_ext['stderr']);
		$this->assertSame(json_decode($from_ext['stdout'], true), json_decode((string) $from_stubs, true), (string) $from_stubs);
	}
}
