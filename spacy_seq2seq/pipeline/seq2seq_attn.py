"""The `seq2seq_attn` component: a trainable RNN attention encoder-decoder.

It reads each Doc's tokens, writes an output text with its target words, a
word alignment and a word-level attention matrix to `doc._.<field>*`
(see `extensions.py`), and learns from `example.reference._.<field>`.

Anatomy, as in spaCy's own pipes: `predict` is pure and returns finished
per-doc predictions; `set_annotations` only writes them. `update` runs a
teacher-forced pass, `get_loss` turns its logits into a label-smoothed
cross-entropy *inside torch* (the full logits never go through numpy: on CPU
that costs more than the loss itself), and the backprop call differentiates
that loss through the wrapped network.

Dropout lives in the model config (`dropout_prob`); spaCy's `[training]
dropout` does not reach the torch network.
"""

import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import numpy
import srsly
from spacy import util
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example, validate_examples, validate_get_examples
from spacy.vocab import Vocab
from thinc.api import Config, Optimizer

from ..errors import Errors, Warnings
from ..models import DecodeBatch, TrainBatch, is_initialized
from ..models.architectures import get_torch_module
from ..models.loss import teacher_forced_loss
from ..models.serialization import (
    WeightsFormatError,
    WeightsMismatchError,
    load_module_bytes,
    module_to_bytes,
)
from ..vocab import BOS_ID, EOS_ID, PAD_ID, PieceVocab
from .extensions import extension_names, install_extensions
from .predictions import (
    Seq2SeqPrediction,
    TargetWords,
    encode_source,
    to_prediction,
)
from .scoring import score_outputs

DEFAULT_MODEL_CONFIG = """
[model]
@architectures = "spacy-seq2seq.RNNAttnSeq2Seq.v1"
cell = "gru"
bidirectional = true
n_layers = 1
embed_width = 256
hidden_width = 512
attention = "additive"
input_feeding = true
dropout_prob = 0.3
tie_embeddings = false
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]

WEIGHTS_FILE = "model.safetensors"
SRC_PIECES_FILE = "src_pieces.model"
TGT_PIECES_FILE = "tgt_pieces.model"


@Language.factory(
    "seq2seq_attn",
    assigns=[
        "doc._.translation",
        "doc._.translation_tokens",
        "doc._.translation_alignment",
        "doc._.translation_attention",
    ],
    default_config={
        "model": DEFAULT_MODEL,
        "field": "translation",
        "tgt_lang": "en",
        "src_vocab_size": 8000,
        "tgt_vocab_size": 8000,
        "joint_vocab": False,
        "character_coverage": 1.0,
        "label_smoothing": 0.1,
        "max_output_length": 128,
        "max_output_ratio": 2.0,
        "max_batch_items": 4096,
        "store_attention": True,
    },
    # Keep the best model by BLEU; chrF is reported alongside.
    default_score_weights={"translation_bleu": 1.0, "translation_chrf": 0.0},
)
def make_seq2seq_attn(
    nlp: Language,
    name: str,
    model: Any,
    field: str,
    tgt_lang: str,
    src_vocab_size: int,
    tgt_vocab_size: int,
    joint_vocab: bool,
    character_coverage: float,
    label_smoothing: float,
    max_output_length: int,
    max_output_ratio: float,
    max_batch_items: int,
    store_attention: bool,
) -> "Seq2SeqAttn":
    """Create a `seq2seq_attn` component. Settings are documented on `Seq2SeqAttn`."""
    return Seq2SeqAttn(
        nlp.vocab,
        model,
        name=name,
        field=field,
        tgt_lang=tgt_lang,
        src_vocab_size=src_vocab_size,
        tgt_vocab_size=tgt_vocab_size,
        joint_vocab=joint_vocab,
        character_coverage=character_coverage,
        label_smoothing=label_smoothing,
        max_output_length=max_output_length,
        max_output_ratio=max_output_ratio,
        max_batch_items=max_batch_items,
        store_attention=store_attention,
    )


class Seq2SeqAttn(TrainablePipe):
    """Turn Docs into translations, summaries or replies, with attention.

    vocab (Vocab): The shared spaCy vocabulary.
    model (Model): A `spacy-seq2seq.RNNAttnSeq2Seq.v1` model.
    name (str): Component name in the pipeline.
    field (str): Names the Doc extensions: `doc._.{field}`, `{field}_tokens`,
        `{field}_alignment`, `{field}_attention`; the gold output is read from
        `example.reference._.{field}`.
    tgt_lang (str): Language code of the output; target words come from
        `spacy.blank(tgt_lang)`'s tokenizer.
    src_vocab_size (int): Source SentencePiece vocabulary size (a soft limit:
        small corpora get fewer pieces).
    tgt_vocab_size (int): Target SentencePiece vocabulary size.
    joint_vocab (bool): One SentencePiece model for both sides (both sizes
        must then be equal).
    character_coverage (float): SentencePiece character coverage.
    label_smoothing (float): Label smoothing of the training loss.
    max_output_length (int): Most output pieces per Doc.
    max_output_ratio (float): Most output pieces per source piece.
    max_batch_items (int): Padded source pieces per decoding sub-batch.
    store_attention (bool): Keep the word-level attention matrix on the Doc.
    """

    def __init__(
        self,
        vocab: Vocab,
        model: Any,
        name: str = "seq2seq_attn",
        *,
        field: str = "translation",
        tgt_lang: str = "en",
        src_vocab_size: int = 8000,
        tgt_vocab_size: int = 8000,
        joint_vocab: bool = False,
        character_coverage: float = 1.0,
        label_smoothing: float = 0.1,
        max_output_length: int = 128,
        max_output_ratio: float = 2.0,
        max_batch_items: int = 4096,
        store_attention: bool = True,
    ) -> None:
        if not isinstance(field, str) or not field.isidentifier():
            raise ValueError(Errors.E006.format(field=field, name=name))
        try:
            util.get_lang_class(tgt_lang)
        except Exception as error:  # spaCy raises ImportError for unknown codes
            raise ValueError(Errors.E007.format(name=name, lang=tgt_lang, error=error)) from None
        _check_range("label_smoothing", label_smoothing, 0.0, 1.0, "in [0, 1)")
        _check_range("character_coverage", character_coverage, 0.5, 1.0 + 1e-9, "in [0.5, 1]")
        for setting, value in (
            ("src_vocab_size", src_vocab_size), ("tgt_vocab_size", tgt_vocab_size),
            ("max_output_length", max_output_length), ("max_batch_items", max_batch_items),
        ):
            if not isinstance(value, int) or value < 1:
                raise ValueError(Errors.E013.format(setting=setting, constraint="a positive integer", value=value))
        if max_output_ratio <= 0:
            raise ValueError(Errors.E013.format(setting="max_output_ratio", constraint="> 0", value=max_output_ratio))
        if joint_vocab and src_vocab_size != tgt_vocab_size:
            raise ValueError(Errors.E013.format(
                setting="With joint_vocab = true, src_vocab_size and tgt_vocab_size",
                constraint="equal (one vocabulary serves both sides)",
                value=(src_vocab_size, tgt_vocab_size),
            ))
        self.vocab = vocab
        self.model = model
        self.name = name
        self.cfg: Dict[str, Any] = {
            "field": field,
            "tgt_lang": tgt_lang,
            "src_vocab_size": src_vocab_size,
            "tgt_vocab_size": tgt_vocab_size,
            "joint_vocab": joint_vocab,
            "character_coverage": character_coverage,
            "label_smoothing": label_smoothing,
            "max_output_length": max_output_length,
            "max_output_ratio": max_output_ratio,
            "max_batch_items": max_batch_items,
            "store_attention": store_attention,
        }
        self.src_pieces: Optional[PieceVocab] = None
        self.tgt_pieces: Optional[PieceVocab] = None
        self._target_words = TargetWords(tgt_lang)
        install_extensions(field)

    # -- settings ---------------------------------------------------------

    @property
    def field(self) -> str:
        return self.cfg["field"]

    @property
    def extension_names(self) -> Dict[str, str]:
        """The Doc extension names this component writes, keyed by role."""
        return extension_names(self.field)

    @property
    def is_initialized(self) -> bool:
        return self.src_pieces is not None and is_initialized(self.model)

    def _require_initialized(self) -> None:
        if not self.is_initialized:
            raise ValueError(Errors.E005.format(name=self.name))

    # -- applying ---------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        install_extensions(self.field)  # worker processes start without them
        return super().__call__(doc)

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        install_extensions(self.field)
        return super().pipe(stream, batch_size=batch_size)

    def predict(self, docs: Iterable[Doc]) -> List[Seq2SeqPrediction]:
        """Decode a batch of Docs. Does not modify them.

        docs (Iterable[Doc]): The documents.
        RETURNS (List[Seq2SeqPrediction]): One prediction per Doc.
        """
        docs = list(docs)
        predictions = [Seq2SeqPrediction.empty(self.cfg["store_attention"]) for _ in docs]
        if not docs:
            return predictions
        self._require_initialized()
        sources = [encode_source(doc, self.src_pieces) for doc in docs]  # type: ignore[arg-type]
        todo = [i for i, source in enumerate(sources) if source is not None]
        if not todo:
            return predictions
        decoded = self.model.predict(
            DecodeBatch(
                src=[sources[i].ids for i in todo],  # type: ignore[union-attr]
                max_length=self.cfg["max_output_length"],
                max_length_ratio=self.cfg["max_output_ratio"],
                max_batch_items=self.cfg["max_batch_items"],
            )
        )
        for i, output in zip(todo, decoded):
            predictions[i] = to_prediction(
                docs[i], sources[i], output,  # type: ignore[arg-type]
                tgt_pieces=self.tgt_pieces,  # type: ignore[arg-type]
                target_words=self._target_words,
                store_attention=self.cfg["store_attention"],
            )
        return predictions

    def set_annotations(self, docs: Iterable[Doc], predictions: List[Seq2SeqPrediction]) -> None:
        """Write predictions to the Doc extensions.

        docs (Iterable[Doc]): The documents, in `predict` order.
        predictions (List[Seq2SeqPrediction]): From `predict`.
        """
        names = self.extension_names
        for doc, prediction in zip(docs, predictions):
            doc._.set(names["text"], prediction.text)
            doc._.set(names["tokens"], prediction.tokens)
            doc._.set(names["alignment"], prediction.alignment)
            doc._.set(names["attention"], prediction.attention)

    def score(self, examples: Iterable[Example], **kwargs: Any) -> Dict[str, float]:
        """Corpus BLEU and chrF of the predicted outputs (sacreBLEU, cased).

        examples (Iterable[Example]): Examples whose predicted Docs went
            through the pipeline.
        RETURNS (Dict[str, float]): `{field}_bleu` and `{field}_chrf`, in [0, 1].
        """
        examples = list(examples)
        validate_examples(examples, "Seq2SeqAttn.score")
        return score_outputs(examples, self.field)

    # -- training ---------------------------------------------------------

    def update(
        self,
        examples: Iterable[Example],
        *,
        drop: float = 0.0,
        sgd: Optional[Optimizer] = None,
        losses: Optional[Dict[str, float]] = None,
    ) -> Dict[str, float]:
        """Learn from a batch of examples (teacher forcing).

        examples (Iterable[Example]): Source Docs with gold outputs in
            `example.reference._.{field}`.
        drop (float): Ignored: dropout is the model's `dropout_prob`.
        sgd (Optional[Optimizer]): The optimizer; without it the gradients
            are only accumulated.
        losses (Optional[Dict[str, float]]): Running losses, updated in place.
        RETURNS (Dict[str, float]): The updated losses.
        """
        if losses is None:
            losses = {}
        examples = list(examples)
        validate_examples(examples, "Seq2SeqAttn.update")
        losses.setdefault(self.name, 0.0)
        self._require_initialized()
        batch = self._make_train_batch(examples)
        if not batch.src:
            return losses
        output, backprop = self.model.begin_update(batch)
        loss, gradient = self.get_loss(examples, output)
        backprop(gradient)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def get_loss(self, examples: Iterable[Example], output: Any) -> Tuple[float, Any]:
        """Mean label-smoothed cross-entropy per target piece.

        examples (Iterable[Example]): The batch (targets are already inside
            `output`, encoded by `update`).
        output (TeacherForced): The model's teacher-forced output.
        RETURNS (Tuple[float, LossGradient]): The loss and what backprop takes.
        """
        loss, _, gradient = teacher_forced_loss(output, label_smoothing=self.cfg["label_smoothing"])
        if numpy.isnan(loss):
            raise ValueError(Errors.E004.format(name=self.name))
        return loss, gradient

    def _gold_target(self, example: Example, index: int) -> str:
        value = example.reference._.get(self.field) if example.reference.has_extension(self.field) else None
        if not isinstance(value, str):
            raise ValueError(Errors.E002.format(name=self.name, index=index, field=self.field, value=value))
        return value

    def _make_train_batch(self, examples: List[Example]) -> TrainBatch:
        assert self.tgt_pieces is not None
        sources, targets = [], []
        for index, example in enumerate(examples):
            target = self._gold_target(example, index)
            source = encode_source(example.x, self.src_pieces)
            if source is None:
                continue
            sources.append(source.ids)
            targets.append(numpy.asarray(self.tgt_pieces.encode_text(target), dtype=numpy.int64))
        n_skipped = len(examples) - len(sources)
        if n_skipped:
            warnings.warn(Warnings.W001.format(name=self.name, n_skipped=n_skipped, n_total=len(examples)))
        return TrainBatch(src=sources, tgt=targets)

    def initialize(
        self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None
    ) -> None:
        """Learn the vocabularies from the examples and build the network.

        get_examples (Callable[[], Iterable[Example]]): Returns the training
            examples (all are read once for the vocabularies).
        nlp (Optional[Language]): The pipeline (unused).
        """
        validate_get_examples(get_examples, "Seq2SeqAttn.initialize")
        src_texts: List[str] = []
        tgt_texts: List[str] = []
        n_examples = 0
        for index, example in enumerate(get_examples()):
            if not isinstance(example, Example):
                raise TypeError(Errors.E011.format(name=self.name, type=type(example).__name__))
            n_examples += 1
            target = self._gold_target(example, index)
            source = " ".join(token.text for token in example.x if not token.is_space)
            if source:
                src_texts.append(source)
            if target.strip():
                tgt_texts.append(target)
        if n_examples == 0:
            raise ValueError(Errors.E001.format(name=self.name))
        if not src_texts:
            raise ValueError(Errors.E012.format(name=self.name, n_examples=n_examples))
        self._train_vocabs(src_texts, tgt_texts)
        self._build_network()

    def _train_vocabs(self, src_texts: List[str], tgt_texts: List[str]) -> None:
        coverage = self.cfg["character_coverage"]
        if self.cfg["joint_vocab"]:
            joint = PieceVocab.train(
                src_texts + tgt_texts, vocab_size=self.cfg["src_vocab_size"],
                character_coverage=coverage,
            )
            self.src_pieces = self.tgt_pieces = joint
            return
        self.src_pieces = PieceVocab.train(
            src_texts, vocab_size=self.cfg["src_vocab_size"], character_coverage=coverage
        )
        # An all-empty target side still needs a vocabulary for EOS.
        self.tgt_pieces = PieceVocab.train(
            tgt_texts or src_texts, vocab_size=self.cfg["tgt_vocab_size"],
            character_coverage=coverage,
        )

    def _build_network(self) -> None:
        assert self.src_pieces is not None and self.tgt_pieces is not None
        self.model.set_dim("src_vocab_size", len(self.src_pieces), force=True)
        self.model.set_dim("tgt_vocab_size", len(self.tgt_pieces), force=True)
        self.model.attrs["special_ids"] = {"pad_id": PAD_ID, "bos_id": BOS_ID, "eos_id": EOS_ID}
        self.model.initialize()

    # -- serialization ----------------------------------------------------

    def _weights_to_bytes(self) -> bytes:
        return module_to_bytes(get_torch_module(self.model))

    def _load_weights(self, data: bytes) -> None:
        try:
            load_module_bytes(get_torch_module(self.model), data)
        except WeightsFormatError as error:
            raise ValueError(Errors.E008.format(name=self.name, error=error)) from None
        except WeightsMismatchError as error:
            raise ValueError(Errors.E010.format(name=self.name, error=error)) from None

    def _state_dict_parts(self) -> Dict[str, Callable[[], bytes]]:
        parts: Dict[str, Callable[[], bytes]] = {
            "cfg": lambda: srsly.json_dumps(self.cfg).encode("utf8"),
        }
        if self.is_initialized:
            assert self.src_pieces is not None and self.tgt_pieces is not None
            parts[SRC_PIECES_FILE] = self.src_pieces.to_bytes
            parts[TGT_PIECES_FILE] = self.tgt_pieces.to_bytes
            parts[WEIGHTS_FILE] = self._weights_to_bytes
        return parts

    def _restore(self, parts: Dict[str, bytes]) -> None:
        """Rebuild vocabularies and network from saved parts, then load weights."""
        if "cfg" in parts:
            self.cfg.update(srsly.json_loads(parts["cfg"]))
            install_extensions(self.field)
            self._target_words = TargetWords(self.cfg["tgt_lang"])
        if WEIGHTS_FILE not in parts:
            return  # saved before initialize(): nothing learned yet
        self.src_pieces = PieceVocab.from_bytes(parts[SRC_PIECES_FILE])
        self.tgt_pieces = (
            self.src_pieces if self.cfg["joint_vocab"]
            else PieceVocab.from_bytes(parts[TGT_PIECES_FILE])
        )
        self._build_network()
        self._load_weights(parts[WEIGHTS_FILE])

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        """Serialize the component: config, vocabularies and weights."""
        serializers: Dict[str, Callable[[], bytes]] = dict(self._state_dict_parts())
        serializers["vocab"] = lambda: self.vocab.to_bytes(exclude=exclude)
        return util.to_bytes(serializers, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> "Seq2SeqAttn":
        """Load the component from `to_bytes` output."""
        msg = srsly.msgpack_loads(bytes_data)
        if "vocab" in msg and "vocab" not in exclude:
            self.vocab.from_bytes(msg["vocab"], exclude=exclude)
        self._restore({key: value for key, value in msg.items() if key != "vocab" and key not in exclude})
        return self

    def to_disk(self, path: Path, *, exclude: Iterable[str] = tuple()) -> None:
        """Save the component to a directory (one file per part)."""
        path = util.ensure_path(path)
        serializers: Dict[str, Callable[[Path], Any]] = {
            name: (lambda p, get=get: p.write_bytes(get()))
            for name, get in self._state_dict_parts().items()
        }
        serializers["vocab"] = lambda p: self.vocab.to_disk(p, exclude=exclude)
        util.to_disk(path, serializers, exclude)

    def from_disk(self, path: Path, *, exclude: Iterable[str] = tuple()) -> "Seq2SeqAttn":
        """Load the component from a directory written by `to_disk`."""
        path = util.ensure_path(path)
        if (path / "vocab").exists() and "vocab" not in exclude:
            self.vocab.from_disk(path / "vocab", exclude=exclude)
        parts = {
            name: (path / name).read_bytes()
            for name in ("cfg", SRC_PIECES_FILE, TGT_PIECES_FILE, WEIGHTS_FILE)
            if (path / name).exists() and name not in exclude
        }
        self._restore(parts)
        return self


def _check_range(setting: str, value: float, low: float, high: float, constraint: str) -> None:
    if not low <= value < high:
        raise ValueError(Errors.E013.format(setting=setting, constraint=constraint, value=value))
