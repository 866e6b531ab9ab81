// One line for any thrown value, for the command-line tools' "… failed: <line>". Not everything
// thrown is an Error with a message: Node's connection attempts to a name with two addresses
// reject with an AggregateError whose message is empty, some pg errors carry only a code, and a
// library may reject with nothing at all — none of them may print as "undefined" or as nothing.

type Described = { message?: unknown; code?: unknown; name?: unknown; errors?: unknown };

export function errorText(err: unknown): string {
  if (err === undefined || err === null) return `an unknown error (${String(err)} was thrown)`;
  if (typeof err !== 'object') return String(err).split('\n')[0] || `an unknown error (an empty ${typeof err})`;
  const e = err as Described;
  const message = typeof e.message === 'string' ? e.message.trim().split('\n')[0] : '';
  const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : '';
  // AggregateError (e.g. ECONNREFUSED on ::1 and on 127.0.0.1): its parts say what happened.
  const parts = Array.isArray(e.errors) ? [...new Set(e.errors.map(errorText))] : [];
  if (message && parts.length) return `${message}: ${parts.join('; ')}`;
  if (message) return code && !message.includes(code) ? `${message} (${code})` : message;
  if (parts.length) return parts.join('; ');
  const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : '';
  if (code || name) return [name || 'error', code].filter(Boolean).join(' ');
  const json = safeJson(err);
  return json && json !== '{}' ? `an unknown error: ${json}` : `an unknown error (${Object.prototype.toString.call(err)})`;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)?.slice(0, 300);
  } catch {
    return undefined;
  }
}
