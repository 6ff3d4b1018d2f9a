"""Raw-response archive: every API response a crawl receives, kept as it came, for reproducible
research (re-parse later with a newer parser, audit what a figure was computed from).

Layout of an archive folder::

    DIR/<source>/<sha1 of the URL>-<n>.body    the response body, bytes as received (decoded)
    DIR/<source>/index.jsonl                   one line per response: url, status, headers, file,
                                               sha256 of the body

URLs are stored with :func:`~influence.crawl.errors.redact_url` (no ``user:password@``, secret
parameters masked) and ``Set-Cookie``/``Authorization`` headers are dropped, so no credential
lands on disk. Re-crawling appends; nothing is overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

from .errors import redact_url

__all__ = ["RawArchive"]

_DROP = {"set-cookie", "authorization", "proxy-authorization", "cookie"}


class RawArchive:
    """A callable ``archive(url, status, headers, body)`` writing into ``folder``.

    Parameters
    ----------
    folder : path-like
        The source's archive folder (created if missing).

    Examples
    --------
    >>> import tempfile
    >>> a = RawArchive(tempfile.mkdtemp())
    >>> a("https://x.example/api?access_token=s3cret", 200, {"Set-Cookie": "k=v", "Link": "<...>"}, b"[]")
    >>> entry = a.entries()[0]
    >>> "s3cret" in entry["url"], sorted(entry["headers"]), entry["status"]
    (False, ['Link'], 200)
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def __call__(self, url: str, status: int, headers: dict, body: bytes) -> None:
        safe = redact_url(url)
        digest = hashlib.sha1(safe.encode("utf-8")).hexdigest()[:16]
        kept = {k: v for k, v in (headers or {}).items() if k.lower() not in _DROP}
        data = body if isinstance(body, bytes) else str(body).encode("utf-8")
        with self._lock:
            n = 0
            while (self.folder / f"{digest}-{n}.body").exists():
                n += 1
            name = f"{digest}-{n}.body"
            (self.folder / name).write_bytes(data)
            line = {"url": safe, "status": int(status), "headers": kept, "file": name,
                    "sha256": hashlib.sha256(data).hexdigest()}
            with open(self.folder / "index.jsonl", "a", encoding="utf-8") as fh:
                fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")

    def entries(self) -> list[dict]:
        """The archived responses, in the order received."""
        index = self.folder / "index.jsonl"
        if not index.exists():
            return []
        with open(index, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
