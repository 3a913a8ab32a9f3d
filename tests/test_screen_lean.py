"""``patrol screen`` starts without Django, Scrapy or the ORM (issue 9) and says the same as the
management command; OCR hits carry ``ocr``/``page``/``box`` (issue 11); jieba's dictionary is
loaded a bucket at a time and still cuts as jieba does."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.engine import default_screener
from screening.engine.dictionary import N_BUCKETS, DictStore, lazy_tokenizer, write_store
from screening.engine.matcher import base_tokenizer, block_cuts
from screening.extract.base import Extracted, OcrRegion
from screening.service import hit_json, screen_extracted

ROOT = Path(__file__).resolve().parents[1]
REAL_TEXT = ROOT.parent / "shared" / "real-text"
CLI = "import sys; from config.cli import main; sys.exit(main(sys.argv[1:]))"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def _imported(stderr: bytes) -> set[str]:
    """Module names from ``python -X importtime`` output."""
    names = set()
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lean")
    (folder / "mark.txt").write_text("秘密★1年\n关于开展检查的通知\n申请人：王建国，手机13912345678", "utf-8")
    (folder / "clean.html").write_text("<p>县政府召开常务会议，研究部署春季农业生产工作。</p>", "utf-8")
    return folder


def test_screen_imports_neither_django_nor_scrapy(docs, tmp_path):
    config = tmp_path / "patrol.yaml"
    config.write_text("sites: []\ncrawl: {}\n", "utf-8")
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CLI, "--config", str(config), "--data", str(tmp_path),
         "screen", "--format", "json", str(docs)],
        capture_output=True, cwd=ROOT, env=_env(), timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr.decode()[-3000:]
    names = _imported(proc.stderr)
    assert "screening.engine.screener" in names and "screening.screen_cli" in names  # the probe works
    heavy = sorted(n for n in names if n.split(".")[0] in ("django", "scrapy", "twisted"))
    assert heavy == [], heavy
    payload = json.loads(proc.stdout.decode("utf-8"))
    assert [Path(d["source"]).name for d in payload["documents"]] == ["clean.html", "mark.txt"]


def test_a_text_file_is_screened_without_importing_the_readers_of_other_formats(docs, tmp_path):
    # sys.modules at exit (python -X importtime does not see importlib.import_module, which
    # the registry's deferred readers use)
    cli = (
        "import sys, atexit; atexit.register(lambda: print(' '.join(sys.modules), file=sys.stderr)); "
        "from config.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", cli, "--data", str(tmp_path), "screen", "--format", "json", str(docs / "mark.txt")],
        capture_output=True, cwd=ROOT, env=_env(), timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr.decode()[-3000:]
    names = set(proc.stderr.decode().split())
    assert "screening.extract.text" in names  # the probe works: the reader it needed was imported
    readers = ("pdf", "docx", "xlsx", "ole", "xls", "rtf", "ocr", "sandbox", "embedded", "html")
    libraries = (
        "lxml",
        "pdfminer",
        "olefile",
        "xlrd",
        "rapidocr_onnxruntime",
        "onnxruntime",
        "multiprocessing",
        "PIL",
    )
    unneeded = sorted(
        n for n in names if n.split(".")[0] in libraries or n in {f"screening.extract.{r}" for r in readers}
    )
    assert unneeded == [], unneeded
    assert json.loads(proc.stdout)["documents"][0]["flagged"] is True


def test_the_pool_template_imports_every_reader_before_it_forks():
    code = (
        "import sys, screening.extract.worker; "
        "print(sorted(m for m in ('pdf', 'docx', 'xlsx', 'ole', 'rtf', 'ocr', 'html', 'text') "
        "if 'screening.extract.' + m not in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=_env(), cwd=ROOT, check=True)
    assert out.stdout.decode().strip() == "[]", out.stderr.decode()[-2000:]


def test_lean_and_django_command_say_the_same(docs, tmp_path):
    """``patrol screen`` (no Django) and ``python -m django screen`` (the management command):
    same bytes on stdout and the same exit status, table and JSON."""
    for fmt in ("json", "table"):
        lean = subprocess.run(
            [sys.executable, "-c", CLI, "screen", "--format", fmt, str(docs), str(tmp_path / "missing.txt")],
            capture_output=True, cwd=ROOT, env=_env(), timeout=300,
        )  # fmt: skip
        django = subprocess.run(
            [sys.executable, "-m", "django", "screen", "--format", fmt, str(docs), str(tmp_path / "missing.txt")],
            capture_output=True, cwd=ROOT, env=_env(DJANGO_SETTINGS_MODULE="config.settings",
                                                   PATROL_DATA=str(tmp_path)), timeout=300,
        )  # fmt: skip
        assert lean.returncode == django.returncode == 1, (lean.stderr[-2000:], django.stderr[-2000:])
        assert lean.stdout == django.stdout
        assert lean.stdout.decode("utf-8").endswith("\n")
    out = lean.stdout.decode("utf-8")
    assert out.splitlines()[0].split() == ["来源", "状态", "等级", "类别", "命中"]
    assert "密级标志" in out and "未筛查：not found" in out


def test_usage_error_exit_status(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", CLI, "screen", "--format", "xml", "x"],
        capture_output=True, cwd=ROOT, env=_env(), timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2 and b"--format" in proc.stderr


# ---------------------------------------------------------------- OCR hits (issue 11)


def test_ocr_hits_carry_page_and_box():
    text = "县人民政府办公室\n秘密★1年\n关于做好防汛工作的通知\n联系人王建国 13912345678"
    first = text.index("秘密")
    second = text.index("联系人")
    regions = (
        OcrRegion(first, first + 5, 1, (40, 12, 260, 48)),
        OcrRegion(second, len(text), 2, (30, 400, 520, 436)),
    )
    result = screen_extracted(Extracted(text, "screened", None, "png", regions), "scan.png")
    assert result.flagged and result.regions == regions
    hits = {h["kind"]: h for h in result.to_json()["hits"]}
    mark = hits["classified_mark"]
    assert (mark["ocr"], mark["page"], mark["box"]) == (True, 1, [40, 12, 260, 48])
    mobile = hits["mobile"]
    assert (mobile["ocr"], mobile["page"], mobile["box"]) == (True, 2, [30, 400, 520, 436])
    assert json.loads(json.dumps(result.to_json()))["hits"][0]["box"] == [40, 12, 260, 48]


def test_hits_outside_regions_have_no_ocr_keys():
    text = "秘密★1年\n正文：关于做好防汛工作的通知"
    # OCR read only the second line; the mark lies in the text layer
    regions = (OcrRegion(6, len(text), 1, (0, 0, 10, 10)),)
    result = screen_extracted(Extracted(text, "screened", None, "pdf", regions), "mixed.pdf")
    (hit,) = result.to_json()["hits"]
    assert hit["kind"] == "classified_mark" and not {"ocr", "page", "box"} & set(hit)
    plain = screen_extracted(Extracted.ok(text, "txt"), "a.txt")
    assert set(plain.to_json()["hits"][0]) == {
        "kind", "rule", "severity", "text", "context", "start", "end", "confidence",
    }  # fmt: skip
    h = plain.hits[0]
    assert hit_json(h) == hit_json(h, None)


# ---------------------------------------------------------------- the bucketed dictionary


def test_bucket_store_round_trip(tmp_path):
    freq = {"中": 5, "中国": 10, "中国人": 3, "国": 4, "人": 2, "ab": 0, "abc": 1}
    path = tmp_path / "d.bin"
    write_store(path, freq, 25)
    store = DictStore(path)
    assert store.total == 25 and store.singles == {"中": 5, "国": 4, "人": 2}
    tk = lazy_tokenizer(store)
    assert "中国" not in tk.FREQ  # nothing but the single characters until a text needs more
    tk.ensure("中国人")
    assert tk.FREQ["中国"] == 10 and tk.FREQ["中国人"] == 3
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ValueError):
        DictStore(path)


def test_lazy_tokenizer_cuts_as_jieba_does():
    """The lazily filled dictionary cuts real prose exactly as jieba's full dictionary does,
    with and without user words added."""
    files = sorted(REAL_TEXT.rglob("*.txt"))[:6] if REAL_TEXT.exists() else []
    text = "".join(f.read_text("utf-8", "replace")[:20000] for f in files)
    text += "有机密封材料耐高温。要坚决杜绝密切关系人违规插手工程项目。此件涉及国家秘密，严禁上网。"
    full = base_tokenizer()
    lazy = lazy_tokenizer()
    assert full.total == lazy.total and len(lazy.FREQ) < len(full.FREQ)
    assert lazy.lcut(text, HMM=False) == full.lcut(text, HMM=False)
    import jieba

    ref = jieba.Tokenizer()
    ref.FREQ, ref.total, ref.initialized = dict(full.FREQ), full.total, True
    for word, freq in (("青龙专项行动", None), ("涉密载体", 20000), ("内部明电", None)):
        ref.add_word(word, freq)
        lazy.add_word(word, freq)
    assert lazy.total == ref.total
    sample = text + "开展青龙专项行动，清查涉密载体，内部明电不得外传。"
    assert lazy.lcut(sample, HMM=False) == ref.lcut(sample, HMM=False)


def test_block_cuts_remembered_per_tokenizer():
    tk = default_screener().tokenizer
    block = "县委保密委员会召开全县保密工作会议"
    first = block_cuts(tk, block)
    assert block_cuts(tk, block) is first  # the same block is segmented once
    at, want = 0, []
    for w in tk.cut(block, HMM=False):
        at += len(w)
        want.append(at)
    assert list(first) == want


def test_buckets_spread():
    """The pair hash spreads a real text's character pairs over many buckets (few collisions)."""
    from screening.engine.dictionary import _bucket

    rng = random.Random(3)
    pairs = {chr(rng.randint(0x4E00, 0x9FA5)) + chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(5000)}
    assert len({_bucket(p) for p in pairs}) > 0.9 * len(pairs) and N_BUCKETS >= 1 << 16


# ---------------------------------------------------------------- fast paths equal the plain ones


def _reference_normalize(text: str) -> tuple[str, list[int]]:
    """Normalisation the plain way: str.translate, then every _DROP match removed."""
    import importlib

    norm = importlib.import_module("screening.engine.normalize")
    translated = text.translate(norm.translation_table())
    kept = list(range(len(translated)))
    drop: set[int] = set()
    for m in norm._DROP.finditer(translated):
        a, b = m.span(1) if m.group(1) else m.span()
        drop.update(range(a, b))
    kept = [i for i in kept if i not in drop]
    return "".join(translated[i] for i in kept), kept


@pytest.mark.parametrize("seed", range(4))
def test_long_text_normalisation_equals_the_plain_way(seed):
    """Texts past the numpy threshold (lookup-table translation, bridge runs found by the
    table) normalise, offsets included, exactly as str.translate and the _DROP regex do;
    Latin text full of spaces takes the regex path and agrees too."""
    from screening.engine.normalize import BRIDGE_CHARS, ZERO_WIDTH, normalize

    rng = random.Random(seed)
    alphabet = list("秘密机内部资料國家機關工作㐀\u4dbf\u9fff，。：ＡＢ１２") + list(
        BRIDGE_CHARS + ZERO_WIDTH
    )
    alphabet += list("ab1\n*★:")
    weights = [rng.random() ** 3 for _ in alphabet]
    text = "".join(rng.choices(alphabet, weights=weights, k=rng.choice([5000, 12000])))
    if seed == 3:
        text = "Lorem ipsum dolor sit amet, 秘 密 ★ 1 年 consectetur. " * 300
    got = normalize(text)
    want_text, want_offsets = _reference_normalize(text)
    assert got.text == want_text
    assert got.offsets.to_list() == want_offsets


def test_mark_scan_of_lines_with_the_level_character_equals_a_whole_text_scan():
    """The classification-mark detector runs its patterns only on lines holding 密; on text
    full of marks, near-marks and line ends it finds what a scan of the whole text finds."""
    from screening.engine import patterns as P
    from screening.engine.document import Doc
    from screening.engine.validators import ClassificationMarks

    rng = random.Random(11)
    parts = ["秘密★1年", "机密 5年", "密级：秘密", "绝密", "【机密】", "密级: 内部资料", "工作秘密★",
             "保守商业秘密 3年", "份号 00012 秘密 特急", "秘密", "\n", "\n\n", "通知", " ", "★", "1年",
             "密级", "《绝密》", "会议结束前", "秘 密"]  # fmt: skip
    text = "".join(rng.choice(parts) for _ in range(4000))
    doc = Doc.from_text(text)
    fast = ClassificationMarks().detect(doc)
    whole = ClassificationMarks(patterns=dict(P.MARK_PATTERNS)).detect(doc)  # not the shared table: full scan
    assert [(c.kind, c.rule, c.start, c.end) for c in fast] == [
        (c.kind, c.rule, c.start, c.end) for c in whole
    ]
    assert len(fast) > 500


def test_preload_loads_all_of_jiebas_dictionary():
    """``Screener.preload`` (for the pool's template) leaves the tokenizer holding jieba's whole
    dictionary, the lexicon's words added on top."""
    screener = default_screener().preload(dictionary=True)
    tk, full = screener.tokenizer, base_tokenizer()
    added = set(tk.FREQ) - set(full.FREQ)
    assert set(full.FREQ) <= set(tk.FREQ) and len(added) < 200
    changed = [k for k, v in full.FREQ.items() if tk.FREQ[k] != v]
    assert set(changed) <= {e.term for e in screener.lexicon.entries.values()}


def test_translation_is_idempotent_kangxi_forms_of_traditional_characters_end_simplified():
    from screening.engine.normalize import normalize_text, translate, translation_table

    table = translation_table()
    assert all(table.get(ord(v), v) == v for v in table.values())
    assert normalize_text("\u2ea8\u2f68\u2f3e") == translate(translate("\u2ea8\u2f68\u2f3e"))
    assert normalize_text("⾨⼾網站") == "门户网站"  # Kangxi 門 戶 -> 门 户 in one pass


def test_without_a_writable_cache_the_buckets_are_made_in_memory():
    from screening.engine.dictionary import MemoryStore

    full = base_tokenizer()
    tk = lazy_tokenizer(MemoryStore(full.FREQ, full.total))
    text = "县委保密委员会召开全县保密工作会议，要求增强保密意识。有机密封材料耐高温。"
    assert tk.lcut(text, HMM=False) == full.lcut(text, HMM=False)


def test_block_characters_are_jiebas_own():
    """matcher.py names jieba's block characters without importing jieba; they must stay jieba's."""
    import jieba

    from screening.engine import matcher

    assert matcher._HAN_CLASS == jieba.re_han_default.pattern[1:-2]


def test_clean_text_screens_without_importing_jieba(tmp_path):
    """A document with no lexicon candidate never needs token boundaries: jieba is not imported."""
    code = (
        "import sys; from screening.engine import default_screener;"
        "r = default_screener().screen('县政府召开常务会议，研究部署春季农业生产工作。身份证号610922198503171234');"
        "print('jieba' in sys.modules, len(r.hits))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=ROOT, env=_env(), timeout=120
    )
    assert proc.stdout.decode().split() == ["False", "0"], proc.stderr.decode()[-2000:]


_REUSE = """
import resource, sys
from screening.screen_cli import keep_freed_memory
held = keep_freed_memory() if sys.argv[1] == "keep" else None
def faults_of_a_large_buffer():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    buf = bytearray(64 << 20)  # zeroed: every page touched
    del buf
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
faults_of_a_large_buffer()
print(held, faults_of_a_large_buffer())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_the_screen_process_reuses_the_large_buffers_it_frees():
    """``patrol screen`` keeps freed memory (keep_freed_memory): a second large buffer comes
    back from the heap instead of being faulted in from the kernel page by page again."""
    pages = (64 << 20) // os.sysconf("SC_PAGE_SIZE")
    got = {}
    for mode in ("keep", "default"):
        out = subprocess.run(
            [sys.executable, "-c", _REUSE, mode], capture_output=True, env=_env(), cwd=ROOT, check=True
        )
        held, faults = out.stdout.decode().split()
        got[mode] = (held, int(faults))
    assert got["keep"][0] == "True"
    assert got["default"][1] > pages // 2  # the default: unmapped when freed, faulted in again
    assert got["keep"][1] < pages // 10, got


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc")
def test_the_screen_of_a_long_text_starts_no_blas_threads(tmp_path):
    """numpy, imported for a long text's normalisation, would start OpenBLAS's spinning threads
    (one per core): ``patrol screen`` asks for none; a user's own setting is kept."""
    long_text = tmp_path / "long.txt"
    long_text.write_text("县政府召开常务会议，研究部署春季农业生产工作。\n" * 2000, "utf-8")
    cli = (
        "import sys, atexit; atexit.register(lambda: print([l.split()[1] for l in open('/proc/self/status') "
        "if l.startswith('Threads:')][0], 'numpy' in sys.modules, file=sys.stderr)); "
        "from config.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {k: v for k, v in _env().items() if k != "OPENBLAS_NUM_THREADS"}
    proc = subprocess.run(
        [sys.executable, "-c", cli, "--data", str(tmp_path), "screen", "--format", "json", str(long_text)],
        capture_output=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    threads, numpy_loaded = proc.stderr.decode().split()[-2:]
    assert numpy_loaded == "True"  # the probe works: numpy was there to start them
    assert threads == "1"


def _jieba_ends(tk, block: str) -> tuple[int, ...]:
    at, ends = 0, []
    for word in tk.cut(block, HMM=False):
        at += len(word)
        ends.append(at)
    return tuple(ends)


def test_dag_ends_cut_every_block_of_real_prose_as_jieba_does():
    """matcher.dag_ends is jieba's DAG route, recomputed in one function: the same token ends as
    ``Tokenizer.cut(HMM=False)`` for every jieba block of real government prose, with the
    lexicon's words added and without."""
    import re

    from screening.engine.matcher import _HAN_CLASS, dag_ends, lexicon_tokenizer

    files = sorted(REAL_TEXT.rglob("*.txt")) if REAL_TEXT.exists() else []
    text = "".join(f.read_text("utf-8", "replace") for f in files)[:400_000]
    text += "有机密封材料耐高温。要坚决杜绝密切关系人违规插手工程项目。GB11643-1999 第3.2条 a1b2 X光机 2024年5G基站"
    blocks = set(re.findall(_HAN_CLASS + "+", text))
    assert len(blocks) > 1000
    for tk in (lexicon_tokenizer(default_screener().lexicon.entries.values()), lazy_tokenizer()):
        for block in blocks:
            assert dag_ends(tk, block) == _jieba_ends(tk, block), block


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("中国人民政府秘密机绝内部资料文件有封杜切关系的了是在ab1Z9.-_%#&+")), min_size=1, max_size=40).map("".join))  # fmt: skip
def test_dag_ends_of_random_blocks_are_jiebas(block):
    from screening.engine.matcher import base_tokenizer as full_tokenizer
    from screening.engine.matcher import dag_ends

    tk = full_tokenizer()
    assert dag_ends(tk, block) == _jieba_ends(tk, block)
