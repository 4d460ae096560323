"""Regenerate the shipped NB-CUSUM calibration table (seeded, bit-for-bit reproducible).

    .venv/bin/python bench/calibrate.py            # writes data/reference/calibration/
    .venv/bin/python bench/calibrate.py --out /tmp/cal --n-series 1000   # a quick variant

Every band is simulated from its own child of SeedSequence(seed), so the output
does not depend on the order bands are run in.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    from intensity.detection import calibrate as cal
    from intensity.detection.params import DetectParams

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "data" / "reference" / "calibration")
    ap.add_argument("--seed", type=int, default=cal.DEFAULT_SEED)
    ap.add_argument("--n-series", type=int, default=3000)
    ap.add_argument("--n-days", type=int, default=365)
    ap.add_argument("--n-mdc", type=int, default=400)
    ap.add_argument("--target", type=float, default=cal.DEFAULT_TARGET,
                    help="alarm episodes per 1,000 stationary series-days")
    ap.add_argument("--drift-target", type=float, default=None,
                    help="also keep alarm episodes <= this on AR(1)-drifting series (off by default)")
    args = ap.parse_args(argv)

    params = DetectParams()
    t0 = time.perf_counter()

    def progress(i, j, row):
        print(f"band mu[{row['mu_lo']:g},{row['mu_hi']:g}) alpha[{row['alpha_lo']:g},{row['alpha_hi']:g}): "
              f"h_up={row['h_up']:.3f} fa={row['fa_up']:.3f} h_down={row['h_down']:.3f} "
              f"mdc7={row['mdc7']}  ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)

    rows = cal.calibrate(seed=args.seed, params=params, n_series=args.n_series, n_days=args.n_days,
                         target=args.target, n_mdc=args.n_mdc, drift_target=args.drift_target,
                         progress=progress)
    meta = cal.table_meta(seed=args.seed, params=params, n_series=args.n_series, n_days=args.n_days,
                          target=args.target, n_mdc=args.n_mdc, drift_target=args.drift_target)
    for p in cal.write_table(rows, args.out, meta=meta):
        print(p)
    print(f"calibrated {len(rows)} bands in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
