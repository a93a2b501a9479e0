import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import JSONField
from django.template import Template
from django.test.utils import _TestState
from django.utils import translation

from assessments import permissions
from assessments.api import caching
from assessments.models import PanelMembership, Round
from assessments.roles import ensure_roles

from .factories import PanelFactory, UserFactory


@pytest.fixture(autouse=True)
def english():
    """Messages in English unless a test asks for Kyrgyz or Russian (Kyrgyz is the default)."""
    with translation.override("en"):
        yield


def _json_column(field: JSONField, value):
    # The cursor gives a JSON column's text (both databases); written back, it is a value.
    return field.get_db_prep_save(
        json.loads(value) if isinstance(value, str) else value, connection
    )


class Snapshot:
    """Rows of the assessments app as a fixture builds them: built once per test process,
    then copied in by bulk inserts.

    `load_study` checks every object as it goes (2,800 queries, over two seconds); most
    tests need its result, not its checks, which tests/test_study_2016.py covers. So do the
    rounds the public-site and chart tests build on it: a snapshot is named by what it
    holds, and is built on an empty assessments app (its first call captures every row
    there). Rows are read and written as SQL, past modeltranslation's rewriting of the
    translated fields.
    """

    _tables: dict[str, list[tuple[type, list[str], list[tuple]]]] = {}

    @classmethod
    def restore(cls, name: str, build: Callable[[], object]) -> None:
        if name in cls._tables:
            cls._write(cls._tables[name])
        else:
            build()
            cls._tables[name] = cls._read()

    @staticmethod
    def _read() -> list[tuple[type, list[str], list[tuple]]]:
        tables = []
        with connection.cursor() as cursor:
            for model in apps.get_app_config("assessments").get_models(include_auto_created=True):
                fields = model._meta.concrete_fields
                columns = [connection.ops.quote_name(f.column) for f in fields]
                cursor.execute(
                    f"SELECT {', '.join(columns)} FROM {model._meta.db_table} ORDER BY 1"
                )
                rows = [
                    tuple(
                        _json_column(f, v) if isinstance(f, JSONField) else v
                        for f, v in zip(fields, row, strict=True)
                    )
                    for row in cursor.fetchall()
                ]
                tables.append((model, columns, rows))
        return tables

    @staticmethod
    def _write(tables: list[tuple[type, list[str], list[tuple]]]) -> None:
        published: dict[str, list[int]] = {}
        with transaction.atomic(), connection.cursor() as cursor:
            for model, columns, rows in tables:
                if not rows:
                    continue
                if model is Round:
                    # The database refuses rows of a published round: publish after them.
                    status = columns.index(connection.ops.quote_name("status"))
                    for row in rows:
                        published.setdefault(row[status], []).append(row[0])
                    rows = [(*r[:status], Round.Status.DRAFT, *r[status + 1 :]) for r in rows]
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({marks})",
                    rows,
                )
            for status, pks in published.items():
                Round.objects.filter(pk__in=pks).update(status=status)
            models = [model for model, _columns, rows in tables if rows]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def load_study() -> None:
    """The 2016 round, as `load_study` loads it from the study's data files."""
    Snapshot.restore("study", lambda: call_command("load_study", verbosity=0))


@pytest.fixture
def study_round(db) -> Round:
    """The 2016 round, as `load_study` loads it from the study's data files."""
    load_study()
    return Round.objects.get(year=2016)


def role_group(name: str) -> Group:
    """The role's group, made again (with its permissions) if a test emptied the table.

    Transactional tests do not use serialized_rollback: their flush then emits
    post_migrate, which recreates content types, permissions and the roles
    (assessments/roles.py). Restoring a serialized copy instead collided with groups
    that an earlier flush had recreated under new ids, and left the database empty for
    the tests that ran after it on the same xdist worker.
    """
    group = Group.objects.filter(name=name).first()
    if group is None:
        ensure_roles()
        group = Group.objects.get(name=name)
    return group


@pytest.fixture
def staff(db):
    return user_in_role("staff", permissions.STAFF)


def user_in_role(username: str, group: str):
    """A user in the role's group (permissions.STAFF, CHAIR, EXPERT...)."""
    user = UserFactory(username=username)
    user.groups.add(role_group(group))
    return user


@pytest.fixture
def chair(db):
    return user_in_role("chair", permissions.CHAIR)


@pytest.fixture
def expert(db):
    return user_in_role("aigul", permissions.EXPERT)


@pytest.fixture
def other_expert(db):
    return user_in_role("bakyt", permissions.EXPERT)


@pytest.fixture
def outsider(db):
    return user_in_role("outsider", permissions.EXPERT)


@pytest.fixture
def panel_for():
    """panel_for(round_, chair=..., experts=[...], pairs=[...]) → a panel with its members."""

    def make(round_, *, chair=None, experts=(), pairs=()):
        panel = PanelFactory(round=round_)
        if pairs:
            panel.pairs.set(pairs)
        if chair is not None:
            PanelMembership.objects.create(panel=panel, user=chair, role="chair")
        for user in experts:
            PanelMembership.objects.create(panel=panel, user=user, role="expert")
        return panel

    return make


@contextmanager
def rolled_back(django_db_blocker) -> Iterator[None]:
    """For a module-scoped fixture: what it builds stays for the module's tests, in a
    transaction rolled back at the module's end. Each test still runs in its own savepoint
    (pytest-django's `db`), so what a test writes is gone before the next one."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()
            caching.clear_local()


@pytest.fixture
def plain_rendering():
    """Templates rendered as in production: the test client's instrumented rendering copies
    every template's context (hundreds of widget templates a change form), which only slows
    a test that reads the bytes; it nearly doubled the permission matrix's time."""
    instrumented = Template._render
    Template._render = _TestState.saved_data.template_render
    yield
    Template._render = instrumented


def pytest_configure(config):
    """The garbage collector as the WSGI workers run it (accountability/wsgi.py): what is
    loaded at start frozen out of its scans, young collections less often. A test process
    holds far more than a worker (the study's snapshots, schemathesis's schema, Playwright),
    and each full collection scanned all of it."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
