CREATE TABLE "store_photos" (
	"merchant_id" bigint PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL,
	"content_type" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"sha256" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_photos_size" CHECK (octet_length("store_photos"."bytes") between 1 and 524288),
	CONSTRAINT "store_photos_type" CHECK ("store_photos"."content_type" in ('image/jpeg')),
	CONSTRAINT "store_photos_dimensions" CHECK ("store_photos"."width" between 1 and 4000 and "store_photos"."height" between 1 and 4000)
);
--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "business_name" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "licence_no" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "contact_phone" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "hours" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "category" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "latitude" double precision;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "longitude" double precision;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "suspended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "suspended_reason" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "suspended_by_user_id" bigint;--> statement-breakpoint
ALTER TABLE "store_photos" ADD CONSTRAINT "store_photos_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_suspended_by_user_id_users_id_fk" FOREIGN KEY ("suspended_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "merchants_category_idx" ON "merchants" USING btree ("category");--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_category_known" CHECK ("merchants"."category" is null or "merchants"."category" in ('restaurant', 'drinks', 'bakery', 'grocery', 'retail', 'services', 'other'));--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_coordinates" CHECK (("merchants"."latitude" is null) = ("merchants"."longitude" is null) and ("merchants"."latitude" is null or ("merchants"."latitude" between -90 and 90 and "merchants"."longitude" between -180 and 180)));--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_suspension_reason" CHECK ("merchants"."suspended_at" is null or "merchants"."suspended_reason" is not null);