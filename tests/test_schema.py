"""relnet/schema.py: the ChemProt/DrugProt tables agree with each other."""

from __future__ import annotations

from relnet.schema import CPR_GROUPS, DRUGPROT_TYPES, EVALUATED_GROUPS, GROUP_NAMES, TYPE_TO_GROUP


def test_schema_tables_are_consistent() -> None:
    assert set(TYPE_TO_GROUP.values()) == set(CPR_GROUPS)  # every group has a type, every type a known group
    assert set(EVALUATED_GROUPS) <= set(CPR_GROUPS) and list(GROUP_NAMES) == list(EVALUATED_GROUPS)
    assert len(set(DRUGPROT_TYPES)) == len(DRUGPROT_TYPES) == 13 and set(DRUGPROT_TYPES) <= set(TYPE_TO_GROUP)
