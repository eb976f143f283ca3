#!/usr/bin/env bash
# schemathesis (PyPI) for tests/e2e/api-conformance.test.ts, in a venv under
# .tools/ (ignored by git). Sourced by .ci/run; by hand:
#   bash .ci/python-tools.sh
# The version is pinned: a new release may add checks, which is an upgrade to
# make on purpose, not a red CI on an unrelated change.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/venv"
version="4.32.5"
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | grep -o '[0-9.]*$')" != "$version" ]; then
  echo "python-tools: installing schemathesis $version into .tools/venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
echo "python-tools: $("$venv/bin/schemathesis" --version)" >&2
