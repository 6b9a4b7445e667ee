#!/bin/sh
# haproxy external check (pg-router): passes only on a Postgres that takes writes.
r=$(PGPASSFILE=/tmp/pg-check.pass PGCONNECT_TIMEOUT=2 psql -X -q -t -A -h "$3" -p "$4" -U primary_check -d postgres -c "select pg_is_in_recovery()" 2>/dev/null)
[ "$r" = "f" ]
