#!/usr/bin/env bash
# The project's one test command (README, CI): system packages, the venv, ruff, mypy, pytest.
#
# On a fresh Debian machine, as root, it installs PostgreSQL, MariaDB, Redis and Chromium
# and Java for local Spark (skipped when all are already there, so reruns are quick), creates .venv if missing,
# installs the package with its dev extras and runs the whole suite, notebooks included.
# CI defaults to 1 so tests that need a server fail instead of skipping when it is missing.
# Extra arguments go to pytest, e.g. `scripts/test.sh -k sqlite -x`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CI="${CI:-1}"

have_servers() {
  compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || command -v pg_ctl >/dev/null || return 1
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || return 1
  command -v redis-server >/dev/null || return 1
  command -v chromium >/dev/null || return 1
  command -v java >/dev/null || return 1
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -q
    APT_UPDATED=1
  fi
  apt-get install -y -q --no-install-recommends "$@"
}

if ! have_servers; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "==> apt-get install postgresql mariadb-server redis-server chromium openjdk-17-jre-headless"
    apt_install postgresql mariadb-server redis-server chromium openjdk-17-jre-headless
  else
    echo "warning: PostgreSQL, MariaDB, Redis or Chromium is missing and this is not root on Debian;" \
         "install them yourself (tests that need them fail while CI=$CI)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> python3 -m venv .venv"
  if ! python3 -m venv .venv; then
    rm -rf .venv
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null && apt_install python3-venv
    python3 -m venv .venv
  fi
fi

echo "==> pip install -e '.[dev]'"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'

# the widgets' front end: rebuilt from js/ (pinned by package-lock.json) so widgets/static matches the sources
if command -v npm >/dev/null; then
  echo "==> npm ci && npm run build (js/)"
  (cd js && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
  (cd js/embed && npm run build --silent)  # the embed SDK into js/embed/dist (esbuild from js/node_modules)
else
  echo "warning: npm is missing; using the committed widgets/static bundle" >&2
fi

echo "==> ruff check ."
.venv/bin/ruff check .

echo "==> mypy"
.venv/bin/mypy

# nbval only collects *.ipynb files, so tests/*.py run as usual next to the notebooks
targets=(tests)
[ -d notebooks ] && targets+=(notebooks)
echo "==> pytest ${targets[*]} --nbval-lax $*"
.venv/bin/python -m pytest "${targets[@]}" --nbval-lax "$@"
