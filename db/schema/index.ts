export * from './access.ts';
export * from './components.ts';
export * from './incidents.ts';
export * from './maintenances.ts';
