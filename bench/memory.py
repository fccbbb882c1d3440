"""Resident memory of a process, as Linux counts it: the peak (VmHWM) and the current size
(VmRSS). getrusage's ru_maxrss is not used: it carries the parent's peak across exec."""

from pathlib import Path


def memory_mb(pid: int | str = "self", field: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no {field} for process {pid}")
