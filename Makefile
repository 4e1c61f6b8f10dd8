# The two set-up commands of the README:
#   make demo   train the default fr->en model on the shipped Tatoeba subset,
#               translate the demo sentence with its word alignment and write
#               its attention page (training/demo.html)
#   make test   run the test suite
# and, after make demo, the live demo page of the model on 127.0.0.1:
#   make serve  (MODEL=path/to/model-best PORT=8000 to choose)
# make demo and make test create .venv and install everything on a fresh machine first (the
# optional Ray extra too, so the distributed tests run, and the align extra: eflomal teaches
# the demo's alignment head).
#
# torch is installed first, pinned, so pip never resolves a CUDA build on its
# own. GPU users name a CUDA build of torch and the CuPy wheel for the same
# CUDA major version (thinc's require_gpu, behind spaCy's --gpu-id, needs
# CuPy); see docs/gpu.md:
#   make install TORCH_SPEC="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128" \
#                CUPY_SPEC=cupy-cuda12x
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
CUPY_SPEC ?=
MODEL ?= training/tatoeba_fr_en/model-best
PORT ?= 8000
BIN := $(VENV)/bin
# Two passive OpenMP threads: the setting the peer timings were taken with,
# and much faster than spinning threads when another process is busy.
RUN_ENV := OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE

.PHONY: install browser test test-slow demo serve clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_SPEC)
	$(if $(CUPY_SPEC),$(BIN)/python -m pip install --quiet $(CUPY_SPEC))
	$(BIN)/python -m pip install --quiet -e ".[dev,ray,align]"
	touch $@

# Debian's Chromium for the browser tests (they skip, saying why, without it).
browser:
	sh scripts/install_browser.sh

# -rs prints why any test was skipped (slow, gpu, no browser).
test: install browser
	$(BIN)/ruff check spacy_seq2seq tests scripts benchmarks
	$(RUN_ENV) $(BIN)/python -m pytest -q -rs

test-slow: install browser
	$(RUN_ENV) $(BIN)/python -m pytest -q -rs --slow

demo: install
	$(RUN_ENV) $(BIN)/python -m spacy project run all .

serve: install
	$(RUN_ENV) $(BIN)/python -m spacy_seq2seq serve $(MODEL) --port $(PORT)

clean:
	rm -rf $(VENV) training corpus metrics packages project.lock
