import { KycError } from '@kyc/core';
import { EXIT } from './exit-codes';
import { runKyc } from './program';
import { CallbackCommands, GatewayCommands, OperatorServices, RosterCommands } from './services';

/** Captures what kyc writes; `isTTY` false as in a pipe unless asked. */
function capture(isTTY = false) {
  const text = { stdout: '', stderr: '' };
  return {
    text,
    io: {
      stdout: { isTTY, write: (s: string) => (text.stdout += s) },
      stderr: { isTTY, write: (s: string) => (text.stderr += s) },
      user: 'ops-test',
    },
  };
}

const created = new Date('2026-11-02T08:00:00.000Z');
const PARTNERS = [
  { app_id: '2026110208000001', name: 'Campus App', features: ['user-validate', 'campus-auth'], callback_url: 'https://a.example/hook', active: true, created_at: created },
  { app_id: '2026110208000002', name: 'Members', features: ['member-verify'], callback_url: '', active: false, created_at: created },
];

function fakes(overrides: { gateway?: Partial<GatewayCommands>; rosters?: Partial<RosterCommands>; callbacks?: Partial<CallbackCommands> } = {}): OperatorServices {
  return {
    gateway: async () => ({ listPartners: async () => PARTNERS, ...overrides.gateway }) as GatewayCommands,
    rosters: async () => ({ ...overrides.rosters }) as RosterCommands,
    callbacks: async () => ({ ...overrides.callbacks }) as CallbackCommands,
  };
}

describe('kyc partner list', () => {
  it('prints the partners as a table with a header row', async () => {
    const { io, text } = capture();
    expect(await runKyc(['partner', 'list'], fakes(), io)).toBe(EXIT.ok);
    const lines = text.stdout.trim().split('\n');
    expect(lines.find((l) => l.includes('app_id'))).toMatch(/app_id\s*│\s*name\s*│\s*features\s*│\s*callback_url\s*│\s*active\s*│\s*created_at/);
    const campus = lines.find((l) => l.includes('2026110208000001'))!;
    expect(campus).toContain('Campus App');
    expect(campus).toContain('user-validate,campus-auth');
    expect(campus).toContain('2026-11-02T08:00:00.000Z');
    expect(lines.find((l) => l.includes('2026110208000002'))).toContain('false');
    // Plain text, no colour codes: the table reads the same in a pipe.
    expect(text.stdout).not.toContain('\u001b[');
  });

  it.each([[['--json', 'partner', 'list']], [['partner', 'list', '--json']]])('with --json (%j) prints one JSON object per partner', async (argv) => {
    const { io, text } = capture();
    expect(await runKyc(argv, fakes(), io)).toBe(EXIT.ok);
    const lines = text.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(PARTNERS.map((p) => ({ ...p, created_at: created.toISOString() })));
  });

  it('says so when there is no partner', async () => {
    const { io, text } = capture();
    await runKyc(['partner', 'list'], fakes({ gateway: { listPartners: async () => [] } }), io);
    expect(text.stdout).toBe('(none)\n');
  });
});

describe('kyc partner create', () => {
  it('passes name, callback URL and the comma-separated features to the gateway and prints the credentials once', async () => {
    const createPartner = jest.fn(async (input: { name: string; callbackUrl?: string; features?: readonly string[] }) => ({
      app_id: '1', app_secret: 's3cret', webhook_secret: 'whsec_x', callback_url: input.callbackUrl ?? '', features: [...(input.features ?? [])],
    }));
    const { io, text } = capture();
    const code = await runKyc(['partner', 'create', '--name', 'Acme', '--callback-url', 'https://h.example/cb', '--features', 'user-validate, member-verify', '--json'], fakes({ gateway: { createPartner } }), io);
    expect(code).toBe(EXIT.ok);
    expect(createPartner).toHaveBeenCalledWith({ name: 'Acme', callbackUrl: 'https://h.example/cb', features: ['user-validate', 'member-verify'] });
    expect(JSON.parse(text.stdout)).toMatchObject({ app_id: '1', app_secret: 's3cret', features: ['user-validate', 'member-verify'] });
  });

  it('prints one record as a field/value table without --json', async () => {
    const { io, text } = capture();
    await runKyc(['partner', 'rotate-secret', '--app-id', '42'], fakes({ gateway: { rotatePartnerSecret: async (id: string) => ({ app_id: id, app_secret: 'new' }) } }), io);
    expect(text.stdout).toMatch(/app_id\s*│\s*42/);
    expect(text.stdout).toMatch(/app_secret\s*│\s*new/);
  });
});

describe('exit statuses', () => {
  it.each([
    ['an unknown command', ['partner', 'frobnicate']],
    ['an unknown option', ['partner', 'list', '--colour']],
    ['a missing required option', ['partner', 'create']],
    ['a group without a command', ['roster']],
    ['a limit that is not a positive integer', ['callbacks', 'list', '--partner', 'p', '--limit', '0']],
    ['an unknown callback state', ['callbacks', 'list', '--partner', 'p', '--state', 'lost']],
    ['a flag that is not true or false', ['roster', 'school', '--partner', 'p', '--customer-code', '1', '--ecard-school', 'maybe']],
  ])('%s is a usage error (2), explained on stderr, nothing on stdout', async (_what, argv) => {
    const { io, text } = capture();
    expect(await runKyc(argv, fakes(), io)).toBe(EXIT.usage);
    expect(text.stderr).not.toBe('');
    expect(text.stdout).toBe('');
  });

  it('an invalid argument the service refuses is a usage error (2), with its message', async () => {
    const { io, text } = capture();
    const createPartner = async () => {
      throw new KycError('KYC.OPERATOR.FEATURE_UNKNOWN', 'unknown feature(s): time-travel', { kind: 'invalid_argument' });
    };
    expect(await runKyc(['partner', 'create', '--name', 'x', '--features', 'time-travel'], fakes({ gateway: { createPartner } }), io)).toBe(EXIT.usage);
    expect(text.stderr).toBe('kyc: unknown feature(s): time-travel\n');
  });

  it('something that does not exist is 3', async () => {
    const { io, text } = capture();
    const rotateReviewerToken = async (id: string) => {
      throw new KycError('KYC.OPERATOR.REVIEWER_NOT_FOUND', `no reviewer with id ${id}`, { kind: 'not_found' });
    };
    expect(await runKyc(['reviewer', 'rotate-token', '--id', 'rv_1'], fakes({ gateway: { rotateReviewerToken } }), io)).toBe(EXIT.notFound);
    expect(text.stderr).toContain('no reviewer with id rv_1');
  });

  it('any other failure is 1', async () => {
    const { io, text } = capture();
    const listReviewers = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:27017');
    };
    expect(await runKyc(['reviewer', 'list'], fakes({ gateway: { listReviewers } }), io)).toBe(EXIT.failure);
    expect(text.stderr).toContain('ECONNREFUSED');
  });

  it('help is 0 and lists the exit statuses', async () => {
    const { io, text } = capture();
    expect(await runKyc(['--help'], fakes(), io)).toBe(EXIT.ok);
    for (const command of ['partner', 'reviewer', 'company', 'roster', 'callbacks']) expect(text.stdout).toContain(command);
    expect(text.stdout).toMatch(/Exit status:[\s\S]*2 {2}usage error[\s\S]*3 {2}not found/);
  });
});

describe('kyc roster import', () => {
  const summary = { customerCode: '1001', dryRun: false, rows: 3, accepted: 2, rejected: 1, inserted: 2, updated: 0, unchanged: 0, removed: 0, removalSkipped: false, format: 'csv', elapsedMs: 20 };
  const importRoster: RosterCommands['importRoster'] = async (_options, observer = {}) => {
    observer.onStart?.({ format: 'csv', size: 300 });
    observer.onBytes?.(150);
    observer.onRejected?.({ line: 3, problems: [{ column: '身份证号', reason: 'invalid check digit' }] });
    observer.onProgress?.({ rows: 3, rejected: 1 });
    observer.onBytes?.(300);
    return summary;
  };
  const args = ['roster', 'import', '--partner', 'p1', '--customer-code', '1001', '--file', 'r.csv'];

  it('passes the school and import options, prints rejected rows then the summary, and exits 4 for rejected rows', async () => {
    const spy = jest.fn(importRoster);
    const { io, text } = capture();
    const code = await runKyc([...args, '--name', '一中', '--ecard-school', 'no', '--batch-size', '200', '--dry-run', '--json'], fakes({ rosters: { importRoster: spy } }), io);
    expect(code).toBe(EXIT.rejectedRows);
    expect(spy.mock.calls[0][0]).toEqual({
      partnerId: 'p1', customerCode: '1001', file: 'r.csv', format: undefined, encoding: undefined,
      school: { customerName: '一中', ecardSchool: false }, dryRun: true, removeMissing: undefined, batchSize: 200,
    });
    expect(text.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ line: 3, problems: [{ column: '身份证号', reason: 'invalid check digit' }] }, { summary }]);
    expect(text.stderr).toContain('imported 3 rows of school 1001');
  });

  it('draws a progress bar on stderr with --progress even when it is not a terminal, and none with --no-progress or in a pipe', async () => {
    const forced = capture();
    await runKyc(['--progress', ...args], fakes({ rosters: { importRoster } }), forced.io);
    expect(forced.text.stderr).toMatch(/roster import \[[█░]+\] 100% \| 3 rows \| 1 rejected/);
    for (const argv of [[...args, '--no-progress'], args]) {
      const quiet = capture();
      await runKyc(argv, fakes({ rosters: { importRoster } }), quiet.io);
      expect(quiet.text.stderr).not.toContain('roster import');
    }
  });

  it('without --json shows the rejected rows as a table by line and column', async () => {
    const { io, text } = capture();
    await runKyc(args, fakes({ rosters: { importRoster } }), io);
    expect(text.stdout).toMatch(/line\s*│\s*column\s*│\s*reason/);
    expect(text.stdout).toMatch(/3\s*│\s*身份证号\s*│\s*invalid check digit/);
  });
});

describe('kyc callbacks', () => {
  it('list passes the state in the notifier\'s spelling', async () => {
    const listCallbacks = jest.fn(async () => []);
    await runKyc(['callbacks', 'list', '--partner', 'p1', '--state', 'parked', '--limit', '5'], fakes({ callbacks: { listCallbacks } }), capture().io);
    expect(listCallbacks).toHaveBeenCalledWith('p1', 'PARKED', 5);
  });

  it('a bulk resend shows progress, lists what it queued and exits 3 when a named callback does not exist', async () => {
    const resendCallbacks: CallbackCommands['resendCallbacks'] = async (selection, operator, observer = {}) => {
      expect(selection).toEqual({ ids: ['cb1', 'cb2', 'cb3'] });
      expect(operator).toBe('ops-test');
      observer.onStart?.(3);
      [1, 2, 3].forEach((n) => observer.onProgress?.(n));
      const record = (id: string) => ({ callbackId: id, partnerId: 'p1', state: 'PENDING' }) as never;
      return { resent: [record('cb1'), record('cb3')], missing: ['cb2'] };
    };
    const { io, text } = capture();
    expect(await runKyc(['--progress', 'callbacks', 'resend', '--id', 'cb1', 'cb2', 'cb3'], fakes({ callbacks: { resendCallbacks } }), io)).toBe(EXIT.notFound);
    expect(text.stderr).toMatch(/resend \[[█░]+\] 3\/3 callbacks/);
    expect(text.stderr).toContain('no callback cb2');
    expect(text.stdout).toMatch(/cb1[\s\S]*cb3/);
  });

  it('resend needs either --id or --partner', async () => {
    for (const argv of [['callbacks', 'resend'], ['callbacks', 'resend', '--id', 'a', '--partner', 'p']]) {
      const { io, text } = capture();
      expect(await runKyc(argv, fakes(), io)).toBe(EXIT.usage);
      expect(text.stderr).toContain('either --id or --partner');
    }
  });
});
