"""Upload progress: tqdm when it is installed, else one line rewritten on stderr."""

import sys
import time


def progress(total, enabled, description="upsert"):
    if not enabled:
        return _Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _Line(total, description)
    return tqdm(total=total, desc=description, unit="vectors", unit_scale=True)


class _Silent:
    def update(self, n):
        pass

    def close(self):
        pass


class _Line:
    """upsert: 40000/100000 vectors (40%), 52000 vectors/s"""

    def __init__(self, total, description, stream=None):
        self._total = total
        self._description = description
        self._stream = stream or sys.stderr
        self._done = 0
        self._start = time.monotonic()
        self._shown = 0.0
        self._draw()

    def update(self, n):
        self._done += n
        now = time.monotonic()
        if now - self._shown >= 0.1 or self._done >= self._total:
            self._shown = now
            self._draw()

    def _draw(self):
        elapsed = max(time.monotonic() - self._start, 1e-9)
        percent = 100.0 * self._done / self._total if self._total else 100.0
        self._stream.write("\r%s: %d/%d vectors (%.0f%%), %.0f vectors/s" % (
            self._description, self._done, self._total, percent, self._done / elapsed))
        self._stream.flush()

    def close(self):
        self._draw()
        self._stream.write("\n")
        self._stream.flush()
