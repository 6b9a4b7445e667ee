#!/bin/bash
# First start of postgres-primary (compose.yaml): the app's role and database, the standby's
# replication slot and access, then synchronous commit through the standby from the next start on.
# The same steps as scripts/topology/index.ts does for `npm run topology`.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username postgres <<SQL
create role freeline login password '${APP_DB_PASSWORD}';
-- pg-router's health check: it logs in and asks pg_is_in_recovery(), nothing else.
create role primary_check login password '${PG_CHECK_PASSWORD}';
-- The app's session limits (db/index.ts SESSION_LIMITS) as the role's defaults: pgbouncer in
-- transaction mode cannot pass them from the client.
alter role freeline set statement_timeout = 15000;
alter role freeline set lock_timeout = 10000;
alter role freeline set idle_in_transaction_session_timeout = 30000;
create database freeline owner freeline;
select pg_create_physical_replication_slot('standby');
SQL

echo "host replication postgres all scram-sha-256" >> "$PGDATA/pg_hba.conf"

# Set now, in effect when the entrypoint restarts the server after this script: commits wait for the
# standby named "standby" (its cluster_name). Not during this first run, which has no standby yet.
psql -v ON_ERROR_STOP=1 --username postgres -c "alter system set synchronous_standby_names = 'standby'"
