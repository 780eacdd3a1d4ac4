"""Relations → networks: `graph` builds and queries the networkx graph, `export` writes it out,
`api` offers the path-in, text-or-file-out verbs the CLI calls."""

from relnet.network.graph import build_graph, communities, hubs, neighbourhood

__all__ = ["build_graph", "communities", "hubs", "neighbourhood"]
