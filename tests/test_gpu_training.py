"""`spacy train --gpu-id 0` runs end to end (evaluation at every
eval_frequency, averaged weights saved), and the pipeline it saves loads and
decodes in a process that cannot see a GPU, as the one that trained it
decodes on the GPU."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from gpu_support import DRY_RUN, thinc_on_gpu

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ["Le chat noir est sur le tapis.", "Je suis fatigué.", "Il fait beau aujourd'hui."]
DECODE = (
    "import json, sys, spacy, torch\n"
    "assert not torch.cuda.is_available()\n"
    "nlp = spacy.load(sys.argv[1])\n"
    "print(json.dumps([[doc._.translation, doc._.translation_alignment] for doc in nlp.pipe(sys.argv[2:])]))\n"
)


@pytest.mark.gpu
def test_spacy_train_on_the_gpu_then_decode_in_a_cpu_only_process(tmp_path):
    gpu_id = "-1" if DRY_RUN else "0"
    trained = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / "tiny.cfg"), "--output", str(tmp_path),
         "--gpu-id", gpu_id, "--training.optimizer.use_averages", "true",
         "--training.max_steps", "40", "--training.eval_frequency", "20"],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
    )
    log = trained.stdout + trained.stderr
    assert trained.returncode == 0, log[-3000:]
    assert DRY_RUN or "Using GPU: 0" in log, log[-3000:]
    meta = json.loads((tmp_path / "model-best" / "meta.json").read_text())
    assert "translation_bleu" in meta["performance"]  # it evaluated

    cpu_only = subprocess.run(
        [sys.executable, "-c", DECODE, str(tmp_path / "model-best"), *SENTENCES],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
    )
    assert cpu_only.returncode == 0, cpu_only.stderr[-3000:]
    on_cpu = json.loads(cpu_only.stdout.strip().splitlines()[-1])
    with thinc_on_gpu():
        nlp = spacy.load(tmp_path / "model-best")
        on_gpu = [[doc._.translation, [list(link) for link in doc._.translation_alignment]] for doc in nlp.pipe(SENTENCES)]
    assert on_cpu == on_gpu
    assert all(text for text, _ in on_cpu)
