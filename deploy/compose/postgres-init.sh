#!/usr/bin/env bash
# First start of the compose Postgres: one role (LOGIN REPLICATION, for its relay's slot) and one
# schema per service, the role owning its schema, as the local stack provisions them
# (PostgresServer.provisionServiceSchema). Passwords come from the container's environment.
set -euo pipefail
for service in collections credits generator publishing storage webhooks; do
  var="${service^^}_DB_PASSWORD"
  password="${!var:?$var is not set}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
       -v role="$service" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN REPLICATION', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN REPLICATION PASSWORD :'password';
CREATE SCHEMA IF NOT EXISTS :"role" AUTHORIZATION :"role";
ALTER ROLE :"role" SET search_path = :"role";
GRANT CONNECT, CREATE ON DATABASE emprops TO :"role";
SQL
done
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -c "REVOKE ALL ON DATABASE emprops FROM PUBLIC"
