/**
 * The platform image as operators run it: the five services as containers of the one image built
 * from this checkout (deploy/images/platform; rebuilt only when the build output changed), each
 * as uid 10001 on a read-only root filesystem with its gRPC identity mounted where the Helm chart
 * mounts it, against the suite's Kafka and MongoDB-wire server (own databases and topics). A seed
 * 002 round trip goes through them: photos and info from the partner's user, a reviewer's
 * approval, and fetch_info telling the partner the user is verified.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mintSession, PartnerCredentials, Platform, ServiceLauncher, SERVICE_NAMES, startPlatform } from '@kyc/dev-platform';
import { preparePlatformImage } from '@kyc/dev-services';
import { infra, uniqueNamespace } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { EVIDENCE_PHOTOS, fetchInfo, makeCasePending, reviewerClient } from '../support/review';

const exec = promisify(execFile);

/** Where the chart mounts a service's gRPC identity (values.yaml grpcTls.mountPath). */
const TLS_MOUNT = '/etc/kyc/grpc-tls';
/** The user the image runs as (and the chart's podSecurity.runAsUser/runAsGroup). */
const SERVICE_UID = 10001;
/** Container names carry this prefix and the test process's pid, so a run can clear what a killed run left. */
const NAME_PREFIX = 'kyc-image-test-';

let image: string;
let cli: 'podman' | 'docker';
let platform: Platform;
let secretsDir: string;
const containerName = (service: string) => `${NAME_PREFIX}${process.pid}-${service}`;

/**
 * A service's TLS material laid out as the chart's Secret volume: ca.crt, tls.crt, tls.key, mode
 * 0440 for the pod's group (as root here: group 10001; otherwise readable by all, test keys only).
 */
function grpcSecretFor(service: string, env: Record<string, string>): string {
  const dir = path.join(secretsDir, service);
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(dir);
  const asRoot = process.getuid?.() === 0;
  for (const [name, variable] of [['ca.crt', 'GRPC_TLS_CA_FILE'], ['tls.crt', 'GRPC_TLS_CERT_FILE'], ['tls.key', 'GRPC_TLS_KEY_FILE']]) {
    const file = path.join(dir, name);
    fs.copyFileSync(env[variable], file);
    if (asRoot) fs.chownSync(file, 0, SERVICE_UID);
    fs.chmodSync(file, asRoot ? 0o440 : 0o444);
  }
  if (asRoot) fs.chownSync(dir, 0, SERVICE_UID);
  fs.chmodSync(dir, asRoot ? 0o750 : 0o755);
  return dir;
}

/**
 * `<cli> run` of the platform image in the foreground, as the chart runs a pod: read-only root,
 * a small /tmp, no capabilities, the image's own user. Host network: the services, Kafka and the
 * MongoDB-wire server all listen on 127.0.0.1. The environment is passed by name (values stay
 * out of the command line), except the paths that differ inside the container.
 */
function containerArgs(name: string, service: string, env: Record<string, string>, command: string[]): string[] {
  const inside: Record<string, string> = {
    GRPC_TLS_CA_FILE: `${TLS_MOUNT}/ca.crt`,
    GRPC_TLS_CERT_FILE: `${TLS_MOUNT}/tls.crt`,
    GRPC_TLS_KEY_FILE: `${TLS_MOUNT}/tls.key`,
    SMS_SANDBOX_DIR: '/tmp/sms',
  };
  const args = ['run', '--rm', '--name', name, '--network', 'host', '--read-only', '--tmpfs', '/tmp:rw,size=64m'];
  args.push('--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '-v', `${grpcSecretFor(service, env)}:${TLS_MOUNT}:ro`);
  for (const key of Object.keys(env).sort()) args.push('-e', key in inside ? `${key}=${inside[key]}` : key);
  return [...args, image, ...command];
}

const containerLauncher: ServiceLauncher = (service, env) => ({
  command: cli,
  args: containerArgs(containerName(service), service, env, ['node', `services/${service}/dist/main.js`]),
});

/** An operator command (`kyc partner …`, `kyc reviewer …`), run from the image as a one-off container with the gateway's settings. */
async function operatorCommand(args: string[]): Promise<any> {
  const name = containerName(`cli-${Date.now().toString(36)}`);
  const command = ['node', 'packages/operator-cli/dist/main.js', '--json', ...args];
  const { stdout } = await exec(cli, containerArgs(name, 'gateway', platform.gatewayEnv, command), {
    env: { ...process.env, ...platform.gatewayEnv },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim());
}

/** Removes containers of this test left by runs whose process is gone (a killed jest). */
async function removeAbandonedContainers(): Promise<void> {
  const { stdout } = await exec(cli, ['ps', '-a', '--filter', `name=${NAME_PREFIX}`, '--format', '{{.Names}}']);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const abandoned = stdout.split('\n').filter((n) => n.startsWith(NAME_PREFIX) && !alive(Number(n.slice(NAME_PREFIX.length).split('-')[0])));
  if (abandoned.length) await exec(cli, ['rm', '-f', ...abandoned]).catch(() => undefined);
}

const inContainer = async (service: string, script: string) =>
  (await exec(cli, ['exec', containerName(service), 'node', '-e', script], { timeout: 30_000 })).stdout.trim();

beforeAll(async () => {
  ({ image, cli } = await preparePlatformImage({ log: (line) => process.stderr.write(`[platform-image] ${line}\n`) }));
  await removeAbandonedContainers();
  secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-image-test-'));
  platform = await startPlatform({ ...infra(), namespace: uniqueNamespace('image'), launch: containerLauncher });
}, 15 * 60_000);

afterAll(async () => {
  await platform?.stop();
  // Whatever did not stop with its foreground `run` (a start that failed half-way, a kill).
  await exec(cli, ['rm', '-f', ...SERVICE_NAMES.map(containerName)]).catch(() => undefined);
  if (secretsDir) fs.rmSync(secretsDir, { recursive: true, force: true });
}, 60_000);

describe('the platform image', () => {
  it('when the five services run from it, then each runs as uid 10001 on a read-only root filesystem, with a writable /tmp', async () => {
    for (const service of SERVICE_NAMES) {
      const inspected = await exec(cli, ['inspect', '--format', '{{.HostConfig.ReadonlyRootfs}} {{.Config.User}} {{.State.Running}}', containerName(service)]);
      expect({ service, inspected: inspected.stdout.trim() }).toEqual({ service, inspected: `true ${SERVICE_UID}:${SERVICE_UID} true` });
      const probe = await inContainer(
        service,
        `const fs = require('fs');
         const tryWrite = (f) => { try { fs.writeFileSync(f, 'x'); return 'written'; } catch (e) { return e.code; } };
         console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), app: tryWrite('/app/probe'), etc: tryWrite('/etc/probe'), tmp: tryWrite('/tmp/probe') }));`,
      );
      expect({ service, ...JSON.parse(probe) }).toEqual({ service, uid: SERVICE_UID, gid: SERVICE_UID, app: 'EROFS', etc: 'EROFS', tmp: 'written' });
    }
  });

  it('when its content is listed, then it holds node 20 and the compiled services, but no npm, no compilers, no sources and no test tooling', async () => {
    const listing = await inContainer(
      'gateway',
      `const fs = require('fs');
       const paths = ['/usr/local/bin/npm', '/usr/bin/npm', '/usr/local/lib/node_modules', '/usr/bin/gcc', '/usr/bin/cc', '/usr/bin/g++', '/usr/bin/make',
         '/app/services/gateway/src', '/app/packages/core/src', '/app/test', '/app/node_modules/typescript', '/app/node_modules/jest', '/app/node_modules/@swc/core',
         '/app/node_modules/@kyc/dev-platform', '/app/services/gateway/dist/main.js', '/app/services/gateway/openapi/openapi.yaml'];
       console.log(JSON.stringify({ node: process.versions.node.split('.')[0], present: paths.filter((p) => fs.existsSync(p)) }));`,
    );
    expect(JSON.parse(listing)).toEqual({ node: '20', present: ['/app/services/gateway/dist/main.js', '/app/services/gateway/openapi/openapi.yaml'] });
  });

  it('when its labels are read, then they follow the OCI image conventions', async () => {
    const { stdout } = await exec(cli, ['image', 'inspect', '--format', '{{json .Config.Labels}}', image]);
    const labels = JSON.parse(stdout) as Record<string, string>;
    expect(labels).toMatchObject({
      'org.opencontainers.image.title': 'kyc-platform',
      'org.opencontainers.image.description': expect.stringContaining('gateway'),
      'org.opencontainers.image.source': expect.stringMatching(/\S/),
      'org.opencontainers.image.revision': expect.stringMatching(/^([0-9a-f]{40}|unknown)$/),
      'org.opencontainers.image.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
      'org.opencontainers.image.licenses': 'Apache-2.0',
    });
    expect(new Date(labels['org.opencontainers.image.created']).getTime()).toBeGreaterThan(Date.parse('2024-01-01'));
    expect(image.endsWith(`-${labels['kyc.content-hash']}`)).toBe(true);
  });
});

describe('seed 002 through the containers', () => {
  let partner: PartnerCredentials;

  beforeAll(async () => {
    partner = await operatorCommand(['partner', 'create', '--name', 'image partner', '--features', 'user-validate']);
  }, 120_000);

  it('when a user submits ID photos and info and a reviewer approves, then fetch_info shows the partner a verified user', async () => {
    const sid = await mintSession(platform.gatewayUrl, partner, 'image-user-1');
    const person = { name: '李四', idcardNumber: idNumber('440305', '19870415') };
    expect((await fetchInfo(platform, sid)).response.validate_obj.validate_status).toBe(0);

    const { caseNumber } = await makeCasePending(platform, sid, person);

    const reviewer = reviewerClient(platform, await operatorCommand(['reviewer', 'create', '--name', 'Image Reviewer']));
    const pending = await reviewer.pendingCase(caseNumber);
    const opened = await reviewer.get(`/reviewer/v1/cases/${pending.case_id}`);
    expect(opened.body.case).toMatchObject({ name: person.name, idcard_number: person.idcardNumber, round: 1 });
    // The photos went into photo-storage's container encrypted and come back as uploaded.
    for (const p of opened.body.photos as { photo_type: number; href: string }[]) {
      const photo = await reviewer.call(p.href);
      expect(photo.status).toBe(200);
      expect(Buffer.from(await photo.arrayBuffer()).equals(EVIDENCE_PHOTOS[p.photo_type])).toBe(true);
    }
    const decided = await reviewer.decide(pending.case_id, { decision: 'approve', round: 1 });
    expect(decided).toEqual({ status: 200, body: { case: expect.objectContaining({ status: 'approved', validate_status: 2 }) } });

    expect(await fetchInfo(platform, sid)).toEqual({
      version: '0.1',
      response: {
        result: 200,
        validate_photos_uploaded: [0, 1],
        validate_obj: { id: caseNumber, name: person.name, idcard_number: person.idcardNumber, validate_status: 2, uid: expect.any(Number) },
      },
      context: null,
    });
  });
});
