#!/usr/bin/env bash
# make e2e: makes sure Debian's packages for it are installed (as root it installs them, otherwise
# it prints the apt-get command), then runs the scenarios. Arguments: scenario names (default all).
# Needs the release build (make build): target/release/libwu_runcloud.so and runcloud-emulator.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-deps.sh wordpress mariadb-server mariadb-client chromium chromium-driver python3-selenium php8.2-mysql

# Debian's python3, which python3-selenium installs into (another python3 may come first on PATH).
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 e2e/e2e.py "$@"
