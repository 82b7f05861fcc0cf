/**
 * Which unit a file writes its money in, decided once for the whole file by one rule, the same for
 * `flywheel import` and the console's import page (both reach it through ImportService):
 *
 * - an amount with a decimal point (49.00) or a ¥ sign, or a header that says 元 (单价（元）), is 元;
 *   a header that says 分 is 分;
 * - the unit the user gave (`--money`, `?money=`) is taken when the file does not contradict it, and
 *   refused when it does (`--money minor` for a file that writes 49.00 would store ¥0.49);
 * - a file whose amounts are all whole numbers, with no unit in a header, is ambiguous (4900 could be
 *   ¥4,900 or ¥49): the user must say which; nothing is guessed.
 *
 * NDJSON is the API's record shape, one record a line, so its amounts are 分 unless the user says otherwise.
 */
import { importProblemText, type EntityName, type ImportProblem, type Locale, type MoneyUnit } from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';
import { columnResolver, headerMoneyUnit } from './columns';
import { stripAmountDecoration } from './money';
import { isBlank, type SourceRow } from './source-rows';

/** A file's money cannot be read as asked (or at all without being told): the problem, for the reader to render. */
export class MoneyUnitError extends FlywheelError {
  constructor(readonly problem: ImportProblem, locale: Locale) {
    super('invalid_field', `money: ${importProblemText(locale, problem)}`, 'money');
  }

  override toBody() {
    const body = super.toBody();
    return { error: { ...body.error, problem: this.problem } };
  }
}

interface Sighting { line: number; column: string; value: string }
type Evidence = 'decimal' | 'currency_sign' | 'header_major' | 'header_minor';

const YUAN_SIGN = /[¥￥元]/;

/** Where the cells of the file's money columns say 元 by themselves, and one cell to show when they do not. */
function inspect(entity: EntityName, rows: SourceRow[]) {
  const resolve = columnResolver(entity, undefined);
  const moneyColumns = new Set<string>();
  const headerUnits = new Map<MoneyUnit, string>();
  let yuan: (Sighting & { evidence: Evidence }) | undefined;
  let example: Sighting | undefined;
  for (const row of rows) {
    for (const [column, raw] of Object.entries(row.values)) {
      const resolved = resolve(column);
      if (resolved.to !== 'field' || resolved.spec.kind !== 'money') continue;
      if (!moneyColumns.has(column)) {
        moneyColumns.add(column);
        const unit = headerMoneyUnit(column);
        if (unit && !headerUnits.has(unit)) headerUnits.set(unit, column);
      }
      if (isBlank(raw) || (typeof raw !== 'string' && typeof raw !== 'number')) continue;
      const value = String(raw);
      example ??= { line: row.line, column, value };
      if (yuan) continue;
      if (typeof raw === 'number' ? !Number.isInteger(raw) : /\.\d/.test(stripAmountDecoration(raw))) yuan = { line: row.line, column, value, evidence: 'decimal' };
      else if (typeof raw === 'string' && YUAN_SIGN.test(raw)) yuan = { line: row.line, column, value, evidence: 'currency_sign' };
    }
    if (yuan && example) break;
  }
  return { moneyColumns: [...moneyColumns], headerUnits, yuan, example };
}

const conflict = (entity: EntityName, requested: MoneyUnit, at: Sighting, evidence: Evidence): ImportProblem => ({
  key: 'money_conflict',
  values: { entity, requested, evidence, line: at.line, column: at.column, value: at.value },
});

/**
 * The unit to read the file's money columns in, or null when it has no amounts at all. Throws
 * MoneyUnitError (400, field `money`) when the file contradicts `requested`, or is ambiguous and
 * nothing was requested.
 */
export function moneyUnitOf(entity: EntityName, rows: SourceRow[], fileName: string, requested: MoneyUnit | undefined, locale: Locale): MoneyUnit | null {
  if (/\.(ndjson|jsonl)$/i.test(fileName)) return requested ?? 'minor';
  const { moneyColumns, headerUnits, yuan, example } = inspect(entity, rows);
  if (!example) return null;
  const fail = (problem: ImportProblem) => new MoneyUnitError(problem, locale);
  // What a header declares counts as if the user had said it; two headers saying different units contradict each other.
  const majorHeader = headerUnits.get('major');
  const minorHeader = headerUnits.get('minor');
  if (minorHeader && (majorHeader || requested === 'major')) {
    throw fail(conflict(entity, 'major', { line: 1, column: minorHeader, value: minorHeader }, 'header_minor'));
  }
  if (majorHeader && requested === 'minor') throw fail(conflict(entity, 'minor', { line: 1, column: majorHeader, value: majorHeader }, 'header_major'));
  const declared = requested ?? (majorHeader ? 'major' : minorHeader ? 'minor' : undefined);
  if (yuan) {
    if (declared === 'minor') throw fail(conflict(entity, 'minor', yuan, yuan.evidence));
    return 'major';
  }
  if (declared) return declared;
  throw fail({
    key: 'money_ambiguous',
    values: { entity, columns: moneyColumns.join('\n'), line: example.line, column: example.column, value: example.value },
  });
}
