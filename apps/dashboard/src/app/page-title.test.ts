import { describe, expect, it } from 'vitest';
import { pageTitle } from './page-title.ts';

describe('pageTitle', () => {
  it('names the service being viewed', () => {
    expect(pageTitle('service', 'cache')).toBe('cache · Fulcrum');
  });
  it('names the overview and the cluster view, and a service view before its service is known', () => {
    expect(pageTitle('overview', undefined)).toBe('Overview · Fulcrum');
    expect(pageTitle('cluster', 'cache')).toBe('Cluster · Fulcrum');
    expect(pageTitle('events', 'cache')).toBe('Events · Fulcrum');
    expect(pageTitle('service', undefined)).toBe('Overview · Fulcrum');
  });
});
