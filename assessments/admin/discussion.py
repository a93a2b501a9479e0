"""Discussion threads on a process's assessment, with replies and a resolved state."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import (
    Comment,
    Thread,
)
from .forms import (
    ThreadAddForm,
)
from .mixins import FrozenRoundMixin, ServiceAdminMixin, VisibleFilter, VisibleRowsMixin

# --- Discussion ----------------------------------------------------------------


class CommentInline(admin.StackedInline):
    model = Comment
    fields = ["author", "created_at", "parent", "body"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False  # what was said stays said; replies are new comments

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "parent__author")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            thread_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Comment.objects.filter(thread_id=thread_id).select_related(
                "author"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Thread)
class ThreadAdmin(ServiceAdminMixin, VisibleRowsMixin, FrozenRoundMixin, admin.ModelAdmin):
    round_path = "assessment__round"
    list_display = [
        "title",
        "round",
        "process",
        "dimension",
        "status",
        "created_by",
        "created_at",
        "comment_count",
    ]
    list_filter = ["status", ("assessment__round", VisibleFilter), "assessment__process__pair"]
    list_select_related = ["assessment__round", "assessment__process", "dimension", "created_by"]
    search_fields = ["title", "comments__body"]
    autocomplete_fields = ["assessment"]
    readonly_fields = ["status", "created_by", "created_at", "resolved_by", "resolved_at"]
    inlines = [CommentInline]
    actions = ["resolve", "reopen"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(comment_count=Count("comments"))

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ThreadAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["assessment", "dimension", "title", "body"]
        return ["assessment", "dimension", "title", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["assessment", "dimension", "title", *self.readonly_fields]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("round"), ordering="assessment__round__year")
    def round(self, obj):
        return obj.assessment.round.year

    @admin.display(description=_("process"))
    def process(self, obj):
        return obj.assessment.process.code

    @admin.display(description=_("comments"), ordering="comment_count")
    def comment_count(self, obj):
        return obj.comment_count

    def save_model(self, request, obj, form, change):
        if not change:
            thread = services.start_thread(
                actor=request.user,
                assessment=form.cleaned_data["assessment"],
                dimension=form.cleaned_data.get("dimension"),
                title=form.cleaned_data.get("title", ""),
                body=form.cleaned_data["body"],
            )
            obj.pk = thread.pk

    def save_formset(self, request, form, formset, change):
        """A reply is a new comment through services.reply; what was said is never edited.

        The lists Django's formset.save() would fill are filled here, as the change
        message reads them.
        """
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for f in formset.forms:
            if f.instance.pk is None and f.cleaned_data.get("body"):
                comment = services.reply(
                    actor=request.user,
                    thread=form.instance,
                    body=f.cleaned_data["body"],
                    parent=f.cleaned_data.get("parent"),
                )
                formset.new_objects.append(comment)
                f.instance = comment

    @admin.action(description=_("Mark as resolved"))
    def resolve(self, request, queryset):
        self._set_resolved(request, queryset, True)

    @admin.action(description=_("Reopen"))
    def reopen(self, request, queryset):
        self._set_resolved(request, queryset, False)

    def _set_resolved(self, request, queryset, resolved: bool):
        done, refused = 0, []
        for thread in queryset:
            try:
                services.resolve_thread(actor=request.user, thread=thread, resolved=resolved)
                done += 1
            except services.DomainError as exc:
                refused.append(f"{thread}: {exc.message}")
        if done:
            self.message_user(request, _("%(n)s thread(s) updated.") % {"n": done})
        for message in refused:
            self.message_user(request, message, messages.ERROR)
