"""CPU time of a command with everything it starts, Chromium's renderers included (issue #17).

`/usr/bin/time` misses most of the browser tests' CPU: Playwright starts Chromium in its own process
group, and its renderers are not reaped through the pytest tree. This runs the command, reads /proc
every 0.25 s and sums the CPU time (own user+system, children not added) of every process descended
from it or sharing a process group with a Chromium process that was. Processes that live less than
a sample are missed. On a shared machine compare CPU, not wall time.

    python3 bench/cpumeter.py env -u DATABASE_URL .venv/bin/pytest -n 2 -q -p no:cacheprovider tests/browser
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")
BROWSER = ("chrom", "headless")


def stat(pid: int) -> tuple[int, int, float, str] | None:
    """(parent, process group, CPU seconds, name) of a running process."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            line = handle.read()
    except OSError:
        return None
    end = line.rindex(")")
    fields = line[end + 2:].split()
    return int(fields[1]), int(fields[2]), (int(fields[11]) + int(fields[12])) / TICK, line[line.index("(") + 1:end]


def main(command: list[str]) -> int:
    start = time.time()
    process = subprocess.Popen(command)
    own_group = os.getpgid(0)
    tracked, groups, cpu, names = {process.pid}, set(), {}, {}
    while process.poll() is None:
        running = {int(d): s for d in os.listdir("/proc") if d.isdigit() and (s := stat(int(d)))}
        grown = True
        while grown:
            grown = False
            for pid, (parent, group, _cpu, _name) in running.items():
                if pid not in tracked and (parent in tracked or (group in groups and group != own_group)):
                    tracked.add(pid)
                    grown = True
        for pid in tracked & running.keys():
            _parent, group, seconds, name = running[pid]
            if name.startswith(BROWSER):
                groups.add(group)
            cpu[pid], names[pid] = seconds, name
        time.sleep(0.25)
    by_name: dict[str, float] = {}
    for pid, seconds in cpu.items():
        key = "chromium" if names[pid].startswith(BROWSER) else names[pid]
        by_name[key] = by_name.get(key, 0) + seconds
    parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(by_name.items(), key=lambda kv: -kv[1])[:6])
    print(f"CPUMETER wall {time.time() - start:.1f} s, cpu {sum(cpu.values()):.1f} s: {parts}", file=sys.stderr)
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
