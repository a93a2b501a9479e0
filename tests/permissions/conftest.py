"""One world per test module: built once in a transaction that is rolled back at its end.

Each test still runs in its own savepoint (pytest-django's `db`), so what a test writes
is gone before the next one; the world itself is built only once, which keeps a matrix
of some two thousand requests within seconds.
"""

from __future__ import annotations

import pytest
from django.test import Client

from ..conftest import rolled_back
from .world import ROLES, World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    with rolled_back(django_db_blocker):
        yield build_world()


@pytest.fixture
def as_role(world, db):
    """as_role("expert_a") → a client logged in as her in the admin and, by token, the API."""

    def make(name: str) -> Client:
        user = world.users[name]
        if user is None:
            return Client()
        client = Client(headers={"Authorization": f"Token {world.tokens[name]}"})
        client.force_login(user)
        return client

    return make


ROLE_NAMES = [role.name for role in ROLES]
