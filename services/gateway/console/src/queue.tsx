import { CaseSummary } from './api';
import { dateTime, waitingTime } from './format';
import { ShortcutBar, Shortcut, useShortcuts } from './shortcuts';

/** How many pending cases the queue asks for; a full page is shown as "200+". */
export const QUEUE_LIMIT = 200;

/** The pending queue, oldest submission first, with how long each case has waited. */
export function Queue(props: {
  cases: CaseSummary[] | null;
  error: string | null;
  now: number;
  selected: number;
  onSelect: (index: number) => void;
  onOpen: (caseId: string) => void;
  onRefresh: () => void;
}) {
  const cases = props.cases ?? [];
  const selected = Math.min(props.selected, Math.max(0, cases.length - 1));
  const shortcuts: Shortcut[] = [
    { keys: ['j', 'ArrowDown'], label: 'next', run: () => props.onSelect(Math.min(cases.length - 1, selected + 1)) },
    { keys: ['k', 'ArrowUp'], label: 'previous', run: () => props.onSelect(Math.max(0, selected - 1)) },
    { keys: ['Enter', 'o'], label: 'open', run: () => cases[selected] && props.onOpen(cases[selected].case_id) },
    { keys: ['u'], label: 'refresh', run: props.onRefresh },
  ];
  useShortcuts(shortcuts);
  const resubmitted = cases.filter((c) => c.round > 1).length;
  const count = cases.length >= QUEUE_LIMIT ? `${QUEUE_LIMIT}+` : String(cases.length);
  return (
    <main class="queue">
      <header class="view-header">
        <h2>Pending review</h2>
        <p class="counts" data-testid="queue-counts">
          <strong data-testid="pending-count">{props.cases ? count : '…'}</strong> pending
          {cases.length > 0 && <> · oldest waiting {waitingTime(cases[0].submitted_at, props.now)}</>}
          {resubmitted > 0 && <> · {resubmitted} resubmitted after a rejection</>}
        </p>
        <button type="button" onClick={props.onRefresh}>
          Refresh
        </button>
      </header>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      {props.cases && cases.length === 0 && <p class="empty">Nothing is waiting for review.</p>}
      {cases.length > 0 && (
        <table class="cases">
          <thead>
            <tr>
              <th>#</th>
              <th>Case</th>
              <th>Partner</th>
              <th>Round</th>
              <th>Submitted</th>
              <th>Waiting</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c, i) => (
              <tr
                key={c.case_id}
                class={i === selected ? 'selected' : undefined}
                data-case-id={c.case_id}
                data-case-number={c.case_number}
                onClick={() => props.onSelect(i)}
                onDblClick={() => props.onOpen(c.case_id)}
              >
                <td>{i + 1}</td>
                <td>
                  <a href={`#/cases/${encodeURIComponent(c.case_id)}`}>Case {c.case_number}</a>
                </td>
                <td>{c.partner_id}</td>
                <td>{c.round}</td>
                <td>{dateTime(c.submitted_at)}</td>
                <td class="waiting">{waitingTime(c.submitted_at, props.now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ShortcutBar shortcuts={shortcuts} />
    </main>
  );
}
