"""What every model page of a round shares: frozen once published, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect

from .. import services


class FrozenRoundMixin:
    """Objects of a published round are read-only here (the services refuse writes too)."""

    round_path: str = "round"

    def _round_of(self, obj):
        for part in self.round_path.split("__"):
            obj = getattr(obj, part)
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._round_of(obj).is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._round_of(obj).is_frozen:
            return False
        return super().has_delete_permission(request, obj)


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
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class ServiceAdminMixin:
    """Admin pages whose saves call services: a refused change is shown, not a 500.

    The change form runs in one transaction; a DomainError raised by a service
    rolls all of it back, and the user is sent back to the page with the reason.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only (published, or not theirs): nothing to give a reason for.
            fields = [f for f in fields if f not in ("reason", "expected_revision")]
        return fields
