#!/usr/bin/env bash
# Set up and run the demo sales dashboard (the README's first command).
#
#   bash scripts/demo.sh            # then open http://127.0.0.1:8866
#
# On a fresh Debian machine (as root) it installs python3-venv if needed, creates .venv,
# installs bheem_nb with its notebook extras, generates 1M demo orders into demo/, installs
# the `bheem` Voilà template into the venv and serves notebooks/demo_dashboard.ipynb.
# Re-running skips the steps already done. Settings: PORT (8866), DEMO_ROWS (1000000), PYTHON (python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${PORT:-8866}"
ROWS="${DEMO_ROWS:-1000000}"
PY="${PYTHON:-python3}"
VENV="$ROOT/.venv"

step() { printf '\n==> %s\n' "$*"; }

python_ok() {
    command -v "$PY" >/dev/null 2>&1 &&
        "$PY" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

# 1. A Python >= 3.11 that can make virtual environments.
if [ ! -x "$VENV/bin/python" ] && ! python_ok; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        step "Installing python3 and python3-venv with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
    fi
    python_ok || { echo "error: need Python >= 3.11 with the venv module (Debian: apt-get install python3-venv)" >&2; exit 1; }
fi

# 2. The virtual environment and the package (editable, with Voilà, Altair and vl-convert).
if [ ! -x "$VENV/bin/python" ]; then
    step "Creating $VENV"
    "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.bheem-demo-installed"
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || ! "$VENV/bin/python" -c 'import bheem_nb, voila, altair, vl_convert' 2>/dev/null; then
    step "Installing bheem_nb[notebook] into $VENV (about a minute the first time)"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e '.[notebook]'
    touch "$STAMP"
fi

# 3. Demo data: $ROWS orders in demo/demo.duckdb and the model in demo/demo.yml.
MODEL="$ROOT/demo/demo.yml"
if [ ! -f "$ROOT/demo/demo.duckdb" ] || ! grep -q "rows=$ROWS," "$MODEL" 2>/dev/null; then
    step "Generating $ROWS demo orders into demo/"
    mkdir -p "$ROOT/demo"
    if ! "$VENV/bin/bheem" demo-data --rows "$ROWS" --out "$ROOT/demo/demo.duckdb" 2>/dev/null; then
        "$VENV/bin/python" -c 'import sys; from bheem_nb.demo_data import generate_demo_data as g; print(g(sys.argv[1], rows=int(sys.argv[2])))' \
            "$ROOT/demo/demo.duckdb" "$ROWS"
    fi
fi

# 4. The `bheem` Voilà template, linked into the venv's Jupyter data folder so --template finds it.
TEMPLATES="$("$VENV/bin/python" -c 'import sys; print(sys.prefix)')/share/jupyter/voila/templates"
mkdir -p "$TEMPLATES"
ln -sfn "$ROOT/voila_templates/bheem" "$TEMPLATES/bheem"

# 5. Serve the dashboard. A preheated kernel has the page rendered before anyone asks for it
#    (about 2 s to a full page instead of 5-10 s); the pool refills after each visit.
step "Demo dashboard: http://127.0.0.1:$PORT   (Ctrl-C stops it)"
export BHEEM_DEMO_MODEL="$MODEL"
exec "$VENV/bin/voila" "$ROOT/notebooks/demo_dashboard.ipynb" --no-browser --port "$PORT" \
    --Voila.ip=0.0.0.0 --template=bheem --preheat_kernel=True --pool_size=1
