"""A private MariaDB server for one run: its own data dir, socket, port and config file, started
without systemd, ready once it answers a query."""

import getpass
import os
import socket
import shutil
import subprocess
import tempfile
from pathlib import Path

from .procs import wait_for


def free_port():
    """A TCP port the OS has just handed out (mariadbd cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MariaDB:
    """The server, its database and the WordPress user."""

    DATABASE = "wordpress"
    USER = "wordpress"

    def __init__(self, procs, run_dir):
        self.procs = procs
        self.dir = Path(run_dir) / "mariadb"
        # A Unix socket path holds at most 107 bytes: a deep checkout gets a short one in /tmp.
        self.socket = self.dir / "mysqld.sock"
        if len(str(self.socket)) > 100:
            self.socket = Path(tempfile.mkdtemp(prefix="wu-e2e-db-")) / "mysqld.sock"
        self.error_log = self.dir / "error.log"
        self.config = self.dir / "my.cnf"
        self.password = os.urandom(12).hex()
        self.port = None
        self.process = None

    def start(self):
        data = self.dir / "data"
        data.mkdir(parents=True)
        self.port = free_port()
        lines = [
            "[mariadbd]",
            f"datadir={data}",
            f"socket={self.socket}",
            f"port={self.port}",
            "bind-address=127.0.0.1",
            f"pid-file={self.dir / 'mysqld.pid'}",
            f"log-error={self.error_log}",
            "skip-name-resolve",
            "skip-log-bin",
            "innodb_buffer_pool_size=64M",
            "innodb_log_file_size=16M",
            "innodb_flush_log_at_trx_commit=2",
            "character-set-server=utf8mb4",
            "collation-server=utf8mb4_unicode_ci",
        ]
        # mariadbd refuses to run as root unless its config says so.
        if os.geteuid() == 0:
            lines.append("user=root")
        self.config.write_text("\n".join(lines) + "\n")

        install = subprocess.run(
            [
                "mariadb-install-db",
                f"--defaults-file={self.config}",
                "--auth-root-authentication-method=socket",
                f"--auth-root-socket-user={getpass.getuser()}",
                "--skip-test-db",
            ],
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed:\n{install.stdout}\n{install.stderr}")

        self.process = self.procs.start("mariadb", ["mariadbd", f"--defaults-file={self.config}"])
        wait_for("MariaDB to answer SELECT 1", lambda: self.query("SELECT 1", check=False).returncode == 0, 60, self.process)

        self.query(
            f"CREATE DATABASE {self.DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
            f"CREATE USER '{self.USER}'@'localhost' IDENTIFIED BY '{self.password}';"
            f"GRANT ALL ON {self.DATABASE}.* TO '{self.USER}'@'localhost';"
        )

    def remove_socket_dir(self):
        """Removes the short socket directory made in /tmp, if one was (after the server stopped)."""
        if not self.socket.is_relative_to(self.dir):
            shutil.rmtree(self.socket.parent, ignore_errors=True)

    def query(self, sql, check=True):
        """Runs SQL as the server's root over the socket; returns the CompletedProcess."""
        result = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.socket}", "-u", "root", "--batch", "-e", sql],
            capture_output=True,
            text=True,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"mariadb: {sql}: {result.stderr}")
        return result
