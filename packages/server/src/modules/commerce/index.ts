/** Commerce data (products, customers, orders, refunds, inventory, spend): the system of record and its projection to the analytics store. The only door into the module. */
export { CommerceService } from './service';
export { commerceMigrations } from './migrations';
export { commerceAnalyticsSchema, commerceProjections } from './projection';
export { commerceRoutes } from './routes';
