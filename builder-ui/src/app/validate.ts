import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { I18n } from '../i18n/context';

// Client-side validation against the form descriptor's JSON Schema, the same schema the server
// checks, so most mistakes are caught before a round trip. Messages are ours, per keyword.

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

const compiled = new WeakMap<object, ValidateFunction>();

function validator(schema: Record<string, unknown>): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    // The descriptor's schema has its own $id-less root; compiled once per descriptor object.
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

function message(e: ErrorObject, t: I18n['t']): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return t('app.valid.required');
    case 'minLength':
      return p.limit === 1 ? t('app.valid.required') : t('app.valid.minLength', { limit: String(p.limit) });
    case 'maxLength':
      return t('app.valid.maxLength', { limit: String(p.limit) });
    case 'minimum':
    case 'exclusiveMinimum':
      return t('app.valid.minimum', { limit: String(p.limit) });
    case 'maximum':
    case 'exclusiveMaximum':
      return t('app.valid.maximum', { limit: String(p.limit) });
    case 'format':
      return p.format === 'email' ? t('app.valid.email') : t('app.valid.format');
    case 'enum':
      return t('app.valid.enum');
    default:
      return t('app.valid.format');
  }
}

/** Errors per field name (the first per field) of values against schema. */
export function schemaErrors(schema: Record<string, unknown>, values: Record<string, unknown>, t: I18n['t']) {
  const v = validator(schema);
  const out: Record<string, string> = {};
  if (v(values)) return out;
  for (const e of v.errors ?? []) {
    // A value of a union type fails each branch: the type error says less than the others.
    if (e.keyword === 'type' && (v.errors ?? []).some((o) => o !== e && o.instancePath === e.instancePath)) continue;
    const field =
      e.keyword === 'required'
        ? String((e.params as { missingProperty: string }).missingProperty)
        : e.instancePath.split('/')[1];
    if (field && !out[field]) out[field] = message(e, t);
  }
  return out;
}
