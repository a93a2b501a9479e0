"""REST API v1. Views scope what the user may see, speak the request's language and
call the services for every change; they hold no rule of their own.

- Reads start from api/permissions.py, so what one may not see is a 404.
- Writes call assessments/services/ (the admin calls the same functions):
  the service checks the role, the freeze of published rounds, the reason and
  the revision named by `If-Match`, and raises a DomainError that errors.py
  turns into the API's error shape.
- A published round's scores, comparisons and the series are served from
  caching.py as ready bytes: no query on a hit.

One module per role: base (what every view does), root (entry point, schema,
docs), catalogue, rounds, assessments, ratings, citations, discussion, figures
(computed, cached answers) and tokens.
"""

from .assessments import AssessmentViewSet
from .base import (
    IF_MATCH,
    IF_MATCH_CREATE,
    ROUND,
    ApiMixin,
    JsonErrors,
    ReadOnlyViewSet,
    RevisionedViewSet,
    get_round,
    parse_round,
    round_param,
    validated,
)
from .catalogue import (
    LegalActViewSet,
    MethodologyViewSet,
    PairViewSet,
    ProcessViewSet,
    SubjectViewSet,
)
from .citations import REASON, CitationViewSet
from .discussion import CommentViewSet, ThreadViewSet
from .figures import ComparisonView, FiguresView, Plan, ScoresView, SeriesView, _key, _load
from .ratings import RATING_FIELDS, RATING_RELATIONS, ExpertRatingViewSet, RatingViewSet
from .root import ApiRootView, DocsView, RedocView, SchemaView
from .rounds import RoundViewSet
from .tokens import LoginView, LogoutAllView, LogoutView

__all__ = [
    "IF_MATCH",
    "IF_MATCH_CREATE",
    "RATING_FIELDS",
    "RATING_RELATIONS",
    "REASON",
    "ROUND",
    "ApiMixin",
    "ApiRootView",
    "AssessmentViewSet",
    "CitationViewSet",
    "CommentViewSet",
    "ComparisonView",
    "DocsView",
    "ExpertRatingViewSet",
    "FiguresView",
    "JsonErrors",
    "LegalActViewSet",
    "LoginView",
    "LogoutAllView",
    "LogoutView",
    "MethodologyViewSet",
    "PairViewSet",
    "Plan",
    "ProcessViewSet",
    "RatingViewSet",
    "ReadOnlyViewSet",
    "RedocView",
    "RevisionedViewSet",
    "RoundViewSet",
    "SchemaView",
    "ScoresView",
    "SeriesView",
    "SubjectViewSet",
    "ThreadViewSet",
    "_key",
    "_load",
    "get_round",
    "parse_round",
    "round_param",
    "validated",
]
