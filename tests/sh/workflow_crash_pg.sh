#!/usr/bin/env bash
# tests/sh/workflow_crash.sh on PostgreSQL: the same scripted workload, kill -9 loop and checks
# (every acknowledged step present, none half done, none twice, payments match, the audit chain
# verifies and a tampered copy does not) on a throw-away cluster started by scripts/pg.sh.
# Skipped when PostgreSQL cannot start.
cd "$(dirname "$0")/../.." || exit 1
CRASH_PG=1 exec tests/sh/workflow_crash.sh
