import { describe, expect, it } from 'vitest';
import { checkEndpointUrl } from './endpoint-url.ts';

const codes = (url: string, allowLocalHttp = false) => checkEndpointUrl(url, allowLocalHttp).map((issue) => issue.code);

describe('which URLs may receive webhooks', () => {
  it('when the URL is public https, then it is accepted', () => {
    expect(codes('https://crm.team.example/hooks/vangnet?tenant=4')).toEqual([]);
  });

  it('when it is plain http, then https is required, except localhost when the deployment allows it', () => {
    expect(codes('http://crm.team.example/hooks')).toEqual(['https_required']);
    expect(codes('http://127.0.0.1:8080/hooks')).toEqual(['https_required']);
    expect(codes('http://127.0.0.1:8080/hooks', true)).toEqual([]);
    expect(codes('http://localhost:8080/hooks', true)).toEqual([]);
    expect(codes('http://localhost.:8080/hooks', true)).toEqual([]);
    expect(codes('http://[::1]:8080/hooks', true)).toEqual([]);
    expect(codes('http://10.0.0.1/hooks', true)).toEqual(['https_required']);
    expect(codes('http://crm.team.example/hooks', true)).toEqual(['https_required']);
  });

  it('when it is another scheme or not a URL, then it is refused', () => {
    expect(codes('ftp://crm.team.example/')).toEqual(['https_required']);
    expect(codes('crm.team.example/hooks')).toEqual(['invalid_url']);
  });

  it('when it carries credentials or a fragment, then each is named', () => {
    expect(codes('https://user:pass@crm.team.example/hooks#x')).toEqual(['credentials_in_url', 'fragment_in_url']);
  });

  it('when https points at a private or loopback address, then it is refused', () => {
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      'localhost',
      '[::1]',
      '[fd00::1]',
      'localhost.',
      'LOCALHOST',
      'api.localhost',
      '100.64.0.1',
      '[::ffff:127.0.0.1]',
      '[::ffff:a9fe:a9fe]',
      '0.0.0.0',
      '2130706433',
      '0x7f.1',
    ]) {
      expect(codes(`https://${host}/hooks`), host).toEqual(['private_address']);
    }
  });

  it('when it is longer than 2,000 characters, then it is refused', () => {
    expect(codes(`https://crm.team.example/${'a'.repeat(2_000)}`)).toEqual(['too_long']);
  });
});
