/** A funnel step as edited in the form: the event and its `where` written as `category=服饰, price=199`. */
export interface StepDraft { event: string; where: string }

export const PAGEVIEW = '$pageview';

export const defaultSteps: StepDraft[] = [
  { event: PAGEVIEW, where: '' },
  { event: 'Product Viewed', where: '' },
  { event: 'Product Added', where: '' },
  { event: 'Checkout Started', where: '' },
  { event: 'Order Completed', where: '' },
];

/** `a=1, b=x` -> {a: 1, b: 'x'}; numbers and true/false keep their type, as event properties do. */
export function parseWhere(text: string): Record<string, string | number | boolean> | undefined {
  const entries = text
    .split(/[,，;；]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf('=');
      const key = (at < 0 ? part : part.slice(0, at)).trim();
      const raw = at < 0 ? '' : part.slice(at + 1).trim();
      const value: string | number | boolean = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
      return [key, value] as const;
    });
  return entries.length ? Object.fromEntries(entries) : undefined;
}
