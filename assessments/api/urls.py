"""REST API v1, at /api/v1/ (not language-prefixed: `?lang=` or Accept-Language decide).

Anything under /api/v1/ that matches no endpoint answers with the API's JSON 404.
"""

from django.urls import include, path, re_path
from rest_framework import routers

from . import views
from .errors import not_found

app_name = "api"


class Router(routers.DefaultRouter):
    APIRootView = views.ApiRootView
    # No `.json` suffixes: a format is asked for by `?format=` or Accept, one way per address.
    include_format_suffixes = False


router = Router()
router.register("methodologies", views.MethodologyViewSet, basename="methodology")
router.register("subjects", views.SubjectViewSet, basename="subject")
router.register("pairs", views.PairViewSet, basename="pair")
router.register("processes", views.ProcessViewSet, basename="process")
router.register("legal-acts", views.LegalActViewSet, basename="legal-act")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("expert-ratings", views.ExpertRatingViewSet, basename="expert-rating")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("threads", views.ThreadViewSet, basename="thread")
router.register("comments", views.CommentViewSet, basename="comment")

urlpatterns = [
    path("rounds/<int:year>/scores/", views.ScoresView.as_view(), name="round-scores"),
    path("compare/", views.ComparisonView.as_view(), name="compare"),
    path("series/", views.SeriesView.as_view(), name="series"),
    path("auth/login/", views.LoginView.as_view(), name="login"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/logoutall/", views.LogoutAllView.as_view(), name="logout-all"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", views.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    re_path(r"^[\s\S]*$", not_found),
]
