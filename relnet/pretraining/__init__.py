"""Continued masked-language-model pretraining of the encoder on in-domain text (before `training/`).

Unlabeled abstracts / a training split's text → packed token blocks (`data.py`) → dynamic masking
(`masking.py`) → the resumable loop (`loop.py`) → ``output_dir/final``, an ordinary HF encoder folder
that ``relnet train --encoder`` and ``relnet train-ner --encoder`` accept.
"""

from typing import Any

from relnet.pretraining.config import PretrainConfig

__all__ = ["PretrainConfig", "pretrain"]


def __getattr__(name: str) -> Any:  # the loop imports torch and transformers: only when it is used
    if name == "pretrain":
        from relnet.pretraining.loop import pretrain

        return pretrain
    raise AttributeError(name)
