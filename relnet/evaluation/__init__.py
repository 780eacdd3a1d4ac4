"""Scoring: predictions and gold → scores, nothing loaded or run here.

- `metrics`: example-level per-class, micro and macro P/R/F1 and the confusion matrix.
- `official`: the BioCreative VI ChemProt measure over ``(PMID, group, Arg1, Arg2)`` tuples (reads gold
  standard and prediction files, the kit's inputs).
- `spans`: strict and lenient NER span scores, error categories.
- `report`, `plots`: write a `metrics.Scores` (and official score) as JSON, text and PNG.

Loading a model, a tagger or a store and scoring it is `relnet.workflows`. ``evaluate``, ``ensemble``,
``end_to_end`` and ``ner`` here only re-export from there, for old imports.
"""
