"""The first half-minute on a lent GPU (docs/gpu.md): does the GPU path work
at all, before the tests and the benchmark spend the device's minutes?

    python3 -W error scripts/gpu/smoke_check.py

Four checks, each printed as it ends ("ok" or "FAILED" with the error), the
exit status 1 if any failed:

1. versions: torch with CUDA, CuPy, spaCy, thinc, and a rouge-score whose
   RougeScorer takes `tokenizer` (E141 otherwise);
2. round trip: a CUDA tensor handed to CuPy and back through DLPack
   (`models/optimizer.tensor_as_array`, `torch.from_dlpack`) is the same
   memory, and an update in place on one side shows on the other;
3. one Adam step with averages (`apply_optimizer`) on a small network on
   the GPU, updating the parameters in place, and the averages swapped in
   (`averaged_weights`);
4. a greedy and a beam-3 decode on the GPU giving the CPU's pieces.

`-W error` makes any warning a failure (CuPy's deprecated `toDlpack`, say),
except the import-time deprecations that the test configuration ignores
too (pyproject.toml, filterwarnings): they are not this project's.

With SPACY_SEQ2SEQ_GPU_DRY_RUN=1 the "GPU" is the CPU and NumPy stands in
for CuPy: how CI runs this script (tests/scripts/test_gpu_scripts.py),
proving that it runs, not that the GPU path works.
"""

import os
import sys
import time
import traceback
import warnings
from pathlib import Path

for module in ("weasel", "click", "ray"):  # as pyproject.toml's filterwarnings
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=rf"{module}(\.|$)")

import numpy  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from toy_network import build, sources  # noqa: E402  (the device tests' small network)

DRY_RUN = os.environ.get("SPACY_SEQ2SEQ_GPU_DRY_RUN") == "1"
GPU = torch.device("cpu") if DRY_RUN else torch.device("cuda", 0)


def check_versions() -> str:
    import spacy
    import thinc

    from spacy_seq2seq.pipeline.rouge import rouge_scorer_class

    rouge_scorer_class()  # E141 if rouge-score lacks the tokenizer argument
    found = [f"torch {torch.__version__} (CUDA {torch.version.cuda})", f"spacy {spacy.__version__}",
             f"thinc {thinc.__version__}"]
    if not DRY_RUN:
        import cupy

        found += [f"cupy {cupy.__version__}", torch.cuda.get_device_name(GPU)]
    return ", ".join(found)


def array_module(array) -> str:
    return type(array).__module__.split(".")[0]


def address(array) -> int:
    return array.ctypes.data if isinstance(array, numpy.ndarray) else array.data.ptr


def check_round_trip() -> str:
    from spacy_seq2seq.models.optimizer import tensor_as_array

    tensor = torch.arange(6.0, device=GPU).reshape(2, 3)
    array = tensor_as_array(tensor)
    expected_module = "numpy" if DRY_RUN else "cupy"
    assert array_module(array) == expected_module, f"got a {type(array)}, not a {expected_module} array"
    assert address(array) == tensor.data_ptr(), "the array is a copy, not the tensor's memory"
    array += 1
    assert float(tensor.sum()) == 21.0, "an update of the array did not reach the tensor"
    back = torch.from_dlpack(array)
    assert back.data_ptr() == tensor.data_ptr() and back.device == tensor.device, "torch.from_dlpack copied"
    back.mul_(2)
    assert float(array.sum()) == 42.0, "an update of the tensor did not reach the array"
    return f"torch {GPU} <-> {expected_module}: the same memory both ways"


def toy_sources():
    return sources([5, 2, 9, 3, 7])


def check_adam_step() -> str:
    from thinc.api import Adam

    from spacy_seq2seq.models.optimizer import apply_optimizer, averaged_weights

    shim = build().shims[0]
    shim._model.to(GPU)
    network = shim._model
    before = {name: p.detach().clone() for name, p in network.named_parameters()}
    places = {name: p.data_ptr() for name, p in network.named_parameters()}
    src = torch.as_tensor(numpy.stack([s[:3] for s in toy_sources()]), device=GPU)
    tgt = torch.as_tensor(numpy.full((5, 4), 5), device=GPU)
    network(src, torch.full((5,), 3), tgt).logits.logsumexp(-1).sum().backward()
    optimizer = Adam(0.01, use_averages=True)
    apply_optimizer(shim, optimizer)
    changed = sum(not torch.equal(p.detach(), before[name]) for name, p in network.named_parameters())
    assert changed > 5, f"only {changed} parameters changed"
    assert all(bool(torch.isfinite(p).all()) for p in network.parameters()), "non-finite weights"
    assert {name: p.data_ptr() for name, p in network.named_parameters()} == places, "not updated in place"
    average = next(iter(optimizer.averages.values()))
    assert array_module(average) == ("numpy" if DRY_RUN else "cupy"), f"averages are {type(average)}"
    trained = {name: p.detach().clone() for name, p in network.named_parameters()}
    with averaged_weights(shim, optimizer.averages):
        swapped = sum(not torch.equal(p.detach(), trained[name]) for name, p in network.named_parameters())
    assert swapped > 5, "the averages were not swapped in"
    assert all(torch.equal(p.detach(), trained[name]) for name, p in network.named_parameters()), "not restored"
    return f"{changed} parameters updated in place; averages ({array_module(average)}) swapped in and out"


def check_decoding() -> str:
    from spacy_seq2seq.models import DecodeBatch, SearchSettings
    from spacy_seq2seq.models.decoding import decode

    reports = []
    for beam_size in (1, 3):
        search = SearchSettings(beam_size=beam_size, n_best=1, max_output_length=8)
        batch = DecodeBatch(src=toy_sources(), search=search, max_batch_items=4096, quantize="none")
        on_cpu = decode(build().shims[0], batch)
        model = build()
        model.shims[0]._model.to(GPU)
        assert model.shims[0].device.type == GPU.type
        on_gpu = decode(model.shims[0], batch)
        cpu_ids = [hypotheses[0].ids for hypotheses in on_cpu]
        gpu_ids = [hypotheses[0].ids for hypotheses in on_gpu]
        assert gpu_ids == cpu_ids, f"beam {beam_size}: {gpu_ids} on {GPU}, {cpu_ids} on the CPU"
        reports.append(f"{'greedy' if beam_size == 1 else 'beam 3'}: the CPU's pieces")
    return "; ".join(reports)


CHECKS = [("versions", check_versions), ("round trip", check_round_trip),
          ("adam step", check_adam_step), ("decoding", check_decoding)]


def main() -> int:
    print(f"smoke check on {GPU}{' (dry run: the CPU stands in for the GPU)' if DRY_RUN else ''}", flush=True)
    failed = 0
    for name, check in CHECKS:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():  # a warning raised as an error fails this check only
                found = check()
        except Exception:
            failed += 1
            print(f"FAILED {name} ({time.perf_counter() - start:.1f} s):\n{traceback.format_exc()}", flush=True)
        else:
            print(f"ok {name} ({time.perf_counter() - start:.1f} s): {found}", flush=True)
    print(f"{len(CHECKS) - failed} of {len(CHECKS)} checks passed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
