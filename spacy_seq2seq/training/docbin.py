"""Writing a parallel corpus to a `.spacy` file (DocBin), for those who
prefer spaCy's own `spacy.Corpus.v1` reader at training time."""

from pathlib import Path
from typing import Union

from spacy.language import Language
from spacy.tokens import DocBin

from .corpus_stats import CorpusStats
from .readers import ParallelCorpus


def convert_to_docbin(
    reader: ParallelCorpus, nlp: Language, output_path: Union[str, Path]
) -> CorpusStats:
    """Write the reference Docs of a parallel corpus to a `.spacy` file.

    The target text travels in the Docs' user data (`reference._.{field}`), so
    `spacy.Corpus.v1` can read the file back for training. The DocBin is built
    in memory, as DocBin requires; for very large corpora, stream with the
    reader instead.

    reader (ParallelCorpus): The configured reader, e.g.
        `ParallelCorpus("train.tsv", max_length=50)`.
    nlp (Language): The pipeline whose tokenizer makes the Docs.
    output_path (Union[str, Path]): The `.spacy` file to write.
    RETURNS (CorpusStats): The reader's counts for the pass that was written.
    """
    doc_bin = DocBin(store_user_data=True)
    for example in reader(nlp):
        doc_bin.add(example.reference)
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    doc_bin.to_disk(output_path)
    assert reader.stats is not None
    return reader.stats
