#!/usr/bin/env bash
# Installs what the end-to-end suite needs, once: Debian packages (Chromium, ripgrep, Kerberos headers for
# code-server's native modules) and code-server 4.99.4 (VS Code 1.99.3, the last release that runs on
# Node 20) into .vscode-test/code-server. Skips every step that is already done. See
# ../shared/notes/vscode-e2e.md for why not @vscode/test-electron (it downloads VS Code; these machines
# reach only the npm registry and Debian).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.99.4
D=.vscode-test/code-server
V=$D/node_modules/code-server/lib/vscode
STAMP=$D/.installed-$VERSION

bash scripts/setup-system.sh chromium ripgrep libkrb5-dev

if [ -f "$STAMP" ]; then
  echo "e2e setup: code-server $VERSION already installed"
  exit 0
fi
echo "e2e setup: installing code-server $VERSION (a few minutes, once)"
rm -rf "$D"
mkdir -p "$D"
export npm_config_yes=true  # node-pty's install runs `npx node-gyp`; this machine's npm says yes=false
npm install --prefix "$D" --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$VERSION" > /dev/null
# code-server's own postinstall downloads ripgrep from the internet; its steps, by hand:
(cd "$V" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error > /dev/null)
(cd "$V" && npm rebuild node-pty @parcel/watcher @vscode/spdlog kerberos native-watchdog @vscode/deviceid --loglevel=error > /dev/null)
mkdir -p "$V/node_modules/@vscode/ripgrep/bin" && cp "$(command -v rg)" "$V/node_modules/@vscode/ripgrep/bin/rg"
(cd "$V" && ln -sfn node_modules node_modules.asar)
(cd "$V/bin/remote-cli" && ln -sf code-linux.sh code-server)
(cd "$V/bin/helpers" && ln -sf browser-linux.sh browser.sh)
(cd "$V/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error > /dev/null)
(cd "$D" && npm rebuild argon2 --loglevel=error > /dev/null)
touch "$STAMP"
echo "e2e setup: done"
