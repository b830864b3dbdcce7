import { describe, expect, it } from 'vitest';
import { fieldWidgets, widgetOf } from './registry';

// The field types the server knows, read from the metamodel's sources: one file per type, each
// declaring `const TypeX = "name"` (forms/field_*.go).
const sources = import.meta.glob<string>('../../../forms/field_*.go', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const serverTypes = Object.entries(sources)
  .filter(([path]) => !path.endsWith('_test.go'))
  .flatMap(([, text]) => [...text.matchAll(/^const Type\w+\s*=\s*"([a-z_]+)"/gm)].map((m) => m[1]!))
  .sort();

describe('the field widget registry', () => {
  it('reads the server types from forms/', () => {
    // A guard on the reading itself: a wrong path or pattern must not pass vacuously.
    expect(serverTypes.length).toBeGreaterThanOrEqual(18);
    expect(serverTypes).toEqual(expect.arrayContaining(['text', 'currency', 'picklist', 'lookup', 'formula']));
  });

  it('has an entry for every field type the server knows', () => {
    const missing = serverTypes.filter((t) => !Object.hasOwn(fieldWidgets, t));
    expect(missing, 'field types without a registry entry').toEqual([]);
  });

  it('offers no type the server would refuse', () => {
    expect(Object.keys(fieldWidgets).filter((t) => !serverTypes.includes(t))).toEqual([]);
  });

  it('gives every entry an input, a display, a preview and filter operators', () => {
    for (const [type, w] of Object.entries(fieldWidgets)) {
      expect(typeof w.Input, type).toBe('function');
      expect(typeof w.Display, type).toBe('function');
      expect(typeof w.Preview, type).toBe('function');
      expect(typeof w.filter.Value, type).toBe('function');
      expect(w.filter.ops.length, type).toBeGreaterThan(0);
    }
  });

  it('handles a type it does not know, or an inherited name, as text', () => {
    expect(widgetOf('hologram')).toBe(fieldWidgets.text);
    expect(widgetOf('toString')).toBe(fieldWidgets.text);
    expect(widgetOf('currency')).toBe(fieldWidgets.currency);
  });
});
