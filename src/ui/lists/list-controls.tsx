// Search, filter and order above an assessment list. The search box answers at once; the list
// follows after a short pause (use-list-query.ts useDebounced), so typing never waits on a query.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { type ListFilter, type ListSort, filterValue, parseFilterValue, parseSort } from './list-query';

export interface ListControlsProps {
  readonly search: string;
  readonly filter: ListFilter;
  readonly sort: ListSort;
  readonly forms: ReadonlyArray<{ readonly id: string; readonly title: string }>;
  readonly onSearch: (text: string) => void;
  readonly onFilter: (filter: ListFilter) => void;
  readonly onSort: (sort: ListSort) => void;
}

export function ListControls(p: ListControlsProps) {
  const { t } = useTranslation('lists');
  const id = useId();
  return (
    <div className="list-controls" role="search">
      <div className="list-control list-search">
        <label htmlFor={`${id}-search`}>{t('controls.search')}</label>
        <input
          id={`${id}-search`}
          type="search"
          dir="auto"
          autoComplete="off"
          value={p.search}
          placeholder={t('controls.searchPlaceholder')}
          onChange={(e) => p.onSearch(e.target.value)}
          data-testid="search-input"
        />
      </div>
      <div className="list-control">
        <label htmlFor={`${id}-filter`}>{t('controls.filter')}</label>
        <select id={`${id}-filter`} value={filterValue(p.filter)} onChange={(e) => p.onFilter(parseFilterValue(e.target.value))} data-testid="list-filter">
          <option value="all">{t('controls.filterAll')}</option>
          <option value="unsynced">{t('controls.filterUnsynced')}</option>
          <option value="conflict">{t('controls.filterConflict')}</option>
          {p.forms.map((f) => (
            <option key={f.id} value={filterValue({ kind: 'form', formId: f.id })}>
              {t('controls.filterForm', { title: f.title })}
            </option>
          ))}
        </select>
      </div>
      <div className="list-control">
        <label htmlFor={`${id}-sort`}>{t('controls.sort')}</label>
        <select id={`${id}-sort`} value={p.sort} onChange={(e) => p.onSort(parseSort(e.target.value))} data-testid="list-sort">
          <option value="newest">{t('controls.sortNewest')}</option>
          <option value="oldest">{t('controls.sortOldest')}</option>
          <option value="title">{t('controls.sortTitle')}</option>
        </select>
      </div>
    </div>
  );
}
