#!/bin/sh
# Installs, on Debian, exactly the packages dti needs that are not installed yet.
set -eu
pkgs="gcc make pkg-config libcurl4-openssl-dev libssl-dev libjansson-dev libsqlite3-dev libcmocka-dev libutf8proc-dev libxlsxwriter-dev libzip-dev zlib1g-dev libisal-dev libexpat1-dev libsodium-dev libmicrohttpd-dev sqlite3 python3 ca-certificates openssl ${DTI_EXTRA_PKGS:-}"
missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing packages:$missing (no apt-get here; install them by hand)" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
    echo "install-deps: missing packages:$missing; run as root or install them" >&2; exit 1
  fi
fi
echo "install-deps: installing$missing" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
