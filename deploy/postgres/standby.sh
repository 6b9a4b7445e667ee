#!/bin/bash
# postgres-standby (compose.yaml): on its first start, a base backup of the primary through the
# "standby" slot, configured to follow it (-R); then Postgres as a hot standby named "standby".
# The same steps as scripts/topology/postgres.ts (cloneFrom) for `npm run topology`.
set -euo pipefail

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h postgres-primary -U postgres -q; do sleep 1; done
  PGPASSWORD="$POSTGRES_PASSWORD" pg_basebackup -h postgres-primary -U postgres -D "$PGDATA" -R -X stream -S standby --checkpoint=fast
  # The primary's synchronous_standby_names came with the backup; once promoted, this server has
  # no standby of its own, and with it set every commit would wait forever.
  sed -i '/synchronous_standby_names/d' "$PGDATA/postgresql.auto.conf"
  chmod 700 "$PGDATA"
fi
exec postgres -D "$PGDATA" -c cluster_name=standby -c hot_standby=on -c wal_log_hints=on
