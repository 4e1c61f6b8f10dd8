#!/usr/bin/env bash
# Run ON THE GPU MACHINE, one step per device call (docs/gpu.md lists the
# calls, what each carries and its timeout_s):
#   setup   install part b (call 1, install_part.sh a, installed part a),
#           check that every carried distribution is in .gpu-site, report
#           the versions, then the 30-second smoke check with -W error
#   tests   the `gpu` tests
#   bench   benchmarks/device_training.py: STEPS (default 300) training steps
#           of the Multi30k de->en config, then decoding test_2016_flickr at
#           beam 5 and greedy
# Every step first checks that .gpu-site is complete (a machine that went
# cold between calls has lost it: start again with install_part.sh a), then
# writes its output to $OUT as it comes (tee, unbuffered), so a run killed at
# a time limit still brings back how far it got. Each step stops itself
# (`timeout`) before the call's limit:
#   SETUP_LIMIT 150 s, TESTS_LIMIT 280 s, BENCH_LIMIT 280 s (defaults)
# SPACY_SEQ2SEQ_GPU_DRY_RUN=1 runs the steps here on the CPU, with the
# installed packages instead of .gpu-site (how the script is checked).
set -uo pipefail
cd "$(dirname "$0")/../.."
step=${1:?"which step: setup, tests or bench"}
OUT=${OUT:-gpu-results}
mkdir -p "$OUT"
DRY_RUN=${SPACY_SEQ2SEQ_GPU_DRY_RUN:-0}
PYTHON=${PYTHON:-python3}
GPU_ID=0
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-4}
if [ "$DRY_RUN" = 1 ]; then
    GPU_ID=-1
    export PYTHONPATH="$PWD"
else
    # The tree first: the code under test is the carried tree; .gpu-site
    # gives the packages and this package's entry points (its dist-info).
    export PYTHONPATH="$PWD:$PWD/.gpu-site"
fi

check_site() {
    # Every distribution prepare_carry.sh packed must have landed in .gpu-site.
    [ "$DRY_RUN" = 1 ] && { echo "dry run: using the installed packages"; return 0; }
    local expected=.gpu-wheels/b/expected.txt missing=""
    [ -f .gpu-site/.expected.txt ] && expected=.gpu-site/.expected.txt
    if [ ! -f "$expected" ]; then
        echo "no list of expected distributions: run the setup step (carrying .gpu-wheels/b) first" >&2
        return 2
    fi
    for name in $(cat "$expected"); do
        ls .gpu-site 2>/dev/null | grep -qiE "^${name}-[^-]+\.dist-info$" || missing="$missing $name"
    done
    if [ -n "$missing" ]; then
        echo "missing from .gpu-site:$missing" >&2
        echo "(part a comes from 'bash scripts/gpu/install_part.sh a' carrying .gpu-wheels/a; a machine" >&2
        echo " that went cold between calls has lost .gpu-site: start again from that call)" >&2
        return 2
    fi
    echo "all $(wc -l < "$expected") carried distributions are in .gpu-site"
}

finish() {
    # Exit with the step's status; say so in its report when `timeout` stopped it.
    if [ "$1" = 124 ]; then
        echo "STOPPED: the step ran past its limit ($2 s); what it printed so far is above" | tee -a "$3"
    fi
    exit "$1"
}

case "$step" in
setup)
    {
        if [ "$DRY_RUN" != 1 ]; then
            ls .gpu-wheels/b/*.whl > /dev/null 2>&1 || { echo "no .gpu-wheels/b: carry it" >&2; exit 2; }
            [ -f .gpu-data/multi30k/train.de ] || { echo "no .gpu-data/multi30k: carry .gpu-data" >&2; exit 2; }
            bash scripts/gpu/install_part.sh b || exit 2
            cp .gpu-wheels/b/expected.txt .gpu-site/.expected.txt  # for the later calls, which carry no wheels
        fi
        check_site || exit 2
        $PYTHON -c "import sys; print('python', sys.version.split()[0])"
        nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || true
    } 2>&1 | tee "$OUT/environment.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || exit 2
    timeout "${SETUP_LIMIT:-150}" $PYTHON -W error scripts/gpu/smoke_check.py 2>&1 | tee "$OUT/smoke.txt"
    finish "${PIPESTATUS[0]}" "SETUP_LIMIT=${SETUP_LIMIT:-150}" "$OUT/smoke.txt"
    ;;
tests)
    check_site 2>&1 | tee "$OUT/tests_site.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || exit 2
    # Only the files with `gpu` tests: the others import packages the GPU
    # machine lacks (playwright, sacremoses), and one collection error stops
    # the whole run. -v: one line per test as it ends.
    files=$(grep -rl --include='test_*.py' "pytest.mark.gpu" tests | sort)
    gpu_flag=--gpu
    [ "$DRY_RUN" = 1 ] && gpu_flag=""
    timeout "${TESTS_LIMIT:-280}" $PYTHON -m pytest -v -rA --durations=10 $gpu_flag -m gpu -p no:cacheprovider \
        --junitxml="$OUT/gpu_tests.xml" $files 2>&1 | tee "$OUT/gpu_tests.txt"
    finish "${PIPESTATUS[0]}" "TESTS_LIMIT=${TESTS_LIMIT:-280}" "$OUT/gpu_tests.txt"
    ;;
bench)
    check_site 2>&1 | tee "$OUT/bench_site.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || exit 2
    data=.gpu-data/multi30k
    [ "$DRY_RUN" = 1 ] && data=${MULTI30K_DIR:-../shared/data/multi30k}
    timeout "${BENCH_LIMIT:-280}" $PYTHON -m benchmarks.device_training --data-dir "$data" --gpu-id "$GPU_ID" \
        --steps "${STEPS:-300}" --results-dir "$OUT" 2>&1 | tee "$OUT/benchmark.log"
    finish "${PIPESTATUS[0]}" "BENCH_LIMIT=${BENCH_LIMIT:-280}" "$OUT/benchmark.log"
    ;;
*)
    echo "unknown step '$step': setup, tests or bench" >&2
    exit 2
    ;;
esac
