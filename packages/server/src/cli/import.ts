import fs from 'node:fs';
import path from 'node:path';
import { Argument, Command, Option } from 'commander';
import { importEntities, importProblemText, importText, locales, moneyUnits, type ImportEntity, type ImportResult, type Locale, type MoneyUnit } from '@flywheel/contracts';
import { FlywheelError } from '../platform/errors';
import { MoneyUnitError } from '../modules/imports';
import type { CliHelpers } from './review';

export interface ImportCliHelpers extends CliHelpers {
  progress(json: boolean | undefined, label: string, unit: string): { update(done: number, total: number): void; stop(): void };
}

/** How many refusals the CLI prints before pointing at the errors file. */
const SHOWN_ERRORS = 5;

/**
 * `flywheel import <entity> <file> [--money minor|major] [--lang zh-CN|en] [--shop ID] [--json]`:
 * the file through ImportService, as the console's import page sends it. Money follows the file
 * (money-unit.ts): a decimal point is 元; whole numbers alone need `--money`. Messages are in
 * `--lang` (default zh-CN, the product's language; not $LANG, which servers set to en_US or C
 * whatever their operators read).
 */
export function importCommand(cli: ImportCliHelpers): Command {
  return new Command('import')
    .description(`import a CSV (UTF-8 or GBK), XLSX or NDJSON file of ${importEntities.join(', ')} (events: NDJSON of tracking calls)`)
    .addArgument(new Argument('<entity>', 'what the file holds').choices(importEntities))
    .argument('<file>', 'the file')
    .option('--shop <id>', 'the shop to import into (default: the only shop)')
    .addOption(new Option('--money <unit>', 'the unit of amounts when the file does not show it: major = 元 (4900 is ¥4,900.00), minor = 分 like the API (4900 is ¥49.00); a decimal point or ¥ in a money column already means 元').choices(moneyUnits))
    .addOption(new Option('--lang <lang>', 'the language of messages and of the errors file').choices(locales).default('zh-CN'))
    .option('--json', 'print JSON')
    .action(async (entity: ImportEntity, file: string, opts: { shop?: string; money?: MoneyUnit; lang: Locale; json?: boolean }, cmd: Command) => {
      const config = cli.configFrom(cmd);
      const data = fs.readFileSync(file);
      const locale = opts.lang;
      await cli.withFlywheel(config, async (fw) => {
        const shopId = opts.shop ?? (await cli.onlyShop(fw));
        const { currency } = await fw.shops.getShop(shopId);
        const bar = cli.progress(opts.json, importText(locale, 'cli.progress', { entity }), importText(locale, 'cli.rows'));
        let result: ImportResult;
        try {
          result = await fw.imports.importFile(shopId, entity, data, path.basename(file), { money: opts.money, lang: locale, onProgress: bar.update });
        } catch (error) {
          if (error instanceof MoneyUnitError) throw new FlywheelError('invalid_field', moneyUnitAdvice(error, currency, locale), 'money');
          throw error;
        } finally {
          bar.stop();
        }
        await fw.projector.drain();
        let errorFile: string | null = null;
        if (result.rejected.length > 0) {
          errorFile = `${file}.errors.csv`;
          fs.writeFileSync(errorFile, result.errorReport);
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ accepted: result.accepted, rejected: result.rejected.length, errorFile }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${summary(entity, result, errorFile, locale).join('\n')}\n`);
      });
    });
}

/** What the refusal says, and what the user can do about it: the choices of --money and what each would make of the file's own value. */
function moneyUnitAdvice(error: MoneyUnitError, currency: string, locale: Locale): string {
  const { problem } = error;
  const reason = importProblemText(locale, problem);
  if (problem.key === 'money_conflict') {
    return `${reason}\n${importText(locale, 'cli.money_conflict_hint', { other: problem.values.requested === 'minor' ? 'major' : 'minor' })}`;
  }
  const example = Number(String(problem.values.value ?? '').replace(/[^\d.-]/g, ''));
  const value = Number.isFinite(example) ? example : 4900;
  return `${reason}\n${importText(locale, 'cli.money_hint', { value, major: Math.round(value * 100), minor: value, currency })}`;
}

function summary(entity: ImportEntity, result: ImportResult, errorFile: string | null, locale: Locale): string[] {
  const { rows } = result;
  const lines = [importText(locale, 'cli.summary', { entity, total: rows.total, acceptedRows: rows.accepted, accepted: result.accepted, rejectedRows: rows.rejected })];
  if (result.moneyUnit) lines.push(importText(locale, 'cli.money_used', { unit: result.moneyUnit }));
  if (result.rejected.length > 0) {
    const shown = result.rejected.slice(0, SHOWN_ERRORS);
    lines.push(importText(locale, 'cli.first_errors', { count: shown.length }));
    for (const r of shown) lines.push(`  ${importText(locale, 'cli.error_line', { line: r.line ?? r.index + 1, reason: r.message })}`);
  }
  if (errorFile) lines.push(importText(locale, 'cli.error_file', { file: errorFile }));
  return lines;
}
