import { Link } from 'react-router';
import { useLookupNames } from './meta';

/** A lookup in a table cell, by name; every cell of a column shares one request (same ids). */
export function LookupCell({ target, id, ids }: { target: string; id: string; ids: string[] }) {
  const names = useLookupNames(target, ids);
  return (
    <Link to={`/app/${target}/${id}`} onClick={(e) => e.stopPropagation()}>
      {names.data?.[id] ?? '…'}
    </Link>
  );
}
