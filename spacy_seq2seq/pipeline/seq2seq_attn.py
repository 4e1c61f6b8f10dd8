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

from ..errors import Errors, Warnings, check_choice
from ..forking import install_fork_guard
from ..models import DecodeBatch, SearchSettings, TrainBatch, is_initialized
from ..models.architectures import get_torch_module
from ..models.loss import teacher_forced_loss
from ..models.quantization import QUANTIZE_OPTIONS, forget_int8_copy
from ..models.serialization import (
    WeightsFormatError,
    WeightsMismatchError,
    load_module_bytes,
    module_to_bytes,
)
from ..alignment import ALIGNMENT_METHODS
from ..vocab import BOS_ID, EOS_ID, PAD_ID, PieceVocab
from .extensions import extension_names, install_extensions
from .forced import forced_predictions
from .predictions import (
    AlignmentSettings,
    Seq2SeqPrediction,
    TargetWords,
    encode_source,
    to_prediction,
)
from .targets import Target, forced_target, guide_matrix
from .scoring import score_outputs
from .segments import encode_parts, stitch

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

# How to apply the model, not what it learned: loading keeps the receiving
# component's values (from its config), so they can be overridden at load time.
DECODING_SETTINGS = frozenset({
    "beam_size", "n_best", "length_alpha", "min_output_length", "min_output_ratio",
    "max_output_length", "max_output_ratio", "no_repeat_ngram_size",
    "max_src_length", "max_batch_items", "quantize", "store_attention",
    "alignment_method", "alignment_threshold",
})

# W004 (outputs at the length limit) is said at most this often per call.
MAX_CUT_WARNINGS = 3

WEIGHTS_FILE = "model.safetensors"
SRC_PIECES_FILE = "src_pieces.model"
TGT_PIECES_FILE = "tgt_pieces.model"


@Language.factory(
    "seq2seq_attn",
    assigns=[f"doc._.{name}" for name in extension_names("translation").values()],
    default_config={
        "model": DEFAULT_MODEL,
        "field": "translation",
        "tgt_lang": "en",
        "src_vocab_size": 8000,
        "tgt_vocab_size": 8000,
        "joint_vocab": False,
        "character_coverage": 1.0,
        "label_smoothing": 0.1,
        "guided_alignment_weight": 0.0,
        "beam_size": 5,
        "n_best": 1,
        "length_alpha": 0.6,
        "min_output_length": 1,
        "min_output_ratio": 0.0,
        "max_output_length": 128,
        "max_output_ratio": 2.0,
        "no_repeat_ngram_size": 0,
        "max_src_length": 128,
        "max_batch_items": 4096,
        "quantize": "none",
        "store_attention": True,
        "alignment_method": "argmax",
        "alignment_threshold": 0.5,
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
    guided_alignment_weight: float,
    beam_size: int,
    n_best: int,
    length_alpha: float,
    min_output_length: int,
    min_output_ratio: float,
    max_output_length: int,
    max_output_ratio: float,
    no_repeat_ngram_size: int,
    max_src_length: int,
    max_batch_items: int,
    quantize: str,
    store_attention: bool,
    alignment_method: str,
    alignment_threshold: float,
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
        guided_alignment_weight=guided_alignment_weight,
        beam_size=beam_size,
        n_best=n_best,
        length_alpha=length_alpha,
        min_output_length=min_output_length,
        min_output_ratio=min_output_ratio,
        max_output_length=max_output_length,
        max_output_ratio=max_output_ratio,
        no_repeat_ngram_size=no_repeat_ngram_size,
        max_src_length=max_src_length,
        max_batch_items=max_batch_items,
        quantize=quantize,
        store_attention=store_attention,
        alignment_method=alignment_method,
        alignment_threshold=alignment_threshold,
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
    guided_alignment_weight (float): Weight of the guided-alignment loss,
        which pulls the attention towards gold word links where the training
        data has them (`reference._.{field}_alignment`, e.g. from the
        reader's `alignment_path`); 0 turns it off.
    beam_size (int): Beam width (1 = greedy search).
    n_best (int): Outputs kept per Doc in `doc._.{field}_nbest` (<= beam_size).
    length_alpha (float): GNMT length penalty exponent for ranking outputs
        (0 = plain log-probability; larger favours longer outputs).
    min_output_length (int): Fewest output pieces per Doc.
    min_output_ratio (float): Fewest output pieces per source piece.
    max_output_length (int): Most output pieces per Doc (part).
    max_output_ratio (float): Most output pieces per source piece.
    no_repeat_ngram_size (int): Never output the same n-gram of pieces
        twice (0 = no limit).
    max_src_length (int): Most source pieces decoded at once; longer Docs
        are split by sentence (see `segments.py`) and the outputs stitched.
    max_batch_items (int): Padded source pieces (times beam_size) per
        decoding sub-batch.
    quantize (str): "none", or "int8" to decode on CPU with a dynamically
        quantized copy of the network (faster; weights stay fp32 on disk).
    store_attention (bool): Keep the word-level attention matrices on the Doc.
    alignment_method (str): How attention becomes word links: "argmax",
        "shift", "threshold" or "shift_threshold" (see `alignment.links`).
    alignment_threshold (float): Least attention for a link, for the
        threshold methods.

    Decoding settings (beam_size to alignment_threshold) say how to apply the
    model, not what it learned: loading weights keeps the receiving
    component's values, so they can be changed at load time with
    `spacy.load(path, config={"components": {name: {"beam_size": 1}}})`.
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
        guided_alignment_weight: float = 0.0,
        beam_size: int = 5,
        n_best: int = 1,
        length_alpha: float = 0.6,
        min_output_length: int = 1,
        min_output_ratio: float = 0.0,
        max_output_length: int = 128,
        max_output_ratio: float = 2.0,
        no_repeat_ngram_size: int = 0,
        max_src_length: int = 128,
        max_batch_items: int = 4096,
        quantize: str = "none",
        store_attention: bool = True,
        alignment_method: str = "argmax",
        alignment_threshold: float = 0.5,
    ) -> None:
        if not isinstance(field, str) or not field.isidentifier():
            raise ValueError(Errors.E006.format(field=field, name=name))
        try:
            util.get_lang_class(tgt_lang)
        except Exception as error:  # spaCy raises ImportError for unknown codes
            raise ValueError(Errors.E007.format(name=name, lang=tgt_lang, error=error)) from None
        _check_range("label_smoothing", label_smoothing, 0.0, 1.0, "in [0, 1)")
        _check_range("character_coverage", character_coverage, 0.5, 1.0 + 1e-9, "in [0.5, 1]")
        if not isinstance(guided_alignment_weight, (int, float)) or guided_alignment_weight < 0:
            raise ValueError(Errors.E013.format(
                setting="guided_alignment_weight", constraint="a number >= 0", value=guided_alignment_weight,
            ))
        _check_decoding(
            beam_size=beam_size, n_best=n_best, length_alpha=length_alpha,
            min_output_length=min_output_length, min_output_ratio=min_output_ratio,
            max_output_length=max_output_length, max_output_ratio=max_output_ratio,
            no_repeat_ngram_size=no_repeat_ngram_size, max_src_length=max_src_length,
            max_batch_items=max_batch_items,
        )
        check_choice("quantize", quantize, QUANTIZE_OPTIONS)
        check_choice("alignment_method", alignment_method, ALIGNMENT_METHODS)
        _check_range("alignment_threshold", alignment_threshold, 0.0, 1.0 + 1e-9, "in [0, 1]")
        for setting, value in (("src_vocab_size", src_vocab_size), ("tgt_vocab_size", tgt_vocab_size)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(Errors.E013.format(setting=setting, constraint="a positive integer", value=value))
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
            "guided_alignment_weight": guided_alignment_weight,
            "beam_size": beam_size,
            "n_best": n_best,
            "length_alpha": length_alpha,
            "min_output_length": min_output_length,
            "min_output_ratio": min_output_ratio,
            "max_output_length": max_output_length,
            "max_output_ratio": max_output_ratio,
            "no_repeat_ngram_size": no_repeat_ngram_size,
            "max_src_length": max_src_length,
            "max_batch_items": max_batch_items,
            "quantize": quantize,
            "store_attention": store_attention,
            "alignment_method": alignment_method,
            "alignment_threshold": alignment_threshold,
        }
        self._cut_warnings_left = MAX_CUT_WARNINGS
        self.src_pieces: Optional[PieceVocab] = None
        self.tgt_pieces: Optional[PieceVocab] = None
        self._target_words = TargetWords(tgt_lang)
        install_extensions(field, tgt_lang)
        install_fork_guard()  # nlp.pipe(n_process=N) forks; see forking.py

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
        install_extensions(self.field, self.cfg["tgt_lang"])  # worker processes start without them
        self._cut_warnings_left = MAX_CUT_WARNINGS
        return super().__call__(doc)

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        install_extensions(self.field, self.cfg["tgt_lang"])
        # A weak model (early in training) can hit the length limit in every
        # batch of an evaluation: a few warnings per pass say enough.
        self._cut_warnings_left = MAX_CUT_WARNINGS
        return super().pipe(stream, batch_size=batch_size)

    def predict(self, docs: Iterable[Doc]) -> List[Seq2SeqPrediction]:
        """Decode a batch of Docs. Does not modify them.

        Docs longer than `max_src_length` pieces are decoded in parts (by
        sentence) and stitched; all parts of all Docs share one decoding run.

        docs (Iterable[Doc]): The documents.
        RETURNS (List[Seq2SeqPrediction]): One prediction per Doc.
        """
        docs = list(docs)
        store_attention = self.cfg["store_attention"]
        predictions = [Seq2SeqPrediction.empty(store_attention) for _ in docs]
        if not docs:
            return predictions
        self._require_initialized()
        assert self.src_pieces is not None and self.tgt_pieces is not None
        parts = [encode_parts(doc, self.src_pieces, self.cfg["max_src_length"]) for doc in docs]
        flat = [(i, part) for i, doc_parts in enumerate(parts) for part in doc_parts]
        if not flat:
            return predictions
        decoded = self.model.predict(
            DecodeBatch(
                src=[part.ids for _, part in flat],
                search=self._search_settings(),
                max_batch_items=self.cfg["max_batch_items"],
            )
        )
        self._warn_if_cut(docs, flat, decoded)
        by_doc: List[List[Seq2SeqPrediction]] = [[] for _ in docs]
        for (i, part), outputs in zip(flat, decoded):
            by_doc[i].append(to_prediction(
                docs[i], part, outputs, tgt_pieces=self.tgt_pieces,
                target_words=self._target_words, store_attention=store_attention,
                alignment=self._alignment_settings(),
            ))
        for i, doc_predictions in enumerate(by_doc):
            if doc_predictions:
                predictions[i] = stitch(doc_predictions, store_attention)
        return predictions

    def _warn_if_cut(self, docs: List[Doc], flat: List[Tuple[int, Any]], decoded: List[Any]) -> None:
        """Say which outputs hit the output length limit (never cut silently)."""
        cut = [(i, part) for (i, part), outputs in zip(flat, decoded) if outputs[0].at_length_limit]
        if not cut or self._cut_warnings_left <= 0:
            return
        self._cut_warnings_left -= 1
        where = "; ".join(
            f"doc {i} (tokens {min(o for o in part.owners if o >= 0)}-"
            f"{max(part.owners) + 1}: {docs[i].text[:30]!r})"
            for i, part in cut[:5]
        ) + (f"; and {len(cut) - 5} more" if len(cut) > 5 else "")
        last = "" if self._cut_warnings_left else (
            f" (W004 said {MAX_CUT_WARNINGS} times in this call: later batches are not reported.)"
        )
        warnings.warn(Warnings.W004.format(
            name=self.name, n_cut=len(cut), n_total=len(flat), where=where,
            max_length=self.cfg["max_output_length"], ratio=self.cfg["max_output_ratio"],
        ) + last)

    def _search_settings(self) -> SearchSettings:
        cfg = self.cfg
        return SearchSettings(
            beam_size=cfg["beam_size"], n_best=cfg["n_best"], length_alpha=cfg["length_alpha"],
            min_length=cfg["min_output_length"], min_length_ratio=cfg["min_output_ratio"],
            max_length=cfg["max_output_length"], max_length_ratio=cfg["max_output_ratio"],
            no_repeat_ngram_size=cfg["no_repeat_ngram_size"], quantize=cfg["quantize"],
        )

    def _alignment_settings(
        self, method: Optional[str] = None, threshold: Optional[float] = None
    ) -> AlignmentSettings:
        method = self.cfg["alignment_method"] if method is None else method
        threshold = self.cfg["alignment_threshold"] if threshold is None else threshold
        check_choice("alignment_method", method, ALIGNMENT_METHODS)
        _check_range("alignment_threshold", threshold, 0.0, 1.0 + 1e-9, "in [0, 1]")
        return AlignmentSettings(method=method, threshold=threshold)

    def align(
        self,
        docs: Iterable[Doc],
        targets: Iterable[Target],
        *,
        method: Optional[str] = None,
        threshold: Optional[float] = None,
    ) -> List[Doc]:
        """Forced alignment: write the extensions for GIVEN outputs, no decoding.

        Each Doc gets its target as `doc._.{field}` and `{field}_tokens`,
        the word links and attention the model has over it, and in
        `{field}_nbest` its score (log-probability, length-penalised as in
        search). Docs are not split by `max_src_length` here.

        docs (Iterable[Doc]): Source Docs (tokenised as you want them
            indexed: `Doc(vocab, words=...)` keeps pre-tokenised input).
        targets (Iterable[Union[str, List[str], Doc]]): One per Doc: a text
            (split into words by the `tgt_lang` tokenizer), a list of words
            (kept exactly), or a Doc (its non-space tokens).
        method (Optional[str]): Overrides `alignment_method`.
        threshold (Optional[float]): Overrides `alignment_threshold`.
        RETURNS (List[Doc]): The Docs, annotated.
        """
        docs, targets = list(docs), list(targets)
        if len(docs) != len(targets):
            raise ValueError(Errors.E014.format(name=self.name, n_docs=len(docs), n_targets=len(targets)))
        install_extensions(self.field, self.cfg["tgt_lang"])
        if not docs:
            return docs
        self._require_initialized()
        assert self.src_pieces is not None and self.tgt_pieces is not None
        predictions = forced_predictions(
            self.model, docs, targets, src_pieces=self.src_pieces, tgt_pieces=self.tgt_pieces,
            target_words=self._target_words, alignment=self._alignment_settings(method, threshold),
            store_attention=self.cfg["store_attention"], length_alpha=self.cfg["length_alpha"],
            max_batch_items=self.cfg["max_batch_items"],
        )
        self.set_annotations(docs, predictions)
        return docs

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
            candidates = prediction.candidates
            doc._.set(names["nbest"], [(c.text, c.score) for c in candidates])
            doc._.set(names["nbest_tokens"], [c.tokens for c in candidates])
            doc._.set(names["nbest_alignment"], [c.alignment for c in candidates])
            doc._.set(
                names["nbest_attention"],
                [c.attention for c in candidates] if self.cfg["store_attention"] else None,
            )

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
        loss, _, gradient = teacher_forced_loss(
            output, label_smoothing=self.cfg["label_smoothing"],
            guided_alignment_weight=self.cfg.get("guided_alignment_weight", 0.0),
        )
        if numpy.isnan(loss):
            raise ValueError(Errors.E004.format(name=self.name))
        return loss, gradient

    def _gold_target(self, example: Example, index: int) -> str:
        value = example.reference._.get(self.field) if example.reference.has_extension(self.field) else None
        if not isinstance(value, str):
            raise ValueError(Errors.E002.format(name=self.name, index=index, field=self.field, value=value))
        return value

    def _make_train_batch(self, examples: List[Example]) -> TrainBatch:
        assert self.src_pieces is not None and self.tgt_pieces is not None
        guided = self.cfg.get("guided_alignment_weight", 0.0) > 0
        alignment_name = self.extension_names["alignment"]
        sources, targets, guides = [], [], []
        for index, example in enumerate(examples):
            target = self._gold_target(example, index)
            source = encode_source(example.x, self.src_pieces)
            if source is None:
                continue
            links = example.reference._.get(alignment_name) if guided else None
            if links is None:
                target_ids = numpy.asarray(self.tgt_pieces.encode_text(target), dtype=numpy.int64)
                guides.append(None)
            else:
                # Gold links index whitespace words: encode the target word by word.
                given = forced_target(target.split(), self.tgt_pieces, self._target_words)
                target_ids = given.ids
                guides.append(guide_matrix(links, source.owners, given.pieces_per_word, len(target_ids)))
            sources.append(source.ids)
            targets.append(target_ids)
        n_skipped = len(examples) - len(sources)
        if n_skipped:
            warnings.warn(Warnings.W001.format(name=self.name, n_skipped=n_skipped, n_total=len(examples)))
        return TrainBatch(src=sources, tgt=targets, guide=guides if any(g is not None for g in guides) else None)

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
        forget_int8_copy(self.model.shims[0])
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
            saved = srsly.json_loads(parts["cfg"])
            self.cfg.update({key: value for key, value in saved.items() if key not in DECODING_SETTINGS})
            install_extensions(self.field, self.cfg["tgt_lang"])
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


def _check_decoding(**settings: Any) -> None:
    """Validate the decoding settings, each with a coded error naming it."""
    for setting in ("beam_size", "n_best", "max_output_length", "max_batch_items"):
        value = settings[setting]
        if not isinstance(value, int) or value < 1:
            raise ValueError(Errors.E013.format(setting=setting, constraint="a positive integer", value=value))
    for setting in ("min_output_length", "no_repeat_ngram_size"):
        value = settings[setting]
        if not isinstance(value, int) or value < 0:
            raise ValueError(Errors.E013.format(setting=setting, constraint="an integer >= 0", value=value))
    if not isinstance(settings["max_src_length"], int) or settings["max_src_length"] < 2:
        raise ValueError(Errors.E013.format(
            setting="max_src_length", constraint="an integer >= 2 (one piece plus EOS)",
            value=settings["max_src_length"],
        ))
    if settings["n_best"] > settings["beam_size"]:
        raise ValueError(Errors.E013.format(
            setting="n_best", constraint=f"at most beam_size ({settings['beam_size']})",
            value=settings["n_best"],
        ))
    for setting in ("length_alpha", "min_output_ratio"):
        if settings[setting] < 0:
            raise ValueError(Errors.E013.format(setting=setting, constraint=">= 0", value=settings[setting]))
    if settings["max_output_ratio"] <= 0:
        raise ValueError(Errors.E013.format(
            setting="max_output_ratio", constraint="> 0", value=settings["max_output_ratio"]
        ))
    if settings["min_output_length"] > settings["max_output_length"]:
        raise ValueError(Errors.E013.format(
            setting="min_output_length",
            constraint=f"at most max_output_length ({settings['max_output_length']})",
            value=settings["min_output_length"],
        ))


def _check_range(setting: str, value: float, low: float, high: float, constraint: str) -> None:
    if not low <= value < high:
        raise ValueError(Errors.E013.format(setting=setting, constraint=constraint, value=value))
