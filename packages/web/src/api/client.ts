import type { ErrorBody } from '@flywheel/contracts';

/**
 * The console's only door to the server: same origin, `/v1/...`. The session travels in the httpOnly
 * cookie the server set at login (no script can read it, so an injected one cannot steal it); every
 * call carries the CSRF header the server asks of cookie-authenticated changes, which a cross-site
 * form cannot send. Every non-2xx answer becomes an ApiError carrying the contract's `{code, message, field}`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type UnauthorisedHandler = () => void;

let onUnauthorised: UnauthorisedHandler = () => {};

/** The session provider wires what to do when the server says the session is no longer valid. */
export function configureApi(unauthorised: UnauthorisedHandler): void {
  onUnauthorised = unauthorised;
}

/** The server's CSRF header (platform/http.ts CSRF_HEADER). */
const CSRF: Record<string, string> = { 'x-flywheel-csrf': '1' };

export type QueryValue = string | number | boolean | undefined | null;

export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> | null = null;
  try { body = await response.json(); } catch { /* not JSON: a proxy or a crash */ }
  const error = body?.error;
  return new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? response.statusText, error?.field);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A call made without a session (login): a 401 answers it, it does not end a session. */
  anonymous?: boolean;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...CSRF };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method: options.method ?? 'GET', headers, body, signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', (error as Error).message);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && !options.anonymous) onUnauthorised();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? response.json() : response.text()) as Promise<T>;
}

/** For downloads (the review PDF): the raw body, with the same auth and error handling. */
export async function apiBlob(path: string): Promise<Blob> {
  const response = await fetch(path, { headers: CSRF });
  if (!response.ok) throw await errorOf(response);
  return response.blob();
}

/**
 * Uploads a file as multipart field `file`, reporting upload progress (fetch cannot): XMLHttpRequest.
 * Resolves with the parsed JSON answer; rejects with an ApiError like `api()`.
 */
export function uploadFile<T>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    for (const [name, value] of Object.entries(CSRF)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    request.onerror = () => reject(new ApiError(0, 'network', 'upload failed'));
    request.onload = () => {
      let body: unknown = null;
      try { body = JSON.parse(request.responseText); } catch { /* not JSON */ }
      if (request.status >= 200 && request.status < 300) return resolve(body as T);
      const error = (body as Partial<ErrorBody> | null)?.error;
      if (request.status === 401) onUnauthorised();
      reject(new ApiError(request.status, error?.code ?? `http_${request.status}`, error?.message ?? request.statusText, error?.field));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}
