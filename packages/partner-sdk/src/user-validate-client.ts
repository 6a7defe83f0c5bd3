/**
 * Seed 002, as a partner's page calls it with a `user_sid` (from PlatformClient.mintSession):
 * photos, the name and ID number, and the review status. Answers are
 * `{version, response: {result}, context}`; any result but 200 is thrown as UserValidateError.
 */
import type { components, paths } from './gen/openapi';
import { UserValidateError } from './errors';
import { bodyOf, ConnectionOptions, createKycClient, KycClient } from './http';

export type UserValidateEnvelope = components['schemas']['UserValidateEnvelope'];
/** 0 = hand-held ID photo (手持证件照), 1 = ID card front (身份证正面照). */
export type PhotoType = paths['/user/validate/submit_photo/']['post']['parameters']['query']['t_photo'];

export interface UserValidateClientOptions extends ConnectionOptions {
  userSid: string;
}

function ok(result: { data?: unknown; error?: unknown; response: Response }): UserValidateEnvelope {
  const body = bodyOf(result) as UserValidateEnvelope | undefined;
  if (result.response.status !== 200 || body?.response?.result !== 200) throw new UserValidateError(result.response.status, body);
  return body;
}

export class UserValidateClient {
  readonly api: KycClient;
  constructor(private readonly opts: UserValidateClientOptions) {
    this.api = createKycClient(opts);
  }

  private get sid() {
    return this.opts.userSid;
  }

  /** Uploads a JPEG or PNG as the given photo (multipart field v_photo). */
  async submitPhoto(type: PhotoType, image: Buffer, fileName = 'photo.jpg'): Promise<UserValidateEnvelope> {
    const form = new FormData();
    form.append('v_photo', new Blob([image]), fileName);
    return ok(
      await this.api.POST('/user/validate/submit_photo/', {
        params: { query: { user_sid: this.sid, t_photo: type } },
        // The generated type says string (format: binary); the multipart body is built here.
        body: { v_photo: '' },
        bodySerializer: () => form,
      }),
    );
  }

  /** The photo's bytes. */
  async fetchPhoto(type: PhotoType): Promise<Buffer> {
    const result = await this.api.GET('/user/validate/fetch_photo/', { params: { query: { user_sid: this.sid, t_photo: type } }, parseAs: 'arrayBuffer' });
    if (result.response.status !== 200 || !result.data) throw new UserValidateError(result.response.status, undefined);
    return Buffer.from(result.data);
  }

  async deletePhoto(type: PhotoType): Promise<UserValidateEnvelope> {
    return ok(await this.api.GET('/user/validate/delete_photo/', { params: { query: { user_sid: this.sid, t_photo: type } } }));
  }

  /** Submits the name and ID number; with the photos uploaded, the case goes to review. */
  async submitInfo(info: { name: string; idcard_number: string }): Promise<UserValidateEnvelope> {
    return ok(await this.api.POST('/user/validate/submit_info/', { body: { data: { user_sid: this.sid, ...info } } }));
  }

  /** What was submitted and `validate_status`: 0 not submitted, 1 pending, 2 approved, 3 rejected. */
  async fetchInfo(): Promise<UserValidateEnvelope> {
    return ok(await this.api.GET('/user/validate/fetch_info/', { params: { query: { user_sid: this.sid } } }));
  }
}
