ALTER TABLE `incidents` ADD `customers_affected` integer;--> statement-breakpoint
ALTER TABLE `incidents` ADD `business_impact` text;