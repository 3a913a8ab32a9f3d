"""``patrol screen`` of 20 MB of Chinese prose against ``jieba.lcut`` of the same file, as
whole processes (issue 9: at least 20× faster), with the hits unchanged.

The text is generated from varied sentence templates (tests/corpus/prose.py) with hits
planted every few paragraphs: classification marks in their variants, valid resident
IDs, mobiles, bank cards, internal markers, lexicon terms — and the hard negatives
(有机密封, 杜绝密切, masked IDs, wrong check digits, 18-digit order numbers). It is
written to a file, and in the same run, on the same machine, each of these runs as a
process of its own:

* ``patrol screen --format json FILE`` (start-up, reading, normalising, candidates,
  windowed jieba, validators, scoring, JSON out);
* ``python -c "import jieba; jieba.lcut(open(FILE).read())"`` (precise mode, HMM on,
  jieba's dictionary cache in place).

Each is timed ``SCREEN_BENCH_REPEAT`` times (default 2; the best counts, the machine may
be shared): CPU time (user + sys, from the kernel's accounting of the child) and wall
clock. The check is on CPU time, which on an idle machine is the wall clock of these
single-threaded processes and is not inflated by other load; both ratios are printed.
Then the screen's hits, as the process printed them, are compared with
``reference_screen`` (segmenting the whole text at once); a difference fails the benchmark.
``SCREEN_BENCH_MB`` changes the size, ``SCREEN_BENCH_TARGET`` the ratio required.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
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
    get = hit.get if isinstance(hit, dict) else lambda k: getattr(hit, k)
    return (get("start"), get("end"), get("kind"), get("rule"), get("severity"), get("text"))


def _process(cmd: list[str], repeat: int, env: dict[str, str]):
    """(stdout of the last run, best CPU seconds, best wall seconds) of ``cmd`` as a process."""
    best_cpu = best_wall = float("inf")
    out = b""
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT)
        wall = time.perf_counter() - w0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1):
            raise AssertionError(f"{cmd[:3]} exited {proc.returncode}: {proc.stderr.decode()[-1500:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
        out = proc.stdout
    return out, best_cpu, best_wall


def main() -> int:
    from screening.engine import default_screener

    target = int(float(os.environ.get("SCREEN_BENCH_MB", "20")) * MB)
    repeat = max(1, int(os.environ.get("SCREEN_BENCH_REPEAT", "2")))
    want = float(os.environ.get("SCREEN_BENCH_TARGET", "20"))
    started = time.perf_counter()
    text = make_text(target)
    mb = len(text.encode("utf-8")) / MB
    print(
        f"text: {mb:.1f} MB, {len(text):,} characters, {text.count(chr(10)) + 1:,} paragraphs "
        f"({PLANT_RATE:.0%} with a planted hit or hard negative), built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PATROL_CONFIG")}
    env["PYTHONPATH"] = str(ROOT)
    with tempfile.TemporaryDirectory(prefix="screen-bench-") as tmp:
        path = Path(tmp) / "prose.txt"
        path.write_text(text, "utf-8")
        cli = "import sys; from config.cli import main; sys.exit(main(sys.argv[1:]))"
        screen_cmd = [sys.executable, "-c", cli, "screen", "--format", "json", str(path)]
        jieba_cmd = [sys.executable, "-c", "import sys, jieba; jieba.lcut(open(sys.argv[1], encoding='utf-8').read())", str(path)]  # fmt: skip
        subprocess.run(screen_cmd[:-1] + [str(ROOT / "README.md")], capture_output=True, env=env, cwd=ROOT)
        out, screen_cpu, screen_wall = _process(screen_cmd, repeat, env)
        print(
            f"patrol screen (whole process): CPU {screen_cpu:.2f} s, wall {screen_wall:.2f} s "
            f"({mb / screen_cpu:.1f} MB/s CPU)",
            flush=True,
        )
        _, jieba_cpu, jieba_wall = _process(jieba_cmd, repeat, env)
        print(
            f"jieba.lcut precise, HMM on (whole process): CPU {jieba_cpu:.2f} s, wall {jieba_wall:.2f} s "
            f"({mb / jieba_cpu:.2f} MB/s CPU)",
            flush=True,
        )
    (doc,) = json.loads(out.decode("utf-8"))["documents"]
    cpu_ratio, wall_ratio = jieba_cpu / screen_cpu, jieba_wall / screen_wall
    print(
        f"screen/jieba, whole processes: {cpu_ratio:.1f}× CPU time, {wall_ratio:.1f}× wall clock "
        f"(best of {repeat}; target ≥ {want:g}× CPU)",
        flush=True,
    )

    screener = default_screener()
    t0 = time.perf_counter()
    reference = screener.reference_screen(text)
    ref_s = time.perf_counter() - t0
    print(f"reference (whole-text segmentation, in process): {ref_s:.2f} s, {len(reference.hits):,} hits")
    got = sorted(map(_key, doc["hits"]))
    ref = sorted(map(_key, reference.hits))
    if got != ref:
        only_screen = sorted(set(got) - set(ref))[:5]
        only_ref = sorted(set(ref) - set(got))[:5]
        raise AssertionError(
            f"hits differ from the reference: screen-only {only_screen}, reference-only {only_ref}"
        )
    print(
        f"hits identical to the whole-text reference: yes ({len(got):,} hits; kinds {', '.join(doc['kinds'])})"
    )
    if cpu_ratio < want:
        raise AssertionError(
            f"patrol screen is {cpu_ratio:.1f}× jieba.lcut as whole processes, target {want:g}×"
        )
    print(f"target met: {cpu_ratio:.1f}× ≥ {want:g}×", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
