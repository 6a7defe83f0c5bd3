import { Response } from 'express';

/** Seed 003 envelope: {"code":N,"message":"...","data":...}; the HTTP status equals `code`. */
export function replyUcenter(res: Response, code: number, message: string, data: unknown): void {
  res.status(code).json({ code, message, data });
}
