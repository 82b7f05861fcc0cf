/**
 * Contact details as analysts and viewers see them (PRODUCT.md: `138****5678`): a phone keeps its
 * first three and last four digits, an email its first character and domain. Too short to keep
 * anything, all of it is starred.
 */
export function maskPhone(phone: string): string {
  const compact = phone.replace(/[\s-]/g, '');
  if (compact.length < 8) return '*'.repeat(Math.max(4, compact.length));
  return `${compact.slice(0, 3)}****${compact.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

