import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, CaseDetail, CaseSummary, Decision, ReviewerApi } from './api';
import { DecisionMode, DecisionPanel } from './decision-panel';
import { dateTime, PHOTO_TYPES, reasonLabel, waitingTime } from './format';
import { PhotoTransform, PhotoView, rotated, UNTRANSFORMED, zoomed } from './photo-view';
import { Shortcut, ShortcutBar, useShortcuts } from './shortcuts';

/** What a 409 on a decision means to the reviewer. */
export const conflictMessage = (err: ApiError): string =>
  err.code === 'KYC.REVIEW.STALE_ROUND'
    ? 'This case was resubmitted after you opened it. Nothing was changed: reload it to review the new round.'
    : 'Another reviewer decided this case first. Nothing was changed: go back to the queue for the next case.';

interface LoadedPhoto {
  url: string | null;
  failed: boolean;
}

/**
 * Photos are fetched with the reviewer's token and shown from blob: URLs, which are revoked when
 * the case is left: no photo is left in the browser's cache or memory after the view closes.
 */
function usePhotos(api: ReviewerApi, detail: CaseDetail | null, onError: (err: unknown) => void): LoadedPhoto[] {
  const [photos, setPhotos] = useState<LoadedPhoto[]>([]);
  useEffect(() => {
    if (!detail) return;
    let live = true;
    const urls: string[] = [];
    setPhotos(detail.photos.map(() => ({ url: null, failed: false })));
    detail.photos.forEach((p, i) => {
      api.photo(p.href).then(
        (blob) => {
          if (!live) return;
          const url = URL.createObjectURL(blob);
          urls.push(url);
          setPhotos((prev) => prev.map((x, j) => (j === i ? { url, failed: false } : x)));
        },
        (err) => {
          if (!live) return;
          setPhotos((prev) => prev.map((x, j) => (j === i ? { url: null, failed: true } : x)));
          onError(err);
        },
      );
    });
    return () => {
      live = false;
      urls.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [api, detail]);
  return photos;
}

export function CaseView(props: {
  api: ReviewerApi;
  caseId: string;
  now: number;
  neighbours: { previous?: CaseSummary; next?: CaseSummary };
  onOpen: (caseId: string) => void;
  onBack: () => void;
  onDecided: (message: string) => void;
  onError: (err: unknown) => void;
}) {
  const { api, caseId } = props;
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [transforms, setTransforms] = useState<PhotoTransform[]>([]);
  const [selectedPhoto, setSelectedPhoto] = useState(0);
  const [mode, setMode] = useState<DecisionMode>('idle');
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<string | null>(null);
  const [decideError, setDecideError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setDetail(null);
    setLoadError(null);
    setConflict(null);
    setDecideError(null);
    setMode('idle');
    api.caseDetail(caseId).then(
      (d) => {
        if (!live) return;
        setDetail(d);
        setTransforms(d.photos.map(() => UNTRANSFORMED));
        setSelectedPhoto(0);
      },
      (err) => {
        if (!live) return;
        setLoadError(err instanceof ApiError ? err.message : 'The case could not be loaded.');
        props.onError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [api, caseId, reload]);

  const photos = usePhotos(api, detail, props.onError);

  const transformPhoto = (i: number, change: (t: PhotoTransform) => PhotoTransform) =>
    setTransforms((prev) => prev.map((t, j) => (j === i ? change(t) : t)));

  const decide = async (decision: Decision) => {
    if (!detail || busy) return;
    setBusy(true);
    setDecideError(null);
    try {
      await api.decide(caseId, decision);
      const what = decision.decision === 'approve' ? 'approved' : `rejected (${decision.reason_code})`;
      props.onDecided(`Case ${detail.case.case_number}, round ${decision.round}: ${what}.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setConflict(conflictMessage(err));
        setMode('idle');
      } else {
        setDecideError(err instanceof ApiError ? err.message : 'The decision could not be sent.');
        props.onError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const locked = !detail || !!conflict || detail.case.status !== 'pending';
  const { previous, next } = props.neighbours;
  const shortcuts: Shortcut[] = [
    { keys: ['Escape'], label: mode === 'idle' ? 'back to queue' : 'cancel', run: () => (mode === 'idle' ? props.onBack() : setMode('idle')) },
    { keys: ['a'], label: 'approve', run: () => !locked && setMode('approve') },
    { keys: ['r'], label: 'reject', run: () => !locked && setMode('reject') },
    { keys: ['j'], label: 'next case', run: () => next && props.onOpen(next.case_id) },
    { keys: ['k'], label: 'previous case', run: () => previous && props.onOpen(previous.case_id) },
    { keys: ['1', '2', '3'], label: 'pick photo', hint: '1–3', run: (key) => Number(key) <= (detail?.photos.length ?? 0) && setSelectedPhoto(Number(key) - 1) },
    { keys: ['+', '='], label: 'zoom in', run: () => transformPhoto(selectedPhoto, (t) => zoomed(t, 1)) },
    { keys: ['-'], label: 'zoom out', run: () => transformPhoto(selectedPhoto, (t) => zoomed(t, -1)) },
    { keys: ['o'], label: 'rotate 90°', run: () => transformPhoto(selectedPhoto, rotated) },
    { keys: ['0'], label: 'reset', run: () => transformPhoto(selectedPhoto, () => UNTRANSFORMED) },
  ];
  useShortcuts(shortcuts);

  if (loadError) {
    return (
      <main class="case">
        <p class="error" role="alert">
          {loadError}
        </p>
        <button type="button" onClick={props.onBack}>
          Back to queue
        </button>
      </main>
    );
  }
  if (!detail) return <main class="case loading">Loading case…</main>;

  const c = detail.case;
  const fields: [string, string][] = [
    ['Name', c.name],
    ['ID number', c.idcard_number],
    ...Object.entries(c.details).map(([k, v]): [string, string] => [k, v]),
    ['Method', c.method],
    ['Partner', c.partner_id],
    ['Round', String(c.round)],
    ['Submitted', dateTime(c.submitted_at)],
    ['Waiting', waitingTime(c.submitted_at, props.now)],
    ['Status', c.status],
  ];

  return (
    <main class="case" data-case-id={c.case_id}>
      <header class="view-header">
        <button type="button" onClick={props.onBack}>
          ← Queue
        </button>
        <h2>Case {c.case_number}</h2>
        <span class={`status status-${c.status}`}>{c.status}</span>
        <span class="spacer" />
        <button type="button" disabled={!previous} onClick={() => previous && props.onOpen(previous.case_id)}>
          Previous
        </button>
        <button type="button" disabled={!next} onClick={() => next && props.onOpen(next.case_id)}>
          Next
        </button>
      </header>
      {conflict && (
        <div class="conflict" role="alert" data-testid="conflict">
          <strong>{conflict}</strong>
          <span>
            <button type="button" onClick={props.onBack}>
              Back to queue
            </button>
            <button type="button" onClick={() => setReload((n) => n + 1)}>
              Reload case
            </button>
          </span>
        </div>
      )}
      {decideError && (
        <p class="error" role="alert">
          {decideError}
        </p>
      )}
      <div class="case-body">
        <div class="photos">
          {detail.photos.length === 0 && <p class="photo-missing">No photos on file.</p>}
          {detail.photos.map((p, i) => (
            <PhotoView
              key={p.href}
              label={`${i + 1} · ${PHOTO_TYPES[p.photo_type] ?? `Photo type ${p.photo_type}`}`}
              url={photos[i]?.url ?? null}
              failed={photos[i]?.failed ?? false}
              transform={transforms[i] ?? UNTRANSFORMED}
              selected={i === selectedPhoto}
              onSelect={() => setSelectedPhoto(i)}
              onChange={(t) => transformPhoto(i, () => t)}
            />
          ))}
        </div>
        <aside class="fields">
          <h3>Submitted</h3>
          <dl>
            {fields.map(([k, v]) => (
              <Fragment key={k}>
                <dt>{k}</dt>
                <dd>{v || '—'}</dd>
              </Fragment>
            ))}
          </dl>
          {c.reject_reason_code && (
            <p class="previous-rejection">
              Last rejection: {reasonLabel(c.reject_reason_code)} ({c.reject_reason_code}){c.reject_reason ? ` — “${c.reject_reason}”` : ''}
            </p>
          )}
          <h3>Previous rounds</h3>
          {detail.decisions.length === 0 ? (
            <p class="empty">No earlier decisions: this is the first round.</p>
          ) : (
            <ol class="rounds">
              {detail.decisions.map((d) => (
                <li key={`${d.round}-${d.decided_at}`} data-round={d.round}>
                  <strong>
                    Round {d.round}: {d.to_status}
                  </strong>
                  {d.reason_code && (
                    <span>
                      {reasonLabel(d.reason_code)} ({d.reason_code})
                    </span>
                  )}
                  <span class="meta">
                    by {d.reviewer_id} · {dateTime(d.decided_at)}
                  </span>
                </li>
              ))}
            </ol>
          )}
          <DecisionPanel round={c.round} mode={mode} busy={busy} locked={locked} onMode={setMode} onDecide={decide} />
        </aside>
      </div>
      <ShortcutBar shortcuts={shortcuts} />
    </main>
  );
}
