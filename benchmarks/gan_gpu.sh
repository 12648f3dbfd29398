#!/usr/bin/env bash
# The GPU part of issue #6, for a session that has the device (see ../shared/gpu/README.md).
#
# Prepare here (CPU machine), then run on the device with carry [".whl", ".gpu-data"]:
#   echo "/.whl/" >> .git/info/exclude; echo "/.gpu-data/" >> .git/info/exclude
#   python3 -m pip download ... -d .whl "keras==3.15.1" namex optree   (README's command)
#   mkdir -p .gpu-data && cp -r ../shared/data/mnist .gpu-data/
#   run: bash benchmarks/gan_gpu.sh                 (timeout_s ~ 540; writes under $OUT)
#
# Measures, with KERAS_BACKEND=jax:
#   1. DCGAN train steps/second in float32 and mixed_bfloat16 (target bfloat16 >= 1.4x float32);
#   2. the dense GAN's steps/second likewise;
#   3. dcgan-mnist on the real MNIST for a fixed budget of $EPOCHS epochs: Frechet distance and
#      classifier score in metrics.json.
# Then record the numbers in docs/benchmarks.md ("GAN" section) with the device named.
set -u
OUT=${OUT:-/tmp/gan-gpu}
EPOCHS=${EPOCHS:-5}
STEPS=${STEPS:-100}
BATCH=${BATCH:-256}
mkdir -p "$OUT"
if [ -d .whl ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
    --upgrade --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site:$PWD || exit 1
else
  export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
fi
export KERAS_BACKEND=jax MPLBACKEND=Agg
python3 -c "import jax; print('devices:', jax.devices())"
for model in dcgan gan; do
  python3 benchmarks/gan.py --model "$model" --batch-size "$BATCH" --steps "$STEPS" --repeats 3 \
    --policies float32,mixed_bfloat16 --json "$OUT/throughput_$model.json" || echo "throughput $model FAILED"
done
DATA=${DATA:-.gpu-data/mnist}
if [ -d "$DATA" ]; then
  # The practical's run() directly (`kerasdl run dcgan-mnist` imports every practical).
  python3 -c "from kerasdl.practicals._base import RunConfig; from kerasdl.practicals.dcgan_mnist import run; \
run(RunConfig(data_dir='$DATA', epochs=$EPOCHS, batch_size=128, out='$OUT/dcgan-mnist', verbose=2))" \
    || echo "dcgan-mnist FAILED"
  cat "$OUT/dcgan-mnist/metrics.json" 2>/dev/null
else
  echo "no MNIST under $DATA: scores not measured"
fi
