/**
 * Seed 001, as an app calls it: every request carries the user's `uid` + `token` (from
 * PlatformClient.mintSession) and `local` (zh-CN or en, the language of `message`); answers are
 * `{attachment, message, status}` and any status but 200 is thrown as AppAuthError.
 */
import OSS from 'ali-oss';
import type { components, paths } from './gen/openapi';
import { AppAuthError } from './errors';
import { bodyOf, ConnectionOptions, createKycClient, KycClient } from './http';

type Schemas = components['schemas'];
type Credentials = Schemas['AppCredentials'];
type Ok200<P extends keyof paths> = paths[P] extends { post: { responses: { 200: { content: { 'application/json': infer R } } } } } ? R : never;

export type AuthNewRequest = Omit<Schemas['AppAuthNewRequest'], keyof Credentials>;
export type LivenessRequest = Omit<Schemas['AppLivenessRequest'], keyof Credentials>;
export type StsAnswer = Ok200<'/user/getsts'>;
export type StsCredentials = NonNullable<StsAnswer['attachment']>;
export type AuthInfoAnswer = Ok200<'/user/authinfoNew'>;
export type LivenessTokenAnswer = Ok200<'/ali/appToken'>;
export type AppEnvelope = Schemas['AppEnvelope'];

export interface AppAuthClientOptions extends ConnectionOptions {
  uid: number | string;
  token: string;
  /** Language of the answers' `message`: zh-CN (default) or en. */
  local?: 'zh-CN' | 'en';
  /** Deadline of each object upload; 60 s unless given. */
  uploadTimeoutMs?: number;
}

function ok<T>(result: { data?: unknown; error?: unknown; response: Response }): T {
  const body = bodyOf(result) as { status?: unknown } | undefined;
  if (result.response.status !== 200 || body?.status !== 200) throw new AppAuthError(result.response.status, body);
  return body as T;
}

export class AppAuthClient {
  readonly api: KycClient;
  constructor(private readonly opts: AppAuthClientOptions) {
    this.api = createKycClient(opts);
  }

  private get credentials(): Credentials {
    return { uid: this.opts.uid, token: this.opts.token, local: this.opts.local ?? 'zh-CN' };
  }

  /** Upload credentials for the user's own objects (see uploader()). */
  async getSts(): Promise<StsCredentials> {
    const answer = ok<StsAnswer>(await this.api.POST('/user/getsts', { body: this.credentials }));
    if (!answer.attachment) throw new AppAuthError(200, answer);
    return answer.attachment;
  }

  /** One of the four steps: 1 the person, 2-4 the object keys of the ID front, back and hand-held photos. */
  async authNew(step: AuthNewRequest): Promise<AppEnvelope> {
    return ok(await this.api.POST('/user/authnew', { body: { ...this.credentials, ...step } }));
  }

  /** What the user submitted so far and the review status. */
  async authInfo(): Promise<AuthInfoAnswer> {
    return ok(await this.api.POST('/user/authinfoNew', { body: this.credentials }));
  }

  /** Starts a liveness check (after step 1). */
  async livenessToken(params: LivenessRequest = {}): Promise<LivenessTokenAnswer> {
    return ok(await this.api.POST('/ali/appToken', { body: { ...this.credentials, ...params } }));
  }

  /** Asks for the liveness check's outcome (the platform asks the provider, never the app). */
  async livenessResult(params: LivenessRequest = {}): Promise<AppEnvelope> {
    return ok(await this.api.POST('/ali/vedioAuth', { body: { ...this.credentials, ...params } }));
  }

  /**
   * Uploads through an unmodified Alibaba OSS client with the credentials of /user/getsts,
   * refreshed from the same endpoint when they expire. Each object's key is the credentials'
   * prefix plus its name: the key steps 2-4 take.
   */
  async uploader(): Promise<PhotoUploader> {
    const sts = await this.getSts();
    const client = new OSS({
      endpoint: sts.endpoint,
      // The platform serves the bucket on its own address, not on <bucket>.<endpoint>.
      cname: true,
      bucket: sts.bucket,
      region: sts.region,
      accessKeyId: sts.AccessKeyId,
      accessKeySecret: sts.AccessKeySecret,
      stsToken: sts.SecurityToken,
      timeout: this.opts.uploadTimeoutMs ?? 60_000,
      refreshSTSTokenInterval: Math.max(60_000, Date.parse(sts.Expiration) - Date.now() - 60_000),
      refreshSTSToken: async () => {
        const fresh = await this.getSts();
        return { accessKeyId: fresh.AccessKeyId, accessKeySecret: fresh.AccessKeySecret, stsToken: fresh.SecurityToken };
      },
    });
    return new PhotoUploader(client, sts.prefix ?? '');
  }
}

/** The two calls of the OSS client the uploader makes (kept off the public types: ali-oss ships none). */
export interface OssObjectClient {
  put(name: string, file: Buffer, options?: { mime?: string }): Promise<unknown>;
  signatureUrl(name: string, options?: { expires?: number }): string;
}

export class PhotoUploader {
  constructor(
    private readonly client: OssObjectClient,
    /** Keys the credentials may write start with this, e.g. "auth/6/". */
    readonly prefix: string,
  ) {}

  /** Puts the image under prefix + name; returns the object key for /user/authnew. */
  async upload(name: string, image: Buffer, contentType = 'image/jpeg'): Promise<string> {
    const key = `${this.prefix}${name}`;
    await this.client.put(key, image, { mime: contentType });
    return key;
  }

  /** A time-limited URL that shows the object (V1 query signature). */
  signedUrl(key: string, expiresSeconds = 600): string {
    return this.client.signatureUrl(key, { expires: expiresSeconds });
  }
}
