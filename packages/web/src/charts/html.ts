/**
 * ECharts sets tooltips with innerHTML, and what they show (campaign names, SKUs, channels) arrives
 * from storefronts with the public key: every chart formatter that returns HTML builds it with this
 * tag, which escapes each value put into it. Markup ECharts made itself (a series marker) goes in
 * through `trusted`.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

class Trusted { constructor(readonly html: string) {} }

/** ECharts' own markup (`params.marker`), put in unescaped. */
export const trusted = (html: string) => new Trusted(html);

/** `html\`${name}<br/><b>${value}</b>\``: the template's markup as written, every value escaped. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => {
    if (i === 0) return s;
    const v = values[i - 1];
    return out + (v instanceof Trusted ? v.html : escapeHtml(v)) + s;
  }, '');
}
