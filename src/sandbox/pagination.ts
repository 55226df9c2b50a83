/** GitHub's `per_page` default and maximum. */
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

export interface Page<T> {
  items: T[];
  /** The `Link` header; none when everything fits on one page, as GitHub sends it. */
  headers: Record<string, string>;
}

/**
 * One page of `items` by `per_page` (default 30, at most 100) and `page` (from 1), with GitHub's
 * `Link` header: `<url>; rel="prev"`, `"next"`, `"last"`, `"first"`, each URL the request's own
 * (`url`, without query) with its query and a different `page`. A page past the end is empty.
 */
export function paginate<T>(items: readonly T[], url: string, query: URLSearchParams): Page<T> {
  const perPage = Math.min(
    MAX_PER_PAGE,
    Math.max(1, Number(query.get('per_page') ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE),
  );
  const page = Math.max(1, Math.floor(Number(query.get('page') ?? 1)) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const at = (target: number): string => {
    const params = new URLSearchParams(query);
    params.set('page', String(target));
    return `<${url}?${params.toString()}>`;
  };
  const rels: [rel: string, page: number][] = [];
  if (page > 1) rels.push(['prev', Math.min(page - 1, last)]);
  if (page < last) rels.push(['next', page + 1], ['last', last]);
  if (page > 1) rels.push(['first', 1]);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers:
      rels.length === 0
        ? {}
        : { link: rels.map(([rel, target]) => `${at(target)}; rel="${rel}"`).join(', ') },
  };
}
