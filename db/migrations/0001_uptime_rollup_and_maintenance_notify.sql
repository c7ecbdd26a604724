CREATE TABLE `component_daily_rollup` (
	`component_id` text NOT NULL,
	`day` text NOT NULL,
	`worst_status` text NOT NULL,
	`downtime_ms` integer NOT NULL,
	`observed_ms` integer NOT NULL,
	PRIMARY KEY(`component_id`, `day`),
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `component_daily_rollup_day` ON `component_daily_rollup` (`day`);--> statement-breakpoint
ALTER TABLE `maintenances` ADD `notify` integer DEFAULT false NOT NULL;