import { Response } from 'express';

/**
 * Seed 002 ("/user/validate/*") envelope: {"version":"0.1","response":{...,"result":N},"context":null}.
 * The result code travels in the body; the HTTP status is 200 for every JSON answer, as partners
 * of this contract read `response.result`.
 */
export const USER_VALIDATE_RESULT = {
  ok: 200,
  badRequest: 400,
  locked: 401,
  badImage: 403,
  sessionNotFound: 404,
  internal: 500,
} as const;

export function replyUserValidate(res: Response, result: number, fields: Record<string, unknown> = {}, httpStatus = 200): void {
  res.status(httpStatus).json({ version: '0.1', response: { ...fields, result }, context: null });
}
