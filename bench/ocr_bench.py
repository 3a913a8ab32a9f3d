"""OCR engines on the same generated scanned pages, in the same run: speed and accuracy.

Pages come from tests/scans/scangen.py (红头文件 with 秘密★ marks, 低保 ID tables with valid
and masked IDs, body text), degraded like real scans (rotation ±2°, blur, noise, JPEG
artefacts) at 150, 200 and 300 dpi. Each engine reads every page once, single-threaded:

* the chosen engine, RapidOCR (PP-OCRv6 small on ONNX Runtime, ``screening.extract.ocr``),
  in this process (models loaded before timing, as in a long-lived worker);
* Tesseract 5 with ``chi_sim`` (Debian), through its command line (``--psm 3``,
  ``OMP_THREAD_LIMIT=1``; CPU time of the child). Not installed: the bench says so.

Printed per engine: pages per minute (wall), CPU seconds per page, character accuracy
(1 − edit distance / length, best-matching place in the page text, spaces ignored) on
classification marks, on IDs and on the body text, and how many planted marks and valid IDs
the normal screen finds after :func:`~screening.engine.ocrfix.ocr_repair` — and masked IDs
wrongly taken for IDs. Then the RSS of a fresh process with the RapidOCR engine loaded and
after reading a page. Check: the chosen engine's screen finds every planted mark and ID and
flags no masked one. ``OCR_BENCH_PAGES`` (default 8) sets the number of pages.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pages(n: int):
    """(ScanDoc, page index) pairs: alternating marked notices and ID lists at 150/200/300 dpi."""
    from tests.scans import scangen

    rng = random.Random(20261203)
    out = []
    dpis = (150, 200, 300)
    k = 0
    while len(out) < n:
        dpi = dpis[k % 3]
        doc = (
            scangen.marked_notice(
                rng, dpi=dpi, mark=scangen.MARKS[k % len(scangen.MARKS)], jpeg=rng.choice((40, 55, 70))
            )
            if k % 2 == 0
            else scangen.id_list(rng, dpi=dpi, valid=4, masked=2, jpeg=rng.choice((40, 55, 70)))
        )
        out.append(doc)
        k += 1
    return out


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def best_match(needle: str, hay: str) -> int:
    """Edit distance of ``needle`` to its best-matching substring of ``hay`` (semi-global)."""
    if not needle:
        return 0
    prev = [0] * (len(hay) + 1)  # free start anywhere in hay
    for i, ca in enumerate(needle, 1):
        cur = [i]
        for j, cb in enumerate(hay, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return min(prev)


def squash(s: str) -> str:
    return "".join(s.split()).replace("　", "")


class Score:
    def __init__(self):
        self.chars: dict[str, list[int]] = {"classified_mark": [0, 0], "id_number": [0, 0], "text": [0, 0]}
        self.found = {"classified_mark": [0, 0], "id_number": [0, 0]}
        self.masked_flagged = 0
        self.cpu = 0.0
        self.wall = 0.0
        self.pages = 0

    def add(self, doc, text: str, screener) -> None:
        from screening.engine.ocrfix import ocr_repair

        flat = squash(text)
        for p in doc.planted:
            if p.kind in self.chars:
                truth = squash(p.text)
                lines = [squash(line) for line in text.splitlines()]
                hay = (
                    flat if len(truth) > 30 else max(lines, key=lambda ln: -best_match(truth, ln), default="")
                )
                dist = min(best_match(truth, hay), len(truth))
                self.chars[p.kind][0] += len(truth) - dist
                self.chars[p.kind][1] += len(truth)
        hits = screener.screen(ocr_repair(text)).hits
        repaired = ocr_repair(text)
        for kind in self.found:
            for p in doc.wanted(kind):
                self.found[kind][1] += 1
                if any(
                    h.kind == kind and squash(p.text) in squash(repaired[h.start : h.end + 2]) for h in hits
                ):
                    self.found[kind][0] += 1
        for p in doc.wanted("masked_id"):
            tail = p.text[-4:]
            if any(h.kind == "id_number" and tail in repaired[h.start : h.end] for h in hits):
                self.masked_flagged += 1

    def acc(self, kind: str) -> str:
        ok, total = self.chars[kind]
        return f"{ok / total:.3f}" if total else "-"

    def row(self, name: str) -> str:
        ppm = 60 * self.pages / self.wall if self.wall else 0
        fm, tm = self.found["classified_mark"]
        fi, ti = self.found["id_number"]
        return (
            f"{name:<24} {self.pages:>5} {ppm:>9.1f} {self.cpu / max(self.pages, 1):>10.2f} "
            f"{self.acc('classified_mark'):>9} {self.acc('id_number'):>7} {self.acc('text'):>7} "
            f"{fm:>3}/{tm:<3} {fi:>4}/{ti:<4} {self.masked_flagged:>6}"
        )


def run_rapidocr(docs, screener) -> Score:
    from screening.extract import ocr

    ocr.preload()
    score = Score()
    for doc in docs:
        for n, img in enumerate(doc.pages, 1):
            w0, c0 = time.perf_counter(), time.process_time()
            got = ocr.read_page(img)
            score.wall += time.perf_counter() - w0
            score.cpu += time.process_time() - c0
            score.pages += 1
            text, _ = ocr.page_text(got, n, 0)
            score.add(doc, text, screener)
    return score


def tesseract_missing() -> str | None:
    exe = shutil.which("tesseract")
    if not exe:
        return "tesseract is not installed (apt: tesseract-ocr tesseract-ocr-chi-sim)"
    langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True).stdout.split()
    if "chi_sim" not in langs:
        return "tesseract has no chi_sim language data (apt: tesseract-ocr-chi-sim)"
    return None


def run_tesseract(docs, screener) -> Score:
    import resource

    score = Score()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    for doc in docs:
        for img in doc.pages:
            buf = io.BytesIO()
            img.save(buf, "PNG")
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            w0 = time.perf_counter()
            proc = subprocess.run(
                ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "3", "--dpi", str(doc.dpi)],
                input=buf.getvalue(),
                capture_output=True,
                env=env,
            )
            score.wall += time.perf_counter() - w0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            score.cpu += r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
            score.pages += 1
            score.add(doc, proc.stdout.decode("utf-8", "replace"), screener)
    return score


RSS_PROBE = """
import sys, psutil
sys.path.insert(0, {root!r})
p = psutil.Process()
import screening.extract.ocr as ocr
ocr.preload()
loaded = p.memory_info().rss
from PIL import Image
img = Image.open({path!r}); img.load()
ocr.read_page(img)
print(loaded, p.memory_info().rss)
"""


def worker_rss(doc) -> tuple[float, float] | None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "page.png")
        doc.pages[0].save(path)
        proc = subprocess.run(
            [sys.executable, "-c", RSS_PROBE.format(root=str(ROOT), path=path)],
            capture_output=True,
            text=True,
        )
    try:
        loaded, after = map(int, proc.stdout.split())
    except ValueError:
        print(proc.stderr[-2000:])
        return None
    return loaded / 2**20, after / 2**20


def main() -> int:
    from screening.engine import default_screener
    from tests.scans import scangen

    if not scangen.have_cjk_font():
        print("no CJK font: cannot draw the pages (scripts/sysdeps.sh installs fonts-noto-cjk)")
        return 1
    n = int(os.environ.get("OCR_BENCH_PAGES", "8"))
    t0 = time.perf_counter()
    docs = pages(n)
    marks = sum(len(d.wanted("classified_mark")) for d in docs)
    ids = sum(len(d.wanted("id_number")) for d in docs)
    print(
        f"pages: {n} generated in {time.perf_counter() - t0:.1f} s (150/200/300 dpi, rotated, blurred, noisy, JPEG); "
        f"{marks} marks, {ids} valid IDs, {sum(len(d.wanted('masked_id')) for d in docs)} masked IDs",
        flush=True,
    )
    screener = default_screener()
    screener.screen("秘密★1年 预热")
    header = (
        f"{'engine':<24} {'pages':>5} {'pages/min':>9} {'CPU s/page':>10} {'mark acc':>9} {'ID acc':>7} "
        f"{'text acc':>7} {'marks':>7} {'IDs':>9} {'masked':>6}"
    )
    rapid = run_rapidocr(docs, screener)
    print(header)
    print(rapid.row("RapidOCR PP-OCRv6 (chosen)"), flush=True)
    missing = tesseract_missing()
    if missing:
        print(f"{'Tesseract 5 chi_sim':<24} not measured: {missing}")
    else:
        tess = run_tesseract(docs, screener)
        print(tess.row("Tesseract 5 chi_sim"))
        if tess.cpu:
            print(f"CPU per page, RapidOCR / Tesseract: {rapid.cpu / tess.cpu:.2f}")
    print("marks / IDs: found by the screen after ocr_repair / planted; masked: masked IDs taken for IDs")
    rss = worker_rss(docs[0])
    if rss:
        print(
            f"RSS of a fresh process with the RapidOCR engine loaded: {rss[0]:.0f} MB; after one page: {rss[1]:.0f} MB"
        )
    assert rapid.found["classified_mark"][0] == rapid.found["classified_mark"][1], (
        "chosen engine missed a mark"
    )
    assert rapid.found["id_number"][0] == rapid.found["id_number"][1], "chosen engine missed an ID"
    assert rapid.masked_flagged == 0, "a masked ID was taken for an ID"
    return 0


if __name__ == "__main__":
    sys.exit(main())
