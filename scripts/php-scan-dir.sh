#!/usr/bin/env bash
# Writes a directory for PHP_INI_SCAN_DIR that loads exactly one wu_runcloud: links to this PHP's
# own scan-dir ini files, minus any that load wu_runcloud (there is one after `make install`, and
# PHP keeps the first copy it loads), plus one ini file loading EXTENSION_SO (none when omitted:
# PHP without the extension). Use the directory alone (no leading ':').
#
#   scripts/php-scan-dir.sh OUT_DIR [EXTENSION_SO]      (env PHP: the php executable, default php)
set -euo pipefail

out=${1:?usage: $0 OUT_DIR [EXTENSION_SO]}
so=${2:-}
php=${PHP:-php}

system_dirs=$(env -u PHP_INI_SCAN_DIR "$php" --ini | sed -n 's/^Scan for additional .ini files in: //p')
[ "$system_dirs" = "(none)" ] && system_dirs=""

rm -rf "$out"
mkdir -p "$out"
IFS=: read -ra dirs <<<"$system_dirs"
for dir in "${dirs[@]}"; do
  for ini in "$dir"/*.ini; do
    [ -e "$ini" ] || continue
    if grep -qiE '^[[:space:]]*extension[[:space:]]*=.*wu_runcloud' "$ini"; then
      continue
    fi
    ln -s "$(readlink -f "$ini")" "$out/$(basename "$ini")"
  done
done

if [ -n "$so" ]; then
  [ -f "$so" ] || {
    echo "$0: $so does not exist (build it first)" >&2
    exit 1
  }
  printf 'extension=%s\n' "$so" >"$out/99-wu_runcloud.ini"
fi
