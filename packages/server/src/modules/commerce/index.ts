/** Commerce data (products, customers, orders, refunds, inventory, spend): the system of record and its projection to the analytics store. The only door into the module. */
export { ANONYMOUS_PREFIX, CommerceService, type StoredCustomer } from './service';
export { commerceMigrations } from './migrations';
export { commerceAnalyticsSchema, commerceProjections, eraseCustomerAnalytics } from './projection';
export { commerceRoutes } from './routes';
