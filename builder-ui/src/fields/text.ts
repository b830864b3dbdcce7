/**
 * textOf is a record value as text. Values arrive typed unknown; a primitive reads as String reads
 * it, an object or array as its JSON, where String would say "[object Object]".
 */
export function textOf(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(v);
    default:
      return v === null ? 'null' : (JSON.stringify(v) ?? '');
  }
}
