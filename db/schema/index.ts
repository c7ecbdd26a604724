export * from './access.ts';
export * from './components.ts';
export * from './incidents.ts';
export * from './maintenances.ts';
export * from './outbox.ts';
export * from './people.ts';
export * from './subscribers.ts';
