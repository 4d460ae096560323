#!/usr/bin/env bash
# Everything from a fresh clone, with only Python >= 3.11 and pip:
#   ./run.sh demo   build the simulated demo store and run the main job on it
#   ./run.sh test   install what the tests need and run them
set -euo pipefail
cd "$(dirname "$0")"

setup() {
  if [ ! -x .venv/bin/python ]; then
    "${PYTHON:-python3}" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
  fi
  .venv/bin/python -m pip install -q -e ".[test]"
}

case "${1:-}" in
  demo)
    setup
    .venv/bin/intensity demo --db data/demo.duckdb
    .venv/bin/intensity report --db data/demo.duckdb --since 2024-03 --out reports
    ;;
  test)
    setup
    .venv/bin/python -m pytest -q
    ;;
  *)
    echo "usage: ./run.sh demo | ./run.sh test" >&2
    exit 2
    ;;
esac
