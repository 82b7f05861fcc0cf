/**
 * The one error type of Flywheel. Services throw it with a machine-readable code; the HTTP layer maps
 * it once to a status and the `{error: {code, message, field}}` body of the API contract.
 */
export const errorStatus = {
  invalid_field: 400,
  invalid_request: 400,
  invalid_transition: 409,
  unknown_reference: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /** A lever's refusals (a 秒杀, a coupon template): nothing left, the customer's limit, outside the window. */
  sold_out: 409,
  limit_reached: 409,
  not_started: 409,
  ended: 409,
  /** A 拼团 group's refusals: every place taken, no longer forming (failed or past its hours), the customer in it already. */
  group_full: 409,
  group_closed: 409,
  already_joined: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  query_timeout: 503,
  not_implemented: 501,
} as const;
export type ErrorCode = keyof typeof errorStatus;

export class FlywheelError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** For `rate_limited`: when to try again, sent as the Retry-After header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'FlywheelError';
  }

  get status(): number {
    return errorStatus[this.code];
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

/** Turns a zod issue path into the contract's field notation: items[2].quantity */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

interface ZodLikeIssue { path: readonly PropertyKey[]; message: string; code?: string }

export function fromZodIssue(issue: ZodLikeIssue, prefix = ''): FlywheelError {
  const field = fieldPath(issue.path, prefix);
  const message = issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is required' : issue.message;
  return new FlywheelError('invalid_field', field ? `${field}: ${message}` : message, field || undefined);
}
