"""Graph algorithms over the networkx projection of the knowledge graph.

Plain functions, graph first, as networkx writes them: ``G`` is a MultiDiGraph whose nodes
are entity ids and whose edges are keyed by relation id (see
:meth:`kg.KnowledgeGraph.to_networkx`).
"""

import networkx as nx

__all__ = ["causal_chains", "neighbourhood"]


def causal_chains(G, source, target, max_length=5):
    """Every simple chain of edges from ``source`` to ``target`` with at most ``max_length`` edges.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    source, target : nodes
    max_length : int
        The longest chain returned, in edges.

    Returns
    -------
    list of lists of ``(u, v, key)`` edges, shortest first. Empty when either node is absent.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("gut damage", "low intrinsic factor", key="causes")
    'causes'
    >>> G.add_edge("low intrinsic factor", "B12 deficiency", key="causes")
    'causes'
    >>> G.add_edge("gut damage", "B12 deficiency", key="contributesTo")
    'contributesTo'
    >>> for chain in causal_chains(G, "gut damage", "B12 deficiency"):
    ...     print(chain)
    [('gut damage', 'B12 deficiency', 'contributesTo')]
    [('gut damage', 'low intrinsic factor', 'causes'), ('low intrinsic factor', 'B12 deficiency', 'causes')]
    """
    if source not in G or target not in G or source == target:
        return []
    chains = nx.all_simple_edge_paths(G, source, target, cutoff=max_length)
    return sorted(chains, key=lambda chain: (len(chain), chain))


def neighbourhood(G, node, depth=1):
    """The subgraph of nodes within ``depth`` edges of ``node``, in either direction.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> sorted(neighbourhood(G, "b", depth=1))
    ['a', 'b', 'c']
    """
    if node not in G:
        return G.subgraph([])
    near = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), node, cutoff=depth)
    return G.subgraph(near)
