"""Writing minimal Word 97 binary (.doc/.wps) files for the test corpus.

No maintained writer for the format exists in Python, so this builds the smallest valid
file by the specs: a Compound File ([MS-CFB], version 3, 512-byte sectors, one FAT
sector) holding a ``WordDocument`` stream (a Word 97 FIB followed by the text as
UTF-16LE) and a ``1Table`` stream (a Clx whose piece table points at that text).
Both streams are padded past the 4096-byte mini-stream cutoff so no mini FAT is needed.
"""

from __future__ import annotations

import struct

SECTOR = 512
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
TEXT_OFFSET = 0x800


def _fib(ccp_text: int, table_1: bool = True) -> bytes:
    csw, cslw, cb = 14, 22, 0x5D
    fib = bytearray(0x20)
    struct.pack_into("<HHH", fib, 0, 0xA5EC, 0x00C1, 0x0000)  # wIdent, nFib, unused
    struct.pack_into("<H", fib, 6, 0x0804)  # lid zh-CN
    flags = 0x0200 if table_1 else 0
    struct.pack_into("<H", fib, 0x0A, flags)
    struct.pack_into("<H", fib, 0x0C, 0x00BF)  # nFibBack
    fib += struct.pack("<H", csw) + bytes(csw * 2)
    rglw = bytearray(cslw * 4)
    struct.pack_into("<I", rglw, 0, TEXT_OFFSET + ccp_text * 2)  # cbMac
    struct.pack_into("<i", rglw, 12, ccp_text)  # ccpText
    fib += struct.pack("<H", cslw) + rglw
    fib += struct.pack("<H", cb)
    return bytes(fib), len(fib)  # type: ignore[return-value]


def word_streams(text: str) -> tuple[bytes, bytes]:
    """(WordDocument, 1Table) for ``text`` (paragraphs separated by \\r)."""
    body = text.replace("\n", "\r")
    if not body.endswith("\r"):
        body += "\r"
    ccp = len(body.encode("utf-16-le")) // 2
    fib_head, fclcb_at = _fib(ccp)
    fclcb = bytearray(0x5D * 8)
    # Clx: one Pcdt with one piece covering all text, UTF-16 (fCompressed clear)
    plc = struct.pack("<II", 0, ccp) + struct.pack("<HIH", 0, TEXT_OFFSET, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    table = clx.ljust(4096, b"\x00")
    struct.pack_into("<II", fclcb, 33 * 8, 0, len(clx))  # fcClx, lcbClx
    word = bytearray(fib_head + bytes(fclcb))
    word = word.ljust(TEXT_OFFSET, b"\x00")
    word += body.encode("utf-16-le")
    word = bytes(word).ljust(max(4096, len(word)), b"\x00")
    return word, table


def _dir_entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    raw = (name + "\x00").encode("utf-16-le") if name else b""
    entry = bytearray(128)
    entry[: len(raw)] = raw
    struct.pack_into("<HBB", entry, 64, len(raw), kind, 1)
    struct.pack_into("<III", entry, 68, left, right, child)
    struct.pack_into("<I", entry, 116, start)
    struct.pack_into("<Q", entry, 120, size)
    return bytes(entry)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A CFB v3 file with the given root-level streams (each at least 4096 bytes)."""
    names = list(streams)
    assert len(names) <= 3 and all(len(streams[n]) >= 4096 for n in names)
    sectors: list[bytes] = []
    fat: list[int] = [FATSECT]  # sector 0: the FAT itself
    n_dir = 1
    fat.append(ENDOFCHAIN)  # sector 1: directory
    starts = {}
    next_sector = 2
    for name in names:
        data = streams[name]
        count = -(-len(data) // SECTOR)
        starts[name] = next_sector
        for i in range(count):
            fat.append(next_sector + i + 1 if i < count - 1 else ENDOFCHAIN)
        next_sector += count
    assert len(fat) <= SECTOR // 4, "test documents must fit one FAT sector"
    fat += [FREESECT] * (SECTOR // 4 - len(fat))
    sectors.append(struct.pack(f"<{SECTOR // 4}I", *fat))
    # directory: root, then the streams as a simple right-leaning chain sorted by CFB order
    ordered = sorted(names, key=lambda n: (len(n), n.upper()))
    ids = {n: i + 1 for i, n in enumerate(ordered)}
    entries = [
        _dir_entry(
            "Root Entry", 5, NOSTREAM, NOSTREAM, ids[ordered[0]] if ordered else NOSTREAM, ENDOFCHAIN, 0
        )
    ]
    for i, n in enumerate(ordered):
        right = ids[ordered[i + 1]] if i + 1 < len(ordered) else NOSTREAM
        entries.append(_dir_entry(n, 2, NOSTREAM, right, NOSTREAM, starts[n], len(streams[n])))
    while len(entries) < 4 * n_dir:
        entries.append(_dir_entry("", 0, NOSTREAM, NOSTREAM, NOSTREAM, 0, 0))
    sectors.append(b"".join(entries))
    for name in names:
        data = streams[name]
        sectors.append(data.ljust(-(-len(data) // SECTOR) * SECTOR, b"\x00"))
    header = bytearray(SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # number of FAT sectors
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<II", header, 60, ENDOFCHAIN, 0)  # mini FAT
    struct.pack_into("<II", header, 68, ENDOFCHAIN, 0)  # DIFAT
    difat = [0] + [FREESECT] * 108
    struct.pack_into("<109I", header, 76, *difat)
    return bytes(header) + b"".join(sectors)


def word_document(text: str) -> bytes:
    word, table = word_streams(text)
    return compound_file({"WordDocument": word, "1Table": table})
