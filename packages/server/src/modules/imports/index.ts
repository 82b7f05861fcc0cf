/** File imports (CSV, XLSX, NDJSON) into commerce data and tracking backfills. The only door into the module. */
export { ImportService, errorReport } from './service';
export { importRoutes } from './routes';
