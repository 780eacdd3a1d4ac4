"""Mining: documents → mentions → relations → store, in resumable batches."""

from relnet.mining.pipeline import MiningSummary, mine, mine_files

__all__ = ["MiningSummary", "mine", "mine_files"]
