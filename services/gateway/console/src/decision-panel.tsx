import { useEffect, useRef, useState } from 'preact/hooks';
import { Decision } from './api';
import { reasonLabel } from './format';

export type DecisionMode = 'idle' | 'approve' | 'reject';

const REASON_CODES = __REASON_CODES__;
const NOTE_LIMIT = 500;

/**
 * Approve, or reject with a reason code and an optional note. Either needs a second, explicit
 * step (Enter or the confirm button), so a stray key never decides a case.
 */
export function DecisionPanel(props: {
  round: number;
  mode: DecisionMode;
  busy: boolean;
  locked: boolean;
  onMode: (mode: DecisionMode) => void;
  onDecide: (decision: Decision) => void;
}) {
  const [reasonCode, setReasonCode] = useState(REASON_CODES[0]);
  const [note, setNote] = useState('');
  const confirmApprove = useRef<HTMLButtonElement>(null);
  const reasonSelect = useRef<HTMLSelectElement>(null);

  useEffect(() => {
    if (props.mode === 'approve') confirmApprove.current?.focus();
    if (props.mode === 'reject') reasonSelect.current?.focus();
  }, [props.mode]);

  const reject = () => {
    const trimmed = note.trim();
    props.onDecide({ decision: 'reject', round: props.round, reason_code: reasonCode, ...(trimmed ? { reason: trimmed } : {}) });
  };
  const disabled = props.busy || props.locked;
  const cancel = (
    <button type="button" onClick={() => props.onMode('idle')}>
      Cancel <kbd>Esc</kbd>
    </button>
  );

  return (
    <section class="decision" aria-label="Decision">
      {props.mode === 'idle' && (
        <div class="decision-buttons">
          <button type="button" class="approve" disabled={disabled} onClick={() => props.onMode('approve')}>
            Approve… <kbd>a</kbd>
          </button>
          <button type="button" class="reject" disabled={disabled} onClick={() => props.onMode('reject')}>
            Reject… <kbd>r</kbd>
          </button>
        </div>
      )}
      {props.mode === 'approve' && (
        <div class="confirm">
          <p>Approve round {props.round} of this case?</p>
          <button type="button" class="approve" ref={confirmApprove} disabled={disabled} onClick={() => props.onDecide({ decision: 'approve', round: props.round })}>
            Confirm approval
          </button>
          {cancel}
        </div>
      )}
      {props.mode === 'reject' && (
        <form
          class="confirm"
          onSubmit={(e) => {
            e.preventDefault();
            if (!disabled) reject();
          }}
          onKeyDown={(e) => {
            // Enter on the reason list confirms too (a select has no implicit submission).
            if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'SELECT' && !disabled) {
              e.preventDefault();
              reject();
            }
          }}
        >
          <label for="reason-code">Reason</label>
          <select id="reason-code" ref={reasonSelect} value={reasonCode} onChange={(e) => setReasonCode((e.currentTarget as HTMLSelectElement).value)}>
            {REASON_CODES.map((code) => (
              <option key={code} value={code}>
                {reasonLabel(code)} ({code})
              </option>
            ))}
          </select>
          <label for="reason-note">Note for the partner (optional; the user may read it)</label>
          <textarea id="reason-note" maxLength={NOTE_LIMIT} rows={3} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
          <div class="confirm-buttons">
            <button type="submit" class="reject" disabled={disabled}>
              Confirm rejection
            </button>
            {cancel}
          </div>
        </form>
      )}
    </section>
  );
}
