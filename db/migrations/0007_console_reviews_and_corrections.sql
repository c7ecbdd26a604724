CREATE TABLE `action_items` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`title` text NOT NULL,
	`owner` text NOT NULL,
	`priority` text NOT NULL,
	`due_at` integer,
	`status` text NOT NULL,
	`verification` text,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `action_items_incident` ON `action_items` (`incident_id`);--> statement-breakpoint
CREATE INDEX `action_items_open_due` ON `action_items` (`due_at`) WHERE "action_items"."status" in ('open', 'in_progress');--> statement-breakpoint
CREATE TABLE `postmortems` (
	`incident_id` text PRIMARY KEY NOT NULL,
	`public_body` text DEFAULT '' NOT NULL,
	`internal_body` text DEFAULT '' NOT NULL,
	`published` integer DEFAULT false NOT NULL,
	`published_at` integer,
	`author` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `incident_updates` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `maintenances` ADD `cancelled_at` integer;--> statement-breakpoint
ALTER TABLE `maintenances` ADD `reminded_at` integer;