import type { ComponentStatus } from './enums.ts';

/** One component status set by an update, with the component's name as it was then. */
export interface ComponentChange {
  componentId: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}
