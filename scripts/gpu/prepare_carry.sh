#!/usr/bin/env bash
# Run HERE, before a session with a lent GPU (docs/gpu.md): everything the
# GPU machine lacks, in git-ignored folders its `run` calls carry.
#
# The GPU machine has Python 3.12, torch + CUDA and CuPy, but no spaCy and no
# network (../shared/research/env-facts.md, section 10). A call carries at
# most 64 MiB with the work tree, and spaCy's wheels alone are about 59 MB,
# so they travel in two parts, installed one call after the other into
# .gpu-site (the machine keeps ignored files between calls while it is warm):
#   .gpu-wheels/a   the largest wheels (call 1: install_part.sh a)
#   .gpu-wheels/b   the rest and this package's wheel, plus the Multi30k
#   .gpu-data       de/en files (research-only: carried for the run, never
#                   committed; call 2: run_checks.sh setup)
# .gpu-wheels/b/expected.txt names every distribution of both parts, so that
# run_checks.sh can say exactly what is missing from .gpu-site.
#
# rouge-score: 0.1.2, the first with the `tokenizer` argument that
# pipeline/rouge.py needs, is published as a source package only, so a
# wheels-only download finds 0.0.4 (E141). Its wheel is built here instead
# (pure Python, ~25 kB), and its dependencies named: absl-py and six travel
# too, and nltk's regex and joblib (1 MB together; the GPU machine's list
# does not promise them, and a copy here only shadows the machine's own).
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-.venv/bin/python}
MULTI30K_DIR=${MULTI30K_DIR:-../shared/data/multi30k}
PART_A_LIMIT_MB=${PART_A_LIMIT_MB:-45}

# .gpu-wheels, .gpu-data and .gpu-site are in .gitignore: never committed,
# travelling only where a call's `carry` names them.
for folder in .gpu-wheels .gpu-data .gpu-site; do
    git check-ignore -q "$folder/" || { echo ".gitignore must list $folder/" >&2; exit 1; }
done
rm -rf .gpu-wheels .gpu-data && mkdir -p .gpu-wheels/all .gpu-wheels/a .gpu-wheels/b .gpu-data/multi30k
spacy_version=$($PYTHON -c "import spacy; print(spacy.__version__)")
thinc_version=$($PYTHON -c "import thinc; print(thinc.__version__)")
rouge_version=$($PYTHON -c "from importlib.metadata import version; print(version('rouge-score'))")
$PYTHON -m pip download --quiet --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 \
    -d .gpu-wheels/all "spacy==$spacy_version" "thinc==$thinc_version" nltk absl-py six regex joblib
$PYTHON -m pip wheel --quiet --no-deps --wheel-dir .gpu-wheels/all "rouge-score==$rouge_version"
$PYTHON -m pip wheel --quiet --no-deps --wheel-dir .gpu-wheels/b .

# Keep what the GPU machine lacks (the list checked in env-facts section 10).
lacking="spacy blis thinc pydantic_core nltk srsly preshed cymem murmurhash catalogue confection wasabi
weasel cloudpathlib smart_open pydantic annotated_types typing_inspection spacy_legacy spacy_loggers rouge_score
absl_py six regex joblib"
total=0
for wheel in $(ls -S .gpu-wheels/all/*.whl); do
    name=$(basename "$wheel" | cut -d- -f1 | tr 'A-Z-' 'a-z_')
    echo "$lacking" | tr ' ' '\n' | grep -qxF "$name" || continue
    size=$(( $(stat -c %s "$wheel") / 1000000 ))
    if [ $(( total + size )) -le "$PART_A_LIMIT_MB" ]; then
        mv "$wheel" .gpu-wheels/a/ && total=$(( total + size ))
    else
        mv "$wheel" .gpu-wheels/b/
    fi
done
rm -rf .gpu-wheels/all
for wheel in .gpu-wheels/a/*.whl .gpu-wheels/b/*.whl; do
    basename "$wheel" | cut -d- -f1 | tr 'A-Z-' 'a-z_'
done | sort > .gpu-wheels/b/expected.txt
grep -qxF rouge_score .gpu-wheels/b/expected.txt || { echo "no rouge-score wheel was built" >&2; exit 1; }

for split in train val test_2016_flickr; do
    for lang in de en; do cp "$MULTI30K_DIR/$split.$lang" .gpu-data/multi30k/; done
done

tree=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
for part in a b; do
    size=$(du -cb .gpu-wheels/$part | tail -1 | cut -f1)
    [ $part = b ] && size=$(( size + $(du -cb .gpu-data | tail -1 | cut -f1) ))
    echo "call $part carries $(( (tree + size) / 1048576 )) MiB (limit 64): $(ls .gpu-wheels/$part | wc -l) wheels"
    if [ $(( tree + size )) -gt $(( 64 * 1048576 )) ]; then
        echo "too large: lower PART_A_LIMIT_MB or carry less" >&2; exit 1
    fi
done
