"""Everything a scenario uses: the private MariaDB, the emulator, the scratch WordPress served with
and without the extension, browsers; built once per run, reset between scenarios, all stopped at
the end."""

import contextlib
import secrets
import shutil
import time
from pathlib import Path

from .browser import Browser
from .emulator import Emulator
from .mariadb import MariaDB
from .php_ini import PhpIni
from .procs import Processes
from .wordpress import WordPress

NETWORK_DOMAIN = "network.test"
SERVER = "php-server"
SERVER_WITHOUT_EXTENSION = "php-server-without-extension"


class Context:
    """The running stack."""

    def __init__(self, repo):
        self.repo = Path(repo)
        self.out = self.repo / "target" / "e2e"
        self.run_dir = self.out / "run"
        self.logs = self.run_dir / "logs"
        self.token = "e2e-token-" + secrets.token_hex(12)
        self.timings = {}
        self.procs = None
        self.browsers = {}

    # ---- lifecycle -------------------------------------------------------------------------

    def setup(self):
        with self.timed("previous run removed"):
            if self.out.exists():
                shutil.rmtree(self.out)
        self.logs.mkdir(parents=True)
        self.procs = Processes(self.logs)
        release = self.repo / "target" / "release"

        with self.timed("php scan dirs"):
            self.php_ini = PhpIni(self.repo, self.run_dir, release / "libwu_runcloud.so")
            self.php_ini.prepare()
        with self.timed("MariaDB"):
            self.db = MariaDB(self.procs, self.run_dir)
            self.db.start()
        with self.timed("emulator"):
            self.emulator = Emulator(self.procs, release / "runcloud-emulator")
            self.emulator.start(["--token", self.token, "--app", "1:1", "--ssl", "letsencrypt"])
        with self.timed("WordPress install"):
            self.wp = WordPress(self.repo, self.run_dir, self.procs, self.php_ini, NETWORK_DOMAIN)
            self.wp.prepare(
                self.db,
                {
                    "WU_RUNCLOUD_API_URL": self.emulator.api_url,
                    "WU_RUNCLOUD_API_TOKEN": self.token,
                    "WU_RUNCLOUD_SERVER_ID": 1,
                    "WU_RUNCLOUD_APP_ID": 1,
                    "WU_RUNCLOUD_TIMEOUT": 10,
                },
            )
            self.wp.install()
        with self.timed("php -S"):
            self.port = self.wp.serve(SERVER, extension=True)

    def teardown(self):
        for browser in self.browsers.values():
            browser.quit()
        self.browsers = {}
        if self.procs is not None:
            self.procs.stop_all()
        if hasattr(self, "db"):
            self.db.remove_socket_dir()

    @contextlib.contextmanager
    def timed(self, phase):
        start = time.monotonic()
        try:
            yield
        finally:
            self.timings[phase] = time.monotonic() - start

    # ---- between scenarios -----------------------------------------------------------------

    def reset(self):
        """The state every scenario starts from (see e2e/php/commands/reset.php)."""
        if not self.wp.plugin_installed():
            self.wp.install_plugin_files()
        self.emulator.reset()
        self.wp.cli("reset")

    # ---- helpers ---------------------------------------------------------------------------

    def browser(self, extension=True):
        """A logged-in network admin's browser in front of the server with (or without) the
        extension; the server without it is started on first use."""
        name = "main" if extension else "without-extension"
        if name not in self.browsers:
            if extension:
                port = self.port
            else:
                port = self.wp.serve(SERVER_WITHOUT_EXTENSION, extension=False)
            browser = Browser(self.procs, self.run_dir, name, port, NETWORK_DOMAIN, self.out, secrets=[self.token])
            browser.login("admin", self.wp.admin_password)
            self.browsers[name] = browser
        return self.browsers[name]

    def run_queue(self, advance=0, extension=True):
        """Runs the Action Scheduler actions due by `advance` seconds from now, earliest first, on
        a clock that moves to each one's time (the plugin reads it too): no waiting."""
        return self.wp.cli("run-queue", {"advance": advance}, extension=extension)

    def run_cron(self, advance=0, extension=True):
        """Runs the plugin's WP-Cron events due by `advance` seconds from now, the same way (what the
        plugin queues when Action Scheduler is not loaded)."""
        return self.wp.cli("run-cron", {"advance": advance}, extension=extension)

    def plugin(self):
        """What the plugin reports through its own API (e2e/php/commands/state.php, `plugin`)."""
        return self.state()["plugin"]

    def state(self):
        return self.wp.cli("state")

    def log_files(self):
        """Files to show when something fails, most telling first."""
        files = [self.wp.debug_log, *sorted(self.wp.wu_logs.glob("*.log"))] if hasattr(self, "wp") else []
        files += sorted(self.logs.glob("*.log"))
        if hasattr(self, "db"):
            files.append(self.db.error_log)
        return [f for f in dict.fromkeys(files) if f.exists()]
