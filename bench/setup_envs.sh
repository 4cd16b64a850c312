#!/usr/bin/env bash
# Create the reference contenders' virtualenvs for the benchmarks (idempotent).
#
#   bench/.venvs/cvat-sdk   cvat-sdk==2.70.0 + orjson        (sdk_speed.py)
#   bench/.venvs/opc        openapi-python-client==0.29.1    (gen_speed.py)
#   bench/.venvs/chart      matplotlib                       (chart.py)
#   /work/main/.venv        + orjson                         (our side of sdk_speed.py)
#
# Each venv is (re)created only if its marker file is missing or the pinned
# requirement changed, so running this twice is cheap.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENVS="$HERE/.venvs"
PYTHON="${PYTHON:-python3}"

CVAT_SDK_REQ="cvat-sdk==2.70.0 orjson"
OPC_REQ="openapi-python-client==0.29.1"
CHART_REQ="matplotlib"
OURS_REQ="orjson"

mkdir -p "$VENVS"

ensure_venv() {  # name, requirements...
    local name="$1"; shift
    local dir="$VENVS/$name"
    local marker="$dir/.bench-installed"
    local want="$*"
    if [[ -f "$marker" && "$(cat "$marker")" == "$want" && -x "$dir/bin/python" ]]; then
        echo "[setup_envs] $name: up to date ($want)"
        return
    fi
    echo "[setup_envs] $name: installing $want"
    [[ -x "$dir/bin/python" ]] || "$PYTHON" -m venv "$dir"
    "$dir/bin/python" -m pip install --quiet --upgrade pip
    # shellcheck disable=SC2086
    "$dir/bin/python" -m pip install --quiet $want
    echo "$want" > "$marker"
}

ensure_venv cvat-sdk $CVAT_SDK_REQ
ensure_venv opc $OPC_REQ
ensure_venv chart $CHART_REQ

# Our side: the project venv must already exist (pip install -e '.[test]').
if [[ ! -x "$ROOT/.venv/bin/python" ]]; then
    echo "[setup_envs] $ROOT/.venv is missing: create it with" >&2
    echo "    python3 -m venv .venv && .venv/bin/pip install -e '.[test]'" >&2
    exit 1
fi
if ! "$ROOT/.venv/bin/python" -c "import orjson" 2>/dev/null; then
    echo "[setup_envs] project venv: installing $OURS_REQ"
    # shellcheck disable=SC2086
    "$ROOT/.venv/bin/python" -m pip install --quiet $OURS_REQ
else
    echo "[setup_envs] project venv: orjson present"
fi

"$VENVS/cvat-sdk/bin/python" -c "import cvat_sdk, orjson; print('[setup_envs] cvat-sdk', cvat_sdk.__version__)"
"$VENVS/opc/bin/openapi-python-client" --version
"$VENVS/chart/bin/python" -c "import matplotlib; print('[setup_envs] matplotlib', matplotlib.__version__)"
