"""make e2e: the plugin in a real WordPress multisite on MariaDB, driven by headless Chromium,
against the RunCloud emulator. See e2e/README.md.

    /usr/bin/python3 e2e/e2e.py [SCENARIO ...]
"""

import os
import signal
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scenarios  # noqa: E402,F401  (registers the scenarios, in order)
from harness import runner  # noqa: E402
from harness.context import Context  # noqa: E402


def keep(ctx):
    """E2E_KEEP=1: the stack stays up for a look by hand until Ctrl-C."""
    env = ctx.wp.env(True)
    print(f"e2e: kept running. WordPress: 127.0.0.1:{ctx.port} (Host: {ctx.wp.domain}), admin / {ctx.wp.admin_password}")
    print(f"e2e: emulator {ctx.emulator.root}/__emulator/state; MariaDB: mariadb --socket={ctx.db.socket} -u root wordpress")
    print(f"e2e: commands: WU_E2E_WP_DIR={env['WU_E2E_WP_DIR']} WU_E2E_HOST={env['WU_E2E_HOST']} PHP_INI_SCAN_DIR={env['PHP_INI_SCAN_DIR']} php e2e/php/cli.php state")
    print("e2e: Ctrl-C stops everything.")
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass


def main(argv):
    repo = Path(__file__).resolve().parent.parent
    for binary in ("libwu_runcloud.so", "runcloud-emulator"):
        if not (repo / "target" / "release" / binary).exists():
            print(f"e2e: target/release/{binary} is missing: run `make build` first (make e2e does)")
            return 1
    known = {name for name, _, _ in runner.SCENARIOS}
    unknown = set(argv) - known
    if unknown:
        print(f"e2e: unknown scenario(s) {sorted(unknown)}; known: {sorted(known)}")
        return 2

    # Stopped by SIGTERM or Ctrl-C: unwind through `finally`, which stops every process by PID.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    ctx = Context(repo)
    started = time.monotonic()
    failed = 1
    try:
        try:
            ctx.setup()
        except Exception:
            print("e2e: setup failed\n    " + traceback.format_exc().replace("\n", "\n    "))
            runner.print_logs(ctx)
            print("e2e: 0 passed, 1 failed")
            return 1
        setup = time.monotonic() - started
        failed = runner.run(ctx, set(argv))
        if os.environ.get("E2E_KEEP"):
            keep(ctx)
    except (SystemExit, KeyboardInterrupt):
        print("e2e: interrupted; every process it started is being stopped")
        raise
    finally:
        ctx.teardown()
    total = time.monotonic() - started
    phases = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in ctx.timings.items())
    print(f"e2e: setup {setup:.1f} s ({phases}); scenarios {total - setup:.1f} s; total {total:.1f} s")
    print(f"e2e: screenshots in {ctx.out.relative_to(repo)}/*.png, logs in {ctx.logs.relative_to(repo)}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
