import { describe, expect, it } from 'vitest';
import { FIRST_PAGE, currentAfter, nextPage, pageNumber, previousPage } from './connection-paging.ts';

describe('connection list paging', () => {
  it('walks forward by each page’s next and back to where it was', () => {
    const second = nextPage(FIRST_PAGE, 17);
    const third = nextPage(second, 40);
    expect([currentAfter(FIRST_PAGE), currentAfter(second), currentAfter(third)]).toEqual([0, 17, 40]);
    expect(pageNumber(third)).toBe(3);
    expect(currentAfter(previousPage(third))).toBe(17);
    expect(previousPage(previousPage(previousPage(third)))).toEqual(FIRST_PAGE);
  });
});
