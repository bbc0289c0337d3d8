"""A knowledge-graph explorer for fibromyalgia, vitamin B12 deficiency and how they relate.

Not medical advice: the graph records what sources claim and how well each claim is backed.

>>> from kg import KnowledgeGraph
>>> g = KnowledgeGraph.load()
>>> g.resolve("fibro fog").label
'brain fog'
"""

from .errors import AmbiguousEntity, BadData, BadQuery, EmptyResult, KGError, ReadOnlyQuery, UnknownEntity
from .graph import KnowledgeGraph
from .model import STATUSES, Chain, Claim, Entity, EntityDetails, SearchHit, SharedSymptom, SharedSymptoms, Stats

__all__ = [
    "KnowledgeGraph",
    "Entity",
    "Claim",
    "Chain",
    "EntityDetails",
    "SearchHit",
    "SharedSymptom",
    "SharedSymptoms",
    "Stats",
    "STATUSES",
    "KGError",
    "BadData",
    "BadQuery",
    "ReadOnlyQuery",
    "UnknownEntity",
    "AmbiguousEntity",
    "EmptyResult",
]
