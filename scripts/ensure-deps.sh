#!/usr/bin/env bash
# Makes sure the Debian packages the build and tests need are present.
# As root on Debian/Ubuntu it installs what is missing; otherwise it prints the exact
# apt-get command and fails. Usage: scripts/ensure-deps.sh [extra packages...]
set -euo pipefail

packages=(php8.2-cli php8.2-dev clang libclang-dev phpunit "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  command="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing missing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with:  sudo $command" >&2
    exit 1
  fi
fi

if ! command -v cargo >/dev/null; then
  echo "cargo (Rust toolchain) is not on PATH: install Rust with rustup (https://rustup.rs)." >&2
  exit 1
fi
