CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_entity` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `component_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`audience` text DEFAULT 'public' NOT NULL,
	`position` integer NOT NULL,
	`content_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `component_groups_name_unique` ON `component_groups` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `component_groups_content_key_unique` ON `component_groups` (`content_key`);--> statement-breakpoint
CREATE TABLE `component_status_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`component_id` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `status_history_component_started` ON `component_status_history` (`component_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `components` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`group_id` text,
	`audience` text DEFAULT 'public' NOT NULL,
	`status` text DEFAULT 'operational' NOT NULL,
	`position` integer NOT NULL,
	`showcase` integer DEFAULT true NOT NULL,
	`only_show_if_degraded` integer DEFAULT false NOT NULL,
	`start_date` text,
	`content_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `component_groups`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `components_content_key_unique` ON `components` (`content_key`);--> statement-breakpoint
CREATE INDEX `components_group_position` ON `components` (`group_id`,`position`);--> statement-breakpoint
CREATE TABLE `incident_components` (
	`incident_id` text NOT NULL,
	`component_id` text NOT NULL,
	PRIMARY KEY(`incident_id`, `component_id`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incident_components_component` ON `incident_components` (`component_id`);--> statement-breakpoint
CREATE TABLE `incident_updates` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`status` text NOT NULL,
	`body` text NOT NULL,
	`audience` text NOT NULL,
	`notify` integer DEFAULT false NOT NULL,
	`component_changes` text DEFAULT '[]' NOT NULL,
	`next_update_at` integer,
	`author` text NOT NULL,
	`display_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incident_updates_incident_display` ON `incident_updates` (`incident_id`,`display_at`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`status` text NOT NULL,
	`impact` text NOT NULL,
	`impact_overridden` integer DEFAULT false NOT NULL,
	`severity` text NOT NULL,
	`type` text NOT NULL,
	`audience` text NOT NULL,
	`started_at` integer NOT NULL,
	`detected_at` integer,
	`acknowledged_at` integer,
	`monitoring_at` integer,
	`resolved_at` integer,
	`next_update_at` integer,
	`incident_commander` text,
	`comms_lead` text,
	`technical_lead` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incidents_audience_started` ON `incidents` (`audience`,`started_at`);--> statement-breakpoint
CREATE INDEX `incidents_status` ON `incidents` (`status`);--> statement-breakpoint
CREATE TABLE `maintenance_components` (
	`maintenance_id` text NOT NULL,
	`component_id` text NOT NULL,
	`prior_status` text,
	PRIMARY KEY(`maintenance_id`, `component_id`),
	FOREIGN KEY (`maintenance_id`) REFERENCES `maintenances`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `maintenance_components_component` ON `maintenance_components` (`component_id`);--> statement-breakpoint
CREATE TABLE `maintenance_updates` (
	`id` text PRIMARY KEY NOT NULL,
	`maintenance_id` text NOT NULL,
	`status` text NOT NULL,
	`body` text NOT NULL,
	`audience` text NOT NULL,
	`notify` integer DEFAULT false NOT NULL,
	`component_changes` text DEFAULT '[]' NOT NULL,
	`author` text NOT NULL,
	`display_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`maintenance_id`) REFERENCES `maintenances`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `maintenance_updates_maintenance_display` ON `maintenance_updates` (`maintenance_id`,`display_at`);--> statement-breakpoint
CREATE TABLE `maintenances` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`status` text NOT NULL,
	`audience` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`scheduled_until` integer NOT NULL,
	`auto_transition` integer DEFAULT true NOT NULL,
	`started_at` integer,
	`verifying_at` integer,
	`completed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `maintenances_status_scheduled` ON `maintenances` (`status`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `maintenances_audience_scheduled` ON `maintenances` (`audience`,`scheduled_for`);