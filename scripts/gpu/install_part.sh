#!/usr/bin/env bash
# Run ON THE GPU MACHINE (call 1 of 2, carry .gpu-wheels/a): install the
# first part of the wheels into .gpu-site, which stays there while the
# machine is warm (30 s: make call 2 at once).
set -euo pipefail
cd "$(dirname "$0")/../.."
part=${1:?which part: a or b}
python3 -m pip install --quiet --no-index --no-deps --target .gpu-site .gpu-wheels/"$part"/*.whl
echo "installed part $part: $(ls .gpu-wheels/"$part" | wc -l) wheels into .gpu-site"
