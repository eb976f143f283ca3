import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, ENDPOINT_URL_PATTERN } from './endpoint-url.ts';

const codes = (url: string, allowLocalHttp = false) => {
  const { form, rules } = checkEndpointUrl(url, allowLocalHttp);
  return [...form, ...rules].map((issue) => issue.code);
};
const formOf = (url: string) => checkEndpointUrl(url, false).form.map((issue) => issue.code);

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
    expect(codes('https://@crm.team.example/hooks')).toEqual(['credentials_in_url']);
    expect(codes('https://crm.team.example/hooks#')).toEqual(['fragment_in_url']);
  });

  it('when the document’s pattern allows a URL, then nothing about its form is refused, and the other way round', () => {
    const pattern = new RegExp(ENDPOINT_URL_PATTERN);
    for (const url of [
      'https://crm.team.example/hooks/vangnet?tenant=4',
      'https://0.com',
      'https://crm.team.example:99999/hooks',
      'https://1.2.3.4.5/hooks',
      'https://%2F/hooks',
      'https://10.1.2.3/hooks',
      'https://crm.team.example?x=1',
      'https:///crm.team.example',
      'https://',
      'HTTPS://crm.team.example/',
      'https:\\\\crm.team.example/',
      'https://a b.example/',
      'https://crm.team.example/a b',
      'https://crm.team.example/\u0001',
      'https://\u00fa\u00be?\u00a0',
      'https://crm.team.example/<',
      'https://[::1]:8443/hooks',
      'https://crm.team.example/a%20b?c=d/e?f',
      'https://crm.team.example/hooks#x',
      'https://user@crm.team.example/',
      'http://crm.team.example/',
      'ftp://crm.team.example/',
    ]) {
      expect(formOf(url).length === 0, url).toBe(pattern.test(url));
    }
  });

  it('when a URL of the right form cannot be called, then that is a rule of the deployment, not its form', () => {
    for (const url of ['https://crm.team.example:99999/hooks', 'https://1.2.3.4.5/hooks', 'https://%2F/hooks']) {
      expect(checkEndpointUrl(url, false), url).toEqual({
        form: [],
        rules: [expect.objectContaining({ code: 'invalid_host' })],
      });
    }
    expect(checkEndpointUrl('https://10.1.2.3/hooks', false)).toEqual({
      form: [],
      rules: [expect.objectContaining({ code: 'private_address' })],
    });
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
