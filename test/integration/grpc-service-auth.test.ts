/**
 * Service-to-service gRPC is mutual TLS with per-service identities and allow-lists: what a peer
 * on the network can (not) do against the real services, and that the platform's own traffic
 * (gateway -> realname-pattern, identity-lookup, photo-storage) still flows. Probes get a
 * plaintext port that carries the health service and nothing else.
 */
import fs from 'node:fs';
import { ChannelCredentials, ChannelOptions, credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import { photo, realname } from '@kyc/contracts';
import { GRPC_SERVICE_NAMES, Platform } from '@kyc/dev-platform';
import { checkGrpcHealth, createCertificateAuthority, ERROR_CODE_KEY } from '@kyc/grpc-kit';
import { bootPlatform, eventually, partnerWithUser } from '../support/fixtures';
import { idNumber } from '../support/identities';
import { EVIDENCE_PHOTOS, makeCasePending, newReviewer } from '../support/review';

let platform: Platform;

beforeAll(async () => {
  platform = await bootPlatform('grpcauth');
});
afterAll(async () => {
  await platform?.stop();
});

const deadline = () => ({ deadline: Date.now() + 5_000 });
const codeOf = (err?: ServiceError | null) => err?.metadata?.get(ERROR_CODE_KEY)[0];

/** realname-pattern ListPendingCases (names and ID numbers of pending cases) with the given credentials. */
function listPendingCases(creds: ChannelCredentials, options: ChannelOptions = {}, target = platform.grpcTargets['realname-pattern']) {
  const client = new realname.RealnamePatternServiceClient(target, creds, options);
  return new Promise<{ error: ServiceError | null; cases?: unknown[] }>((resolve) =>
    client.listPendingCases({ limit: 10 }, new Metadata(), deadline(), (error, res) => {
      client.close();
      resolve({ error, cases: res?.cases });
    }),
  );
}

/** photo-storage DownloadPhoto (a server stream of evidence bytes) with the given credentials. */
function downloadPhoto(creds: ChannelCredentials, options: ChannelOptions) {
  const client = new photo.PhotoStorageServiceClient(platform.grpcTargets['photo-storage'], creds, options);
  return new Promise<{ error?: ServiceError; chunks: number }>((resolve) => {
    let chunks = 0;
    const call = client.downloadPhoto({ subjectId: 'any-subject', photoType: 0 }, new Metadata(), deadline());
    call.on('data', () => chunks++);
    call.on('error', (error: ServiceError) => (client.close(), resolve({ error, chunks })));
    call.on('end', () => (client.close(), resolve({ chunks })));
  });
}

const asService = (caller: string, server: string) => [platform.pki.credentialsFor(caller, server), platform.pki.channelOptions(server)] as const;

describe('gRPC between services', () => {
  it('when a peer calls realname-pattern without TLS, then ListPendingCases is refused', async () => {
    const { error, cases } = await listPendingCases(credentials.createInsecure());
    expect(cases).toBeUndefined();
    expect(error?.code).toBe(status.UNAVAILABLE);
  });

  it('when a peer presents a certificate from another CA, even one naming the gateway, then it does not get past the handshake', async () => {
    const rogue = await (await createCertificateAuthority({ name: 'rogue CA' })).issue('gateway', { hosts: ['127.0.0.1'] });
    const creds = credentials.createSsl(platform.pki.material('gateway').ca, rogue.key, rogue.cert);
    const { error, cases } = await listPendingCases(creds, platform.pki.channelOptions('realname-pattern'));
    expect(cases).toBeUndefined();
    expect(error?.code).toBe(status.UNAVAILABLE);
  });

  it('when the notifier calls realname-pattern or photo-storage with its valid certificate, then it gets PERMISSION_DENIED, logged without personal data', async () => {
    const listed = await listPendingCases(...asService('notifier', 'realname-pattern'));
    expect(listed.error?.code).toBe(status.PERMISSION_DENIED);
    expect(codeOf(listed.error)).toBe('KYC.GRPC.CALLER_NOT_ALLOWED');

    const downloaded = await downloadPhoto(...asService('notifier', 'photo-storage'));
    expect(downloaded.chunks).toBe(0);
    expect(downloaded.error?.code).toBe(status.PERMISSION_DENIED);
    expect(codeOf(downloaded.error)).toBe('KYC.GRPC.CALLER_NOT_ALLOWED');

    // The service logs after answering; its log reaches the file a moment later.
    const refusalsLogged = () =>
      fs
        .readFileSync(platform.services['photo-storage'].logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('grpc call refused'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const refusals = await eventually(async () =>
      refusalsLogged().some((r) => r.method === '/kyc.photo.v1.PhotoStorageService/DownloadPhoto') ? refusalsLogged() : undefined,
    );
    expect(refusals).toContainEqual(
      expect.objectContaining({ caller: 'notifier', method: '/kyc.photo.v1.PhotoStorageService/DownloadPhoto', code: 'KYC.GRPC.CALLER_NOT_ALLOWED' }),
    );
    expect(JSON.stringify(refusals)).not.toContain('any-subject');
  });

  it('when the gateway calls with its certificate, then realname-pattern answers', async () => {
    const { error, cases } = await listPendingCases(...asService('gateway', 'realname-pattern'));
    expect(error).toBeNull();
    expect(Array.isArray(cases)).toBe(true);
  });

  it('when a user goes through seed 002 and a reviewer opens the case, then every gRPC hop of the platform works over mutual TLS', async () => {
    const user = await partnerWithUser(platform, 'mtls');
    const { caseNumber } = await makeCasePending(platform, user.sid, { name: '王五', idcardNumber: idNumber('110101', '19900307') });
    const reviewer = await newReviewer(platform, 'TLS Reviewer');
    const listed = await reviewer.pendingCase(caseNumber);
    const opened = await reviewer.get(`/reviewer/v1/cases/${listed.case_id}`);
    expect(opened.status).toBe(200);
    const href = (opened.body.photos as { photo_type: number; href: string }[]).find((p) => p.photo_type === 0)!.href;
    const bytes = Buffer.from(await (await reviewer.call(href)).arrayBuffer());
    expect(bytes.equals(EVIDENCE_PHOTOS[0])).toBe(true);
  });
});

describe('plaintext health port', () => {
  it('when a probe asks without TLS, then every back-end service answers SERVING on its health port', async () => {
    for (const s of GRPC_SERVICE_NAMES) {
      expect(await checkGrpcHealth(platform.healthTargets[s], { timeoutMs: 3_000 })).toBe('SERVING');
    }
  });

  it('when anything but the health service is called on the health port, then it is not there', async () => {
    const { error, cases } = await listPendingCases(credentials.createInsecure(), {}, platform.healthTargets['realname-pattern']);
    expect(cases).toBeUndefined();
    expect(error?.code).toBe(status.UNIMPLEMENTED);
  });
});
