"""The scratch WordPress: Debian's package copied (symlinks dereferenced) under target/, our
wp-config.php, the plugin under test (php/) and the Ultimate Multisite stand-in as real plugins,
installed as a subdomain multisite with WordPress's own functions; served by `php -S`; driven from
the command line through e2e/php/cli.php."""

import http.client
import json
import re
import secrets
import shutil
import subprocess
from pathlib import Path

from .procs import wait_for

DEBIAN_WORDPRESS = Path("/usr/share/wordpress")
PLUGIN_DIR_NAME = "wu-runcloud"


class CliError(RuntimeError):
    """A command of e2e/php/cli.php failed."""


class WordPress:
    """One scratch network."""

    def __init__(self, repo, run_dir, procs, php_ini, network_domain):
        self.repo = Path(repo)
        self.e2e = self.repo / "e2e"
        self.root = Path(run_dir) / "wordpress"
        self.procs = procs
        self.php_ini = php_ini
        self.domain = network_domain
        self.debug_log = Path(run_dir) / "logs" / "wp-debug.log"
        self.admin_password = secrets.token_hex(8)
        self.admin_email = f"admin@{network_domain}"
        self.servers = {}

    @property
    def plugins(self):
        return self.root / "wp-content" / "plugins"

    @property
    def wu_logs(self):
        return self.root / "wp-content" / "uploads" / "wu-logs"

    def prepare(self, db, runcloud_constants):
        """Copies WordPress and our files, writes e2e-config.json."""
        shutil.copytree(DEBIAN_WORDPRESS, self.root, symlinks=False)
        (self.root / "wp-config.php").unlink()
        shutil.copy(self.e2e / "wordpress" / "wp-config.php", self.root / "wp-config.php")
        shutil.copytree(self.e2e / "wordpress" / "mu-plugins", self.root / "wp-content" / "mu-plugins")
        shutil.copytree(self.e2e / "wordpress" / "plugins" / "ultimate-multisite", self.plugins / "ultimate-multisite")
        self.install_plugin_files()
        keys = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"]
        config = {
            "db": {"name": db.DATABASE, "user": db.USER, "password": db.password, "socket": str(db.socket)},
            "keys": {key: secrets.token_hex(32) for key in keys},
            "debug_log": str(self.debug_log),
            "network_domain": self.domain,
            "runcloud": runcloud_constants,
        }
        (self.root / "e2e-config.json").write_text(json.dumps(config, indent=1))

    def install_plugin_files(self):
        """(Re)copies php/ as the plugin: a copy, so that deleting the plugin in WordPress deletes only it."""
        target = self.plugins / PLUGIN_DIR_NAME
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(self.repo / "php", target)

    def install(self):
        self.php([self.e2e / "php" / "install.php", json.dumps({"title": "E2E Network", "email": self.admin_email, "password": self.admin_password})])
        self.cli("network-setup")

    def env(self, extension):
        env = self.php_ini.env(extension)
        env["WU_E2E_WP_DIR"] = str(self.root)
        env["WU_E2E_HOST"] = self.domain
        return env

    def php(self, argv, extension=True, timeout=300):
        """Runs `php ARGV`; returns the decoded WU_E2E_RESULT line."""
        result = subprocess.run(["php", *map(str, argv)], capture_output=True, text=True, env=self.env(extension), timeout=timeout)
        found = re.findall(r"^WU_E2E_RESULT (.*)$", result.stdout, re.M)
        if result.returncode != 0 or not found:
            # A PHP fatal error prints WordPress's HTML error page: the debug log has the error.
            stdout = "\n".join(result.stdout.splitlines()[-15:])
            raise CliError(f"php {' '.join(map(str, argv))} exited {result.returncode}\n--- stdout (end)\n{stdout}\n--- stderr\n{result.stderr}")
        return json.loads(found[-1])

    def cli(self, command, args=None, extension=True, timeout=300):
        """Runs one command of e2e/php/cli.php; returns its result."""
        return self.php([self.e2e / "php" / "cli.php", command, json.dumps(args or {})], extension, timeout)

    def cli_output(self, command, args=None, extension=True, timeout=300):
        """Runs a command whose printed output matters (`wp runcloud ...`): (exit code, stdout)."""
        argv = ["php", self.e2e / "php" / "cli.php", command, json.dumps(args or {})]
        result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, env=self.env(extension), timeout=timeout)
        return result.returncode, result.stdout + result.stderr

    def start_cli(self, name, command, args=None, extension=True):
        """Starts a command in the background (a worker to kill): a Process of its own."""
        argv = ["php", self.e2e / "php" / "cli.php", command, json.dumps(args or {})]
        return self.procs.start(name, argv, env=self.env(extension))

    def serve(self, name, extension=True, workers=4):
        """Serves the network with `php -S` on a port from the OS; returns the port once
        WordPress answers a request for the login page."""
        env = self.env(extension)
        env["PHP_CLI_SERVER_WORKERS"] = str(workers)
        process = self.procs.start(name, ["php", "-S", "127.0.0.1:0", "-t", self.root, self.e2e / "wordpress" / "router.php"], env=env)
        port = int(process.wait_for_line(r"Development Server \(http://127\.0\.0\.1:(\d+)\) started").group(1))
        self.servers[name] = process
        self._wait_for_login_page(port, process)
        return port

    def _wait_for_login_page(self, port, process):
        def probe():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", "/wp-login.php", headers={"Host": self.domain})
                response = connection.getresponse()
                return response.status == 200 and b'id="loginform"' in response.read()
            except OSError:
                return False
            finally:
                connection.close()

        wait_for(f"WordPress to serve its login page on port {port}", probe, 60, process)

    def debug_log_text(self):
        return self.debug_log.read_text(errors="replace") if self.debug_log.exists() else ""

    def wu_log(self, handle="integration-runcloud"):
        path = self.wu_logs / f"{handle}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def plugin_installed(self):
        return (self.plugins / PLUGIN_DIR_NAME / "wu-runcloud.php").exists()
