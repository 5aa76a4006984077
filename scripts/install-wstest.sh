#!/usr/bin/env bash
# Installs the real Autobahn|Testsuite (wstest 25.10.1, Python 2.7 only) into a virtualenv.
#
#   scripts/install-wstest.sh [PREFIX]     default PREFIX: $HOME/.cache/wstest
#   $PREFIX/bin/wstest --help
#
# `wstriage suite` finds wstest at $PREFIX/bin/wstest when it is not on PATH and neither
# --wstest nor $WSTEST names one.
#
# Why it looks like this:
# - wstest runs on Python 2.7 only. A python2.7 that really runs is looked for first
#   ($PYTHON2, pyenv's 2.7 installs, the usual bin folders). `command -v python2.7` alone is not
#   trusted: a pyenv shim is found on PATH and then fails with "pyenv: python2.7: command not found"
#   when 2.7 is not the selected pyenv version. Only when none runs does it install Debian 11's
#   python2.7 (Debian 12 no longer ships one), pinned low so that it never replaces a Debian 12
#   package (needs root).
# - pip for 2.7 is bootstrapped from the pip 20.3.4 wheel (the last pip that runs on 2.7),
#   fetched with python3's pip; pip, setuptools, wheel and virtualenv go to a throw-away folder,
#   so the chosen python2.7 itself is never modified.
# - Idempotent: a working install is left alone (exit 0, nothing fetched). A half-finished one
#   (an earlier run killed midway) is recognised by the missing marker file and redone.
# - Concurrent runs (CI jobs, two helpers) are serialised with flock on $PREFIX.lock; the
#   second one finds the install done by the first.
set -euo pipefail

VERSION=25.10.1
PREFIX="${1:-${WSTEST_PREFIX:-$HOME/.cache/wstest}}"
MARKER="$PREFIX/.wstriage-wstest-$VERSION"
export PIP_NO_PYTHON_VERSION_WARNING=1

say() { echo "install-wstest: $*" >&2; }

installed() {
  [ -f "$MARKER" ] && [ -x "$PREFIX/bin/wstest" ] && "$PREFIX/bin/wstest" --help >/dev/null 2>&1
}

# An install made before this script wrote markers (or by the reference script): accept it when
# it reports the right version, and mark it.
adopt_existing() {
  [ -x "$PREFIX/bin/wstest" ] || return 1
  local v
  v="$("$PREFIX/bin/wstest" --autobahnversion 2>/dev/null | sed -n 's/^AutobahnTestSuite //p')" || return 1
  [ "$v" = "$VERSION" ] || return 1
  touch "$MARKER"
}

if installed; then
  say "wstest $VERSION already installed at $PREFIX/bin/wstest"
  exit 0
fi

mkdir -p "$(dirname "$PREFIX")"
exec 9>"$PREFIX.lock"
if ! flock -w 1800 9; then
  say "another install holds $PREFIX.lock for more than 30 minutes; giving up"
  exit 1
fi
# Re-check under the lock: a concurrent run may have finished the install meanwhile.
if installed || adopt_existing; then
  say "wstest $VERSION already installed at $PREFIX/bin/wstest"
  exit 0
fi

# A python2.7 that runs, or nothing.
runs_py27() {
  [ -n "$1" ] && [ -x "$1" ] &&
    "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (2, 7) else 1)' >/dev/null 2>&1
}

find_python27() {
  local c
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  for c in "${PYTHON2:-}" \
    "$pyenv_root"/versions/2.7*/bin/python2.7 \
    /usr/bin/python2.7 /usr/local/bin/python2.7 /opt/python*/bin/python2.7 \
    "$(command -v python2.7 2>/dev/null || true)" \
    "$(command -v python2 2>/dev/null || true)"; do
    if runs_py27 "$c"; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

install_debian11_python27() {
  if [ "$(id -u)" != 0 ]; then
    say "no working python2.7 found and not root: install Python 2.7 (or set PYTHON2=/path/to/python2.7) and re-run"
    exit 1
  fi
  say "no working python2.7 found; installing Debian 11's python2.7 (pinned low)"
  if [ ! -f /etc/apt/sources.list.d/bullseye.sources ]; then
    cat >/etc/apt/sources.list.d/bullseye.sources <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bullseye
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  if [ ! -f /etc/apt/preferences.d/bullseye ]; then
    cat >/etc/apt/preferences.d/bullseye <<'EOF'
Package: *
Pin: release n=bullseye
Pin-Priority: 100
EOF
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bullseye python2.7 python2.7-dev >/dev/null
}

PY27="$(find_python27 || true)"
if [ -z "$PY27" ]; then
  install_debian11_python27
  PY27="$(find_python27 || true)"
  if [ -z "$PY27" ]; then
    say "python2.7 was installed but does not run"
    exit 1
  fi
fi
say "using $PY27"

PY3="$(command -v python3 || true)"
if [ -z "$PY3" ] || ! "$PY3" -m pip --version >/dev/null 2>&1; then
  say "python3 with pip is needed to fetch the pip 20.3.4 wheel for Python 2.7"
  exit 1
fi

# Leftovers of an interrupted install: only a folder this script would have made is removed.
if [ -e "$PREFIX" ]; then
  if [ -f "$PREFIX/bin/activate" ] || [ -z "$(ls -A "$PREFIX")" ]; then
    say "removing the unfinished install at $PREFIX"
    rm -rf "$PREFIX"
  else
    say "$PREFIX exists and is not a virtualenv; refusing to overwrite it"
    exit 1
  fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PY3" -m pip download -q --disable-pip-version-check --no-deps pip==20.3.4 -d "$work"
py2pip="$work/pip-20.3.4-py2.py3-none-any.whl/pip"
"$PY27" "$py2pip" install -q --disable-pip-version-check --no-warn-script-location \
  --target "$work/boot" pip==20.3.4 setuptools==44.1.1 wheel==0.37.1 virtualenv==20.4.7
PYTHONPATH="$work/boot" "$PY27" -m virtualenv -q -p "$PY27" "$PREFIX"
"$PREFIX/bin/pip" install -q --disable-pip-version-check "autobahntestsuite==$VERSION"
"$PREFIX/bin/wstest" --help >/dev/null
got="$("$PREFIX/bin/wstest" --autobahnversion | sed -n 's/^AutobahnTestSuite //p')"
if [ "$got" != "$VERSION" ]; then
  say "installed wstest reports version '$got', expected $VERSION"
  exit 1
fi
touch "$MARKER"
say "wstest $VERSION installed at $PREFIX/bin/wstest"
