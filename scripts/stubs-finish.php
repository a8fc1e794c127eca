<?php
/**
 * Finishes the stubs that cargo-php generated (read from STDIN, written to STDOUT):
 * - drops the `@param`/`@return` lines cargo-php appends to a docblock that already
 *   documents them in more detail (two @return tags confuse IDEs and PHPStan);
 * - appends the exception classes, which the extension registers at module startup with
 *   ClassBuilder (cargo-php cannot see them), generated from reflection of the loaded
 *   extension so they cannot drift.
 * Run with the extension loaded: php -n -d extension=... scripts/stubs-finish.php
 */

if (!extension_loaded('wu_runcloud')) {
	fwrite(STDERR, "stubs-finish.php: load the extension (-d extension=...)\n");
	exit(1);
}

$stubs = stream_get_contents(STDIN);

// A docblock with a hand-written @return: cut cargo-php's trailing " *\n * @param ... * @return ..." part.
$stubs = preg_replace_callback('#/\*\*.*?\*/#s', function (array $m): string {
	$block = $m[0];
	if (substr_count($block, '@return') < 2) {
		return $block;
	}
	return preg_replace('#\n\s*\*\n(\s*\* @(param|return) [^\n]*\n)+(\s*\*/)$#', "\n$3", $block);
}, $stubs);

$docs = [
	'WU\RunCloud\Exception'           => 'Base of every exception thrown by the wu_runcloud_* functions.',
	'WU\RunCloud\ConfigException'     => 'Missing or invalid WU_RUNCLOUD_* constant or option; the message names it.',
	'WU\RunCloud\ValidationException' => 'A bad domain or option value; nothing was sent to RunCloud.',
	'WU\RunCloud\ApiException'        => 'RunCloud answered an error: getCode() is the HTTP status, getErrors() the field errors.',
	'WU\RunCloud\TransportException'  => 'DNS, connect, TLS, timeout, reset, or an unreadable or unexpected response. getCode() is the HTTP status when there was one, else 0.',
];

$classes = (new ReflectionExtension('wu_runcloud'))->getClasses();
ksort($classes);
// Parents first, so the stub file declares them in a loadable order.
uasort($classes, function (ReflectionClass $a, ReflectionClass $b): int {
	return ($a->getParentClass() && $a->getParentClass()->getName() === $b->getName()) ? 1
		: (($b->getParentClass() && $b->getParentClass()->getName() === $a->getName()) ? -1 : strcmp($a->getName(), $b->getName()));
});

$out = "\nnamespace WU\\RunCloud {\n";
foreach ($classes as $class) {
	$short  = $class->getShortName();
	$parent = '\\' . $class->getParentClass()->getName();
	$doc    = $docs[ $class->getName() ] ?? '';
	$out   .= "    /**\n     * {$doc}\n     */\n    class {$short} extends {$parent}\n    {\n";
	foreach ($class->getProperties() as $property) {
		if ($property->getDeclaringClass()->getName() !== $class->getName()) {
			continue;
		}
		$out .= "        /** @var array<string, list<string>>|null */\n        protected \${$property->getName()} = null;\n";
	}
	foreach ($class->getMethods() as $method) {
		if ($method->getDeclaringClass()->getName() !== $class->getName()) {
			continue;
		}
		$out .= "\n        /**\n         * Field errors RunCloud sent (`{\"errors\": {\"name\": [\"...\"]}}`), keyed by field.\n         *\n         * @return array<string, list<string>>\n         */\n";
		$out .= "        public function {$method->getName()}(): {$method->getReturnType()} {}\n";
	}
	$out .= "    }\n\n";
}
$out = rtrim($out) . "\n}\n";

echo rtrim($stubs), "\n", $out;
