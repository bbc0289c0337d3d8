"""Graph algorithms over the networkx projection of the knowledge graph.

Plain functions, graph first, as networkx writes them: ``G`` is a MultiDiGraph whose nodes
are entity ids and whose edges are keyed by relation id (see
:meth:`kg.KnowledgeGraph.to_networkx`).
"""

from collections.abc import Callable, Iterable

__all__ = ["causal_chains", "neighbourhood", "edges_between"]

#: One step of a walk: the edges ``(u, key, v)`` leaving any of the given nodes.
Step = Callable[[set], Iterable[tuple]]


def edges_between(source, target, step_out: Step, max_length: int = 5) -> set:
    """The edges that lie on some walk of at most ``max_length`` edges from ``source`` to ``target``.

    Walks forward from ``source`` for ``max_length - 1`` steps, asking ``step_out`` for the
    edges leaving one frontier at a time (bound queries), then backward from ``target`` over
    the edges found, and keeps an edge ``u -> v`` when ``dist(source, u) + 1 + dist(v, target)
    <= max_length``. So only the part of a large graph that chains can use is read: what
    networkx then walks.

    >>> edges = {("a", "r", "b"), ("b", "r", "c"), ("a", "r", "x"), ("x", "r", "y"), ("c", "r", "a")}
    >>> out = lambda nodes: [e for e in edges if e[0] in nodes]
    >>> sorted(edges_between("a", "c", out, max_length=2))
    [('a', 'r', 'b'), ('b', 'r', 'c')]
    >>> edges_between("a", "c", out, max_length=1)
    set()
    """
    forward, frontier, found = {source: 0}, {source}, set()
    for depth in range(1, max_length + 1):
        if not frontier:
            break
        reached = set()
        for edge in step_out(frontier):
            found.add(edge)
            if edge[2] not in forward:
                forward[edge[2]] = depth
                reached.add(edge[2])
        frontier = reached if depth < max_length else set()
    into: dict = {}
    for edge in found:
        into.setdefault(edge[2], []).append(edge)
    backward, frontier = {target: 0}, [target]
    for depth in range(1, max_length + 1):
        frontier = [u for node in frontier for u, _, _ in into.get(node, ()) if u not in backward]
        for node in frontier:
            backward.setdefault(node, depth)
    return {
        (u, key, v) for u, key, v in found
        if u in backward and v in backward and forward.get(u, max_length) + 1 + backward[v] <= max_length
    }


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
    >>> import networkx as nx
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
    import networkx as nx

    if source not in G or target not in G or source == target:
        return []
    chains = nx.all_simple_edge_paths(G, source, target, cutoff=max_length)
    return sorted(chains, key=lambda chain: (len(chain), chain))


def neighbourhood(G, node, depth=1):
    """The subgraph of nodes within ``depth`` edges of ``node``, in either direction.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> sorted(neighbourhood(G, "b", depth=1))
    ['a', 'b', 'c']
    """
    import networkx as nx

    if node not in G:
        return G.subgraph([])
    near = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), node, cutoff=depth)
    return G.subgraph(near)
