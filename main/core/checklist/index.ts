export * from './types';
export * from './content';
export * from './dates';
export * from './progress';
export * from './view';
