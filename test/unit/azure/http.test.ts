// The HTTP helper's guards: paging links never send the token to another host, error bodies become
// short details, statuses map to failure kinds.
import { describe, expect, it } from 'vitest';
import { AzureRequestError, errorDetail, httpFailure, sameOriginLink } from '../../../src/azure/http.js';

describe('sameOriginLink', () => {
  const base = 'https://graph.microsoft.com';
  it('follows a link on the same origin, relative or absolute', () => {
    expect(sameOriginLink('https://graph.microsoft.com/v1.0/x?$skiptoken=2', base, 'Graph')).toBe('https://graph.microsoft.com/v1.0/x?$skiptoken=2');
    expect(sameOriginLink('/v1.0/x?$skiptoken=2', base, 'Graph')).toBe('https://graph.microsoft.com/v1.0/x?$skiptoken=2');
  });
  it('means "no more pages" for absent links', () => {
    for (const v of [undefined, null, '']) expect(sameOriginLink(v, base, 'Graph')).toBeUndefined();
  });
  it.each(['https://evil.example/v1.0/x', 'http://graph.microsoft.com/v1.0/x', 'https://graph.microsoft.com:8443/v1.0/x'])('refuses %s', (link) => {
    expect(() => sameOriginLink(link, base, 'Graph')).toThrow(AzureRequestError);
    expect(() => sameOriginLink(link, base, 'Graph')).toThrow(/not following it/);
  });
  it('refuses a link that is not a string', () => {
    expect(() => sameOriginLink(42, base, 'Graph')).toThrow(/malformed next link/);
  });
});

describe('errorDetail and httpFailure', () => {
  const res = (status: number, body: unknown) => ({ status, headers: {}, body, text: JSON.stringify(body) });
  it('keeps code and the first line of the message', () => {
    expect(errorDetail({ error: { code: 'Request_BadRequest', message: 'Invalid object identifier.\nmore' } })).toBe('Request_BadRequest: Invalid object identifier.');
    expect(errorDetail('<html>')).toBe('');
  });
  it.each([
    [400, 'badRequest'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'notFound'],
    [429, 'throttled'],
    [500, 'server'],
    [503, 'server'],
  ])('HTTP %i is %s', (status, reason) => {
    const e = httpFailure('Microsoft Graph', res(status, { error: { code: 'X', message: 'y' } }));
    expect(e.reason).toBe(reason);
    expect(e.status).toBe(status);
    expect(e.message).toBe(`Microsoft Graph answered HTTP ${status} (X: y)`);
  });
});
