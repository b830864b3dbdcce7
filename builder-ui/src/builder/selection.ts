/** What the property panel edits: a field, a section, or the object itself (null). */
export type Selection = { kind: 'field'; key: string } | { kind: 'section'; key: string } | null;
