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
# Python 3.11's parser can fail inside hypothesis' deep recursion ("AST
# constructor recursion depth mismatch"); take a newer Python where there is one.
python=python3
for candidate in python3.13 python3.12 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[23]*/bin/python3; do
  if "$candidate" -c 'import venv' >/dev/null 2>&1; then python=$candidate; break; fi
done
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | grep -o '[0-9.]*$')" != "$version" ] \
   || [ "$("$venv/bin/python" -c 'import sys; print(sys.version_info[:2])' 2>/dev/null)" != "$("$python" -c 'import sys; print(sys.version_info[:2])')" ]; then
  echo "python-tools: installing schemathesis $version into .tools/venv ($python)" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
echo "python-tools: $("$venv/bin/schemathesis" --version)" >&2
