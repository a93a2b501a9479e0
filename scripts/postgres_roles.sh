#!/usr/bin/env bash
# Two database roles, so that the freeze of published rounds holds below the application
# (docs/operations.md, "Database roles"):
# - the owner role owns the database and its tables and runs the migrations;
# - the service role (gunicorn) owns nothing: it reads and writes rows, and cannot TRUNCATE,
#   ALTER or DROP a table, disable or drop a trigger, or set session_replication_role.
# Run once as a superuser. docker-compose.yml mounts it into the postgres image's
# /docker-entrypoint-initdb.d/, which runs it when the data volume is first created; on an
# existing server: DATABASE_OWNER_PASSWORD=… DATABASE_APP_PASSWORD=… \
#   PGUSER=postgres POSTGRES_DB=accountability scripts/postgres_roles.sh
set -euo pipefail
db=${POSTGRES_DB:-accountability}
owner=${DATABASE_OWNER:-accountability_owner}
app=${DATABASE_APP_USER:-accountability_app}

psql -v ON_ERROR_STOP=1 --dbname "$db" \
  -v db="$db" -v owner="$owner" -v app="$app" \
  -v owner_password="${DATABASE_OWNER_PASSWORD:?set DATABASE_OWNER_PASSWORD}" \
  -v app_password="${DATABASE_APP_PASSWORD:?set DATABASE_APP_PASSWORD}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'owner', :'owner_password')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app', :'app_password')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
ALTER ROLE :"app" NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;

ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
GRANT USAGE ON SCHEMA public TO :"app";

-- Tables the owner creates (every migration): rows only, never TRUNCATE, REFERENCES or
-- TRIGGER; sequences to number new rows.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO :"app";
-- Tables that exist already (a database migrated before the roles were split).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
-- Which migrations ran is the owner's record: the service only reads it.
SELECT format('REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM %I', :'app')
  WHERE to_regclass('django_migrations') IS NOT NULL \gexec
SQL
echo "postgres_roles: $owner owns $db and migrates it; $app reads and writes rows only."
