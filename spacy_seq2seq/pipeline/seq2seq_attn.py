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
    TrainBatch,
    get_torch_module,
    is_initialized,
)
from ..models.loss import teacher_forced_loss
from ..models.optimizer import apply_optimizer, averaged_weights
from ..terms import Glossary, TermOptions, TermOutcome, find_terms
from ..vocab import BOS_ID, EOS_ID, PAD_ID, PieceVocab
from .device import check_quantize_device, check_usable_device
from .extensions import extension_names, install_extensions
from .forced import forced_predictions
from .predictions import (
    AlignmentSettings,
    Seq2SeqPrediction,
    TargetWords,
    to_prediction,
)
from .saved_parts import SavedParts
from .scoring import score_outputs
from .segments import encode_parts, encode_truncated, stitch
from .settings import (
    DECODING_SETTINGS,  # noqa: F401 (re-exported)
    TRUNCATING,
    ConfigView,
    Seq2SeqSettings,
    check_alignment,
)
from .source_encoding import EncodedSource, source_text
from .targets import Target
from .term_pieces import PartTerms, encode_terms, output_limit
from .train_batch import gold_target, make_train_batch

# W004 (outputs at the length limit) is said at most this often per call.
MAX_CUT_WARNINGS = 3


class Seq2SeqAttn(SavedParts, TrainablePipe):
    """Turn Docs into translations, summaries or replies, with attention.

    vocab (Vocab): The shared spaCy vocabulary.
    model (Model): A `spacy-seq2seq.RNNAttnSeq2Seq.v1` model.
    name (str): Component name in the pipeline.
    settings (Seq2SeqSettings): Every other setting, each documented on
        `Seq2SeqSettings` (pipeline/settings.py) and in
        docs/configuration.md. The component's settings are
        `pipe.settings`; `pipe.cfg` is a read-only view of them as flat
        config values. To change some, pass a changed copy:
        `settings=dataclasses.replace(Seq2SeqSettings(), beam_size=1)`.

    Decoding settings (`DECODING_SETTINGS`: beam_size to metrics) say how
    to apply the model, not what it learned: loading weights keeps the
    receiving component's values, so they can be changed at load time with
    `spacy.load(path, config={"components": {name: {"beam_size": 1}}})`,
    or afterwards with
    `pipe.settings = dataclasses.replace(pipe.settings, beam_size=1)`.
    """

    def __init__(
        self,
        vocab: Vocab,
        model: Any,
        name: str = "seq2seq_attn",
        *,
        settings: Seq2SeqSettings = Seq2SeqSettings(),
    ) -> None:
        self.vocab = vocab
        self.model = model
        self.name = name
        self.settings = settings
        self._cut_warnings_left = MAX_CUT_WARNINGS
        # Training sources cut to max_src_length (long_src "truncate" or
        # "truncate_left"), so far.
        self.n_truncated_in_training = 0
        self.src_pieces: Optional[PieceVocab] = None
        self.tgt_pieces: Optional[PieceVocab] = None
        # Source terms and their translations, saved with the component
        # (see `set_glossary` and docs/terminology.md).
        self.glossary: Optional[Glossary] = None
        install_fork_guard()  # nlp.pipe(n_process=N) forks; see forking.py

    # -- settings ---------------------------------------------------------

    @property
    def settings(self) -> Seq2SeqSettings:
        """Every setting but the model (frozen: assign a changed copy)."""
        return self._settings

    @settings.setter
    def settings(self, settings: Seq2SeqSettings) -> None:
        settings.validate(self.name)
        hyperparams = getattr(self.model, "attrs", {}).get("hyperparams") or {}
        if hyperparams.get("copy_attention") and not settings.joint_vocab:
            raise ValueError(Errors.E020.format(name=self.name))
        self._settings = settings
        target_words: Optional[TargetWords] = getattr(self, "_target_words", None)
        if target_words is None or target_words.lang != settings.tgt_lang:
            self._target_words = TargetWords(settings.tgt_lang)
        install_extensions(settings.field, settings.tgt_lang)

    @property
    def cfg(self) -> ConfigView:  # type: ignore[override]
        """The settings as flat config values (what the pipeline saves), read-only."""
        return ConfigView(self.name, self._settings)

    @property
    def field(self) -> str:
        return self._settings.field

    @property
    def extension_names(self) -> Dict[str, str]:
        """The Doc extension names this component writes, keyed by role."""
        return extension_names(self.field)

    @property
    def is_initialized(self) -> bool:
        return self.src_pieces is not None and is_initialized(self.model)

    def _require_initialized(self) -> None:
        """Refuse to run before initialize(), or where the network's device
        cannot be used (a forked worker on a GPU) or does not suit the
        settings (int8 on a GPU)."""
        if not self.is_initialized:
            raise ValueError(Errors.E005.format(name=self.name))
        device = self.model.shims[0].device
        check_usable_device(self.name, device)
        check_quantize_device(self.name, self.settings.quantize, device)

    # -- applying ---------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        install_extensions(self.field, self.settings.tgt_lang)  # worker processes start without them
        self._cut_warnings_left = MAX_CUT_WARNINGS
        return super().__call__(doc)

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        install_extensions(self.field, self.settings.tgt_lang)
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
        store_attention = self.settings.store_attention
        predictions = [Seq2SeqPrediction.empty(store_attention) for _ in docs]
        if not docs:
            return predictions
        self._require_initialized()
        assert self.src_pieces is not None and self.tgt_pieces is not None
        parts = self._encode_docs(docs)
        part_terms, skipped_terms = self._terms_of(docs, parts)
        for i, skipped in enumerate(skipped_terms):
            predictions[i].terms_used = list(skipped)
        flat = [(i, part) for i, doc_parts in enumerate(parts) for part in doc_parts]
        flat_terms = [terms for doc_terms in part_terms for terms in doc_terms]
        if not flat:
            return predictions
        decoded = self.model.predict(
            DecodeBatch(
                src=[part.ids for _, part in flat],
                search=self.settings,  # a SearchSettings: the model reads those
                max_batch_items=self.settings.max_batch_items,
                quantize=self.settings.quantize,
                terms=[terms.pieces for terms in flat_terms] if any(t.pieces for t in flat_terms) else None,
                glued_ids=self._glued_ids(),
            )
        )
        self._warn_if_cut(docs, flat, decoded)
        alignment = self._alignment_settings()
        if alignment.method in HEAD_METHODS:
            self._add_head_alignment([part for _, part in flat], decoded)
        by_doc: List[List[Seq2SeqPrediction]] = [[] for _ in docs]
        for (i, part), outputs, terms in zip(flat, decoded, flat_terms):
            by_doc[i].append(to_prediction(
                docs[i], part, outputs, tgt_pieces=self.tgt_pieces,
                target_words=self._target_words, store_attention=store_attention,
                alignment=alignment, part_terms=terms,
            ))
        for i, doc_predictions in enumerate(by_doc):
            if doc_predictions:
                predictions[i] = stitch(doc_predictions, store_attention)
                predictions[i].terms_used.extend(skipped_terms[i])
        self._warn_about_terms(predictions)
        return predictions

    # -- terms ------------------------------------------------------------

    def set_glossary(self, glossary: Optional[Glossary]) -> None:
        """Use this glossary (None: none) from now on; it is saved with the
        component. Read one with `Glossary.read_tsv(path, nlp.tokenizer)`.

        glossary (Optional[Glossary]): Source terms and their translations.
        """
        self.glossary = glossary

    def _glued_ids(self) -> List[int]:
        """Target pieces that may not follow a completed term (computed once per vocabulary)."""
        assert self.tgt_pieces is not None
        cached = getattr(self, "_glued_cache", None)
        if cached is None or cached[0] is not self.tgt_pieces:
            cached = (self.tgt_pieces, self.tgt_pieces.word_continuations())
            self._glued_cache = cached
        return cached[1]

    def _term_options(self) -> TermOptions:
        settings = self.settings
        return TermOptions(
            glossary_match=settings.glossary_match, entity_ids_as_terms=settings.entity_ids_as_terms,
            verbatim_labels=settings.verbatim_labels, verbatim_numbers=settings.verbatim_numbers,
        )

    def _terms_of(
        self, docs: List[Doc], parts: List[List[EncodedSource]]
    ) -> Tuple[List[List[PartTerms]], List[List[TermOutcome]]]:
        """Per Doc, the terms of each part, and the terms skipped (see
        term_pieces.py); W055 counts the skipped ones."""
        assert self.tgt_pieces is not None
        options = self._term_options()
        per_doc: List[List[PartTerms]] = []
        skipped: List[List[TermOutcome]] = []
        n_terms = 0
        for doc, doc_parts in zip(docs, parts):
            terms = find_terms(doc, field=self.field, glossary=self.glossary, options=options, name=self.name)
            n_terms += len(terms)
            if not terms:
                per_doc.append([PartTerms() for _ in doc_parts])
                skipped.append([])
                continue
            limits = [
                output_limit(len(part.ids), self.settings.max_output_length, self.settings.max_output_ratio)
                for part in doc_parts
            ]
            doc_terms, doc_skipped = encode_terms(terms, doc_parts, self.tgt_pieces, limits)
            per_doc.append(doc_terms)
            skipped.append(doc_skipped)
        all_skipped = [outcome for doc_skipped in skipped for outcome in doc_skipped]
        if all_skipped:
            reasons: Dict[str, int] = {}
            for outcome in all_skipped:
                reasons[outcome.skipped or ""] = reasons.get(outcome.skipped or "", 0) + 1
            warnings.warn(Warnings.W055.format(
                name=self.name, n_skipped=len(all_skipped), n_terms=n_terms, field=self.field,
                reasons="; ".join(f"{n} x {reason}" for reason, n in reasons.items()),
                examples=", ".join(repr(o.term.target) for o in all_skipped[:5]),
            ))
        return per_doc, skipped

    def _warn_about_terms(self, predictions: List[Seq2SeqPrediction]) -> None:
        """W056: positive terms the best outputs miss (the length limit ended them)."""
        applied = [
            outcome for prediction in predictions for outcome in prediction.terms_used
            if outcome.skipped is None and not outcome.term.negative
        ]
        unmet = [outcome for outcome in applied if not outcome.met]
        if unmet:
            warnings.warn(Warnings.W056.format(
                name=self.name, n_unmet=len(unmet), n_terms=len(applied), field=self.field,
                examples=", ".join(repr(o.term.target) for o in unmet[:5]),
                max_length=self.settings.max_output_length, ratio=self.settings.max_output_ratio,
            ))

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
            max_batch_items=self.settings.max_batch_items,
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
            max_length=self.settings.max_output_length, ratio=self.settings.max_output_ratio,
        ) + last)

    def _encode_docs(self, docs: List[Doc]) -> List[List[EncodedSource]]:
        """Each Doc's source parts: as many as it takes (long_src = "split"),
        or one cut to max_src_length ("truncate", "truncate_left"); see
        segments.py."""
        assert self.src_pieces is not None
        limit, line_break = self.settings.max_src_length, self.settings.src_line_break
        if self.settings.long_src == "split":
            return [encode_parts(doc, self.src_pieces, limit, line_break) for doc in docs]
        return encode_truncated(
            docs, self.src_pieces, limit, line_break, name=self.name, long_src=self.settings.long_src
        )

    def _alignment_settings(
        self, method: Optional[str] = None, threshold: Optional[float] = None
    ) -> AlignmentSettings:
        method = self.settings.alignment_method if method is None else method
        threshold = self.settings.alignment_threshold if threshold is None else threshold
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
        install_extensions(self.field, self.settings.tgt_lang)
        if not docs:
            return docs
        self._require_initialized()
        assert self.src_pieces is not None and self.tgt_pieces is not None
        predictions = forced_predictions(
            self.model, docs, targets, src_pieces=self.src_pieces, tgt_pieces=self.tgt_pieces,
            target_words=self._target_words, alignment=self._alignment_settings(method, threshold),
            store_attention=self.settings.store_attention, length_alpha=self.settings.length_alpha,
            coverage_penalty=self.settings.coverage_penalty, max_batch_items=self.settings.max_batch_items,
            line_break=self.settings.src_line_break,
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
                [c.attention for c in candidates] if self.settings.store_attention else None,
            )
            doc._.set(names["copied"], prediction.copied)
            doc._.set(names["terms_used"], [outcome.to_dict() for outcome in prediction.terms_used])

    def score(self, examples: Iterable[Example], **kwargs: Any) -> Dict[str, float]:
        """The `metrics` of the predicted outputs against the gold ones.

        examples (Iterable[Example]): Examples whose predicted Docs went
            through the pipeline.
        RETURNS (Dict[str, float]): `{field}_bleu`, `{field}_chrf` and/or
            `{field}_rouge1` ... `{field}_rougeLsum`, in [0, 1].
        """
        examples = list(examples)
        validate_examples(examples, "Seq2SeqAttn.score")
        return score_outputs(examples, self.field, self.settings.metrics)

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
                    limit=self.settings.max_src_length, setting=self.settings.long_src,
                    which=TRUNCATING[self.settings.long_src],
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
            output, label_smoothing=self.settings.label_smoothing,
            guided_alignment_weight=self.settings.guided_alignment_weight,
            coverage_loss_weight=self.settings.coverage_loss_weight,
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
            guided=self.settings.guided_alignment_weight > 0, line_break=self.settings.src_line_break,
            truncate_to=self.settings.max_src_length if self.settings.long_src in TRUNCATING else None,
            truncate_keep=TRUNCATING.get(self.settings.long_src, "first"),
        )

    def initialize(
        self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None,
        glossary: Optional[str] = None,
    ) -> None:
        """Learn the vocabularies from the examples and build the network.

        get_examples (Callable[[], Iterable[Example]]): Returns the training
            examples (all are read once for the vocabularies).
        nlp (Optional[Language]): The pipeline (its tokenizer reads the glossary).
        glossary (Optional[str]): A TSV glossary to save with the component
            (`[initialize.components.<name>] glossary = "terms.tsv"`).
        """
        if glossary is not None:
            if nlp is None:
                raise ValueError(Errors.E194.format(name=self.name))
            self.set_glossary(Glossary.read_tsv(glossary, nlp.make_doc))
        validate_get_examples(get_examples, "Seq2SeqAttn.initialize")
        src_texts: List[str] = []
        tgt_texts: List[str] = []
        n_examples = n_linked = 0
        alignment_name = self.extension_names["alignment"]
        for index, example in enumerate(get_examples()):
            if not isinstance(example, Example):
                raise TypeError(Errors.E011.format(name=self.name, type=type(example).__name__))
            n_examples += 1
            n_linked += example.reference._.get(alignment_name) is not None
            target = self._gold_target(example, index)
            texts = (source_text(token, self.settings.src_line_break) for token in example.x)
            source = " ".join(text for text in texts if text is not None)
            if source:
                src_texts.append(source)
            if target.strip():
                tgt_texts.append(target)
        if n_examples == 0:
            raise ValueError(Errors.E001.format(name=self.name))
        if not src_texts:
            raise ValueError(Errors.E012.format(name=self.name, n_examples=n_examples))
        weight = self.settings.guided_alignment_weight
        if weight > 0 and n_linked == 0:
            warnings.warn(Warnings.W035.format(name=self.name, weight=weight, n_examples=n_examples))
        self._train_vocabs(src_texts, tgt_texts)
        self._build_network()

    def _train_vocabs(self, src_texts: List[str], tgt_texts: List[str]) -> None:
        coverage = self.settings.character_coverage
        if self.settings.joint_vocab:
            joint = PieceVocab.train(
                src_texts + tgt_texts, vocab_size=self.settings.src_vocab_size,
                character_coverage=coverage,
            )
            self.src_pieces = self.tgt_pieces = joint
            return
        self.src_pieces = PieceVocab.train(
            src_texts, vocab_size=self.settings.src_vocab_size, character_coverage=coverage
        )
        # An all-empty target side still needs a vocabulary for EOS.
        self.tgt_pieces = PieceVocab.train(
            tgt_texts or src_texts, vocab_size=self.settings.tgt_vocab_size,
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
        check_quantize_device(self.name, self.settings.quantize, self.model.shims[0].device)
