"""The screen on an independent labelled corpus (tests/screencorpus2), as an outside evaluator.

One ``patrol screen DIR --format json`` run over ~300 documents; per-document recall and
precision of ``flagged`` against the labels, with every misclassified file printed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "screencorpus2_build", Path(__file__).resolve().parent / "screencorpus2" / "build.py"
)
_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_build)
build = _build.build

RECALL_MIN = 0.99
PRECISION_MIN = 0.97


def _screen(folder: Path, data: Path) -> dict:
    env = dict(os.environ, PATROL_DATA=str(data))
    proc = subprocess.run(
        [sys.executable, "-m", "config.cli", "screen", str(folder), "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=900,
    )
    assert proc.returncode in (0, 1), (
        f"exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[-3000:]}"
    )
    return json.loads(proc.stdout.decode("utf-8"))


def test_unseen_corpus_recall_precision(tmp_path):
    corpus = tmp_path / "corpus"
    labels = build(corpus)
    (corpus / "labels.json").unlink()  # screen documents only
    result = _screen(corpus, tmp_path / "data")

    got = {}
    for d in result["documents"]:
        got[Path(d["source"]).name] = d
    missing = sorted(set(labels) - set(got))
    assert not missing, f"documents not reported: {missing[:20]}"

    tp = fp = fn = tn = 0
    wrong = []
    kind_misses = []
    for name, lab in sorted(labels.items()):
        d = got[name]
        flagged = bool(d.get("flagged")) and d.get("status") == "screened"
        if lab["flagged"] and flagged:
            tp += 1
            if not set(lab["kinds"]) <= set(d.get("kinds") or []):
                kind_misses.append((name, lab["kinds"], d.get("kinds")))
        elif lab["flagged"]:
            fn += 1
            wrong.append(("FN", name, lab, d))
        elif flagged:
            fp += 1
            wrong.append(("FP", name, lab, d))
        else:
            tn += 1
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0

    print(f"\nunseen corpus: {len(labels)} documents  TP={tp} FN={fn} FP={fp} TN={tn}")
    print(f"recall={recall:.4f}  precision={precision:.4f}")
    for tag, name, lab, d in wrong:
        hits = [(h.get("kind"), h.get("rule"), h.get("text"), h.get("severity")) for h in d.get("hits") or []]
        print(
            f"{tag} {name} [{lab['category']}] planted={lab['planted']!r} expected kinds={lab['kinds']} "
            f"got status={d.get('status')} reason={d.get('reason')} severity={d.get('severity')} "
            f"kinds={d.get('kinds')} hits={hits}"
        )
    for name, want, have in kind_misses:
        print(f"kind mismatch (flagged, counted correct) {name}: expected {want} got {have}")

    assert recall >= RECALL_MIN and precision >= PRECISION_MIN, (
        f"recall {recall:.4f} precision {precision:.4f}"
    )
