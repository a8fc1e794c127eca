"""Processes the e2e starts: each in a process group of its own with its output in a log file,
all stopped by PID (their group) at the end, failure or not. Readiness is always a real answer,
polled: a line the process prints once it listens, or a reply to a request."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path


class StartError(RuntimeError):
    """A process did not become ready."""


def wait_for(what, probe, timeout, process=None, interval=0.05):
    """Polls probe() until it returns a true value, which is returned. Fails after `timeout`
    seconds, or at once when `process` (a Process) exits meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if process is not None and not process.alive():
            raise StartError(f"{process.name} exited ({process.returncode()}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise StartError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Process:
    """One started process; `log` holds its stdout and stderr."""

    def __init__(self, name, popen, log):
        self.name = name
        self.popen = popen
        self.log = log

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def returncode(self):
        return self.popen.poll()

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_line(self, pattern, timeout=30):
        """The first match of `pattern` in the output (a READY-style line)."""
        regex = re.compile(pattern, re.M)

        def probe():
            return regex.search(self.output())

        return wait_for(f"{self.name} to print /{pattern}/", probe, timeout, process=self)

    def kill9(self):
        """SIGKILL to the process itself (a crash: no shutdown code runs)."""
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self, timeout=10):
        """SIGTERM to the process group, SIGKILL after `timeout` seconds."""
        try:
            os.killpg(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait()


class Processes:
    """Starts processes and stops every one of them, newest first."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.started = []

    def start(self, name, argv, env=None, cwd=None):
        log = self.log_dir / f"{name}.log"
        with open(log, "ab") as out:
            popen = subprocess.Popen(
                [str(a) for a in argv],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.started.append(process)
        return process

    def stop_all(self):
        while self.started:
            self.started.pop().stop()
