// String formats read as strictly as PostgreSQL reads them, so a value the database would refuse is
// a 400 naming its field at validation, not a database error that names nothing. ajv-formats
// accepts more than PostgreSQL's uuid, date and timestamptz types do:
// - uuid: the URN form `urn:uuid:…`;
// - date, date-time: the year 0000 (PostgreSQL has no year 0: "0000-01-01" is out of range);
// - date-time: UTC offsets up to ±23:59 (PostgreSQL stops at ±15:59), and a leap second with a
//   fraction ("23:59:60.5Z", which PostgreSQL refuses; "23:59:60Z" it reads as the next minute).
// Years past 9999 (`10000-01-01`, `+275760-…`) never reach here: both formats take four digits.
import type Ajv from 'ajv/dist/core';
import { fullFormats } from 'ajv-formats/dist/formats';

type StringCheck = (s: string) => boolean;
const checkOf = (f: unknown): StringCheck => (typeof f === 'function' ? f : (f as { validate: StringCheck }).validate) as StringCheck;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const YEAR_ZERO = /^0000/;
/** The time part's seconds and offset, once the base format has accepted the whole string. */
const TIME_TAIL = /:(\d\d(?:\.\d+)?)(?:z|[+-](\d\d)(?::?\d\d)?)$/i;

const baseDate = checkOf(fullFormats.date);
const baseDateTime = checkOf(fullFormats['date-time']);

export const strictDate: StringCheck = (s) => baseDate(s) && !YEAR_ZERO.test(s);

export const strictDateTime: StringCheck = (s) => {
  if (!baseDateTime(s) || YEAR_ZERO.test(s)) return false;
  const m = TIME_TAIL.exec(s);
  if (!m) return false;
  const [, seconds, offsetHours] = m;
  if (offsetHours !== undefined && Number(offsetHours) > 15) return false;
  return !seconds.startsWith('60') || /^60(?:\.0*)?$/.test(seconds);
};

/** Replaces ajv-formats' uuid, date and date-time on an Ajv instance (after addFormats). */
export function addStrictFormats(ajv: Ajv): void {
  ajv.addFormat('uuid', UUID);
  ajv.addFormat('date', { type: 'string', validate: strictDate, compare: (fullFormats.date as { compare?: (a: string, b: string) => number | undefined }).compare });
  ajv.addFormat('date-time', { type: 'string', validate: strictDateTime, compare: (fullFormats['date-time'] as { compare?: (a: string, b: string) => number | undefined }).compare });
}
