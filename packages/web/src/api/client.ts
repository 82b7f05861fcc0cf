import type { ErrorBody } from '@flywheel/contracts';

/**
 * The console's only door to the server: same origin, `/v1/...`, the operator's session token as a
 * Bearer token. Every non-2xx answer becomes an ApiError carrying the contract's `{code, message, field}`.
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

type TokenSource = () => string | null;
type UnauthorisedHandler = () => void;

let tokenOf: TokenSource = () => null;
let onUnauthorised: UnauthorisedHandler = () => {};

/** The session provider wires the token and what to do when the server says it is no longer valid. */
export function configureApi(token: TokenSource, unauthorised: UnauthorisedHandler): void {
  tokenOf = token;
  onUnauthorised = unauthorised;
}

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
  /** Send without the session token (login). */
  anonymous?: boolean;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const token = options.anonymous ? null : tokenOf();
  if (token) headers.authorization = `Bearer ${token}`;
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
    if (response.status === 401 && token) onUnauthorised();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? response.json() : response.text()) as Promise<T>;
}

/** For downloads (the review PDF): the raw body, with the same auth and error handling. */
export async function apiBlob(path: string): Promise<Blob> {
  const token = tokenOf();
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
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
    const token = tokenOf();
    if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
    request.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    request.onerror = () => reject(new ApiError(0, 'network', 'upload failed'));
    request.onload = () => {
      let body: unknown = null;
      try { body = JSON.parse(request.responseText); } catch { /* not JSON */ }
      if (request.status >= 200 && request.status < 300) return resolve(body as T);
      const error = (body as Partial<ErrorBody> | null)?.error;
      if (request.status === 401 && token) onUnauthorised();
      reject(new ApiError(request.status, error?.code ?? `http_${request.status}`, error?.message ?? request.statusText, error?.field));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}
