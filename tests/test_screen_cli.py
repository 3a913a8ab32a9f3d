"""``patrol screen`` and ``patrol findings``: the JSON contracts, exit codes, hostile files,
and the Finding store behind them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from corpus.build import build, build_hostile, render_pdf

ROOT = Path(__file__).resolve().parents[1]
PATROL = ROOT / ".venv" / "bin" / "patrol"
HIT_KEYS = {"kind", "text", "context", "start", "end"}
DOC_KEYS = {"source", "status", "reason", "severity", "flagged", "kinds", "hits"}


def patrol(args: list[str], data_dir: Path, stdin: bytes | None = None, timeout: float = 300):
    if PATROL.exists():
        cmd = [str(PATROL)]
    else:
        cmd = [sys.executable, "-c", "import sys; from config.cli import main; sys.exit(main(sys.argv[1:]))"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [*cmd, "--data", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


def documents(proc) -> list[dict]:
    payload = json.loads(proc.stdout.decode("utf-8"))
    assert set(payload) == {"documents"}
    for doc in payload["documents"]:
        assert DOC_KEYS <= set(doc), doc
        assert doc["status"] in ("screened", "unscreened")
        assert doc["severity"] in ("high", "medium", "low", None)
        assert (doc["reason"] is None) == (doc["status"] == "screened"), doc
        for hit in doc["hits"]:
            assert HIT_KEYS <= set(hit)
            assert 0 <= hit["start"] < hit["end"]
    return payload["documents"]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    build(out)
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    return build_hostile(tmp_path_factory.mktemp("hostile"))


def test_folder_json_contract_and_flagged_exit_code(corpus_dir, tmp_path):
    folder = corpus_dir / "positive"
    proc = patrol(["screen", "--format", "json", str(folder)], tmp_path)
    assert proc.returncode == 1, proc.stderr.decode()[-2000:]
    docs = documents(proc)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert len(docs) == len(files)
    by_name = {Path(d["source"]).name: d for d in docs}
    doc = by_name["id18.txt"]
    assert doc["flagged"] and doc["severity"] == "high" and "id_number" in doc["kinds"]
    hit = next(h for h in doc["hits"] if h["kind"] == "id_number")
    assert "19900307" not in hit["text"] and "19900307" not in hit["context"]  # masked


def test_clean_files_exit_zero_and_stdin(corpus_dir, tmp_path):
    clean = corpus_dir / "negative" / "neg_plain.docx"
    proc = patrol(
        ["screen", "--format", "json", str(clean), "-"],
        tmp_path,
        stdin=render_pdf(None, ["县人民政府关于做好春耕生产工作的通知"]),
    )
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()[-2000:]
    docs = documents(proc)
    assert [d["source"] for d in docs] == [str(clean), "-"]
    assert all(d["status"] == "screened" and not d["flagged"] and d["hits"] == [] for d in docs)


def test_stdin_document_is_screened(tmp_path):
    proc = patrol(
        ["screen", "--format", "json", "-"], tmp_path, stdin="秘密★1年\n关于开展检查的通知".encode("gbk")
    )
    assert proc.returncode == 1
    (doc,) = documents(proc)
    assert doc["flagged"] and "classified_mark" in doc["kinds"]


def test_bad_path_exit_two(tmp_path):
    proc = patrol(["screen", "--format", "json", str(tmp_path / "missing.pdf")], tmp_path)
    assert proc.returncode == 2
    (doc,) = documents(proc)
    assert doc["status"] == "unscreened" and doc["reason"] == "not found"


def test_hostile_files_end_unscreened_with_reasons(hostile, tmp_path):
    paths = [hostile["corrupt_pdf"], hostile["zip_bomb"], hostile["huge"], hostile["scanned_pdf"]]
    proc = patrol(["screen", "--format", "json", *map(str, paths)], tmp_path)
    assert proc.returncode == 2, proc.stderr.decode()[-2000:]
    docs = {Path(d["source"]).name: d for d in documents(proc)}
    scanned = docs.pop("scanned.pdf")
    assert all(d["status"] == "unscreened" and not d["flagged"] for d in docs.values())
    assert "PDF" in docs["corrupt.pdf"]["reason"]
    assert "zip bomb" in docs["bomb.docx"]["reason"]
    assert docs["huge.pdf"]["reason"] == "too large (200 MB > 50 MB limit)"
    # a page that is only an image (ruled lines, no text) is read by OCR (issue 11): nothing
    # found there, or unscreened with the reason when OCR cannot run — never a hit
    assert not scanned["flagged"] and not scanned["hits"]
    assert scanned["status"] == "screened" or scanned["reason"], scanned


def test_size_limit_is_configurable(corpus_dir, tmp_path):
    proc = patrol(
        ["screen", "--format", "json", "--max-mb", "0.001", str(corpus_dir / "positive" / "id18.pdf")],
        tmp_path,
    )
    (doc,) = documents(proc)
    assert doc["status"] == "unscreened" and doc["reason"].startswith("too large (")
    assert proc.returncode == 2


def test_table_output_has_chinese_headers(corpus_dir, tmp_path):
    proc = patrol(
        ["screen", str(corpus_dir / "positive" / "mark_star.html"), str(corpus_dir / "negative")], tmp_path
    )
    out = proc.stdout.decode("utf-8")
    header = out.splitlines()[0].split()
    assert header == ["来源", "状态", "等级", "类别", "命中"]
    assert "密级标志" in out and "已筛查" in out
    assert proc.returncode == 1


# ---------------------------------------------------------------- the store and `patrol findings`


def _doc(text: str):
    from screening.extract import Extracted
    from screening.service import screen_extracted

    return screen_extracted(Extracted.ok(text, "txt"), "x.txt")


@pytest.mark.django_db
def test_record_findings_idempotent_per_url_and_snapshot():
    from crawler.models import Snapshot
    from screening.models import Finding, record_findings

    snap = Snapshot.objects.create(sha256="a" * 64, size=10)
    result = _doc("秘密★1年\n关于开展检查的通知")
    assert result.flagged
    first = record_findings(result, url="http://x.gov.cn/a.html", page_url="http://x.gov.cn/", snapshot=snap)
    again = record_findings(result, url="http://x.gov.cn/a.html", page_url="http://x.gov.cn/", snapshot=snap)
    assert first.pk == again.pk and Finding.objects.count() == 1
    other = Snapshot.objects.create(sha256="b" * 64, size=10)
    record_findings(result, url="http://x.gov.cn/a.html", snapshot=other)
    assert Finding.objects.count() == 2
    assert record_findings(_doc("县政府召开春耕生产工作会议。"), url="http://x.gov.cn/b.html") is None
    assert Finding.objects.count() == 2


@pytest.mark.django_db
def test_review_keeps_status_when_screened_again():
    from django.contrib.auth.models import User

    from screening.models import Finding, record_findings

    result = _doc("秘密★1年\n关于开展检查的通知")
    finding = record_findings(result, url="http://x.gov.cn/a.html")
    user = User.objects.create_user("reviewer")
    finding.review(user, "confirmed", "确有密级标志")
    record_findings(result, url="http://x.gov.cn/a.html")
    finding.refresh_from_db()
    assert finding.status == "confirmed" and finding.reviews.count() == 1
    assert Finding.objects.count() == 1


@pytest.mark.django_db
def test_findings_command_json_contract():
    from django.core.management import call_command

    from screening.models import record_findings

    record_findings(
        _doc("秘密★1年\n关于开展检查的通知"), url="http://x.gov.cn/a.pdf", page_url="http://x.gov.cn/a.html"
    )
    confirmed = record_findings(
        _doc("内部资料 注意保存\n会议纪要"), url="http://x.gov.cn/b.html", page_url="http://x.gov.cn/b.html"
    )
    confirmed.status = "dismissed"
    confirmed.save()
    out = io.StringIO()
    call_command("findings", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert set(payload) == {"findings"}
    (entry,) = payload["findings"]
    assert {"url", "page", "severity", "flagged", "status", "kinds", "hits"} <= set(entry)
    assert entry["url"] == "http://x.gov.cn/a.pdf" and entry["page"] == "http://x.gov.cn/a.html"
    assert entry["severity"] == "high" and entry["flagged"] and entry["status"] == "open"
    assert "classified_mark" in entry["kinds"]
    assert all(HIT_KEYS <= set(h) for h in entry["hits"])
    out = io.StringIO()
    call_command("findings", "--status", "all", "--format", "json", stdout=out)
    assert len(json.loads(out.getvalue())["findings"]) == 2
    out = io.StringIO()
    call_command("findings", "--status", "all", stdout=out)
    assert out.getvalue().splitlines()[0].split()[:3] == ["网址", "所在页面", "等级"]


def test_the_json_writer_writes_what_json_dumps_writes():
    """``--format json`` goes through a faster writer; its text must be json.dumps's, byte for byte."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from screening.screen_cli import dumps_indented

    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )

    @settings(max_examples=300, deadline=None)
    @given(values)
    def same(value):
        assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)

    same()
