import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PhaseError, phaseLogDir, runPhase } from './phase';

/** A stand-in tool: prints `lines` numbered lines (stdout and stderr), sleeps, exits with `code`. */
const fakeTool = (lines: number, code: number, sleepMs = 0): { command: string; args: string[] } => ({
  command: process.execPath,
  args: [
    '-e',
    `for (let i = 1; i <= ${lines}; i++) (i % 3 ? process.stdout : process.stderr).write('Get:' + i + ' http://deb.example/ pkg ' + i + '\\n');
     setTimeout(() => process.exit(${code}), ${sleepMs});`,
  ],
});

describe('runPhase', () => {
  const logDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'kyc-phase-'));

  it('when the command succeeds, then it reports one line with the elapsed time and keeps the output in the log file', async () => {
    const lines: string[] = [];
    const dir = logDir();
    const result = await runPhase({ title: 'building image kyc-test:abc', slug: 'image-test', steps: [fakeTool(300, 0)], log: (l) => lines.push(l), logDir: dir });
    expect(lines).toEqual([expect.stringMatching(/^building image kyc-test:abc \.\.\. done in \d+\.\d s$/)]);
    expect(path.dirname(result.logFile)).toBe(dir);
    expect(readdirSync(dir)).toEqual([path.basename(result.logFile)]);
    const log = readFileSync(result.logFile, 'utf8');
    expect(log).toContain('Get:1 http://deb.example/ pkg 1\n');
    expect(log).toContain('Get:300 http://deb.example/ pkg 300\n');
  });

  it('when a command prints a lot and then fails, then it reports one line with the log path, the last 20 lines, and throws', async () => {
    const lines: string[] = [];
    const dir = logDir();
    const ok = { command: process.execPath, args: ['-e', 'console.log("first step")'] };
    const failing = runPhase({ title: 'installing podman', slug: 'apt-get', steps: [ok, fakeTool(500, 3), ok], log: (l) => lines.push(l), logDir: dir });
    await expect(failing).rejects.toThrow(PhaseError);
    const err = (await failing.catch((e: unknown) => e)) as PhaseError;
    const logFile = path.join(dir, readdirSync(dir)[0]);
    expect(err.logFile).toBe(logFile);
    expect(err.code).toBe(3);
    expect(err.message).toBe(`installing podman failed (exit 3); full output: ${logFile}`);

    expect(lines).toHaveLength(22);
    expect(lines[0]).toMatch(new RegExp(`^installing podman \\.\\.\\. FAILED after \\d+\\.\\d s \\(exit 3\\); full output: ${logFile}$`));
    expect(lines[1]).toBe('last 20 lines of output:');
    expect(lines.slice(2).map((l) => l.replace(/^ {2}\| /, ''))).toEqual(err.tail);
    expect(err.tail).toHaveLength(20);
    expect(new Set(err.tail)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `Get:${481 + i} http://deb.example/ pkg ${481 + i}`)));

    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('first step\n');
    expect(log.match(/^Get:/gm)).toHaveLength(500);
    expect(log).toMatch(/# exit 3 after/);
  });

  it('when a command cannot be started, then it fails the same way', async () => {
    const lines: string[] = [];
    const failing = runPhase({ title: 'building x', slug: 'x', steps: [{ command: 'kyc-no-such-tool', args: [] }], log: (l) => lines.push(l), logDir: logDir() });
    await expect(failing).rejects.toThrow(/building x failed \(exit 127\)/);
    expect(lines[0]).toMatch(/FAILED .* \(exit 127\)/);
    expect(lines[lines.length - 1]).toMatch(/^ {2}\| cannot run kyc-no-such-tool: .*ENOENT/);
  });

  it('when a phase runs long, then it says it is alive at most once per heartbeat, naming the log file once and the current stage', async () => {
    const lines: string[] = [];
    const stagePrinter = {
      command: process.execPath,
      args: ['-e', 'console.log("==> debootstrap bookworm ..."); for (let i = 0; i < 200; i++) console.log("I: Retrieving " + i); setTimeout(() => {}, 1500);'],
    };
    await runPhase({
      title: 'building image kyc-kafka:abc',
      slug: 'image-kafka',
      steps: [stagePrinter],
      log: (l) => lines.push(l),
      logDir: logDir(),
      heartbeatMs: 250,
      stage: (line) => (line.startsWith('==> ') ? line.slice(4).replace(/ *\.\.\.$/, '') : undefined),
    });
    const still = lines.filter((l) => l.startsWith('still '));
    expect(still.length).toBeGreaterThanOrEqual(1);
    // At most one per heartbeat (the child's own start-up time on a busy machine adds a few).
    expect(still.length).toBeLessThanOrEqual(12);
    expect(still[0]).toMatch(/^still building image kyc-kafka:abc \(\d+ s; (debootstrap bookworm; )?log: .*image-kafka-\d+\.log\)$/);
    // Once the tool has named its stage, the lines say it.
    expect(still[still.length - 1]).toMatch(/^still building image kyc-kafka:abc \(\d+ s; debootstrap bookworm\)$/);
    for (const line of still.slice(1)) expect(line).not.toContain('log:');
    expect(lines[lines.length - 1]).toMatch(/done in/);
    expect(lines).toHaveLength(still.length + 1);
  });
});

describe('phaseLogDir', () => {
  it('is KYC_LOG_DIR, else $XDG_CACHE_HOME/kyc-platform/logs, else ~/.cache/kyc-platform/logs', () => {
    expect(phaseLogDir({ KYC_LOG_DIR: '/tmp/x' })).toBe('/tmp/x');
    expect(phaseLogDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/kyc-platform/logs');
    expect(phaseLogDir({})).toBe(path.join(os.homedir(), '.cache', 'kyc-platform', 'logs'));
  });
});
