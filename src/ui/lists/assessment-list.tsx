'use client';
// An entity's assessments, as many as the device holds, searchable, filterable and sortable.
// Only the rows near the viewport exist in the page (@tanstack/react-virtual, scrolling with the
// window); the list's full height is reserved at once, so nothing below it jumps as rows load.
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAssessmentIds, useDebounced, useEntityForms, useListRows, useUserNamesRefresh } from '../hooks/use-list-query';
import { AssessmentListRow, ROW_HEIGHT } from './assessment-list-row';
import { ListControls } from './list-controls';
import { DEFAULT_QUERY, type ListFilter, type ListSort } from './list-query';

/** Rows are read from the device in aligned chunks, so a small scroll reads nothing new. */
const CHUNK = 40;
const SEARCH_DELAY_MS = 250;

export function AssessmentList({ entityId }: { readonly entityId: string }) {
  const { t } = useTranslation('lists');
  const [search, setSearch] = useState(DEFAULT_QUERY.search);
  const [filter, setFilter] = useState<ListFilter>(DEFAULT_QUERY.filter);
  const [sort, setSort] = useState<ListSort>(DEFAULT_QUERY.sort);
  const settledSearch = useDebounced(search, SEARCH_DELAY_MS);
  const result = useAssessmentIds(entityId, { search: settledSearch, filter, sort });
  const forms = useEntityForms(entityId) ?? [];
  const ids = result?.ids ?? [];

  const listRef = useRef<HTMLUListElement>(null);
  // Where the list starts in the page: what is above it (a heading that wraps, a banner) may move it.
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const top = listRef.current ? Math.round(listRef.current.getBoundingClientRect().top + window.scrollY) : 0;
    if (top !== margin) setMargin(top);
  });

  const virtualizer = useWindowVirtualizer({ count: ids.length, estimateSize: () => ROW_HEIGHT, overscan: 6, scrollMargin: margin });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const from = Math.floor(first / CHUNK) * CHUNK;
  const to = Math.min(ids.length, (Math.floor(last / CHUNK) + 1) * CHUNK);
  const rows = useListRows(entityId, ids.slice(from, to));
  useUserNamesRefresh(rows ? [...rows.values()].flatMap((r) => (r.author.kind === 'unknown' ? [r.author.id] : [])) : []);

  return (
    <>
      <ListControls search={search} filter={filter} sort={sort} forms={forms} onSearch={setSearch} onFilter={setFilter} onSort={setSort} />
      <p className="muted list-count" aria-live="polite" data-testid="list-count" data-count={result?.ids.length ?? ''}>
        {result === undefined ? '\u00a0' : t('assessments.shown', { count: result.ids.length })}
      </p>
      {result === undefined ? (
        <p className="empty">{t('assessments.loadingRow')}</p>
      ) : result.total === 0 ? (
        <p className="empty">{t('assessments.none')}</p>
      ) : ids.length === 0 ? (
        <p className="empty">{t('assessments.noMatch')}</p>
      ) : (
        <ul ref={listRef} className="list vlist" aria-label={t('assessments.listLabel')} style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const id = ids[item.index]!;
            return (
              <li
                key={id}
                className="vlist-row"
                aria-setsize={ids.length}
                aria-posinset={item.index + 1}
                style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
              >
                <AssessmentListRow row={rows?.get(id)} />
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
