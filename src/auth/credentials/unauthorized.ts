import { ApiError } from '../../errors';

export const WWW_AUTHENTICATE = 'Bearer realm="aura"';

/** 401 for a credential that was sent but is not valid (RFC 6750 `error="invalid_token"`). */
export const invalidCredential = (message: string) =>
  new ApiError('UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': `${WWW_AUTHENTICATE}, error="invalid_token"` } });
