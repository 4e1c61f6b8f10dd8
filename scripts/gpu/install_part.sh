#!/usr/bin/env bash
# Run ON THE GPU MACHINE (call 1 of 4, carry .gpu-wheels/a): install the
# first part of the wheels into .gpu-site, which stays there while the
# machine is warm (30 s: make call 2 at once). run_checks.sh setup installs
# part b the same way.
set -euo pipefail
cd "$(dirname "$0")/../.."
part=${1:?which part: a or b}
PYTHON=${PYTHON:-python3}
if $PYTHON -m pip --version > /dev/null 2>&1; then
    $PYTHON -m pip install --quiet --no-index --no-deps --target .gpu-site .gpu-wheels/"$part"/*.whl
else
    # No pip in that Python (a uv-made environment, say): a wheel is a zip
    # of the installed files and their .dist-info, so unpacking it installs
    # it for import and entry points (console scripts aside, not needed).
    echo "no pip for $PYTHON: unpacking the wheels into .gpu-site"
    $PYTHON - .gpu-wheels/"$part"/*.whl <<'PY'
import sys, zipfile
for wheel in sys.argv[1:]:
    zipfile.ZipFile(wheel).extractall(".gpu-site")
PY
fi
echo "installed part $part: $(ls .gpu-wheels/"$part"/*.whl | wc -l) wheels into .gpu-site"
