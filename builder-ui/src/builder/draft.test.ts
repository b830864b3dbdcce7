import { describe, expect, it } from 'vitest';
import type { Definition } from '../api/definitions';
import {
  addField,
  addSuggestedIndex,
  emptyDraft,
  freeName,
  fromDefinition,
  moveField,
  nameFromLabel,
  removeField,
  removeSection,
  toDefinition,
  updateField,
  type Draft,
} from './draft';

const lead: Definition = {
  name: 'lead',
  label: { en: 'Lead' },
  fields: [
    { name: 'company', type: 'text', label: { en: 'Company' }, required: true },
    { name: 'amount', type: 'currency', currency: 'CNY' },
    { name: 'stage', type: 'picklist', options: [{ value: 'new', label: { en: 'New' }, color: 'blue' }] },
    { name: 'notes', type: 'textarea' },
  ],
  validation_rules: [{ name: 'positive', error_when: 'amount < 0', field: 'amount', message: { en: 'No' } }],
  indexes: [{ name: 'by_stage', fields: ['stage', '-amount'] }],
  layouts: [
    { name: 'default', sections: [{ label: { en: 'Basics' }, columns: 2, fields: ['amount', 'company'] }] },
    { name: 'compact', sections: [{ fields: ['company'] }] },
  ],
  sharing: 'private',
  version: 7,
  updated_at: '2026-01-01T00:00:00Z',
  updated_by: 'u1',
};

/** The key of the field named name in d. */
const keyOf = (d: Draft, name: string) => Object.entries(d.fields).find(([, f]) => f.name === name)![0];
const names = (d: Draft, section = 0) => d.sections[section]!.fields.map((k) => d.fields[k]!.name);

describe('fromDefinition and toDefinition', () => {
  it('give back the definition without the server stamps, fields in the layout order', () => {
    const { def } = toDefinition(fromDefinition(lead));
    expect(def.version).toBeUndefined();
    expect(def.updated_at).toBeUndefined();
    expect(def.updated_by).toBeUndefined();
    expect(def.sharing).toBe('private');
    expect(def.fields.map((f) => f.name)).toEqual(['amount', 'company', 'stage', 'notes']);
    expect(def.validation_rules).toEqual(lead.validation_rules);
    expect(def.indexes).toEqual(lead.indexes);
    // The further layout is not edited here and goes back as it came, after the edited one.
    expect(def.layouts).toEqual([
      {
        name: 'default',
        sections: [{ label: { en: 'Basics' }, columns: 2, fields: ['amount', 'company', 'stage', 'notes'] }],
      },
      { name: 'compact', sections: [{ fields: ['company'] }] },
    ]);
    expect(def).not.toHaveProperty('layouts_more');
  });

  it('put the fields the layout leaves out on the last section', () => {
    const d = fromDefinition(lead);
    expect(d.sections).toHaveLength(1);
    expect(names(d)).toEqual(['amount', 'company', 'stage', 'notes']);
    expect(d.saved).toHaveLength(4);
  });

  it('give a definition without layouts one section holding every field', () => {
    const d = fromDefinition({ name: 'x', fields: [{ name: 'a', type: 'text' }] });
    expect(d.sections).toHaveLength(1);
    expect(names(d)).toEqual(['a']);
    expect(d.layoutName).toBe('default');
  });

  it('leave out empty settings and empty translations, which the metamodel refuses', () => {
    let d = fromDefinition(lead);
    const k = keyOf(d, 'company');
    d = updateField(d, k, { label: { en: 'Company', 'zh-CN': '  ' }, help: { en: '' }, pattern: '', unique: false });
    const company = toDefinition(d).def.fields.find((f) => f.name === 'company')!;
    expect(company).toEqual({ name: 'company', type: 'text', label: { en: 'Company' }, required: true });
  });

  it('clean options but keep the keys the editor does not know', () => {
    let d = fromDefinition(lead);
    d = updateField(d, keyOf(d, 'stage'), {
      options: [
        { value: 'new', label: { en: 'New', 'zh-CN': '' }, color: '', closed: false },
        { value: 'won', closed: true },
      ],
    });
    const stage = toDefinition(d).def.fields.find((f) => f.name === 'stage')!;
    expect(stage.options).toEqual([
      { value: 'new', label: { en: 'New' }, closed: false },
      { value: 'won', closed: true },
    ]);
  });

  it('say where each key went, for the server problems pointers', () => {
    const d = fromDefinition(lead);
    const { placement } = toDefinition(d);
    expect(placement.fields.map((k) => d.fields[k]!.name)).toEqual(['amount', 'company', 'stage', 'notes']);
    expect(placement.sections).toEqual([d.sections[0]!.key]);
    expect(placement.rules).toEqual([d.rules[0]!.key]);
    expect(placement.indexes).toEqual([d.indexes[0]!.key]);
  });

  it('drop an index name that is only blanks', () => {
    const d = fromDefinition({ ...lead, indexes: [{ name: '  ', fields: ['stage', 'amount'], x_later: 1 }] });
    expect(toDefinition(d).def.indexes).toEqual([{ fields: ['stage', 'amount'], x_later: 1 }]);
  });
});

describe('names', () => {
  it('nameFromLabel makes an API name of a label', () => {
    expect(nameFromLabel('Close date')).toBe('close_date');
    expect(nameFromLabel('  Café / Bar!  ')).toBe('cafe_bar');
    expect(nameFromLabel('2nd try')).toBe('f_2nd_try');
    expect(nameFromLabel('客户')).toBe('');
    expect(nameFromLabel('x'.repeat(80))).toHaveLength(60);
  });

  it('freeName numbers a taken name, except for the field being renamed', () => {
    const d = fromDefinition({
      name: 'x',
      fields: [
        { name: 'a', type: 'text' },
        { name: 'a_2', type: 'text' },
      ],
    });
    expect(freeName(d, 'b')).toBe('b');
    expect(freeName(d, 'a')).toBe('a_3');
    expect(freeName(d, 'a', keyOf(d, 'a'))).toBe('a');
  });
});

describe('field edits', () => {
  it('addField places a new field at the index with the settings its type needs', () => {
    const d0 = fromDefinition(lead);
    const s = d0.sections[0]!.key;
    const [d1, k] = addField(d0, 'currency', s, 1, 'Amount');
    expect(d1.fields[k]).toEqual({ name: 'amount_2', type: 'currency', label: { en: 'Amount' }, currency: 'CNY' });
    expect(names(d1)).toEqual(['amount', 'amount_2', 'company', 'stage', 'notes']);
    expect(d0.fields[k]).toBeUndefined(); // the draft before is untouched
    const [d2, k2] = addField(d1, 'picklist', s, 99, '');
    expect(d2.fields[k2]).toMatchObject({ name: 'picklist', options: [] });
    expect(names(d2).at(-1)).toBe('picklist');
  });

  it('moveField moves a field between sections, clamping the index', () => {
    let d = fromDefinition(lead);
    d = { ...d, sections: [...d.sections, { key: 'sB', label: {}, columns: 1, fields: [] }] };
    d = moveField(d, keyOf(d, 'company'), 'sB', 5);
    expect(names(d, 0)).toEqual(['amount', 'stage', 'notes']);
    expect(names(d, 1)).toEqual(['company']);
    d = moveField(d, keyOf(d, 'notes'), 'sB', 0);
    expect(names(d, 1)).toEqual(['notes', 'company']);
  });

  it('updateField removes a setting patched to undefined', () => {
    let d = fromDefinition(lead);
    const k = keyOf(d, 'company');
    d = updateField(d, k, { required: undefined });
    expect(d.fields[k]).not.toHaveProperty('required');
  });

  it('updateField carries a renamed field into the indexes, in either direction', () => {
    let d = fromDefinition(lead);
    d = updateField(d, keyOf(d, 'amount'), { name: 'value' });
    expect(d.indexes[0]!.index.fields).toEqual(['stage', '-value']);
    d = updateField(d, keyOf(d, 'stage'), { name: 'phase' });
    expect(d.indexes[0]!.index.fields).toEqual(['phase', '-value']);
  });

  it('updateField leaves the indexes when another field still has the old name', () => {
    let d = fromDefinition(lead);
    const first = keyOf(d, 'amount');
    // A second field briefly shares the name while the first one is renamed away.
    d = { ...d, fields: { ...d.fields, extra: { name: 'amount', type: 'number' } } };
    d = updateField(d, first, { name: 'value' });
    expect(d.indexes[0]!.index.fields).toEqual(['stage', '-amount']);
  });

  it('removeField takes the field off the canvas too', () => {
    let d = fromDefinition(lead);
    const k = keyOf(d, 'stage');
    d = removeField(d, k);
    expect(d.fields[k]).toBeUndefined();
    expect(names(d)).toEqual(['amount', 'company', 'notes']);
  });
});

describe('removeSection', () => {
  const three = (): Draft => ({
    ...emptyDraft(),
    fields: { a: { name: 'a', type: 'text' }, b: { name: 'b', type: 'text' }, c: { name: 'c', type: 'text' } },
    sections: [
      { key: 's1', label: {}, columns: 2, fields: ['a'] },
      { key: 's2', label: {}, columns: 2, fields: ['b'] },
      { key: 's3', label: {}, columns: 2, fields: ['c'] },
    ],
  });

  it('hands its fields to the section before it', () => {
    const d = removeSection(three(), 's2');
    expect(d.sections.map((s) => [s.key, s.fields])).toEqual([
      ['s1', ['a', 'b']],
      ['s3', ['c']],
    ]);
  });

  it('hands the first section fields to the next one', () => {
    const d = removeSection(three(), 's1');
    expect(d.sections.map((s) => [s.key, s.fields])).toEqual([
      ['s2', ['b', 'a']],
      ['s3', ['c']],
    ]);
  });

  it('keeps the last section and ignores an unknown key', () => {
    const one = emptyDraft();
    expect(removeSection(one, one.sections[0]!.key)).toBe(one);
    const d = three();
    expect(removeSection(d, 'nope')).toBe(d);
  });
});

describe('addSuggestedIndex', () => {
  const base = () =>
    fromDefinition({
      name: 'deal',
      fields: [
        { name: 'stage', type: 'picklist', options: [] },
        { name: 'amount', type: 'currency' },
        { name: 'tags', type: 'multipicklist', options: [] },
        { name: 'notes', type: 'textarea' },
      ],
    });

  it('adds the index a list suggested', () => {
    const [d, key] = addSuggestedIndex(base(), 'amount,-created_at');
    expect(key).toBeDefined();
    expect(d.indexes).toEqual([{ key, index: { fields: ['amount', '-created_at'] } }]);
  });

  it('leaves out names that cannot be indexed, repeats and unknown fields', () => {
    const [d] = addSuggestedIndex(base(), 'tags, stage, notes, -stage, nope, amount');
    expect(d.indexes[0]!.index.fields).toEqual(['stage', 'amount']);
  });

  it('takes at most four keys', () => {
    const [d] = addSuggestedIndex(base(), 'stage,amount,owner,created_at,updated_at');
    expect(d.indexes[0]!.index.fields).toEqual(['stage', 'amount', 'owner', 'created_at']);
  });

  it('adds nothing when an index already serves the order, read either way', () => {
    const [d1] = addSuggestedIndex(base(), 'stage,-amount');
    const [d2, key] = addSuggestedIndex(d1, '-stage,amount');
    expect(key).toBeUndefined();
    expect(d2).toBe(d1);
  });

  it('adds nothing for no suggestion', () => {
    const d = base();
    expect(addSuggestedIndex(d, null)).toEqual([d, undefined]);
    expect(addSuggestedIndex(d, 'tags')).toEqual([d, undefined]);
  });
});
