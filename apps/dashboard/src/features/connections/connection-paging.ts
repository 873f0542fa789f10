// Where the connection list's pages are: the cursors of the pages before the current one, so
// "Previous" goes back without the server keeping any state (the API pages forward only).

/** The cursors walked so far: `stack.at(-1)` is the current page's `after` (0 = the first page). */
export type PageCursor = readonly number[];

export const FIRST_PAGE: PageCursor = [0];

/** The current page's `after`. */
export function currentAfter(cursor: PageCursor): number {
  return cursor.at(-1) ?? 0;
}

/** Forward to the page after `next` (the current page's `next`). */
export function nextPage(cursor: PageCursor, next: number): PageCursor {
  return [...cursor, next];
}

/** Back one page (stays on the first). */
export function previousPage(cursor: PageCursor): PageCursor {
  return cursor.length > 1 ? cursor.slice(0, -1) : FIRST_PAGE;
}

/** 1-based number of the current page. */
export function pageNumber(cursor: PageCursor): number {
  return cursor.length;
}
