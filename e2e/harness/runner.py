"""Scenarios: registered with @scenario in the order they are defined, run one after another
on a reset network, each followed by the PHP error check. Prints one line per scenario, the
relevant logs of a failure, and `e2e: N passed, N failed`."""

import re
import time
import traceback

SCENARIOS = []

# Lines that fail a scenario wherever they appear: WordPress's debug log (WP_DEBUG: every notice,
# warning and deprecation) and the php -S logs (start-up errors, 5xx answers).
PHP_PROBLEM = re.compile(r"PHP (Fatal error|Parse error|Warning|Notice|Deprecated|Strict Standards)|WordPress database error|\[5\d\d\]: ")
# Except deprecations raised in WordPress's own files: Debian 12's WordPress 6.1 predates PHP 8.2
# and raises some on every request (e.g. ms-functions.php, Requests). A deprecation in a plugin,
# the stand-in or an e2e script still fails.
CORE_DEPRECATION = re.compile(r"PHP Deprecated: .* in \S*/wordpress/(wp-includes|wp-admin)/\S+ on line \d+$")


def scenario(description):
    """Registers the decorated function(ctx) as a scenario; `description` says what it covers."""

    def register(function):
        SCENARIOS.append((function.__name__, description, function))
        return function

    return register


class LogWatch:
    """New text of the watched files since the last mark."""

    def __init__(self, files):
        self.files = files
        self.offsets = {}

    def mark(self):
        self.offsets = {f: (f.stat().st_size if f.exists() else 0) for f in self.files()}

    def new_text(self):
        chunks = []
        for f in self.files():
            if not f.exists():
                continue
            with open(f, "rb") as handle:
                handle.seek(self.offsets.get(f, 0))
                text = handle.read().decode(errors="replace")
            if text.strip():
                chunks.append((f, text))
        return chunks


def php_problems(watch):
    """Lines of PHP notices, warnings, errors or failed requests written during the scenario."""
    problems = []
    for path, text in watch.new_text():
        problems += [f"{path.name}: {line}" for line in text.splitlines() if PHP_PROBLEM.search(line) and not CORE_DEPRECATION.search(line)]
    return problems


def print_logs(ctx, lines=60):
    for path in ctx.log_files():
        text = path.read_text(errors="replace").splitlines()
        if not text:
            continue
        print(f"    ----- {path.relative_to(ctx.repo)} (last {min(lines, len(text))} lines)")
        for line in text[-lines:]:
            print("    " + line)


def run(ctx, selected=None):
    """Runs the scenarios (all, or those named in `selected`); returns the number that failed."""
    watch = LogWatch(lambda: [ctx.wp.debug_log, *ctx.logs.glob("php-server*.log")])
    passed, failed = 0, 0
    for name, description, function in SCENARIOS:
        if selected and name not in selected:
            continue
        start = time.monotonic()
        try:
            ctx.reset()
            watch.mark()
            function(ctx)
            problems = php_problems(watch)
            if problems:
                raise AssertionError("PHP notices, warnings or errors under WP_DEBUG:\n" + "\n".join(problems))
            leaked = [f.name for f in ctx.log_files() if ctx.token in f.read_text(errors="replace")]
            assert not leaked, f"the API token appears in {leaked}"
        except Exception:  # every failure is reported, then the next scenario runs
            failed += 1
            print(f"FAIL {name} ({time.monotonic() - start:.1f} s): {description}")
            print("    " + traceback.format_exc().replace("\n", "\n    "))
            print_logs(ctx)
        else:
            passed += 1
            print(f"ok   {name} ({time.monotonic() - start:.1f} s): {description}")
    print(f"e2e: {passed} passed, {failed} failed")
    return failed
