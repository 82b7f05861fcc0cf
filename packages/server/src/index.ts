/** The server as a library: open a Flywheel on a data dir or a Postgres URL and serve it. */
export { openFlywheel, migrations, type Flywheel, type OpenOptions } from './app';
export { loadConfig, type Config } from './platform/config';
