#!/bin/sh
# `prisma generate` without downloads: Prisma 7's client needs no engine, but
# its CLI insists on a schema-engine path even for generate.
set -e
here="$(cd "$(dirname "$0")" && pwd -P)"
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$here/no-schema-engine}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
prisma generate "$@"
# The generated client keeps its query compiler in memory twice over; see query-compiler.ts.
node "$here/../src/query-compiler.ts"
