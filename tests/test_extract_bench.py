"""bench/bench_extract.py runs (tiny sizes, no timing asserted): its generator and its equivalence check."""

from __future__ import annotations

import importlib.util

from conftest import REPO


def _bench():
    spec = importlib.util.spec_from_file_location("bench_extract", REPO / "bench" / "bench_extract.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generator_is_seeded_and_article_sized():
    b = _bench()
    a, again = b.generate_articles(5, seed=3), b.generate_articles(5, seed=3)
    assert a == again and a != b.generate_articles(5, seed=4)
    assert all(2400 < len(x["text"]) < 3600 for x in a)
    assert all(len(x["text"]) < 250 for x in b.generate_notes(20))


def test_bench_smoke(tmp_path):
    b = _bench()
    import os

    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    try:
        res = b.run(n_articles=3, n_notes=5, repeat=1, baseline=False)
    finally:
        if cpus:
            os.sched_setaffinity(0, cpus)  # the bench pins itself to one core
    for name in ("articles", "notes"):
        r = res["sets"][name]
        assert r["gated_equals_ungated"] == 1.0 and r["events"] > 0 and r["current_articles_per_s"] > 0
    assert "| articles |" in b.markdown(res)
