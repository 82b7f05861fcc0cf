import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoginResult, Role, Shop } from '@flywheel/contracts';
import { api, configureApi } from './client';

const STORAGE_KEY = 'flywheel.session';

/**
 * What the console knows of its session: who, which shop, which role, until when. The token itself
 * lives only in the server's httpOnly cookie, out of reach of any script on the page.
 */
export type Session = Omit<LoginResult, 'token'>;

/** What a role may do; mirrors the server's access rules (platform/auth.ts), which enforce them anyway. */
export type Access = 'read' | 'analyse' | 'write' | 'admin';
const roleAccess: Record<Role, Access[]> = {
  owner: ['read', 'analyse', 'write', 'admin'],
  operator: ['read', 'analyse', 'write'],
  analyst: ['read', 'analyse'],
  viewer: ['read'],
};

export function roleAllows(role: Role, access: Access): boolean {
  return roleAccess[role].includes(access);
}

interface SessionState {
  session: Session | null;
  login(email: string, password: string, shopId?: string): Promise<Session>;
  /** Accepts an invitation to a shop (the holder's password, or the new account's) and logs in there. */
  acceptInvitation(token: string, password: string, name?: string): Promise<Session>;
  logout(): Promise<void>;
  can(access: Access): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

function storedSession(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session & { token?: string };
    if (session.token) return null; // kept by an earlier console: log in again, into the cookie
    return new Date(session.expiresAt).getTime() > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(storedSession);
  const queryClient = useQueryClient();

  const forget = useCallback(() => {
    localStorage.removeItem(STORAGE_KEY);
    queryClient.clear();
    setSession(null);
  }, [queryClient]);

  // Wired synchronously on every render, before the first query can answer 401.
  configureApi(forget);

  // Another tab logging in or out changes this one too.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => { if (event.key === STORAGE_KEY) setSession(storedSession()); };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const signIn = useCallback(({ token: _cookie, ...result }: LoginResult) => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(result));
    queryClient.clear();
    setSession(result);
    return result;
  }, [queryClient]);
  const login = useCallback(async (email: string, password: string, shopId?: string) =>
    signIn(await api<LoginResult>('/v1/auth/login', { method: 'POST', body: { email, password, ...(shopId ? { shopId } : {}) }, anonymous: true })), [signIn]);
  const acceptInvitation = useCallback(async (token: string, password: string, name?: string) =>
    signIn(await api<LoginResult>('/v1/auth/accept-invitation', { method: 'POST', body: { token, password, ...(name ? { name } : {}) }, anonymous: true })), [signIn]);

  const logout = useCallback(async () => {
    try { await api('/v1/auth/logout', { method: 'POST' }); } catch { /* the session may already be gone */ }
    forget();
  }, [forget]);

  const value = useMemo<SessionState>(() => ({
    session, login, acceptInvitation, logout,
    can: (access) => (session ? roleAllows(session.role, access) : false),
  }), [session, login, acceptInvitation, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The logged-in session; only for components rendered inside the authenticated shell. */
export function useCurrentSession(): Session {
  const { session } = useSession();
  if (!session) throw new Error('no session');
  return session;
}

/** The shop's settings: its time zone and currency decide how every date and amount is shown. */
export function useShop() {
  const session = useCurrentSession();
  return useQuery({ queryKey: [session.shopId, 'shop'], queryFn: () => api<Shop>('/v1/shop'), staleTime: 5 * 60_000 });
}
