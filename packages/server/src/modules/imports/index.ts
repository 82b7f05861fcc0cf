/** File imports (CSV, XLSX, NDJSON) into commerce data and tracking backfills. The only door into the module. */
export { ImportService, type ImportOptions } from './service';
export { MoneyUnitError } from './money-unit';
export { importRoutes } from './routes';
