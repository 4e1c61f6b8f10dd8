#!/usr/bin/env bash
# Run ON THE GPU MACHINE (call 2 of 2, carry .gpu-wheels/b and .gpu-data):
# install the rest, run the `gpu` tests, then the Multi30k de->en benchmark;
# reports go to $OUT (the device tool brings them back).
#   STEPS       training steps of the benchmark (default 3000)
#   SKIP_TESTS  1 to run the benchmark only (a rerun)
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-gpu-results}
mkdir -p "$OUT"
bash scripts/gpu/install_part.sh b || exit 1
export PYTHONPATH="$PWD/.gpu-site:$PWD" OMP_NUM_THREADS=${OMP_NUM_THREADS:-4}
python3 - <<'PY' 2>&1 | tee "$OUT/environment.txt"
import cupy, spacy, thinc, torch
print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))
print("cupy", cupy.__version__, "spacy", spacy.__version__, "thinc", thinc.__version__)
PY
status=0
if [ "${SKIP_TESTS:-0}" != 1 ]; then
    timeout 300 python3 -m pytest -q -rs --gpu -m gpu -p no:cacheprovider tests/ 2>&1 | tail -60 | tee "$OUT/gpu_tests.txt"
    status=${PIPESTATUS[0]}
fi
timeout 420 python3 -m benchmarks.device_training --data-dir .gpu-data/multi30k --gpu-id 0 \
    --steps "${STEPS:-3000}" --results-dir "$OUT" 2>&1 | grep -v W004 | tail -40
exit $status
