ALTER TABLE "queues" ADD COLUMN "appended_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "paid_through_position" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "paid_through_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "queue_entries" ADD COLUMN "cum_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "queue_entries_settled_early_idx" ON "queue_entries" USING btree ("queue_id","position","target_fen") WHERE "queue_entries"."status" <> 'waiting' and "queue_entries"."paid_kind" is distinct from 'fifo';--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_paid_through" CHECK ("queues"."paid_through_position" >= 0 and "queues"."paid_through_position" < "queues"."next_position");--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_counters_fen" CHECK ("queues"."paid_through_fen" >= 0 and "queues"."paid_through_fen" <= "queues"."appended_fen");--> statement-breakpoint
-- Backfill the counters for queues that already hold entries (see lib/queue/ahead.ts).
UPDATE "queue_entries" e SET "cum_fen" = c.cum
FROM (
  SELECT id, coalesce(sum(target_fen) OVER (PARTITION BY queue_id ORDER BY position ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cum
  FROM "queue_entries"
) c
WHERE c.id = e.id AND c.cum <> 0;--> statement-breakpoint
UPDATE "queues" q SET "appended_fen" = s.total
FROM (SELECT queue_id, sum(target_fen) AS total FROM "queue_entries" GROUP BY queue_id) s
WHERE s.queue_id = q.id;--> statement-breakpoint
-- The FIFO drain pays a prefix of the waiting entries, so every entry at or before the last one it
-- paid is settled.
UPDATE "queues" q SET "paid_through_position" = f.position, "paid_through_fen" = f.cum_fen + f.target_fen
FROM (
  SELECT DISTINCT ON (queue_id) queue_id, position, cum_fen, target_fen
  FROM "queue_entries" WHERE paid_kind = 'fifo' ORDER BY queue_id, position DESC
) f
WHERE f.queue_id = q.id;
