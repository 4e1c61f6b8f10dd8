"""The training pieces of an initialised pipeline's config, built as `spacy
train` builds them: the config's optimizer and its stream of training
batches (the corpus through the batcher, epochs as `max_epochs` says).

Benchmarks that drive `nlp.update` themselves import it as
`benchmarks.spacy_training` (they run as `python -m benchmarks.<name>`).
"""

from typing import Iterator, List, Tuple

from spacy.language import Language
from spacy.training import Example
from spacy.training.loop import create_train_batches
from spacy.util import registry, resolve_dot_names
from thinc.api import Optimizer


def optimizer_and_batches(nlp: Language) -> Tuple[Optimizer, Iterator[Tuple[int, List[Example]]]]:
    """The config's optimizer and its (epoch, batch) stream of training batches."""
    config = nlp.config.interpolate()
    training = registry.resolve(config["training"])
    (train_corpus,) = resolve_dot_names(config, ["corpora.train"])
    batches = create_train_batches(nlp, train_corpus, training["batcher"], training["max_epochs"])
    return training["optimizer"], batches
