"""The accountability system and its assessment, round after round.

History (who, when, what, why) of ProcessAssessment, Rating and Citation is
registered in translation.py, after their Kyrgyz/Russian/English columns exist.

Identity is stable, wording is not: a Subject or Process keeps its `code` across
rounds while its name changes (renamed institutions, reworded processes). What a
round printed lives on that round's rows (ProcessAssessment.title).

The package by role: methodology.py (methodologies, dimensions, scales), subjects.py
(subjects, pairs, processes), rounds.py (rounds and their process assessments),
ratings.py (consensus and expert ratings), evidence.py (legal acts, editions, citations),
figures.py (recommendations, initiatives, published figures), publication.py (what the
publication printed and what a careful reading adds), panels.py (panels and discussion),
scrutiny.py (peer review and the right of reply). Reads are QuerySet methods
(querysets.py); changes go through the services (services/).
"""

# Names as a published round printed them, frozen with the round: the model lives with the
# code that reads them (names.py).
from ..names import NameAsPublished
from .evidence import Citation, LegalAct, LegalActEdition
from .figures import DevelopmentInitiative, PublishedFigure, Recommendation
from .methodology import Dimension, Methodology, ScaleLevel
from .panels import Comment, Panel, PanelMembership, Thread
from .publication import JustificationFlag, Passage, PrintedName, ProcessLink
from .ratings import ExpertRating, Rating, validate_rating
from .rounds import ProcessAssessment, Round
from .scrutiny import Reply, ReplyWindow, ReviewAssignment, ReviewComment
from .subjects import Pair, Process, Subject, SubjectName

__all__ = [
    "Citation",
    "Comment",
    "DevelopmentInitiative",
    "Dimension",
    "ExpertRating",
    "JustificationFlag",
    "LegalAct",
    "LegalActEdition",
    "Methodology",
    "NameAsPublished",
    "Pair",
    "Panel",
    "PanelMembership",
    "Passage",
    "PrintedName",
    "Process",
    "ProcessAssessment",
    "ProcessLink",
    "PublishedFigure",
    "Rating",
    "Recommendation",
    "Reply",
    "ReplyWindow",
    "ReviewAssignment",
    "ReviewComment",
    "Round",
    "ScaleLevel",
    "Subject",
    "SubjectName",
    "Thread",
    "validate_rating",
]
