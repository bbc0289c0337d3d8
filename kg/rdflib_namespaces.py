"""The project's namespaces as rdflib Namespaces, for the modules that build rdflib graphs.

Editing, Turtle writing and validation work on rdflib graphs, whose terms must be rdflib's
(an rdflib ``URIRef`` never equals a :class:`kg.terms.IRI`); everything else uses
:mod:`kg.namespaces`, which needs no rdflib.
"""

from rdflib import Namespace

from . import namespaces

__all__ = ["FB", "SRC", "HP", "OMIM", "ORPHA"]

FB = Namespace(str(namespaces.FB))
SRC = Namespace(str(namespaces.SRC))
HP = Namespace(str(namespaces.HP))
OMIM = Namespace(str(namespaces.OMIM))
ORPHA = Namespace(str(namespaces.ORPHA))
