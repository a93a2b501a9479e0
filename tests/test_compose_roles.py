"""docker-compose.yml runs the site as a database role that owns nothing (issue 11).

It used to run the service as the database superuser, which can switch the freeze of
published rounds off (docs/operations.md, "Database roles").
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_site_runs_as_the_service_role_and_migrations_as_the_owner():
    services = _compose()["services"]
    web, migrate = services["web"], services["migrate"]
    assert web["environment"]["DATABASE_URL"].startswith("postgres://accountability_app:")
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://accountability_owner:")
    assert "migrate" in " ".join(migrate["command"])
    assert "migrate" not in " ".join(web["command"])
    assert "check --database default" in " ".join(web["command"])
    assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    superuser = services["db"]["environment"]["POSTGRES_USER"]
    for service in (web, migrate):
        assert f"//{superuser}:" not in service["environment"]["DATABASE_URL"]


def test_the_database_creates_the_roles_when_its_volume_is_made():
    db = _compose()["services"]["db"]
    (script,) = [v for v in db["volumes"] if "docker-entrypoint-initdb.d" in v]
    assert script.startswith("./scripts/postgres_roles.sh:")
    text = (ROOT / "scripts/postgres_roles.sh").read_text(encoding="utf-8")
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES" in text
    grants = [line for line in text.splitlines() if line.lstrip().startswith("GRANT")]
    assert grants and not any("TRUNCATE" in g or "ALL PRIVILEGES" in g for g in grants)
