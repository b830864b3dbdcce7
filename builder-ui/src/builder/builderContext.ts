import { createContext, useContext } from 'react';
import type { Definition } from '../api/definitions';

export interface FieldRef {
  name: string;
  type: string;
  label: string;
}

/** What every expression editor of the page needs: the unsaved definition and its fields. */
export interface BuilderContextValue {
  definition: Definition;
  fields: FieldRef[];
}

export const BuilderContext = createContext<BuilderContextValue | null>(null);

export function useBuilder(): BuilderContextValue {
  const v = useContext(BuilderContext);
  if (!v) throw new Error('useBuilder outside BuilderContext');
  return v;
}
