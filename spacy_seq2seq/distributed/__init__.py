"""Corpus-scale decoding on Ray Data: translate, summarise or force-align
millions of records across the cores of one machine or the nodes of a
cluster, each record exactly once, resumable. See docs/distributed.md.

- `translate_corpus(model, input, output_dir, ...)`: files in, a folder of
  shards and `_SUMMARY.json` out (the `translate-corpus` command).
- `decode_dataset(dataset, model, ...)`: a `ray.data.Dataset` in, a Dataset
  of records out.

Modules, one idea each: formats (records -> texts or skip reasons), inputs
(finding and indexing files), partitions (the deterministic shards),
reading, records (decoding texts into records), worker (the actor classes),
shards (atomic output, reports, manifest), cluster (connecting to Ray),
progress, job (`translate_corpus`), dataset (`decode_dataset`).

Ray is an optional extra (`pip install "spacy-seq2seq[ray]"`): importing
this package does not import it.
"""

from .dataset import decode_dataset
from .job import translate_corpus

__all__ = ["translate_corpus", "decode_dataset"]
