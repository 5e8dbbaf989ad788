export * from './apply-event';
export * from './demo-communities';
export * from './event-id';
export * from './events';
export * from './requests';
export * from './task';
export type { TaskStep, TaskTypeDefinition } from './task-type-definition';
export * from './task-types';
export * from './text';
