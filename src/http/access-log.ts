// One access-log line per request, written when the response finishes: request id, method, path
// (never the query string or headers: they can carry credentials), status, duration and operation.
// Replaces pino-http, which serialised every request into a child logger even with info logs off
// (about a tenth of the CPU of a cheap request). req.log is a child carrying only the request id.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';

declare module 'express-serve-static-core' {
  interface Request {
    log: Logger;
  }
}

export function accessLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    req.log = log.child({ request_id: req.id });
    res.on('finish', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const operationId = (res.locals.ctx as { operationId?: string } | undefined)?.operationId;
      req.log[level]({ method: req.method, path: req.path, status, ms: Math.round(ms * 10) / 10, operationId, ip: req.ip }, `${req.method} ${req.path} ${status}`);
    });
    next();
  };
}
