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

The factory and its default config are in `factory.py`.

Dropout lives in the model config (`dropout_prob`); spaCy's `[training]
dropout` does not reach the torch network.
"""

import warnings
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Tuple,
)

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example, validate_examples, validate_get_examples
from spacy.vocab import Vocab
from thinc.api import Optimizer

from ..alignment import HEAD_METHODS
from ..errors import Errors, Warnings
from ..forking import install_fork_guard
from ..models import (
    DecodeBatch,
    ForcedBatch,
    SearchSettings,
    TrainBatch,
    get_torch_module,
    is_initialized,
)
from ..models.loss import teacher_forced_loss
from ..models.optimizer import apply_optimizer, averaged_weights
from ..vocab import BOS_ID, EOS_ID, PAD_ID, PieceVocab
from .device import check_quantize_device, check_usable_device
from .extensions import extension_names, install_extensions
from .forced import forced_predictions
from .predictions import (
    AlignmentSettings,
    EncodedSource,
    Seq2SeqPrediction,
    TargetWords,
    source_text,
    to_prediction,
)
from .saved_parts import DECODING_SETTINGS, SavedParts  # noqa: F401 (re-exported)
from .scoring import score_outputs
from .segments import encode_parts, encode_truncated, stitch
from .settings import TRUNCATING, check_alignment, validate_settings
from .targets import Target
from .train_batch import gold_target, make_train_batch

# W004 (outputs at the length limit) is said at most this often per call.
MAX_CUT_WARNINGS = 3


class Seq2SeqAttn(SavedParts, TrainablePipe):
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
    src_line_break (Optional[str]): Encode each source line break (a
        whitespace token holding "\\n") as this string, e.g. "|" between the
        turns of a dialogue; pick one the text does not otherwise use. None
        drops line breaks like any whitespace.
    label_smoothing (float): Label smoothing of the training loss.
    guided_alignment_weight (float): Weight of the guided-alignment loss,
        which pulls the attention towards gold word links where the training
        data has them (`reference._.{field}_alignment`, e.g. from the
        reader's `alignment_path`); 0 turns it off.
    coverage_loss_weight (float): Weight of the coverage loss (See et al.
        2017), which penalises attending again to source already covered;
        for models with `coverage = true` (and helpful with attention
        alone); 0 turns it off.
    beam_size (int): Beam width (1 = greedy search).
    n_best (int): Outputs kept per Doc in `doc._.{field}_nbest` (<= beam_size).
    length_alpha (float): GNMT length penalty exponent for ranking outputs
        (0 = plain log-probability; larger favours longer outputs).
    coverage_penalty (float): GNMT coverage penalty weight beta (Wu et al.
        2016) for ranking outputs: beta * sum over source pieces of
        log(min(attention received, 1)); 0 = none; for summaries, ~0.2-1.0
        discourages outputs that ignore part of the input.
    min_output_length (int): Fewest output pieces per Doc.
    min_output_ratio (float): Fewest output pieces per source piece.
    max_output_length (int): Most output pieces per Doc (part).
    max_output_ratio (float): Most output pieces per source piece.
    no_repeat_ngram_size (int): Never output the same n-gram of pieces
        twice (0 = no limit).
    max_src_length (int): Most source pieces decoded at once; longer Docs
        are split by sentence (see `segments.py`) and the outputs stitched.
    long_src (str): What to do with a Doc longer than max_src_length:
        "split" decodes it in parts (sentences, then windows) and joins the
        outputs, right for translation; "truncate" reads only its first
        max_src_length pieces (with a W005 warning counting such Docs),
        right for summaries, which need one output for the whole input;
        "truncate_left" reads only its last pieces, right for replies,
        where the latest turn matters most. Training cuts sources the same
        way as decoding reads them.
    max_batch_items (int): Padded source pieces (times beam_size) per
        decoding sub-batch.
    quantize (str): "none", or "int8" to decode on CPU with a dynamically
        quantized copy of the network (faster; weights stay fp32 on disk).
    store_attention (bool): Keep the word-level attention matrices on the Doc.
    alignment_method (str): How attention becomes word links: "argmax",
        "shift", "threshold" or "shift_threshold" (see `alignment.links`).
    alignment_threshold (float): Least attention for a link, for the
        threshold methods.
    metrics (List[str]): What `score()` reports, as `{field}_<name>`:
        "bleu" and "chrf" (sacreBLEU), "rouge" (`{field}_rouge1`, `_rouge2`,
        `_rougeL`, `_rougeLsum`: F1 with stemming). `[training.score_weights]`
        picks which of them keeps the best model.

    Decoding settings (beam_size to metrics) say how to apply the
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
        src_line_break: Optional[str] = None,
        label_smoothing: float = 0.1,
        guided_alignment_weight: float = 0.0,
        coverage_loss_weight: float = 0.0,
        beam_size: int = 5,
        n_best: int = 1,
        length_alpha: float = 0.6,
        coverage_penalty: float = 0.0,
        min_output_length: int = 1,
        min_output_ratio: float = 0.0,
        max_output_length: int = 128,
        max_output_ratio: float = 2.0,
        no_repeat_ngram_size: int = 0,
        max_src_length: int = 128,
        long_src: str = "split",
        max_batch_items: int = 4096,
        quantize: str = "none",
        store_attention: bool = True,
        alignment_method: str = "argmax",
        alignment_threshold: float = 0.5,
        metrics: Sequence[str] = ("bleu", "chrf"),
    ) -> None:
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
            "src_line_break": src_line_break,
            "label_smoothing": label_smoothing,
            "guided_alignment_weight": guided_alignment_weight,
            "coverage_loss_weight": coverage_loss_weight,
            "beam_size": beam_size,
            "n_best": n_best,
            "length_alpha": length_alpha,
            "coverage_penalty": coverage_penalty,
            "min_output_length": min_output_length,
            "min_output_ratio": min_output_ratio,
            "max_output_length": max_output_length,
            "max_output_ratio": max_output_ratio,
            "no_repeat_ngram_size": no_repeat_ngram_size,
            "max_src_length": max_src_length,
            "long_src": long_src,
            "max_batch_items": max_batch_items,
            "quantize": quantize,
            "store_attention": store_attention,
            "alignment_method": alignment_method,
            "alignment_threshold": alignment_threshold,
            "metrics": list(metrics),
        }
        validate_settings(name, self.cfg)
        hyperparams = getattr(model, "attrs", {}).get("hyperparams") or {}
        if hyperparams.get("copy_attention") and not joint_vocab:
            raise ValueError(Errors.E020.format(name=name))
        self._cut_warnings_left = MAX_CUT_WARNINGS
        # Training sources cut to max_src_length (long_src "truncate" or
        # "truncate_left"), so far.
        self.n_truncated_in_training = 0
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
        """Refuse to run before initialize(), or where the network's device
        cannot be used (a forked worker on a GPU)."""
        if not self.is_initialized:
            raise ValueError(Errors.E005.format(name=self.name))
        check_usable_device(self.name, self.model.shims[0].device)

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
        parts = self._encode_docs(docs)
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
        alignment = self._alignment_settings()
        if alignment.method in HEAD_METHODS:
            self._add_head_alignment([part for _, part in flat], decoded)
        by_doc: List[List[Seq2SeqPrediction]] = [[] for _ in docs]
        for (i, part), outputs in zip(flat, decoded):
            by_doc[i].append(to_prediction(
                docs[i], part, outputs, tgt_pieces=self.tgt_pieces,
                target_words=self._target_words, store_attention=store_attention,
                alignment=alignment,
            ))
        for i, doc_predictions in enumerate(by_doc):
            if doc_predictions:
                predictions[i] = stitch(doc_predictions, store_attention)
        return predictions

    def _add_head_alignment(self, parts: List[Any], decoded: List[Any]) -> None:
        """Give every decoded output the alignment head's weights over it.

        Search never runs the head (it reads each piece only after choosing
        it), so one forced pass over the chosen outputs does: about the cost
        of a training forward pass, small next to beam search.
        """
        pairs = [(part.ids, output) for part, outputs in zip(parts, decoded) for output in outputs]
        forced = self.model.predict(ForcedBatch(
            src=[src for src, _ in pairs],
            tgt=[numpy.asarray(output.ids, dtype=numpy.int64) for _, output in pairs],
            max_batch_items=self.cfg["max_batch_items"],
        ))
        for (_, output), result in zip(pairs, forced):
            output.alignment = result.alignment

    def _warn_if_cut(self, docs: List[Doc], flat: List[Tuple[int, Any]], decoded: List[Any]) -> None:
        """Say which outputs hit the output length limit (never cut silently)."""
        cut = [(i, part) for (i, part), outputs in zip(flat, decoded) if outputs[0].at_length_limit]
        if not cut or self._cut_warnings_left <= 0:
            return
        self._cut_warnings_left -= 1
        described = []
        for i, part in cut[:5]:
            # Quote the part's own tokens: a split or cut Doc's start may not be in it.
            start, end = min(o for o in part.owners if o >= 0), max(part.owners) + 1
            described.append(f"doc {i} (tokens {start}-{end}: {docs[i][start:end].text[:30]!r})")
        where = "; ".join(described) + (f"; and {len(cut) - 5} more" if len(cut) > 5 else "")
        last = "" if self._cut_warnings_left else (
            f" (W004 said {MAX_CUT_WARNINGS} times in this call: later batches are not reported.)"
        )
        warnings.warn(Warnings.W004.format(
            name=self.name, n_cut=len(cut), n_total=len(flat), where=where,
            max_length=self.cfg["max_output_length"], ratio=self.cfg["max_output_ratio"],
        ) + last)

    def _encode_docs(self, docs: List[Doc]) -> List[List[EncodedSource]]:
        """Each Doc's source parts: as many as it takes (long_src = "split"),
        or one cut to max_src_length ("truncate", "truncate_left"); see
        segments.py."""
        assert self.src_pieces is not None
        limit, line_break = self.cfg["max_src_length"], self.cfg["src_line_break"]
        if self.cfg["long_src"] == "split":
            return [encode_parts(doc, self.src_pieces, limit, line_break) for doc in docs]
        return encode_truncated(
            docs, self.src_pieces, limit, line_break, name=self.name, long_src=self.cfg["long_src"]
        )

    def _search_settings(self) -> SearchSettings:
        cfg = self.cfg
        return SearchSettings(
            beam_size=cfg["beam_size"], n_best=cfg["n_best"], length_alpha=cfg["length_alpha"],
            min_length=cfg["min_output_length"], min_length_ratio=cfg["min_output_ratio"],
            max_length=cfg["max_output_length"], max_length_ratio=cfg["max_output_ratio"],
            no_repeat_ngram_size=cfg["no_repeat_ngram_size"], quantize=cfg["quantize"],
            coverage_beta=cfg["coverage_penalty"],
        )

    def _alignment_settings(
        self, method: Optional[str] = None, threshold: Optional[float] = None
    ) -> AlignmentSettings:
        method = self.cfg["alignment_method"] if method is None else method
        threshold = self.cfg["alignment_threshold"] if threshold is None else threshold
        check_alignment(method, threshold)
        if method in HEAD_METHODS and not get_torch_module(self.model).config.alignment_head:
            raise ValueError(Errors.E021.format(name=self.name, method=method))
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
            coverage_beta=self.cfg["coverage_penalty"], max_batch_items=self.cfg["max_batch_items"],
            line_break=self.cfg["src_line_break"],
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
            doc._.set(names["copied"], prediction.copied)

    def score(self, examples: Iterable[Example], **kwargs: Any) -> Dict[str, float]:
        """The `metrics` of the predicted outputs against the gold ones.

        examples (Iterable[Example]): Examples whose predicted Docs went
            through the pipeline.
        RETURNS (Dict[str, float]): `{field}_bleu`, `{field}_chrf` and/or
            `{field}_rouge1` ... `{field}_rougeLsum`, in [0, 1].
        """
        examples = list(examples)
        validate_examples(examples, "Seq2SeqAttn.score")
        return score_outputs(examples, self.field, self.cfg["metrics"])

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
        if batch.n_truncated:
            if not self.n_truncated_in_training:
                warnings.warn(Warnings.W006.format(
                    name=self.name, n_cut=batch.n_truncated, n_total=len(examples),
                    limit=self.cfg["max_src_length"], setting=self.cfg["long_src"],
                    which=TRUNCATING[self.cfg["long_src"]],
                ))
            self.n_truncated_in_training += batch.n_truncated
        if not batch.src:
            return losses
        output, backprop = self.model.begin_update(batch)
        loss, gradient = self.get_loss(examples, output)
        backprop(gradient)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def finish_update(self, sgd: Optimizer) -> None:
        """Update the weights with the optimizer, in place (thinc's own
        update leaks memory every step; see models/optimizer.py).

        sgd (Optimizer): The optimizer.
        """
        self._require_initialized()
        apply_optimizer(self.model.shims[0], sgd)

    def use_params(self, params: Dict) -> Iterator[None]:
        """Use other weights inside the block: `spacy train` evaluates and
        saves with the optimizer's averages when `use_averages = true`.
        A generator, as spaCy's `Language.use_params` steps it with next()
        (like TrainablePipe.use_params): use `with nlp.use_params(...)`.

        params (Dict): The optimizer's `averages`, keyed by (shim id, name).
        """
        if not params or not is_initialized(self.model):
            yield
            return
        with averaged_weights(self.model.shims[0], params):
            yield

    def get_loss(self, examples: Iterable[Example], output: Any) -> Tuple[float, Any]:
        """Mean label-smoothed cross-entropy per target piece.

        examples (Iterable[Example]): The batch (targets are already inside
            `output`, encoded by `update`).
        output (TeacherForced): The model's teacher-forced output.
        RETURNS (Tuple[float, LossGradient]): The loss and what backprop takes.
        """
        loss, _, gradient = teacher_forced_loss(
            output, label_smoothing=self.cfg["label_smoothing"],
            guided_alignment_weight=self.cfg["guided_alignment_weight"],
            coverage_loss_weight=self.cfg["coverage_loss_weight"],
        )
        if numpy.isnan(loss):
            raise ValueError(Errors.E004.format(name=self.name))
        return loss, gradient

    def _gold_target(self, example: Example, index: int) -> str:
        return gold_target(example, index, field=self.field, name=self.name)

    def _make_train_batch(self, examples: List[Example]) -> TrainBatch:
        assert self.src_pieces is not None and self.tgt_pieces is not None
        return make_train_batch(
            examples, name=self.name, field=self.field, src_pieces=self.src_pieces,
            tgt_pieces=self.tgt_pieces, target_words=self._target_words,
            guided=self.cfg["guided_alignment_weight"] > 0, line_break=self.cfg["src_line_break"],
            truncate_to=self.cfg["max_src_length"] if self.cfg["long_src"] in TRUNCATING else None,
            truncate_keep=TRUNCATING.get(self.cfg["long_src"], "first"),
        )

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
            texts = (source_text(token, self.cfg["src_line_break"]) for token in example.x)
            source = " ".join(text for text in texts if text is not None)
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
        # thinc puts the network on the current device (the GPU after
        # spacy.require_gpu()): check now what depends on it, not at the
        # first decode.
        check_quantize_device(self.name, self.cfg["quantize"], self.model.shims[0].device)
