# Sourced by start.sh and test.sh: a virtual environment in .venv with chiapp installed (editable)
# and the extras asked for ("requirements": the exact tested environment of requirements.txt).
# Works with a stock Debian python3 (PEP 668 forbids installing into it).
PYTHON=${PYTHON:-python3}

ensure_venv() {
  local extras="$1" stamp
  if [ ! -x .venv/bin/python ]; then
    echo "chiapp: creating a virtual environment in .venv" >&2
    if ! "$PYTHON" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "chiapp: installing Debian's python3-venv" >&2
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        "$PYTHON" -m venv .venv
      else
        echo "chiapp: '$PYTHON -m venv' failed; install python3-venv (sudo apt-get install python3-venv)" >&2
        return 1
      fi
    fi
  fi
  # Reinstall only when the requirements changed: pyproject.toml, requirements.txt, the extras asked for.
  stamp="$(cat pyproject.toml requirements.txt; echo "$extras")"
  if [ ! -f .venv/.chiapp-stamp ] || [ "$(cat .venv/.chiapp-stamp)" != "$stamp" ]; then
    echo "chiapp: installing chiapp$extras and its packages into .venv (first time: a few minutes)" >&2
    .venv/bin/python -m pip install --disable-pip-version-check --progress-bar on -q -q --upgrade pip >&2
    if [ "$extras" = "requirements" ]; then
      .venv/bin/python -m pip install --disable-pip-version-check --progress-bar on -r requirements.txt >&2
      .venv/bin/python -m pip install --disable-pip-version-check -q --no-deps -e . >&2
    else
      .venv/bin/python -m pip install --disable-pip-version-check --progress-bar on -e "$extras" >&2
    fi
    printf '%s' "$stamp" > .venv/.chiapp-stamp
  fi
}
