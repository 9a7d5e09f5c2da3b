#!/usr/bin/env bash
# Installs a Vulkan driver that runs on the CPU (Mesa's lavapipe), so that the WebGPU backend has an adapter to
# test on machines without a GPU (CI). Stock Debian bookworm's Mesa 22 is too old for Dawn; bookworm-backports'
# Mesa 25 works. Idempotent: nothing runs when lavapipe from Mesa ≥ 25 is already there. Debian/Ubuntu only;
# elsewhere it says so and the WebGPU tests skip (unless CI=true). The archive address is the machine's own.
set -euo pipefail
icd=/usr/share/vulkan/icd.d/lvp_icd.json
mesa_major() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/'; }
if [ -f "$icd" ] && [ "$(mesa_major || echo 0)" -ge 25 ] 2>/dev/null && dpkg -s libvulkan1 >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null || [ ! -f /etc/os-release ] || ! grep -q 'VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "setup: no Mesa lavapipe for this system here (the recipe is for Debian bookworm); WebGPU tests will skip" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
sources=/etc/apt/sources.list.d/backports.sources
if [ ! -f "$sources" ] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" | $SUDO tee "$sources" > /dev/null
fi
echo "setup: apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1 (once; later runs skip this)"
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 > /dev/null
