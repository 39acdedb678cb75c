"""A background worker that prints a heartbeat: the Containerfile example's payload."""

from __future__ import annotations

import time


def main() -> None:
    while True:
        print("worker: alive", flush=True)
        time.sleep(30)


if __name__ == "__main__":
    main()
