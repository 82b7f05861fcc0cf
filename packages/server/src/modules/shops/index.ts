/** Shops, operators, sessions, API keys, invitations and the audit log. The only door into the module. */
export { ShopService } from './service';
export { shopMigrations } from './migrations';
export { shopRoutes } from './routes';
