#!/usr/bin/env bash
# Installs the Debian packages duijie needs; idempotent, quiet when all are present.
# Works as root on a fresh Debian 12; as another user it uses sudo if there is one.
set -euo pipefail
pkgs=(build-essential pkg-config clang clang-format libclang-rt-14-dev
      libmicrohttpd-dev libjansson-dev libroaring-dev libicu-dev libsqlite3-dev sqlite3
      libpq-dev postgresql-15 libargon2-dev libxlsxwriter-dev libzip-dev libexpat1-dev nettle-dev
      libssl-dev poppler-utils curl ca-certificates python3)
for opt in "$@"; do
    case "$opt" in
    --with-browser)
        # chromium-l10n: the zh-CN locale pack, so that --lang=zh-CN (the browser tests, bench/ui_load)
        # shows date inputs as 年/月/日 the way a Chinese user's browser does, not mm/dd/yyyy
        pkgs+=(chromium chromium-l10n fonts-noto-cjk nodejs)
        # npm fetches playwright-core (package-lock.json); a Node that bundles npm is
        # enough
        command -v npm >/dev/null 2>&1 || pkgs+=(npm)
        ;;
    --with-scale) pkgs+=(nginx wrk) ;; # make scale-test: nginx in front, wrk as the load
    esac
done
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
