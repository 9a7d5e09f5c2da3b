#!/usr/bin/env bash
# Installs the Debian packages a test step needs, once: `npm test` asks for Chromium (the webview tests drive
# it with playwright-core) and redis-server (the queue tests start their own on a loopback port; the system
# service the package may start is not used); the e2e setup adds what code-server needs. Idempotent: a package already installed
# is skipped, and nothing runs when all are. Usage: scripts/setup-system.sh PACKAGE...
set -euo pipefail
need=()
for package in "$@"; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: apt-get install ${need[*]} (once; later runs skip this)"
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${need[@]}" > /dev/null
