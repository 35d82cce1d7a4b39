#!/usr/bin/env python3
"""Prints one closing line, 'N passed, N failed', over the meson test logs of
the build directories given, so a reader (or CI) sees the totals at a glance."""
import json
import sys
from pathlib import Path

passed = failed = skipped = 0
for build in sys.argv[1:]:
    log = Path(build) / "meson-logs" / "testlog.json"
    if not log.exists():
        continue
    for line in log.read_text().splitlines():
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
