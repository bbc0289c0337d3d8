"""The exceptions the library raises.

Every error a user can cause derives from :class:`KGError`; the command line catches that
root alone, prints its message on one line and exits non-zero. Anything else is a bug and
keeps its traceback.
"""

__all__ = [
    "KGError",
    "BadData",
    "BadQuery",
    "ReadOnlyQuery",
    "UnknownEntity",
    "AmbiguousEntity",
    "EmptyResult",
    "CannotValidate",
    "RefusedEdit",
    "UnknownStatus",
    "NotASymptom",
    "NotACondition",
    "EndpointError",
    "BadExportOption",
]


class KGError(Exception):
    """Root of the errors a user can cause. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class BadData(KGError):
    """A data file is missing, unreadable or not valid Turtle."""


class BadQuery(KGError):
    """A SPARQL query does not parse, or a parameter cannot be bound."""


class ReadOnlyQuery(BadQuery):
    """An update (INSERT, DELETE, LOAD, ...) was given where only queries are allowed."""


class UnknownEntity(KGError):
    """A name matches no entity. ``candidates`` holds the closest names."""

    exit_code = 2

    def __init__(self, message: str, candidates: tuple[str, ...] = ()):
        super().__init__(message)
        self.candidates = candidates


class AmbiguousEntity(UnknownEntity):
    """A name matches more than one entity. ``candidates`` names them."""


class EmptyResult(KGError):
    """A question has no answer in the graph (for instance no shared symptoms)."""


class UnknownStatus(KGError):
    """An evidence status threshold that is not one of supported, contested, unsupported, any."""


class NotASymptom(KGError):
    """An entity was given where a symptom is needed (a condition or test, for instance)."""


class NotACondition(KGError):
    """An entity was given where a condition is needed (a symptom or nutrient, for instance)."""


class EndpointError(KGError):
    """A SPARQL endpoint refused, timed out, failed or gave a reply that is not SPARQL."""


class CannotValidate(KGError):
    """Validation could not run at all (a file to check is missing, the shapes do not load)."""

    exit_code = 2


class RefusedEdit(KGError):
    """``kg add`` / ``kg remove`` refused a change: it would lose provenance, duplicate an
    entity, break the schema, or touch the shipped ontology. The file is left as it was."""


class BadExportOption(KGError):
    """An export option that the chosen format does not take, or a bad value for one."""
