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


def test_outputs_that_cannot_be_written_are_refused_before_any_work(tmp_path):
    from relnet.paths import check_output_file, check_output_folder

    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    check_output_file(tmp_path / "new" / "deeper" / "p.tsv")  # missing parents are made when writing
    check_output_file(None)
    check_output_folder(tmp_path / "adir")
    with pytest.raises(RelnetError, match="a folder; give a file name"):
        check_output_file(tmp_path / "adir")
    with pytest.raises(RelnetError, match="afile is a file, not a folder"):
        check_output_file(tmp_path / "afile" / "p.tsv")
    with pytest.raises(RelnetError, match="a file; give a folder"):
        check_output_folder(tmp_path / "afile")
