"""Continued masked-language-model pretraining of the encoder on in-domain text (before `training/`).

Unlabeled abstracts / a training split's text → packed token blocks (`data.py`) → dynamic masking
(`masking.py`) → the resumable loop (`loop.py`) → ``output_dir/final``, an ordinary HF encoder folder
that ``relnet train --encoder`` and ``relnet train-ner --encoder`` accept.
"""

from relnet.pretraining.config import PretrainConfig
from relnet.pretraining.loop import pretrain

__all__ = ["PretrainConfig", "pretrain"]
