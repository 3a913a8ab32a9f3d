"""jieba's dictionary, loaded a piece at a time: only what the text being segmented can use.

Segmenting a block, jieba looks up (``Tokenizer.get_DAG``, ``calc``) the block's single
characters and the fragments ``block[k:i]`` that start at each position ``k``. Every such
fragment of two or more characters starts with the pair ``block[k:k+2]``. So the prefix
dictionary (about half a million words and word prefixes) is stored once on disk in
buckets keyed by a hash of that first pair, beside one bucket of every single-character
key, and a :class:`LazyTokenizer` (a ``jieba.Tokenizer``) loads, before each ``get_DAG``, the
buckets of the pairs in the text it is given. Its ``FREQ`` is then exactly jieba's ``FREQ``
for every fragment it can look up, so the cut is jieba's cut; what differs is the cost:
loading jieba's whole dictionary takes about half a second, a screen of a page loads a few
hundred small buckets. Whole-text segmentation (the reference) still loads everything.

The bucket file is built from jieba's own dictionary (through jieba's own cache) the first
time it is needed and kept in the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``,
else the temp folder), named after jieba's version and the dictionary's size and mtime;
it is replaced atomically, and a file that does not read back is rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import mmap
import os
import struct
import tempfile
import threading
from array import array
from pathlib import Path

FORMAT = b"PPJIEBA2"
N_BUCKETS = 1 << 17  # pair buckets; a page touches a few hundred, 20 MB of prose about a third
_HEAD = struct.Struct("<8sQI")  # magic, total, bucket count

log = logging.getLogger(__name__)


def _bucket(pair: str) -> int:
    return (ord(pair[0]) * 40503 + ord(pair[1])) & (N_BUCKETS - 1)


_import_lock = threading.Lock()


def import_jieba():
    """``import jieba``, without the deprecated ``pkg_resources`` jieba 0.42 imports first.

    jieba's ``_compat`` imports ``pkg_resources`` (setuptools) only to open its own data
    files and falls back to ``open`` when that import fails; importing ``pkg_resources``
    costs more than the rest of jieba (about 0.3 s), so it is made to fail for that one
    import. A process that has already imported ``pkg_resources`` keeps it."""
    import sys

    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    with _import_lock:
        blocked = "pkg_resources" not in sys.modules
        if blocked:
            sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import raises ImportError
        try:
            import jieba
        finally:
            if blocked and sys.modules.get("pkg_resources", 0) is None:
                del sys.modules["pkg_resources"]
    return jieba


def _jieba_dict_path() -> Path:
    jieba = import_jieba()

    return Path(jieba.__file__).resolve().parent / jieba.DEFAULT_DICT_NAME


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "portal-patrol"


def _cache_name() -> str:
    jieba = import_jieba()

    src = _jieba_dict_path()
    st = src.stat()
    key = f"{jieba.__version__}|{src}|{st.st_size}|{st.st_mtime_ns}|{N_BUCKETS}".encode()
    return f"jieba-buckets-{hashlib.sha256(FORMAT + key).hexdigest()[:16]}.bin"


def write_store(path: Path, freq: dict[str, int], total: int) -> None:
    """Write the bucket file for ``freq`` atomically."""
    singles = {k: v for k, v in freq.items() if len(k) == 1}
    buckets: list[dict[str, int]] = [{} for _ in range(N_BUCKETS)]
    for k, v in freq.items():
        if len(k) > 1:
            buckets[_bucket(k)][k] = v
    blobs = [marshal.dumps(singles)] + [marshal.dumps(b) if b else b"" for b in buckets]
    offsets = array("Q", [0])
    for blob in blobs:
        offsets.append(offsets[-1] + len(blob))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_HEAD.pack(FORMAT, total, N_BUCKETS))
            fh.write(offsets.tobytes())
            for blob in blobs:
                fh.write(blob)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class DictStore:
    """The bucket file, memory-mapped; buckets are decoded once per process and shared."""

    def __init__(self, path: Path):
        with open(path, "rb") as fh:
            self._mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        magic, self.total, n = _HEAD.unpack_from(self._mm, 0)
        if magic != FORMAT or n != N_BUCKETS:
            raise ValueError(f"{path}: not a dictionary bucket file of this version")
        self._offsets = array("Q")
        self._offsets.frombytes(self._mm[_HEAD.size : _HEAD.size + 8 * (n + 2)])
        self._base = _HEAD.size + 8 * (n + 2)
        if self._base + self._offsets[-1] != len(self._mm):
            raise ValueError(f"{path}: truncated")
        self._decoded: dict[int, dict[str, int]] = {}
        self._lock = threading.Lock()
        self.singles: dict[str, int] = self._blob(0)

    def _blob(self, i: int) -> dict[str, int]:
        a, b = self._offsets[i], self._offsets[i + 1]
        return marshal.loads(self._mm[self._base + a : self._base + b]) if b > a else {}

    def bucket(self, i: int) -> dict[str, int]:
        got = self._decoded.get(i)
        if got is None:
            with self._lock:
                got = self._decoded.setdefault(i, self._blob(i + 1))
        return got


_store: DictStore | None = None
_store_lock = threading.Lock()


def store() -> DictStore:
    """The process's bucket store, built from jieba's dictionary on first use on this machine."""
    global _store
    with _store_lock:
        if _store is None:
            _store = _open_or_build()
        return _store


def _open_or_build() -> DictStore:
    name = _cache_name()
    candidates = [cache_dir() / name, Path(tempfile.gettempdir()) / f"portal-patrol-{os.getuid()}" / name]
    for path in candidates:
        if path.is_file():
            try:
                return DictStore(path)
            except (OSError, ValueError, EOFError, TypeError) as exc:
                log.warning("rebuilding %s: %s", path, exc)
    from .matcher import base_tokenizer

    full = base_tokenizer()
    for path in candidates:
        try:
            write_store(path, full.FREQ, full.total)
            return DictStore(path)
        except OSError as exc:
            log.warning("cannot write %s: %s", path, exc)
    return MemoryStore(full.FREQ, full.total)  # no writable folder: the buckets in memory


class MemoryStore:
    """The same buckets, made in memory from a full dictionary (when no cache can be written)."""

    def __init__(self, freq: dict[str, int], total: int):
        self.total = total
        self.singles = {k: v for k, v in freq.items() if len(k) == 1}
        self._buckets: dict[int, dict[str, int]] = {}
        for k, v in freq.items():
            if len(k) > 1:
                self._buckets.setdefault(_bucket(k), {})[k] = v

    def bucket(self, i: int) -> dict[str, int]:
        return self._buckets.get(i, {})


def make_tokenizer_class():
    jieba = import_jieba()

    class LazyTokenizer(jieba.Tokenizer):
        """A ``jieba.Tokenizer`` whose ``FREQ`` is filled from a :class:`DictStore` on demand."""

        def __init__(self, source: DictStore):
            super().__init__()
            self.source = source
            self.FREQ = dict(source.singles)
            self.total = source.total
            self.initialized = True
            self._loaded: set[int] = set()
            self._everything = False

        def ensure(self, text: str) -> None:
            """Load every bucket that segmenting ``text`` can look up."""
            if self._everything:
                return
            if len(text) > 1 << 20:
                return self.load_all()
            loaded = self._loaded
            mask = N_BUCKETS - 1  # _bucket, inlined: this runs for every block segmented
            need = {(ord(a) * 40503 + ord(b)) & mask for a, b in zip(text, text[1:], strict=False)} - loaded
            if need:
                freq = self.FREQ
                for i in need:
                    # never overwrite a word added by add_word: its pair's bucket was loaded first
                    for k, v in self.source.bucket(i).items():
                        freq.setdefault(k, v)
                loaded |= need

        def load_all(self) -> None:
            self.ensure_buckets(range(N_BUCKETS))
            self._everything = True

        def ensure_buckets(self, ids) -> None:
            freq = self.FREQ
            for i in ids:
                if i not in self._loaded:
                    for k, v in self.source.bucket(i).items():
                        freq.setdefault(k, v)
                    self._loaded.add(i)

        def get_DAG(self, sentence):  # noqa: N802 - jieba's name
            self.ensure(sentence)
            return super().get_DAG(sentence)

        def add_word(self, word, freq=None, tag=None):
            self.ensure(word)
            return super().add_word(word, freq, tag)

    return LazyTokenizer


_cls = None


def lazy_tokenizer(source: DictStore | None = None):
    """A fresh :class:`LazyTokenizer` over the process's store (or ``source``)."""
    global _cls
    if _cls is None:
        _cls = make_tokenizer_class()
    return _cls(source or store())


__all__ = ["DictStore", "store", "lazy_tokenizer", "write_store", "cache_dir", "N_BUCKETS"]
