import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openFlywheel, type Flywheel } from '../app';
import { loadConfig, type Config } from '../platform/config';
import { FlywheelError } from '../platform/errors';
import { createLogger } from '../platform/logger';
import { localDateOf } from '../platform/timezone';
import { importCommand } from './import';
import { assertDemoOptions, DEMO_LOGIN, loadDemo, readDemo, resetDataDir } from './demo';
import { reviewCommand } from './review';
import { simulateLive } from './simulate';

const program = new Command();
program
  .name('flywheel')
  .description('Flywheel: e-commerce growth operations (plan -> levers -> measure -> review)')
  .option('--data-dir <dir>', 'where the embedded stores live (overrides FLYWHEEL_DATA_DIR)')
  .showHelpAfterError();

function configFrom(cmd: Command, overrides: Partial<Config> = {}): Config {
  const { dataDir } = cmd.optsWithGlobals() as { dataDir?: string };
  return loadConfig({ ...(dataDir ? { dataDir } : {}), ...overrides });
}

/**
 * Progress of long work on stderr: a bar on a terminal; elsewhere (a log file, CI) a line at every
 * tenth, so a long run can be followed there too. Nothing with --json.
 */
function progress(json: boolean | undefined, label: string, unit: string) {
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  let shown = -1;
  return {
    update: (done: number, total: number) => {
      if (json) return;
      if (process.stderr.isTTY) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta}s left`, stream: process.stderr }, cliProgress.Presets.shades_classic);
          bar.start(total, 0);
        }
        bar.update(done);
        return;
      }
      const tenth = Math.floor((10 * done) / total);
      if (tenth > shown) {
        shown = tenth;
        process.stderr.write(`${label}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit} (${tenth * 10}%) after ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      }
    },
    stop: () => bar?.stop(),
  };
}

function print(json: boolean, data: unknown, human: string) {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`);
}

/** Opens Flywheel quietly for a one-off command, runs it, and closes the stores. */
async function withFlywheel<T>(config: Config, work: (fw: Flywheel) => Promise<T>): Promise<T> {
  const fw = await openFlywheel({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  try {
    return await work(fw);
  } finally {
    await fw.close();
  }
}

program
  .command('init')
  .description('create a shop with its owner account and API keys (run again to add another shop)')
  .option('--shop-name <name>', 'the shop name', 'My shop')
  .option('--timezone <tz>', 'the shop time zone', 'Asia/Shanghai')
  .option('--currency <code>', 'the shop currency', 'CNY')
  .option('--json', 'print JSON')
  .action(async (opts, cmd) => {
    const result = await withFlywheel(configFrom(cmd), (fw) => fw.shops.createShop({ name: opts.shopName, timezone: opts.timezone, currency: opts.currency }));
    print(opts.json, result, [
      `Shop ${result.shopId} created.`,
      `  publishable key (storefront tracking): ${result.publishableKey}`,
      `  secret key (back-end, keep it secret):  ${result.secretKey}`,
      `  owner login: ${result.ownerEmail} / ${result.ownerPassword}`,
    ].join('\n'));
  });

program
  .command('migrate')
  .description('apply database migrations (they also run at start-up)')
  .option('--json', 'print JSON')
  .action(async (opts, cmd) => {
    const config = configFrom(cmd);
    await withFlywheel(config, async () => undefined);
    print(opts.json, { ok: true, database: config.databaseUrl ? 'postgres' : 'pglite' }, `Migrations applied (${config.databaseUrl ? 'PostgreSQL' : `embedded, ${config.dataDir}`}).`);
  });

program
  .command('serve')
  .description('serve the API, /docs and the console')
  .option('--port <n>', 'port to listen on', (v) => Number(v))
  .option('--host <host>', 'address to listen on')
  .action(async (opts, cmd) => {
    const config = configFrom(cmd, { ...(opts.port !== undefined ? { port: opts.port } : {}), ...(opts.host ? { host: opts.host } : {}) });
    await serve(config);
  });

/** Serves an open Flywheel (or opens one) until SIGINT/SIGTERM. */
export async function serve(config: Config, opened?: Flywheel): Promise<Flywheel> {
  const fw = opened ?? (await openFlywheel(config));
  fw.startBackground();
  const address = await fw.http.listen({ port: config.port, host: config.host });
  // `flywheel review` beside this server reads through it (platform/local-access.ts).
  fw.localAccess.announce(config.dataDir, fw.http.server.address() as AddressInfo);
  fw.log.info({ address, dataDir: config.databaseUrl ? undefined : config.dataDir }, `Flywheel is listening on ${address} (API docs at ${address}/docs)`);
  const stop = async () => { await fw.close(); process.exit(0); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return fw;
}

program.addCommand(importCommand({ configFrom, withFlywheel, onlyShop, progress }));

program
  .command('demo')
  .description('load a realistic demo shop (a year of history) and serve it; run again to reuse it')
  .option('--seed <n>', 'random seed: the same seed gives the same shop', (v) => Number(v), 42)
  .option('--customers <n>', 'number of customers', (v) => Number(v), 20_000)
  .option('--days <n>', 'days of history, ending today in the shop time zone', (v) => Number(v), 400)
  .option('--reset', 'throw away the demo data and generate it again')
  .option('--no-serve', 'load the demo shop and exit')
  .option('--port <n>', 'port to serve on', (v) => Number(v))
  .option('--json', 'print JSON (the same keys as init)')
  .action(async (opts, cmd) => {
    const config = configFrom(cmd, opts.port !== undefined ? { port: opts.port } : {});
    assertDemoOptions(opts);
    if (opts.reset) resetDataDir(config.dataDir);
    let demo = readDemo(config.dataDir);
    const fw = await openFlywheel({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
    try {
      if (!demo) {
        const endDate = localDateOf(new Date(), 'Asia/Shanghai');
        const bar = progress(opts.json, 'loading the demo shop', 'days');
        const started = Date.now();
        demo = await loadDemo(fw, { seed: opts.seed, customers: opts.customers, days: opts.days, endDate }, bar.update);
        bar.stop();
        if (!opts.json) process.stderr.write(`Loaded in ${((Date.now() - started) / 1000).toFixed(0)} s: ${Object.entries(demo.rows).map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`).join(', ')}\n`);
      } else if (!opts.json) {
        process.stderr.write(`Reusing the demo shop in ${config.dataDir} (seed ${demo.seed}; --reset starts over).\n`);
      }
    } catch (error) {
      await fw.close();
      throw error;
    }
    const keys = { shopId: demo.shopId, publishableKey: demo.publishableKey, secretKey: demo.secretKey, ownerEmail: demo.ownerEmail, ownerPassword: demo.ownerPassword };
    if (opts.serve === false) {
      await fw.close();
      print(opts.json, keys, [
        `Demo shop ${demo.shopId} is ready in ${config.dataDir}. Start it with: npx flywheel serve`,
        `  log in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`,
        `  secret key ${demo.secretKey}, publishable key ${demo.publishableKey}`,
      ].join('\n'));
      return;
    }
    const url = `http://${config.host}:${config.port}`;
    print(opts.json, { ...keys, url }, [
      `Flywheel demo: ${url}  (API docs: ${url}/docs)`,
      `  log in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`,
      `  secret key ${demo.secretKey}, publishable key ${demo.publishableKey}`,
      `  live traffic: npx flywheel simulate --live`,
    ].join('\n'));
    await serve({ ...config, logLevel: 'warn' }, fw);
  });

program
  .command('simulate')
  .description('send live demo traffic (events and orders) to a running Flywheel through its HTTP APIs')
  .option('--live', 'keep sending in real time (the only mode)')
  .option('--rate <n>', 'events a second', (v) => Number(v), 50)
  .option('--url <url>', 'the Flywheel server', 'http://127.0.0.1:8787')
  .option('--publishable-key <key>', 'default: the demo shop of the data dir')
  .option('--secret-key <key>', 'default: the demo shop of the data dir')
  .option('--duration <seconds>', 'stop after this long (default: until Ctrl-C)', (v) => Number(v))
  .action(async (opts, cmd) => {
    const config = configFrom(cmd);
    const demo = readDemo(config.dataDir);
    const publishableKey = opts.publishableKey ?? demo?.publishableKey;
    const secretKey = opts.secretKey ?? demo?.secretKey;
    if (!publishableKey || !secretKey) throw new FlywheelError('invalid_field', `no demo shop in ${config.dataDir}: run \`flywheel demo\` first or pass --publishable-key and --secret-key`, 'publishable-key');
    if (!(opts.rate > 0)) throw new FlywheelError('invalid_field', '--rate must be a positive number of events a second', 'rate');
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    process.stderr.write(`Sending about ${opts.rate} events a second to ${opts.url} (Ctrl-C stops)\n`);
    const sent = await simulateLive({
      url: opts.url.replace(/\/$/, ''), publishableKey, secretKey, rate: opts.rate, seed: demo?.seed ?? 42, customers: demo?.customers ?? 20_000,
      durationSeconds: opts.duration, signal: abort.signal,
      onTick: (s) => { if (process.stderr.isTTY) process.stderr.write(`\r${s.events.toLocaleString('en-US')} events, ${s.orders.toLocaleString('en-US')} orders sent`); },
    });
    process.stderr.write(`\n${sent.events} events and ${sent.orders} orders sent.\n`);
  });

async function onlyShop(fw: Flywheel): Promise<string> {
  const shops = await fw.shops.listShops();
  if (shops.length === 1) return shops[0].id;
  if (shops.length === 0) throw new FlywheelError('not_found', 'there is no shop yet: run `flywheel init` (or `flywheel demo`) first');
  throw new FlywheelError('invalid_field', `there are ${shops.length} shops; say which with --shop (${shops.map((s) => s.id).join(', ')})`, 'shop');
}

program.addCommand(reviewCommand({ configFrom, withFlywheel, onlyShop }));

export { program };

program.parseAsync(process.argv).catch((error: unknown) => {
  const log = createLogger({ logLevel: 'error' });
  if (error instanceof FlywheelError) process.stderr.write(`flywheel: ${error.message}\n`);
  else log.error({ err: error }, 'flywheel failed');
  process.exit(1);
});
