#!/usr/bin/env bash
# Puts Node 24 and pnpm 10 first on PATH. Sourced by .ci/run; by hand:
#   source .ci/toolchain.sh
# The machine image may ship an older Node (20 is end of life) and corepack
# fails its signature check here, so both come from the npm registry into a
# project-local prefix (.tools/, ignored by git). Versions follow package.json.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
pnpm_version="$(sed -n 's/.*"packageManager": "pnpm@\([^"]*\)".*/\1/p' "$root/package.json")"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

need=""
if [ "$(node_major)" -lt 24 ]; then need="node@24"; fi
if [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then need="$need pnpm@$pnpm_version"; fi
if [ -n "$need" ]; then
  # One install for both: a second npm install into the same prefix prunes the first.
  if [ ! -x "$tools/node_modules/.bin/node" ] || [ ! -x "$tools/node_modules/.bin/pnpm" ] \
     || [ "$("$tools/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$pnpm_version" ]; then
    echo "toolchain: installing node@24 and pnpm@$pnpm_version into .tools/" >&2
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "node@24" "pnpm@$pnpm_version" >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
fi
echo "toolchain: node $(node --version), pnpm $(pnpm --version)" >&2
