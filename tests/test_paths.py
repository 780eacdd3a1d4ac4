"""Run folders: a non-empty one is refused unless the user asks to resume or overwrite."""

from __future__ import annotations

import pytest

from relnet.errors import RelnetError
from relnet.paths import claim_output_dir


def test_claim_output_dir(tmp_path):
    claim_output_dir(tmp_path / "new", resume=False, overwrite=False)  # missing: fine
    claim_output_dir(tmp_path, resume=False, overwrite=False)  # empty: fine
    (tmp_path / "summary.json").write_text("{}")
    with pytest.raises(RelnetError, match=rf"{tmp_path.name} is not empty: pass --resume"):
        claim_output_dir(tmp_path, resume=False, overwrite=False)
    claim_output_dir(tmp_path, resume=True, overwrite=False)
    claim_output_dir(tmp_path, resume=False, overwrite=True)
