"""Settings of the database connection that the pages' speed depends on."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_compiles_no_query_just_in_time():
    # JIT spent ~0.5 s compiling the scoring annotations of a list that runs in ~1 ms.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
