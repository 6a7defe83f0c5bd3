import { NextFunction, Request, RequestHandler, Response } from 'express';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface DescribedPath {
  pattern: RegExp;
  /** Upper-case methods the description lists for the path (HEAD comes with GET, as express serves it). */
  allow: string[];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every path of an OpenAPI document with the methods it describes; `{param}` matches one segment. */
export function describedPaths(doc: Record<string, unknown>, include: (path: string) => boolean = () => true): DescribedPath[] {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(paths)
    .filter(([p]) => include(p))
    .map(([p, item]) => {
      const methods = HTTP_METHODS.filter((m) => m in item).map((m) => m.toUpperCase());
      if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
      const source = p
        .replace(/\/$/, '')
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '[^/]+' : escapeRegex(part)))
        .join('');
      return { pattern: new RegExp(`^${source}/?$`), allow: methods };
    });
}

/**
 * A described path called with a method its description does not list answers 405 with `Allow`
 * (RFC 9110), in the shape `reply` gives it, instead of falling through to "not found" or to a
 * handler of another method. Paths the description does not know pass on untouched.
 */
export function methodGuard(paths: readonly DescribedPath[], reply: (req: Request, res: Response) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const described = paths.find((p) => p.pattern.test(req.path));
    if (!described || described.allow.includes(req.method)) return next();
    res.setHeader('Allow', described.allow.join(', '));
    reply(req, res);
  };
}
