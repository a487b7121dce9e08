"""Run a command; print its wall time and the peak RSS of its process tree as JSON.

ru_maxrss of RUSAGE_CHILDREN is the largest resident set of any waited-for descendant, which is
what bounds memory on a worker (Airflow runs the tasks in the `airflow dags test` process).
Usage: python -m bench.measure CMD ARGS...
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    start = time.perf_counter()
    res = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"exit": res.returncode, "wall_s": round(wall, 2), "peak_rss_mb": round(peak_kb / 1024, 1),
                      "stderr_tail": res.stderr.strip().splitlines()[-1:] if res.returncode else []}))


if __name__ == "__main__":
    main()
