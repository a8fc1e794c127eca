"""PHP_INI_SCAN_DIR directories: one that loads the built extension exactly once, one without it
(scripts/php-scan-dir.sh leaves out an installed copy either way)."""

import os
import subprocess
from pathlib import Path


class PhpIni:
    """The two scan dirs and the environment that selects one."""

    def __init__(self, repo, run_dir, extension):
        self.repo = Path(repo)
        self.with_ext = Path(run_dir) / "php-ini" / "with-extension"
        self.without_ext = Path(run_dir) / "php-ini" / "without-extension"
        self.extension = extension

    def prepare(self):
        script = self.repo / "scripts" / "php-scan-dir.sh"
        subprocess.run([script, self.with_ext, self.extension], check=True)
        subprocess.run([script, self.without_ext], check=True)
        self._expect_loaded(self.with_ext, True)
        self._expect_loaded(self.without_ext, False)

    def env(self, extension, base=None):
        env = dict(os.environ if base is None else base)
        env["PHP_INI_SCAN_DIR"] = str(self.with_ext if extension else self.without_ext)
        return env

    def _expect_loaded(self, scan_dir, loaded):
        result = subprocess.run(
            ["php", "-m"], capture_output=True, text=True, env={**os.environ, "PHP_INI_SCAN_DIR": str(scan_dir)}
        )
        modules = result.stdout.split()
        if result.stderr.strip():
            raise RuntimeError(f"php -m with {scan_dir} warns:\n{result.stderr}")
        if modules.count("wu_runcloud") != (1 if loaded else 0):
            where = "its scan dir" if loaded else "php.ini itself (not a scan dir), which the e2e cannot leave out"
            raise RuntimeError(f"php -m with {scan_dir} lists wu_runcloud {modules.count('wu_runcloud')} time(s); check {where}")
        if "mysqli" not in modules:
            raise RuntimeError("PHP has no mysqli: install php8.2-mysql")
