"""Measure the text analysis: sentiment quality per test set, and throughput.

Run with `python -m bench.nlp` (not part of `make bench`: the SnowNLP baseline
alone reads 3,500 reviews at a few per millisecond). It prints accuracy and
macro-F1 of Rapport's sentiment model on each held-out test set beside SnowNLP's
own model (Chinese) and VADER (English), then the throughput of `analyze_many`
and of `analyze` one message at a time on a Chinese/English/mixed mix with a
domain dictionary of 20,000 customer names, against SnowNLP's sentiment alone
on the same texts, timed in this process (target: 200 messages/s or more per worker).

Environment: BENCH_NLP_MESSAGES (default 3000), BENCH_NLP_CUSTOMERS (names in
the domain dictionary, default 20,000), BENCH_NLP_BASELINES=0 to skip the
baselines.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from rapport.intelligence.nlp import DomainDictionary, analyze, analyze_many
from rapport.intelligence.nlp.evaluation import evaluate, table
from rapport.intelligence.nlp.training import business_rows

MESSAGES = int(os.environ.get("BENCH_NLP_MESSAGES", "3000"))
BASELINES = os.environ.get("BENCH_NLP_BASELINES", "1") != "0"
TARGET_PER_SECOND = 200
CUSTOMERS = int(os.environ.get("BENCH_NLP_CUSTOMERS", "20000"))


def customer_names(n: int) -> list[str]:
    """n distinct company names, Chinese and English, as a CRM would hold."""
    places = [
        "上海",
        "北京",
        "深圳",
        "杭州",
        "成都",
        "武汉",
        "南京",
        "苏州",
        "广州",
        "西安",
    ]
    cores = [
        "华光",
        "恒信",
        "瑞丰",
        "金达",
        "宏远",
        "新锐",
        "天成",
        "博源",
        "众和",
        "嘉禾",
        "中科",
        "东方",
    ]
    kinds = [
        "科技",
        "物流",
        "制造",
        "贸易",
        "电子",
        "医疗",
        "软件",
        "机械",
        "化工",
        "食品",
    ]
    latin = [
        "Northwind",
        "Contoso",
        "Fabrikam",
        "Litware",
        "Tailspin",
        "Adatum",
        "Wingtip",
    ]
    names = []
    for i in range(n):
        if i % 5 == 4:
            names.append(f"{latin[i % 7]} {kinds[i % 10]} {i}")
        else:
            core = cores[i % 12] + cores[(i // 12) % 12][0]
            names.append(f"{places[i % 10]}{core}{kinds[(i // 144) % 10]}{i}")
    return names


DICTIONARY = DomainDictionary(
    products={"云枢 ERP": ["云枢", "YunShu"], "智仓 WMS": ["智仓"]},
    competitors={"金蝶": ["Kingdee"], "SAP": []},
    customers=["华光科技", "Northwind Traders", *customer_names(CUSTOMERS)],
)


def workload(n: int) -> list[str]:
    """n realistic messages: the business sets in turn, longer by a signature."""
    base = [row.text for name in ("zh", "en", "mixed") for row in business_rows(name)]
    tails = ["", "\n\n此致\n王磊\n华光科技 采购部", "\n\nBest regards,\nAnna"]
    return [base[i % len(base)] + tails[i % 3] for i in range(n)]


def per_second(
    run: Callable[[list[str]], object], texts: list[str]
) -> tuple[float, float]:
    """Messages per second of one run over the texts: wall clock, and CPU time.

    On a shared machine the wall clock includes waiting for a core; the CPU
    figure is what one worker process achieves with a core to itself.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    run(texts)
    n = len(texts)
    return n / (time.perf_counter() - wall), n / (time.process_time() - cpu)


def main() -> None:
    """Print the quality table and the throughput figures."""
    started = time.perf_counter()
    analyze("预热", dictionary=DICTIONARY)
    loading = time.perf_counter() - started
    print(f"first analysis (loads jieba, the model, the lexicons): {loading:.2f} s")

    started = time.perf_counter()
    print(table(evaluate(with_baselines=BASELINES)))
    print(f"evaluation in {time.perf_counter() - started:.1f} s\n")

    texts = workload(MESSAGES)
    batch = per_second(lambda t: analyze_many(t, dictionary=DICTIONARY), texts)
    single = per_second(
        lambda t: [analyze(x, dictionary=DICTIONARY) for x in t], texts[:1000]
    )
    from snownlp import SnowNLP

    reference = per_second(lambda t: [SnowNLP(x).sentiments for x in t], texts[:1000])
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"{'throughput (messages/s)':<36} {'wall':>7} {'CPU':>7} {'vs SnowNLP':>11}")
    for name, (wall, cpu) in [
        ("analyze_many, everything", batch),
        ("analyze one by one, everything", single),
        ("reference: SnowNLP sentiment only", reference),
    ]:
        print(f"{name:<36} {wall:>7.0f} {cpu:>7.0f} {cpu / reference[1]:>10.1f}x")
    verdict = "met" if min(batch[1], single[1]) >= TARGET_PER_SECOND else "MISSED"
    print(
        f"{MESSAGES} messages of {chars:.0f} characters on average; "
        f"target {TARGET_PER_SECOND}/s per worker (CPU): {verdict}"
    )


if __name__ == "__main__":
    main()
