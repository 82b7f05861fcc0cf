export * from './tracker';
export * from './client';
