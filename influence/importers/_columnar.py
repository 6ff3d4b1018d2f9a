"""The columnar path: a plain CSV/TSV of interactions read into column batches for
:meth:`~influence.store.Store.write_interaction_columns`, checked like the records."""

from __future__ import annotations

import gzip
import io
import math
import re
import zlib
from bisect import bisect_left
from collections.abc import Iterator
from datetime import datetime, timezone
from itertools import compress, repeat

from .._columns import CodedIds, IdVocabulary
from ..errors import InputDataError
from ..records import (
    PLATFORM_RE,
    TIMESTAMP_MAX,
    TIMESTAMP_MIN,
    WEIGHT_MAX,
    Interaction,
    Kind,
    check_id,
    clean_text,
    parse_actor_id,
)
from ._lines import MAX_LINE_BYTES, CsvRecords, bad_row, open_binary, refuse, text_lines
from ._mapping import map_header
from ._prepare import prepare
from ._report import ImportReport
from ._schema import build_record, check_columns

# -- the columnar path: CSV/TSV files of interactions -------------------------------------------
#
# import_file reads a plain CSV/TSV of interactions a block of lines at a time into columns and
# writes them with Store.write_interaction_columns: no record object per row. Every value gets the
# checks Interaction makes (most of them once per distinct value: actor ids, kinds); a row that
# fails one, or that the block's cheap checks cannot vouch for, is read again by the per-record
# code (build_record), which gives the same line-numbered error or the same record. Anything unusual in
# the file (a quote, a lone carriage return, a NUL, bytes that are not UTF-8, a very long line)
# hands the rest of the file, from that block on, to the per-record reader (CsvRecords).

#: Bytes read per block by the columnar path (then completed to the end of its last line).
BLOCK_BYTES = 1 << 21
#: A block whose last line is longer than this goes to the per-record reader (it checks the
#: MAX_LINE_BYTES limit).
_FAST_LINE_BYTES = 1 << 20
#: Platforms whose handles actor_id normalises (lower case, prefixes); others are kept as given.
_NORMALISED = frozenset({"web", "mastodon", "bluesky", "twitter", "reddit"})
#: Most distinct actor values whose canonical id the columnar path keeps (then it starts again).
_MAX_CACHED_IDS = 1_000_000
#: What str.strip() may remove from an ASCII text, line ends aside.
_SPACE = re.compile("[ \t\x0b\x0c\x1c-\x1f]")


def interaction_columns(path, on_bad_row, rep: ImportReport, *, fmt=None, record_type=None, platform="import",
                         kind=None, columns=None, mentions_from=None, post_author=None):
    """Batches of interaction columns for :meth:`Store.write_interaction_columns`, or ``None``
    when the file is not a CSV/TSV of interactions with a plain header (read it record by record)."""
    del post_author  # export formats only
    p, fmt, kind, rep, mapping = prepare(path, fmt, record_type, platform, kind, rep, columns, mentions_from)
    if fmt not in ("csv", "tsv") or mentions_from is not None:
        return None
    delim = "\t" if fmt == "tsv" else ","
    try:
        fh = open_binary(p)
        first = fh.readline(MAX_LINE_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        return None  # the per-record reader reports it
    first = first[3:] if first.startswith(b"\xef\xbb\xbf") else first
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if (text is None or not text.endswith("\n") or '"' in text or "\x00" in text or not text.strip()
            or "\r" in text[:-2]):
        fh.close()
        return None
    header = [h.strip() for h in text.rstrip("\r\n").split(delim)]
    try:
        if mapping is not None:
            header = map_header(header, mapping, p, 1)
        rtype = check_columns(p, header, record_type, kind, rep, 1)
    except BaseException:
        fh.close()
        raise
    if rtype != "interactions":
        fh.close()
        return None
    return _ColumnReader(fh, p, header, delim, platform, kind, on_bad_row, rep).batches()


class _ColumnReader:
    """Reads the rows of an interactions CSV/TSV after its header as column batches."""

    def __init__(self, fh, path: str, header: list[str], delim: str, platform: str, kind: str | None,
                 on_bad_row, rep: ImportReport) -> None:
        self.fh, self.path, self.header, self.delim = fh, path, header, delim
        self.platform, self.kind, self.on_bad_row, self.rep = platform, kind, on_bad_row, rep
        self.at = {name: i for i, name in enumerate(header)}  # the last of equal names, as dict(zip())
        self.ids: dict = {}  # raw value (or (raw, platform)) -> code in vocab, -1 when refused
        self.vocab = IdVocabulary()  # the canonical ids the codes stand for
        self.kinds: dict[str, str] = {}
        self.rels: dict[str, str | None] = {}
        self.trusted = True  # false once the columns disagreed with the per-record code

    def batches(self) -> Iterator[tuple]:
        p = self.path
        try:
            with self.fh:
                yield from self._batches()
        except UnicodeDecodeError:
            raise InputDataError("not UTF-8 text", path=p) from None
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise InputDataError(f"bad gzip file: {exc}", path=p) from None
        except OSError as exc:
            raise InputDataError(f"cannot read the file: {exc.strerror or exc}", path=p) from None

    def _batches(self) -> Iterator[tuple]:
        fh, lineno = self.fh, 1
        while True:
            block = fh.read(BLOCK_BYTES)
            if not block:
                return
            if not block.endswith(b"\n"):
                block += fh.readline(MAX_LINE_BYTES + 1)
            unusual = (b'"' in block or b"\x00" in block
                       or (b"\r" in block and block.count(b"\r") != block.count(b"\r\n"))
                       or len(block) - block.rfind(b"\n", 0, len(block) - 1) > _FAST_LINE_BYTES)
            text = None
            if not unusual:
                try:
                    text = block.decode("utf-8")
                except UnicodeDecodeError:
                    pass
            if text is None or not self.trusted:
                yield from self._records_from(block, lineno)
                return
            if "\r" in text:
                text = text.replace("\r\n", "\n")
            lines = text.split("\n")
            if lines[-1] == "":
                lines.pop()
            batch = self._block(text, lines, lineno + 1)
            lineno += len(lines)
            if batch is not None:
                yield batch

    # -- one block ---------------------------------------------------------------------------

    def _block(self, text: str, lines: list[str], first: int) -> tuple | None:
        n, delim, rep = len(self.header), self.delim, self.rep
        counts = list(map(str.count, lines, repeat(delim, len(lines))))
        special: list[int] = []  # lines read again by the per-record code, by index in ``lines``
        if counts.count(n - 1) == len(lines):
            good = None
            rows = lines
        else:
            good = [j for j, c in enumerate(counts) if c == n - 1]
            special = [j for j, c in enumerate(counts) if c != n - 1 and lines[j].strip()]
            rows = [lines[j] for j in good]
        rep.rows += len(rows) + len(special)
        k = len(rows)
        flat = delim.join(rows).split(delim) if k else []
        at = self.at

        # str.strip on every value, unless the block holds no character it could remove
        strip = not text.isascii() or _SPACE.search(text) is not None

        def column(name: str) -> list[str] | None:
            i = at.get(name)
            if i is None:
                return None
            return list(map(str.strip, flat[i::n])) if strip else flat[i::n]

        bad: set[int] = set()
        if len(self.ids) > _MAX_CACHED_IDS:  # memory stays bounded: start again
            self.ids.clear()
            self.vocab = IdVocabulary()
        vocab = self.vocab
        plats = column("platform")
        src = self._codes(column("source"), plats, bad)
        dst = self._codes(column("target"), plats, bad)
        kinds = column("kind")
        kinds = self._kinds(kinds, bad) if kinds is not None else [self.kind] * k
        ts = column("timestamp")
        ts = _timestamps(ts, bad) if ts is not None else [None] * k
        weight = column("weight")
        if weight is not None:
            weight = _weights(weight, bad)
        post = _posts(column("post_id"), column("post"), bad)
        rel = column("rel")
        if rel is not None:
            rel = self._rels(rel)
        cols = [src, dst, kinds, ts, post, weight, rel]
        index = good if good is not None else range(k)
        # The first row of every block is read by the per-record code too, which is the
        # reference: the columns must give the same values (and whatever that code raises on
        # the row is its line-numbered error). Should they ever differ, the rest of the file is
        # read record by record.
        sample = None
        if k and 0 not in bad:
            sample = tuple(None if c is None else c[0] for c in cols)
            sample = (vocab.ids[int(sample[0])], vocab.ids[int(sample[1])], *sample[2:])
            bad.add(0)
        if not bad and not special:
            return _coded(cols, vocab) if k else None
        # rows the checks could not vouch for, in line order: the per-record code decides
        redo = sorted([index[j] for j in bad] + special)
        got: dict[int, Interaction | None] = {j: self._row(lines[j], first + j) for j in redo}
        if sample is not None and got[index[0]] is not None:
            rec = got[index[0]]
            values = (rec.source, rec.target, rec.kind.value, rec.timestamp, rec.post, rec.weight, rec.rel)
            if sample != tuple(v if c is not None else None for v, c in zip(values, cols)):
                self.trusted = False
        if self.trusted:
            code_of = vocab.code_of
            cols[:2] = src.tolist(), dst.tolist()  # spliced as lists
            out = _splice(cols, k, index if good is not None else None, {
                j: None if r is None else (code_of(r.source), code_of(r.target), r.kind.value, r.timestamp,
                                           r.post, r.weight, r.rel)
                for j, r in got.items()})
        else:  # every value from records
            out = [[] for _ in cols]
            for j in sorted(set(index) | set(got)):
                rec = got[j] if j in got else self._row(lines[j], first + j)
                if rec is not None:
                    for c, v in zip(out, (rec.source, rec.target, rec.kind.value, rec.timestamp, rec.post,
                                          rec.weight, rec.rel)):
                        c.append(v)
            if not out[0]:
                return None
            return tuple(out)
        src, dst, kinds, ts, post, weight, rel = out
        if not src:
            return None
        return _coded((src, dst, kinds, ts, post if any(v is not None for v in post) else None,
                       weight if cols[5] is not None else None, rel if cols[6] is not None else None), vocab)

    def _row(self, line: str, lineno: int) -> Interaction | None:
        """One row through the per-record code: its Interaction, or None when refused (skipped)."""
        fields = line.split(self.delim)
        n = len(self.header)
        try:
            if len(fields) != n:
                raise ValueError(f"expected {n} fields as in the header, got {len(fields)}")
            return build_record("interactions", dict(zip(self.header, fields)), self.platform, self.kind)
        except MemoryError:
            raise
        except Exception as exc:
            refuse(bad_row(exc, self.path, lineno), self.on_bad_row)
            return None

    def _codes(self, raws: list[str], plats: list[str] | None, bad: set[int]):
        """The codes (an int64 array) in ``self.vocab`` of a column's canonical actor ids (as
        parse_actor_id and Interaction make and check them); rows whose value is refused (code
        -1) go to ``bad``."""
        import numpy as np

        ids = self.ids
        keys = raws if plats is None else list(zip(raws, plats))
        n = len(keys)
        # one dict lookup per value, straight into an array: with a million actors each is a
        # few cache misses, the cost of an import (the loader maps codes to actor numbers with
        # numpy); -2: not met before
        out = np.fromiter(map(ids.get, keys, repeat(-2, n)), dtype=np.int64, count=n)
        holes = np.flatnonzero(out == -2).tolist()
        if holes:
            # New values get codes in the order first met (deterministic).
            missing = list(dict.fromkeys(map(keys.__getitem__, holes)))
            if plats is None:
                canonical = self._new_ids(missing)
            else:
                canonical = [self._actor(raw, plat or self.platform) for raw, plat in missing]
            ok = list(compress(canonical, canonical))
            codes = iter(self.vocab.add(ok))
            ids.update(zip(missing, [next(codes) if c else -1 for c in canonical]))
            out[holes] = np.fromiter(map(ids.__getitem__, map(keys.__getitem__, holes)), dtype=np.int64,
                                     count=len(holes))
        refused = out < 0
        if refused.any():
            bad.update(np.flatnonzero(refused).tolist())
        return out

    def _new_ids(self, raws: list[str]) -> list[str]:
        """The canonical ids of new raw values, in order ("" when refused)."""
        plat = self.platform
        lp = plat.strip().lower()
        if lp not in _NORMALISED and PLATFORM_RE.match(lp):
            # what actor_id makes of a plain handle on such a platform: "platform:handle"
            simple = [r for r in raws if r and ":" not in r and r != "@"]
            try:
                check_id(" ".join(simple))  # no control character in any (a space is not one)
            except ValueError:
                pass
            else:
                if len(simple) == len(raws):
                    return [lp + ":" + r for r in raws]
                known = dict(zip(simple, [lp + ":" + r for r in simple]))
                return [known.get(r) or self._actor(r, plat) for r in raws]
        return [self._actor(r, plat) for r in raws]

    @staticmethod
    def _actor(raw: str, plat: str) -> str:
        """parse_actor_id and Interaction's check of one value; "" when refused."""
        if not raw:
            return ""
        try:
            return check_id(parse_actor_id(raw, plat), "actor id")
        except ValueError:
            return ""

    def _kinds(self, raws: list[str], bad: set[int]) -> list[str]:
        cache = self.kinds
        if len(cache) > 10_000:  # bad values, all different: memory stays bounded
            cache.clear()
        for raw in set(raws).difference(cache):
            try:
                cache[raw] = Kind.parse(raw).value if raw else (self.kind or "")
            except ValueError:
                cache[raw] = ""
        out = list(map(cache.__getitem__, raws))
        if "" in out:
            bad.update(j for j, v in enumerate(out) if not v)
        return out

    def _rels(self, raws: list[str]) -> list[str | None]:
        cache = self.rels
        if len(cache) > 100_000:
            cache.clear()
        out = []
        for raw in raws:
            if raw not in cache:
                rel = clean_text(raw) if raw else None
                cache[raw] = " ".join(sorted(set(rel.lower().split()))) or None if rel else None
            out.append(cache[raw])
        return out

    def _records_from(self, block: bytes, lineno: int) -> Iterator[tuple]:
        """The rest of the file, from ``block`` on, through the per-record reader, as batches."""
        records = CsvRecords(text_lines(_Prefixed(block, self.fh), self.path, lineno, bom=False),
                             self.path, self.delim)
        records.fields = n = len(self.header)
        batch: list[Interaction] = []
        for start, fields in records:
            if isinstance(fields, InputDataError):
                self.rep.rows += 1
                refuse(fields, self.on_bad_row)
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            self.rep.rows += 1
            try:
                if len(fields) != n:
                    raise ValueError(f"expected {n} fields as in the header, got {len(fields)}")
                batch.append(build_record("interactions", dict(zip(self.header, fields)), self.platform, self.kind))
            except MemoryError:
                raise
            except Exception as exc:
                refuse(bad_row(exc, self.path, start), self.on_bad_row)
            if len(batch) >= 10_000:
                yield _columns_of(batch)
                batch = []
        if batch:
            yield _columns_of(batch)


def _coded(cols, vocab: IdVocabulary) -> tuple:
    """A block's columns with its source and target codes as :class:`CodedIds`."""
    import numpy as np

    src, dst, *rest = cols
    return (CodedIds(np.asarray(src, dtype=np.int64), vocab), CodedIds(np.asarray(dst, dtype=np.int64), vocab),
            *rest)


def _splice(cols: list, k: int, index: list[int] | None, got: dict) -> list[list]:
    """The block's rows in line order: the column values, except at the lines in ``got`` (line
    index -> the row's values as the per-record code gives them, source and target as codes,
    or None when it refused the row), which replace
    the column row of that line or, for a line the columns skipped, come between the rows around
    it. ``index`` maps column row -> line index (None: row r is line r). Slices, not a Python
    step per row: a block of 130,000 rows with a few records costs a few list copies."""
    full = [c if c is not None else [None] * k for c in cols]
    out: list[list] = [[] for _ in cols]
    at = 0  # next column row to copy
    for j in sorted(got):
        row = j if index is None else bisect_left(index, j)  # column rows on lines before j
        if row > at:
            for o, c in zip(out, full):
                o.extend(c[at:row])
        values = got[j]
        if values is not None:
            for o, v in zip(out, values):
                o.append(v)
        # the column row of line j, if it has one, is replaced by the record (or dropped)
        at = row + 1 if row < k and (j if index is None else index[row]) == j else row
    if at < k:
        for o, c in zip(out, full):
            o.extend(c[at:])
    return out


def _columns_of(recs: list[Interaction]) -> tuple:
    return ([r.source for r in recs], [r.target for r in recs], [r.kind.value for r in recs],
            [r.timestamp for r in recs], [r.post for r in recs], [r.weight for r in recs], [r.rel for r in recs])


class _Prefixed:
    """``readline`` over some bytes already read, then the rest of a file."""

    def __init__(self, head: bytes, fh) -> None:
        self.head = io.BytesIO(head)
        self.fh = fh

    def readline(self, limit: int = -1) -> bytes:
        line = self.head.readline(limit)
        if line.endswith(b"\n") or (limit >= 0 and len(line) >= limit):
            return line
        return line + self.fh.readline(limit - len(line) if limit >= 0 else -1)


def _timestamp(text: str) -> float | None:
    """parse_timestamp for a stripped text (ValueError or any other error when refused)."""
    if not text:
        return None
    try:
        x = float(text)
    except ValueError:
        iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        dt = datetime.fromisoformat(iso)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=timezone.utc)
        t = dt.timestamp()
    else:
        if not math.isfinite(x):
            raise ValueError(text)
        t = x / 1000.0 if abs(x) > 1e11 else x
    if not TIMESTAMP_MIN <= t < TIMESTAMP_MAX:
        raise ValueError(text)
    return t


def _timestamps(raws: list[str], bad: set[int]) -> list[float | None]:
    """A timestamp column as parse_timestamp reads it; refused rows go to ``bad``."""
    import numpy as np

    try:
        x = np.array(list(map(float, raws)), dtype=np.float64)
    except ValueError:  # an empty value, an ISO 8601 time, or a bad one: one at a time
        out: list[float | None] = []
        for j, v in enumerate(raws):
            try:
                out.append(_timestamp(v))
            except Exception:
                out.append(None)
                bad.add(j)
        return out
    # numbers: epoch seconds, milliseconds above 1e11, as parse_timestamp
    with np.errstate(invalid="ignore", over="ignore"):
        t = np.where(np.abs(x) > 1e11, x / 1000.0, x)
        ok = (t >= TIMESTAMP_MIN) & (t < TIMESTAMP_MAX)  # NaN and infinities are not
    if not ok.all():
        bad.update(np.flatnonzero(~ok).tolist())
    return t.tolist()


def _weights(raws: list[str], bad: set[int]) -> list[float]:
    out: list[float] = []
    for j, v in enumerate(raws):
        try:
            w = float(v) if v else 1.0
        except ValueError:
            w = 1.0
            bad.add(j)
        if not 0 < w <= WEIGHT_MAX:  # NaN fails too
            bad.add(j)
        out.append(w)
    return out


def _posts(post_id: list[str] | None, post: list[str] | None, bad: set[int]) -> list[str | None] | None:
    """The ``post_id`` column, else ``post`` (as ``row.get("post_id") or row.get("post")``)."""
    if post_id is None and post is None:
        return None
    if post_id is not None and post is not None:
        out = [a or b or None for a, b in zip(post_id, post)]
    else:
        out = [v or None for v in (post_id if post_id is not None else post)]
    for j, v in enumerate(out):
        if v:
            try:
                check_id(v)
            except ValueError:
                bad.add(j)
    return out
