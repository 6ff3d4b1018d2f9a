"""A small decoder of the blocks of a CAR file: DAG-CBOR items, varints and CIDs."""

from __future__ import annotations

from typing import Any


class CID(bytes):
    """A content identifier (the binary CID of a DAG-CBOR link, tag 42)."""


def varint(buf, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if i >= len(buf) or shift > 63:
            raise ValueError("truncated or overlong varint")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def cbor(buf, i: int) -> tuple[Any, int]:
    """One DAG-CBOR item at ``buf[i:]`` (definite lengths only, tag 42 = CID): ``(value, next i)``."""
    import struct

    ib = buf[i]
    i += 1
    major, info = ib >> 5, ib & 31
    if info < 24:
        val = info
    elif info in (24, 25, 26, 27):
        n = 1 << (info - 24)
        if i + n > len(buf):
            raise ValueError("truncated CBOR")
        val = int.from_bytes(buf[i:i + n], "big")
        i += n
    else:
        raise ValueError("not DAG-CBOR (indefinite length or reserved value)")
    if major == 0:
        return val, i
    if major == 1:
        return -1 - val, i
    if major in (2, 3):
        if i + val > len(buf):
            raise ValueError("truncated CBOR string")
        raw = bytes(buf[i:i + val])
        return (raw if major == 2 else raw.decode("utf-8")), i + val
    if major == 4:
        items = []
        for _ in range(val):
            x, i = cbor(buf, i)
            items.append(x)
        return items, i
    if major == 5:
        d = {}
        for _ in range(val):
            k, i = cbor(buf, i)
            v, i = cbor(buf, i)
            if not isinstance(k, str):
                raise ValueError("DAG-CBOR map keys are strings")
            d[k] = v
        return d, i
    if major == 6:
        x, i = cbor(buf, i)
        return (CID(x[1:]) if val == 42 and isinstance(x, bytes) else x), i
    if info == 20:
        return False, i
    if info == 21:
        return True, i
    if info in (22, 23):
        return None, i
    if info in (25, 26, 27):
        fmt = {25: ">e", 26: ">f", 27: ">d"}[info]
        return struct.unpack(fmt, val.to_bytes(1 << (info - 24), "big"))[0], i
    raise ValueError("unknown CBOR simple value")


def cid_at(buf, i: int) -> tuple[bytes, int]:
    """The binary CID at the start of a CAR section: ``(cid, next i)``."""
    if buf[i] == 0x12 and buf[i + 1] == 0x20:  # CIDv0: a bare sha2-256 multihash
        return bytes(buf[i:i + 34]), i + 34
    start = i
    _, i = varint(buf, i)  # version
    _, i = varint(buf, i)  # codec
    _, i = varint(buf, i)  # multihash code
    n, i = varint(buf, i)  # digest length
    return bytes(buf[start:i + n]), i + n
