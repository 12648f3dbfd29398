#!/usr/bin/env bash
# Mixed-precision GPU check: every registered model trains a few steps under
# mixed_float16 and mixed_bfloat16 (tests/gpu), on the JAX and PyTorch backends.
#
# The GPU machine (see ../shared/gpu/README.md) has CUDA JAX and PyTorch but no
# Keras, no TensorFlow and no network, so the pure-Python wheels travel with the
# working tree in .whl/ (git-ignored through .git/info/exclude):
#
#   PYTHON=/work/venv/bin/python benchmarks/gpu_check.sh prepare   # here (PyPI): fills .whl/
#   # then, through the device tool, with carry=[".whl"] and timeout_s ~ 560:
#   bash benchmarks/gpu_check.sh run     # on the GPU machine; results in $OUT
#
# Results: $OUT/machine.txt (nvidia-smi), $OUT/gpu-<backend>.log and .xml.
# Copy the summary lines and the machine into docs/benchmarks.md
# ("Mixed precision on a GPU").
set -u
cd "$(dirname "$0")/.."

case "${1:-run}" in
prepare)
    # the Keras of the development environment (PYTHON=/path/to/venv/bin/python), or KERAS_VERSION
    PYTHON=${PYTHON:-python3}
    keras_version=${KERAS_VERSION:-$("$PYTHON" -c "import keras; print(keras.__version__)")} || exit 1
    grep -qx "/.whl/" .git/info/exclude 2>/dev/null || echo "/.whl/" >> .git/info/exclude
    "$PYTHON" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
        --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
        --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d .whl "keras==${keras_version}" namex optree pyyaml
    ls -la .whl
    ;;
run)
    OUT=${OUT:-gpu-results}
    mkdir -p "$OUT"
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
        --upgrade --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site:$PWD
    nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version --format=csv > "$OUT/machine.txt" 2>&1
    cat "$OUT/machine.txt"
    status=0
    for backend in jax torch; do
        echo "== KERAS_BACKEND=$backend"
        KERAS_BACKEND=$backend KERAS_HOME=/tmp/keras-home-$backend timeout "${GPU_CHECK_TIMEOUT:-250}" \
            python3 -m pytest -q -p no:cacheprovider tests/gpu -rs --durations=5 \
            --junitxml "$OUT/gpu-$backend.xml" > "$OUT/gpu-$backend.log" 2>&1
        code=$?
        tail -n 25 "$OUT/gpu-$backend.log"
        [ "$code" -eq 0 ] || status=$code
    done
    exit "$status"
    ;;
*)
    echo "usage: $0 [prepare|run]" >&2
    exit 2
    ;;
esac
