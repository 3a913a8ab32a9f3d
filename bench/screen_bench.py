"""Screening throughput against jieba's own segmentation, on ≥20 MB of government prose.

The text is generated from varied sentence templates (tests/corpus/prose.py) with hits
planted every few paragraphs: classification marks in their variants, valid resident
IDs, mobiles, bank cards, internal markers, lexicon terms — and the hard negatives
(有机密封, 杜绝密切, masked IDs, wrong check digits, 18-digit order numbers). Measured in
one process on the same text:

* the full screen (``Screener.screen``: normalise, candidates, windowed jieba, validators);
* ``jieba.lcut(text, HMM=True)``, precise mode (the dictionary loaded before timing);

then the screen's hits are compared with ``reference_screen`` (segmenting the whole
text); a difference fails the benchmark. Each timing is the best of ``SCREEN_BENCH_REPEAT``
runs (default 2; the machine may be shared), wall clock and CPU time both printed.
``SCREEN_BENCH_MB`` changes the size.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.corpus.build import id18, luhn  # noqa: E402
from tests.corpus.prose import paragraph  # noqa: E402

MB = 1024 * 1024
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀兰", "桂英", "志强", "海燕", "德明", "玉梅", "文军", "长青", "翠华", "新民", "红霞"]
REGIONS = ["110101", "610922", "320106", "440305", "510104", "420102", "610902", "612401"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _id(rng: random.Random) -> str:
    return id18(
        rng.choice(REGIONS),
        f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
        f"{rng.randint(0, 999):03d}",
    )


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"


def planted(rng: random.Random) -> str:
    kind = rng.randrange(14)
    if kind == 0:
        return rng.choice(["秘密★1年", "机密★长期", "绝密★会议结束前", "秘 密 ★ 1 年", "机密＊２年", "秘密☆"])
    if kind == 1:
        return f"申请人：{_name(rng)}，身份证号：{_id(rng)}，经审核符合条件。"
    if kind == 2:
        people = "；".join(f"{_name(rng)}，手机{_mobile(rng)}" for _ in range(3))
        return f"联系人名单：{people}。"
    if kind == 3:
        return f"开户银行：中国农业银行，银行卡号：{luhn('6228480' + str(rng.randint(10**10, 10**11 - 1)))}。"
    if kind == 4:
        return rng.choice(["内部资料，注意保存。", "本材料仅供内部参考，不得外传。", "内部明电"])
    if kind == 5:
        return rng.choice(["此件涉及国家秘密，严禁上网。", "涉密文件不得在互联网上传播。"])
    if kind == 6:
        return "该泵阀采用有机密封材料，耐高温。"
    if kind == 7:
        return "要坚决杜绝密切关系人违规插手工程项目。"
    if kind == 8:
        return f"身份证号：{_id(rng)[:6]}********{rng.randint(1000, 9999)}，电话138****{rng.randint(1000, 9999)}。"
    if kind == 9:
        good = _id(rng)
        return f"公民身份号码：{good[:-1]}{'0' if good[-1] != '0' else '1'}（有误）。"
    if kind == 10:
        return f"订单编号：2023{rng.randint(10**13, 10**14 - 1)}。"
    if kind == 11:
        return "县委保密委员会召开全县保密工作会议，要求增强保密意识。"
    if kind == 12:
        return "带领孩子们一起探索大自然的秘密。"
    return f"咨询电话：0915-63{rng.randint(10000, 99999)}。"


PLANT_RATE = 0.35  # share of paragraphs with a planted hit or hard negative (far denser than real pages)


def make_text(target_bytes: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < target_bytes:
        para = paragraph(rng, (3, 8))
        if rng.random() < PLANT_RATE:
            cut = rng.randrange(len(para))
            para = (
                para[:cut] + planted(rng) + para[cut:] if rng.random() < 0.5 else planted(rng) + "\n" + para
            )
        parts.append(para)
        size += len(para.encode("utf-8")) + 1
    return "\n".join(parts)


def _key(hit) -> tuple:
    return (hit.start, hit.end, hit.kind, hit.rule, hit.severity, hit.text)


def _best(fn, repeat: int):
    """(result of the last run, best wall seconds, best CPU seconds)."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        result = None
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return result, best_wall, best_cpu


def main() -> int:
    import jieba

    from screening.engine import default_screener

    target = int(float(os.environ.get("SCREEN_BENCH_MB", "20")) * MB)
    repeat = max(1, int(os.environ.get("SCREEN_BENCH_REPEAT", "2")))
    started = time.perf_counter()
    text = make_text(target)
    mb = len(text.encode("utf-8")) / MB
    print(
        f"text: {mb:.1f} MB, {len(text):,} characters, {text.count(chr(10)) + 1:,} paragraphs "
        f"({PLANT_RATE:.0%} with a planted hit or hard negative), built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    screener = default_screener()
    screener.screen("秘密★1年 预热")  # load lexicon and tokenizer before timing
    jieba.setLogLevel(60)
    jieba.initialize()

    result, screen_s, screen_cpu = _best(lambda: screener.screen(text), repeat)
    print(
        f"screen: {screen_s:.2f} s  {mb / screen_s:.2f} MB/s (CPU {mb / screen_cpu:.2f} MB/s)  "
        f"{len(result.hits):,} hits; kinds {', '.join(result.kinds)}",
        flush=True,
    )

    tokens, jieba_s, jieba_cpu = _best(lambda: len(jieba.lcut(text, HMM=True)), repeat)
    print(
        f"jieba.lcut precise (HMM on): {jieba_s:.2f} s  {mb / jieba_s:.2f} MB/s "
        f"(CPU {mb / jieba_cpu:.2f} MB/s)  {tokens:,} tokens",
        flush=True,
    )
    print(
        f"screen/jieba = {jieba_s / screen_s:.1f}× (CPU time: {jieba_cpu / screen_cpu:.1f}×; best of {repeat})",
        flush=True,
    )

    t0 = time.perf_counter()
    reference = screener.reference_screen(text)
    ref_s = time.perf_counter() - t0
    ref_hits = reference.hits
    print(f"reference (whole-text segmentation): {ref_s:.2f} s, {len(ref_hits):,} hits", flush=True)
    got = sorted(map(_key, result.hits))
    want = sorted(map(_key, ref_hits))
    if got != want:
        only_screen = sorted(set(got) - set(want))[:5]
        only_ref = sorted(set(want) - set(got))[:5]
        raise AssertionError(
            f"hits differ from the reference: screen-only {only_screen}, reference-only {only_ref}"
        )
    print("hits identical to the whole-text reference: yes", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
