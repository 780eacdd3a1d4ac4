"""What the commands run: load models, stores and splits, predict, score with `relnet.evaluation`, write reports.

`relnet.evaluation` holds the pure scorers (predictions + gold → scores); the workflows here do the
loading and running around them, one module per command family:

- `evaluate`: a saved relation classifier on a split (`relnet evaluate`, `relnet predict`).
- `ensemble`: several saved classifiers, probability- or weight-averaged (`relnet ensemble`).
- `mining_score`: a mined relation store against a split's gold standard (`relnet evaluate-mining`).
- `ner`: a tagger on a split's documents (`relnet evaluate-ner`, NER training's dev scores).

Submodules are imported directly (``from relnet.workflows.evaluate import evaluate_split``): each pulls in
torch or a store, which importing this package alone does not.
"""
