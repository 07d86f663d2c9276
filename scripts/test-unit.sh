#!/usr/bin/env bash
# npm run test:unit: vitest run, with a bound on a run that goes silent.
#
# Once in many runs on a 2-core machine, vitest's fork worker stopped while loading a unit test
# file: no CPU, every thread idle, one file-system promise never settled (seen 2026-11-29 on
# tests/unit/beam.test.ts, now tests/unit/lib/decoding/beam.test.ts, which does no I/O and passes on its own). testTimeout cannot catch a
# hang while a file is still being collected, so a run that outlives the bound is killed and
# started once more. A test that fails still fails at once; a hang that comes back fails too.
set -uo pipefail
limit_s="${VITEST_HANG_LIMIT_S:-900}"
for attempt in 1 2; do
  timeout --kill-after=30 "$limit_s" npx vitest run "$@"
  status=$?
  if [ "$status" -ne 124 ] && [ "$status" -ne 137 ]; then exit "$status"; fi
  echo "test:unit: vitest was still running after ${limit_s} s (attempt ${attempt} of 2) and was stopped" >&2
done
exit 124
