#!/usr/bin/env bash
# Installs the wu_runcloud extension into one PHP and enables it for every SAPI of that PHP
# (command line, PHP-FPM, Apache), or takes it out again. Never restarts a service: it prints
# which ones to restart.
#
#   scripts/install-extension.sh install|uninstall
#
# Environment: PHP (the php executable, default `php`), PHP_CONFIG (its php-config, default:
# the one next to it), EXT_SO (the built library, default target/release/libwu_runcloud.so).
#
# Debian's PHP (scan dir /etc/php/VER/SAPI/conf.d): the library goes to `php-config
# --extension-dir`, the ini file to /etc/php/VER/mods-available/wu_runcloud.ini, and
# `phpenmod -v VER wu_runcloud` links it into every SAPI's conf.d (without phpenmod, the
# links are made here). Any other PHP build: the ini file goes to that PHP's own scan dir.
set -euo pipefail
cd "$(dirname "$0")/.."

action=${1:-install}
case "$action" in install | uninstall) ;; *)
  echo "usage: $0 install|uninstall" >&2
  exit 2
  ;;
esac

die() {
  echo "make $action: $*" >&2
  exit 1
}

php_bin=$(command -v "${PHP:-php}") || die "PHP executable not found: ${PHP:-php}"
php_real=$(readlink -f "$php_bin")
php_ver=$("$php_bin" -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')
php_vernum=$("$php_bin" -r 'echo PHP_VERSION_ID;')

# The php-config of the same build: PHP_CONFIG, else next to the executable, following
# Debian's naming (/usr/bin/php8.2 -> /usr/bin/php-config8.2) through the alternatives link.
find_php_config() {
  if [ -n "${PHP_CONFIG:-}" ]; then
    command -v "$PHP_CONFIG" || die "PHP_CONFIG not found: $PHP_CONFIG"
    return
  fi
  local candidate bin
  for bin in "$php_bin" "$php_real"; do
    for candidate in "$(dirname "$bin")/php-config${bin##*/php}" "$(dirname "$bin")/php-config"; do
      if [ -x "$candidate" ]; then
        echo "$candidate"
        return
      fi
    done
  done
  die "no php-config next to $php_bin: install the PHP development files (Debian: php$php_ver-dev) or set PHP_CONFIG"
}
php_config=$(find_php_config)
[ "$("$php_config" --vernum)" = "$php_vernum" ] ||
  die "$php_config is for PHP $("$php_config" --version), $php_bin is $("$php_bin" -r 'echo PHP_VERSION;'): set PHP_CONFIG to the php-config of $php_bin"

ext_dir=$("$php_config" --extension-dir)
installed_so="$ext_dir/wu_runcloud.so"

# The scan dir this PHP reads (PHP_INI_SCAN_DIR of the caller would hide it).
scan_dir=$(env -u PHP_INI_SCAN_DIR "$php_bin" --ini | sed -n 's/^Scan for additional .ini files in: //p')
[ "$scan_dir" = "(none)" ] && scan_dir=""
debian_conf="/etc/php/$php_ver"
if [[ "$scan_dir" =~ ^$debian_conf/[^/]+/conf\.d$ ]] && [ -d "$debian_conf/mods-available" ]; then
  layout=debian
else
  layout=own
fi

# Services that run this PHP and must be restarted to (un)load the extension.
restart_hint() {
  local services=()
  if [ "$layout" = debian ]; then
    [ -d "$debian_conf/fpm" ] && services+=("php$php_ver-fpm")
    [ -d "$debian_conf/apache2" ] && services+=("apache2")
  fi
  if [ ${#services[@]} -gt 0 ]; then
    echo "Restart them to $1 it (make $action restarts nothing):  systemctl restart ${services[*]}   (or: service NAME restart)"
  else
    echo "Restart the PHP-FPM pool or web server that runs $php_bin to $1 it (make $action restarts nothing)."
  fi
}

# SAPIs of Debian's PHP that load the ini file now.
list_enabled_sapis() {
  local link sapis=()
  for link in "$debian_conf"/*/conf.d/*wu_runcloud.ini; do
    [ -e "$link" ] || continue
    sapis+=("$(basename "$(dirname "$(dirname "$link")")") ($link)")
  done
  printf '  %s\n' "${sapis[@]}"
}

if [ "$action" = uninstall ]; then
  if [ "$layout" = debian ]; then
    if [ ! -f "$debian_conf/mods-available/wu_runcloud.ini" ]; then
      rm -f "$debian_conf"/*/conf.d/*wu_runcloud.ini
    elif command -v phpdismod >/dev/null; then
      phpdismod -v "$php_ver" wu_runcloud
    else
      rm -f "$debian_conf"/*/conf.d/*wu_runcloud.ini
    fi
    rm -f "$debian_conf/mods-available/wu_runcloud.ini"
    echo "Disabled for every SAPI of PHP $php_ver; removed $debian_conf/mods-available/wu_runcloud.ini"
  elif [ -n "$scan_dir" ]; then
    rm -f "$scan_dir/20-wu_runcloud.ini"
    echo "Removed $scan_dir/20-wu_runcloud.ini"
  fi
  rm -f "$installed_so"
  echo "Removed $installed_so"
  restart_hint unload
  exit 0
fi

# Build for this PHP: its headers come from PHP_CONFIG. Passed to cargo only when they are not
# the defaults, so that the usual `php` does not rebuild the bindings.
ext_so=${EXT_SO:-$PWD/target/release/libwu_runcloud.so}
default_php=$(readlink -f "$(command -v php 2>/dev/null || true)" 2>/dev/null || true)
default_config=$(readlink -f "$(command -v php-config 2>/dev/null || true)" 2>/dev/null || true)
if [ "$php_real" = "$default_php" ] && [ "$(readlink -f "$php_config")" = "$default_config" ]; then
  env -u PHP -u PHP_CONFIG cargo build --release --locked -p wu_runcloud
else
  echo "Building for $php_bin (php-config: $php_config)"
  PHP="$php_bin" PHP_CONFIG="$php_config" cargo build --release --locked -p wu_runcloud
fi
[ -f "$ext_so" ] || die "the build did not produce $ext_so"

[ -w "$ext_dir" ] || [ -w "$(dirname "$ext_dir")" ] || die "$ext_dir is not writable: run it as root (sudo make install)"
install -D -m 0644 "$ext_so" "$installed_so"
echo "Installed $installed_so"

# `extension=wu_runcloud.so` resolves against the extension_dir PHP runs with; when php.ini moved
# that away from php-config's directory, the ini file names the library by its full path.
runtime_ext_dir=$(env -u PHP_INI_SCAN_DIR "$php_bin" -r 'echo ini_get("extension_dir");')
if [ "$(readlink -f "$runtime_ext_dir")" = "$(readlink -f "$ext_dir")" ]; then
  ext_line="extension=wu_runcloud.so"
else
  ext_line="extension=$installed_so"
fi
ini_body="; wu_runcloud: keeps RunCloud domains and SSL in step with Ultimate Multisite (make install)
; priority=20
$ext_line"

if [ "$layout" = debian ]; then
  # An older `make install` wrote a plain file into the CLI's conf.d only: replace it by the link.
  for old in "$debian_conf"/*/conf.d/*wu_runcloud.ini; do
    if [ -f "$old" ] && [ ! -L "$old" ]; then
      rm -f "$old"
      echo "Removed $old (replaced by the mods-available link)"
    fi
  done
  printf '%s\n' "$ini_body" >"$debian_conf/mods-available/wu_runcloud.ini"
  echo "Wrote $debian_conf/mods-available/wu_runcloud.ini"
  if command -v phpenmod >/dev/null; then
    phpenmod -v "$php_ver" wu_runcloud
    echo "Ran phpenmod -v $php_ver wu_runcloud. Enabled for:"
  else
    for conf_d in "$debian_conf"/*/conf.d; do
      ln -sf ../../mods-available/wu_runcloud.ini "$conf_d/20-wu_runcloud.ini"
    done
    echo "phpenmod not found: linked it into every SAPI's conf.d. Enabled for:"
  fi
  list_enabled_sapis
elif [ -n "$scan_dir" ]; then
  [ -w "$scan_dir" ] || die "$scan_dir is not writable: run it as root"
  printf '%s\n' "$ini_body" >"$scan_dir/20-wu_runcloud.ini"
  echo "Wrote $scan_dir/20-wu_runcloud.ini (the scan dir of $php_bin)."
  echo "If this PHP's FPM or web server module reads another scan dir or php.ini, add '$ext_line' there too."
else
  ini_file=$(env -u PHP_INI_SCAN_DIR "$php_bin" --ini | sed -n 's/^Loaded Configuration File: *//p')
  echo "$php_bin reads no scan dir: add this line to ${ini_file:-its php.ini}, then restart what runs it:"
  echo "  $ext_line"
  "$php_bin" -d "extension=$installed_so" --ri wu_runcloud >/dev/null && echo "(checked: the library loads into $php_bin)"
  exit 0
fi

# Double loading (another ini file, or php.ini itself, loads it as well) only warns in PHP.
if env -u PHP_INI_SCAN_DIR "$php_bin" -m 2>&1 >/dev/null | grep -i "wu_runcloud.*already loaded" >&2; then
  die "wu_runcloud is loaded twice by $php_bin: remove the other extension=wu_runcloud line (php --ini lists the files)"
fi
if [ "$layout" = debian ] && command -v "php-fpm$php_ver" >/dev/null; then
  fpm_modules=$("php-fpm$php_ver" -m 2>/dev/null || true)
  if grep -qx wu_runcloud <<<"$fpm_modules"; then
    echo "php-fpm$php_ver -m lists wu_runcloud."
  else
    die "php-fpm$php_ver -m does not list wu_runcloud"
  fi
fi
restart_hint load
env -u PHP_INI_SCAN_DIR "$php_bin" --ri wu_runcloud
