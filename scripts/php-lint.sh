#!/usr/bin/env bash
# PHP lint, part of `make lint`:
#   1. `php -l` on every PHP file of the repository, in parallel (PHP 8.2's -l checks only the
#      first file it is given, hence one file per process);
#   2. phpcs with the project's ruleset (phpcs.xml.dist: WordPress-style sniffs bundled with
#      Debian's php-codesniffer);
#   3. the guards of the plugin's files: `defined('ABSPATH') || exit;` in every file of php/
#      and of the e2e's WordPress plugins, `defined('WP_UNINSTALL_PLUGIN') || exit;` in
#      php/uninstall.php (no bundled sniff checks them);
#   4. WordPress naming: each php/inc/class-<name>.php declares one class, named <name> in
#      Capitalized_Words (class-runcloud-domain-sync.php: RunCloud_Domain_Sync; PHP class
#      names are case-insensitive, so the spelling of "RunCloud" is free);
#   5. one test file per plugin class: php/inc/class-runcloud-<name>.php is tested by
#      php-tests/plugin/<Name>Test.php (php-tests/README.md), RunCloud_Clock excepted, and
#      that file holds at least one test method.
set -euo pipefail
cd "$(dirname "$0")/.."

PHP="${PHP:-php}"
dirs=(php php-tests e2e examples scripts bench stubs)

echo "php -l: every PHP file"
mapfile -d '' files < <(find "${dirs[@]}" -path bench/out -prune -o -name '*.php' -print0 | sort -z)
if ! printf '%s\0' "${files[@]}" \
  | xargs -0 -n 1 -P "$(nproc 2>/dev/null || echo 2)" \
      sh -c '"$0" -n -d display_errors=stderr -l "$1" >/dev/null || exit 1' "$PHP"; then
  echo "php -l: syntax errors above" >&2
  exit 1
fi
echo "php -l: ${#files[@]} files, no syntax error"

echo "phpcs: phpcs.xml.dist"
phpcs -q

echo "guards: plugin files exit when loaded outside WordPress"
missing=0
while IFS= read -r -d '' file; do
  guard="defined('ABSPATH') || exit;"
  [ "$file" = php/uninstall.php ] && guard="defined('WP_UNINSTALL_PLUGIN') || exit;"
  if ! grep -qxF "$guard" "$file"; then
    echo "$file: missing the line: $guard" >&2
    missing=1
  fi
done < <(find php e2e/wordpress/plugins e2e/wordpress/mu-plugins -name '*.php' -print0)
[ "$missing" = 0 ] || exit 1
echo "guards: ok"

echo "naming: one Capitalized_Words class per class-*.php, named after the file"
missing=0
for file in php/inc/class-*.php; do
  mapfile -t declared < <(grep -oE '^\s*(final |abstract )?(class|interface|trait) [A-Za-z0-9_]+' "$file" | awk '{print $NF}')
  expected="${file#php/inc/class-}"
  expected="${expected%.php}"
  expected="${expected//-/_}"
  if [ "${#declared[@]}" -ne 1 ]; then
    echo "$file: declares ${#declared[@]} classes (${declared[*]}), expected one" >&2
    missing=1
  elif ! [[ "${declared[0]}" =~ ^[A-Z][A-Za-z0-9]*(_[A-Z][A-Za-z0-9]*)*$ ]]; then
    echo "$file: class ${declared[0]} is not in Capitalized_Words" >&2
    missing=1
  elif [ "${declared[0],,}" != "${expected,,}" ]; then
    echo "$file: class ${declared[0]} does not match the file name (expected ${expected} in Capitalized_Words)" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1
echo "naming: ok"

echo "tests: one test file per plugin class"
# A time source with no logic of its own; every plugin test drives it.
no_test_file=(clock)
missing=0
for file in php/inc/class-runcloud-*.php; do
  name="${file#php/inc/class-runcloud-}"
  name="${name%.php}"
  [[ " ${no_test_file[*]} " == *" $name "* ]] && continue
  test="php-tests/plugin/$(echo "$name" | sed -E 's/(^|-)([a-z])/\U\2/g')Test.php"
  if [ ! -f "$test" ]; then
    echo "$file: no test file $test" >&2
    missing=1
  elif ! grep -qE 'function test_?[A-Za-z0-9_]*\s*\(' "$test"; then
    echo "$test: no test method (function test...)" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1
echo "tests: ok"
