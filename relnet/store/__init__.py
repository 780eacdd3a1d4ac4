"""Relations ↔ SQLite: `RelationStore` owns the schema and every SQL statement."""

from relnet.store.sqlite import RelationStore

__all__ = ["RelationStore"]
