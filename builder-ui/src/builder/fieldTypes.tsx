import type { ReactNode } from 'react';
import { fieldWidgets, widgetOf, type FieldType } from '../fields/registry';

// The builder's view of the field types: their order in the palette, icons and settings come from
// the one registry of field types (fields/registry.tsx).

export type { FieldType };

/** Every field type of the metamodel (forms/field_*.go), in the palette's order. */
export const fieldTypes = Object.keys(fieldWidgets) as FieldType[];

export type Setting =
  | 'required'
  | 'unique'
  | 'indexed'
  | 'min'
  | 'max'
  | 'min_length'
  | 'max_length'
  | 'pattern'
  | 'scale'
  | 'currency'
  | 'options'
  | 'target'
  | 'prefix'
  | 'digits'
  | 'result_type'
  | 'expression'
  | 'default_expression'
  | 'required_when'
  | 'read_only_when'
  | 'child_object'
  | 'child_lookup'
  | 'function'
  | 'summarize'
  | 'filter';

/** Whether a field of type takes setting; a type this builder does not know takes none. */
export function allows(type: string, setting: Setting): boolean {
  return Object.hasOwn(fieldWidgets, type) && widgetOf(type).settings.includes(setting);
}

/** What a roll-up may compute (forms.RollupFunctions). */
export const rollupFunctions = ['count', 'sum', 'min', 'max', 'avg'];

/** The types a roll-up may summarize: numbers, money, percentages (forms.RollupResult). */
export const summarizable = ['number', 'integer', 'currency', 'percent'];

export const resultTypes = ['text', 'number', 'integer', 'currency', 'percent', 'boolean', 'date', 'datetime'];

export const typeIcons = Object.fromEntries(fieldTypes.map((t) => [t, fieldWidgets[t].icon])) as Record<
  FieldType,
  ReactNode
>;

/** Colour names an option may use besides #rrggbb (forms/field_picklist.go palette). */
export const optionColors = ['blue', 'green', 'red', 'orange', 'gold', 'purple', 'cyan', 'magenta', 'gray'];

/** Settings a new field of the type starts with, so that it saves as dropped. */
export function newFieldSettings(type: FieldType): Record<string, unknown> {
  return widgetOf(type).newSettings?.() ?? {};
}
