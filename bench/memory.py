"""Resident memory of a process, as Linux counts it: the peak (VmHWM) and the current size
(VmRSS). getrusage's ru_maxrss is not used: it carries the parent's peak across exec."""

import json
import subprocess
import sys
from pathlib import Path

from app.core.config import PROJECT_ROOT

# run in a fresh interpreter: the product's app alone, as a web worker builds it
BUILD_THE_APP = """
import json, sys
from app import create_app
from bench.memory import memory_mb
create_app()
print(json.dumps({"rss_mb": memory_mb("self", "VmRSS"), "modules": sorted(sys.modules)}))
"""


def memory_mb(pid: int | str = "self", field: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no {field} for process {pid}")


def import_footprint(env: dict) -> dict:
    """The resident memory of a fresh process once ``create_app()`` has run (what every web
    worker holds before its first request) and how many modules it imported."""
    done = subprocess.run(  # noqa: S603  (a fixed argv)
        [sys.executable, "-c", BUILD_THE_APP],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    built = json.loads(done.stdout.strip().splitlines()[-1])
    packages = {name.split(".")[0] for name in built["modules"]}
    return {"rss_mb": built["rss_mb"], "modules": len(built["modules"]), "packages": len(packages)}
