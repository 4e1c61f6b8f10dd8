"""Saving and loading a `seq2seq_attn` component: its settings, its two
SentencePiece vocabularies, its weights and its glossary (if it has one),
one part each.

Weights are fp32 safetensors, loaded without unpickling anything
(`models/serialization.py`). Decoding settings are not restored from a saved
pipeline (`DECODING_SETTINGS`, declared with each setting in settings.py):
they say how to apply the model, so the config a pipeline is loaded with
decides them.

The settings are saved as the flat config dict (`Seq2SeqSettings.to_cfg`),
as they always were, so pipelines saved by earlier versions load.
"""

from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Dict, Iterable

import srsly
from spacy import util

from ..errors import Errors
from ..models.architectures import get_torch_module
from ..models.quantization import forget_int8_copy
from ..models.serialization import (
    WeightsFormatError,
    WeightsMismatchError,
    load_module_bytes,
    module_to_bytes,
)
from ..terms import Glossary
from ..vocab import PieceVocab
from .settings import DECODING_SETTINGS, setting_fields

# What a saved pipeline restores: the settings that describe what the model
# learned (its field, vocabularies, training losses).
SAVED_SETTINGS = frozenset(spec.name for spec in setting_fields()) - DECODING_SETTINGS

WEIGHTS_FILE = "model.safetensors"
SRC_PIECES_FILE = "src_pieces.model"
TGT_PIECES_FILE = "tgt_pieces.model"
GLOSSARY_FILE = "glossary.json"


class SavedParts:
    """to_bytes / from_bytes / to_disk / from_disk for the component (a
    mixin: it uses the component's settings, vocab, model, pieces and
    `_build_network`)."""

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
            "cfg": lambda: srsly.json_dumps(self.settings.to_cfg()).encode("utf8"),
        }
        if self.is_initialized:
            assert self.src_pieces is not None and self.tgt_pieces is not None
            parts[SRC_PIECES_FILE] = self.src_pieces.to_bytes
            parts[TGT_PIECES_FILE] = self.tgt_pieces.to_bytes
            parts[WEIGHTS_FILE] = self._weights_to_bytes
        if self.glossary is not None:
            parts[GLOSSARY_FILE] = self.glossary.to_bytes
        return parts

    def _restore(self, parts: Dict[str, bytes]) -> None:
        """Rebuild vocabularies and network from saved parts, then load weights."""
        if "cfg" in parts:
            saved = srsly.json_loads(parts["cfg"])
            # Keys no setting has any more configure nothing: they are dropped.
            self.settings = replace(
                self.settings, **{key: value for key, value in saved.items() if key in SAVED_SETTINGS}
            )
        # The glossary is what was saved: none saved, none kept.
        self.glossary = Glossary.from_bytes(parts[GLOSSARY_FILE]) if GLOSSARY_FILE in parts else None
        if WEIGHTS_FILE not in parts:
            return  # saved before initialize(): nothing learned yet
        self.src_pieces = PieceVocab.from_bytes(parts[SRC_PIECES_FILE])
        self.tgt_pieces = (
            self.src_pieces if self.settings.joint_vocab
            else PieceVocab.from_bytes(parts[TGT_PIECES_FILE])
        )
        self._build_network()
        self._load_weights(parts[WEIGHTS_FILE])

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        """Serialize the component: config, vocabularies and weights."""
        serializers: Dict[str, Callable[[], bytes]] = dict(self._state_dict_parts())
        serializers["vocab"] = lambda: self.vocab.to_bytes(exclude=exclude)
        return util.to_bytes(serializers, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> "SavedParts":
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

    def from_disk(self, path: Path, *, exclude: Iterable[str] = tuple()) -> "SavedParts":
        """Load the component from a directory written by `to_disk`."""
        path = util.ensure_path(path)
        if (path / "vocab").exists() and "vocab" not in exclude:
            self.vocab.from_disk(path / "vocab", exclude=exclude)
        parts = {
            name: (path / name).read_bytes()
            for name in ("cfg", SRC_PIECES_FILE, TGT_PIECES_FILE, WEIGHTS_FILE, GLOSSARY_FILE)
            if (path / name).exists() and name not in exclude
        }
        self._restore(parts)
        return self
