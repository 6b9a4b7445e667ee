CREATE TABLE "job_runners" (
	"instance_id" text PRIMARY KEY NOT NULL,
	"worker_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"host" text NOT NULL,
	"pid" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
