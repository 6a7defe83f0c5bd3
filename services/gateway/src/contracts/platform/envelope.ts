import { Response } from 'express';

/** The platform endpoints' envelope (seed 000 style): {"code":N,"data":...,"message":"..."}, code = HTTP status. */
export function replyPlatform(res: Response, code: number, data: unknown, message: string): void {
  res.status(code).json({ code, data, message });
}
