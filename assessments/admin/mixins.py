"""What every model page shares: only what the user may see, frozen once published,
writes through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponseNotAllowed
from django.utils.translation import gettext as _

from .. import permissions, services
from ..models import ProcessAssessment, Round


class WritableChoiceField(forms.ModelChoiceField):
    """A choice among the rows a user may write into (rounds in work, her assessments).

    A row she may see but not write into, because its round is published, is refused
    with the reason; any other row outside the choices is "not one of the choices", so
    the message never confirms that a row she may not see exists.
    """

    def __init__(self, *args: Any, seen: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen = seen

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            try:
                row = self.seen.filter(pk=value).first()
            except (TypeError, ValueError, ValidationError):
                row = None
            if row is not None:
                try:
                    services.ensure_open(row if isinstance(row, Round) else row.round)
                except services.RoundFrozen as exc:
                    raise ValidationError(exc.message, code="frozen") from None
            raise


class VisibleFilter(admin.RelatedFieldListFilter):
    """A list filter offering only the related rows the user may see (not every round)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        visible = permissions.visible(request.user, field.related_model._default_manager.all())
        return field.get_choices(
            include_blank=False,
            ordering=ordering,
            limit_choices_to={"pk__in": visible.values("pk")},
        )


class VisibleRowsMixin:
    """Model pages that show only what permissions.py lets the user see.

    - The list, change, delete and history pages and the autocomplete start from
      `permissions.visible()`.
    - A row the user may not see is a 404 on every page of it, checked before her role
      (Django would answer 403 first, or redirect with "doesn't exist"; simple-history
      would show the versions of any id).
    - Foreign keys to rounds and assessments offer only those she may write into; a
      published round is refused with the reason, never written into.
    """

    def get_queryset(self, request):
        return permissions.visible(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        # A page asks for its row up to three times (the 404 check, its own context,
        # Django's form), each time with the page's annotations (a process's scores are
        # the method in SQL). Read once per request for reading; a POST reads it afresh,
        # since a refused save renders again from a row its form has already changed.
        if request.method not in ("GET", "HEAD"):
            return super().get_object(request, object_id, from_field)
        read = request.__dict__.setdefault("_admin_rows", {})
        key = (self.model, str(object_id), from_field)
        if key not in read:
            read[key] = super().get_object(request, object_id, from_field)
        return read[key]

    def _visible_or_404(self, request, object_id) -> None:
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("There is nothing here, or it is not yours to see."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._visible_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not permissions.is_staff_member(request.user):
            # Staff also read the history of a deleted row; the others only of what they see.
            self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One recorded version (simple-history): only of a row the user may see; read-only,
        as reverting would write past the services (restores go through them)."""
        if not permissions.is_staff_member(request.user):
            self._visible_or_404(request, object_id)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model is Round:
            kwargs["queryset"] = permissions.editable_rounds(request.user)
            kwargs["form_class"] = WritableChoiceField
            kwargs["seen"] = permissions.visible_rounds(request.user)
        elif model is ProcessAssessment:
            kwargs["queryset"] = permissions.editable_assessments(request.user).select_related(
                "round"
            )
            kwargs["form_class"] = WritableChoiceField
            kwargs["seen"] = permissions.visible_assessments(request.user).select_related("round")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        autocomplete = match is not None and match.url_name == "autocomplete"
        if autocomplete and self.model is ProcessAssessment:
            # The autocomplete serves forms that write: offer what the user may write into.
            queryset = permissions.editable_assessments(request.user, queryset)
        return queryset, may_have_duplicates


def _answering_frozen(request) -> bool:
    """Whether the page is being shown again to refuse a save into a published round."""
    return getattr(request, "_answering_frozen", False)


class FrozenRoundMixin:
    """Objects of a published round are read-only here (the services refuse writes too)."""

    round_path: str = "round"

    def _round_of(self, obj):
        for part in self.round_path.split("__"):
            obj = getattr(obj, part)
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._round_of(obj).is_frozen and not _answering_frozen(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._round_of(obj).is_frozen:
            return False
        return super().has_delete_permission(request, obj)


def choices_read_once(form: type[forms.BaseForm], *names: str) -> None:
    """Give an inline's selects their options as a list, read once for the formset.

    Each row's copy of a ModelChoiceField would read its queryset again when drawn: a
    query per row and per select, and the labels' own queries on top.
    """
    for name in names:
        field = form.base_fields.get(name)
        if not isinstance(field, forms.ModelChoiceField):
            continue
        field.choices = [(str(value), label) for value, label in field.choices]
        # The admin wraps the select (its add and change links); the wrapped one draws.
        inner = getattr(field.widget, "widget", None)
        if inner is not None:
            inner.choices = field.choices


class AutocompleteReadOnce(AutocompleteSelect):
    """An autocomplete select of an inline that knows its rows' chosen labels.

    Django's reads the chosen row's label again for each row of an inline; the inline
    gives `labels` ({value: label}) read once for all its rows. A value it was not given
    (a new choice sent back with an error) is read as Django reads it.
    """

    labels: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not chosen <= self.labels.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for key in sorted(chosen):
            options.append(self.create_option(name, key, self.labels[key], chosen, len(options)))
        return [(None, options, 0)]


class FrozenInlineMixin:
    """Inlines of an object in a published round: nothing to add, change or delete."""

    round_path: str = "round"

    def _frozen(self, obj) -> bool:
        if obj is None:
            return False
        for part in self.round_path.split("__"):
            obj = getattr(obj, part)
        return obj.is_frozen

    def has_add_permission(self, request, obj=None):
        frozen = self._frozen(obj) and not _answering_frozen(request)
        return not frozen and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        frozen = self._frozen(obj) and not _answering_frozen(request)
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class ServiceAdminMixin:
    """Admin pages whose saves call services: a refused change is shown, not a 500.

    The change form runs in one transaction. A DomainError raised by a service (a stale
    row, a round published meanwhile, a role that may not) rolls all of it back; the
    page is then shown again from what the user sent, with the reason on the form, so
    nothing she typed is lost and nothing is written.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            self._refuse_if_published(request, object_id)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.DomainError as exc:
            if request.method != "POST":
                raise
            request._service_refusal = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def construct_change_message(self, request, form, formsets, add=False):
        # The reason is kept in the history with the change; it is not a changed field.
        form.__dict__["changed_data"] = [
            name for name in form.changed_data if name not in ("reason", "expected_revision")
        ]
        return super().construct_change_message(request, form, formsets, add)

    def _refuse_if_published(self, request, object_id) -> None:
        """A save sent to a round published since the page was opened: answered on the page
        (the form as she filled it, with the reason), not with a 403 that loses her text.

        Only the freeze is waived for showing the page; the form then refuses to save.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return
        round_ = obj if isinstance(obj, Round) else self._round_of(obj)
        if not round_.is_frozen:
            return
        request._answering_frozen = True
        if not self.has_change_permission(request, obj):
            request._answering_frozen = False  # not hers to change anyway: Django's 403
            return
        try:
            services.ensure_open(round_)
        except services.RoundFrozen as exc:
            request._service_refusal = exc

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form

        class Refused(form):
            def clean(self):
                super().clean()
                # The second pass only shows the page: refuse it with the service's reason.
                for field, errors in refusal.errors.items():
                    if field in self.fields:
                        for error in errors:
                            self.add_error(field, error)
                raise ValidationError(refusal.message, code=refusal.code)

        Refused.__name__ = form.__name__
        return Refused

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only (published, or not theirs): nothing to give a reason for.
            fields = [f for f in fields if f not in ("reason", "expected_revision")]
        return fields
