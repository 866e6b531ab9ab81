// One access-log line per request, written when the response finishes: request id, method, path
// (never the query string or headers: they can carry credentials), status, duration and operation.
// Replaces pino-http, which serialised every request into a child logger even with info logs off
// (about a tenth of the CPU of a cheap request). req.log is a child carrying only the request id,
// made on first use: most requests never log anything but their access line.
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';

declare module 'express-serve-static-core' {
  interface Request {
    log: Logger;
  }
}

const childLogs = new WeakMap<Request, Logger>();

/**
 * Installs the access log on `app`: the lazy req.log, and a middleware that writes the line when the
 * response finishes — where `onFinish` (the metrics) gets the same duration: one listener a request.
 */
export function accessLog(app: Express, log: Logger, onFinish: (res: Response, seconds: number) => void = () => {}) {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request): Logger {
      let child = childLogs.get(this);
      if (!child) childLogs.set(this, (child = log.child({ request_id: this.id })));
      return child;
    },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const status = res.statusCode;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      onFinish(res, ms / 1000);
      const level = status >= 500 ? 'error' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const operationId = (res.locals.ctx as { operationId?: string } | undefined)?.operationId;
      req.log[level]({ method: req.method, path: req.path, status, ms: Math.round(ms * 10) / 10, operationId, ip: req.ip }, `${req.method} ${req.path} ${status}`);
    });
    next();
  };
}
