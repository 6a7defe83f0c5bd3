import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, CaseSummary, reviewerApi } from './api';
import { CaseView } from './case-view';
import { Queue, QUEUE_LIMIT } from './queue';
import { forgetToken, savedToken, saveToken } from './session';
import { SignIn } from './sign-in';

const QUEUE_REFRESH_MS = 60_000;

/** `#/cases/<id>` opens a case; anything else is the queue. The hash carries no personal data. */
function useHashRoute(): [string | null, (caseId: string | null) => void] {
  const read = () => {
    const m = /^#\/cases\/([^/]+)$/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  };
  const [caseId, setCaseId] = useState(read);
  useEffect(() => {
    const onChange = () => setCaseId(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const go = useCallback((id: string | null) => {
    location.hash = id ? `#/cases/${encodeURIComponent(id)}` : '#/';
  }, []);
  return [caseId, go];
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

const oldestFirst = (cases: CaseSummary[]) =>
  [...cases].sort((a, b) => (a.submitted_at ?? '').localeCompare(b.submitted_at ?? ''));

const signInMessage = (err: unknown) =>
  err instanceof ApiError && err.status === 401 ? 'That token is not valid (or the reviewer was deactivated).' : err instanceof ApiError ? err.message : 'Signing in failed.';

/**
 * The console: sign in with a reviewer token, then the queue and the case view. Nothing but the
 * sign-in form is rendered until the token is confirmed by the API; signing out (or a token the API
 * no longer accepts) drops the token and every case and photo held in memory.
 */
export function App() {
  const [token, setToken] = useState<string | null>(savedToken);
  const [reviewer, setReviewer] = useState<{ reviewer_id: string; name: string } | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const [queue, setQueue] = useState<CaseSummary[] | null>(null);
  const [queueError, setQueueError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const [flash, setFlash] = useState<string | null>(null);
  const [caseId, go] = useHashRoute();
  const now = useNow(30_000);
  const api = useMemo(() => (token ? reviewerApi(token) : null), [token]);

  const signOut = useCallback(
    (message: string | null = null) => {
      forgetToken();
      setToken(null);
      setReviewer(null);
      setQueue(null);
      setFlash(null);
      setSignInError(message);
      go(null);
    },
    [go],
  );

  const onError = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) signOut('Your session has ended: sign in again.');
    },
    [signOut],
  );

  // A token kept from earlier in this tab is checked before anything is shown.
  useEffect(() => {
    if (!api || reviewer) return;
    api.me().then(setReviewer, (err) => signOut(signInMessage(err)));
  }, [api]);

  const signIn = async (candidate: string) => {
    setSigningIn(true);
    setSignInError(null);
    try {
      const me = await reviewerApi(candidate).me();
      saveToken(candidate);
      setReviewer(me);
      setToken(candidate);
    } catch (err) {
      setSignInError(signInMessage(err));
    } finally {
      setSigningIn(false);
    }
  };

  const refreshQueue = useCallback(() => {
    if (!api) return;
    api.pendingCases(QUEUE_LIMIT).then(
      (cases) => {
        setQueue(oldestFirst(cases));
        setQueueError(null);
      },
      (err) => {
        setQueueError(err instanceof ApiError ? err.message : 'The queue could not be loaded.');
        onError(err);
      },
    );
  }, [api, onError]);

  useEffect(() => {
    if (!reviewer || caseId) return;
    refreshQueue();
    const timer = setInterval(refreshQueue, QUEUE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reviewer, caseId, refreshQueue]);

  if (!api || !reviewer) {
    if (api && !signInError) return <main class="sign-in">Checking your token…</main>;
    return <SignIn error={signInError} busy={signingIn} onSubmit={signIn} />;
  }

  const open = (id: string) => {
    const at = queue?.findIndex((c) => c.case_id === id) ?? -1;
    if (at >= 0) setSelected(at);
    setFlash(null);
    go(id);
  };
  const at = caseId && queue ? queue.findIndex((c) => c.case_id === caseId) : -1;

  return (
    <div class="console">
      <nav class="top">
        <span class="brand">KYC reviewer console</span>
        <span class="who">
          Signed in as <strong>{reviewer.name}</strong> ({reviewer.reviewer_id})
        </span>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </nav>
      {flash && (
        <p class="flash" role="status">
          {flash}
        </p>
      )}
      {caseId ? (
        <CaseView
          key={caseId}
          api={api}
          caseId={caseId}
          now={now}
          neighbours={{ previous: at > 0 ? queue![at - 1] : undefined, next: at >= 0 ? queue![at + 1] : undefined }}
          onOpen={open}
          onBack={() => go(null)}
          onDecided={(message) => {
            setFlash(message);
            go(null);
          }}
          onError={onError}
        />
      ) : (
        <Queue cases={queue} error={queueError} now={now} selected={selected} onSelect={setSelected} onOpen={open} onRefresh={refreshQueue} />
      )}
    </div>
  );
}
