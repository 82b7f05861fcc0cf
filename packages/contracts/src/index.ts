export * from './common';
export * from './commerce';
export * from './tracking';
export * from './channels';
export * from './shops';
export * from './metrics';
export * from './metric-catalog';
export * from './planning';
