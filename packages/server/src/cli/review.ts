import fs from 'node:fs';
import { Command, Option } from 'commander';
import { locales, reviewFormats, reviewQuery, type Locale, type ReviewFormat } from '@flywheel/contracts';
import type { z } from 'zod';
import type { Flywheel } from '../app';
import type { Config } from '../platform/config';
import { FlywheelError, fromZodIssue } from '../platform/errors';
import { runningServer, type RunningServer } from '../platform/local-access';
import { renderReview } from '../modules/planning';
import { readerOf } from './through-server';

/** What `flywheel review` borrows from main.ts, so the commands open stores and pick shops one way. */
export interface CliHelpers {
  configFrom(cmd: Command): Config;
  withFlywheel<T>(config: Config, work: (fw: Flywheel) => Promise<T>): Promise<T>;
  onlyShop(fw: Flywheel): Promise<string>;
}

/**
 * `flywheel review --month 2026-10 | --quarter 2026-Q4 [--format md|html|pdf|json] [--lang zh-CN|en] [--out FILE]`:
 * the 复盘 report (the same as `GET /v1/reviews`), printed or written to a file. Beside a server that
 * holds the data dir it asks that server (through-server.ts); otherwise it opens the dir itself.
 */
export function reviewCommand(cli: CliHelpers): Command {
  return new Command('review')
    .description('the 复盘 report of a month or quarter: target vs actual, the sales gap by driver, channels, ROI, risks, next actions')
    .option('--month <YYYY-MM>', 'the month to review, e.g. 2026-10')
    .option('--quarter <YYYY-QN>', 'the quarter to review, e.g. 2026-Q4')
    .addOption(new Option('--format <format>', 'md, html (with charts), pdf or json').choices(reviewFormats).default('md'))
    .addOption(new Option('--lang <lang>', 'the language of the report').choices(locales).default('zh-CN'))
    .option('--out <file>', 'write the report to this file instead of printing it')
    .option('--shop <id>', 'the shop to review (default: the only shop)')
    .option('--plan <id>', 'the plan to review against (default: the newest live plan for the period)')
    .option('--as-of <date>', 'review as of this date, YYYY-MM-DD (default: today): a period still running is measured up to it')
    .action(async (opts: { month?: string; quarter?: string; format: ReviewFormat; lang: Locale; out?: string; shop?: string; plan?: string; asOf?: string }, cmd: Command) => {
      const parsed = reviewQuery.safeParse({ month: opts.month, quarter: opts.quarter, format: opts.format, lang: opts.lang, planId: opts.plan, asOf: opts.asOf });
      if (!parsed.success) {
        const error = fromZodIssue(parsed.error.issues[0]);
        throw new FlywheelError('invalid_field', `--${error.message.replace(/^planId/, 'plan').replace(/^asOf/, 'as-of')}`, error.field);
      }
      if (opts.format === 'pdf' && !opts.out && process.stdout.isTTY) throw new FlywheelError('invalid_field', '--out: a PDF is binary; say where to write it with --out FILE', 'out');
      const config = cli.configFrom(cmd);
      const server = runningServer(config.dataDir);
      const rendered = server ? await reviewThrough(server, opts.shop, parsed.data) : await cli.withFlywheel(config, async (fw) => {
        const shopId = opts.shop ?? (await cli.onlyShop(fw));
        const { format: _format, ...query } = parsed.data;
        const report = await fw.planning.reviews.report(shopId, query);
        return renderReview(report, parsed.data.format, fw.planning.chromiumPath);
      });
      if (opts.out) {
        fs.writeFileSync(opts.out, rendered.body);
        process.stderr.write(`Review written to ${opts.out}\n`);
      } else {
        process.stdout.write(rendered.body);
      }
    });
}

/** The review from the server that holds the data dir: its `GET /v1/reviews`, JSON laid out as the local one is. */
async function reviewThrough(server: RunningServer, shop: string | undefined, query: z.infer<typeof reviewQuery>): Promise<{ body: string | Buffer }> {
  const reader = await readerOf(server, shop);
  const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const response = await reader.get(`/v1/reviews?${search}`);
  if (query.format === 'json') return { body: `${JSON.stringify(await response.json(), null, 2)}\n` };
  if (query.format === 'pdf') return { body: Buffer.from(await response.arrayBuffer()) };
  return { body: await response.text() };
}
