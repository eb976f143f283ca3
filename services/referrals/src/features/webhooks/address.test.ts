import { describe, expect, it } from 'vitest';
import { addressKind, isPublicAddress } from './address.ts';

describe('which addresses are on the public internet', () => {
  it('when an address is public IPv4 or IPv6, then it is public', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:400e:80c::200e']) {
      expect(addressKind(address), address).toBe('public');
    }
  });

  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
  ])('when IPv4 %s, then %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  it('when an IPv4 address is just outside a range, then it is public', () => {
    for (const address of [
      '172.15.255.255',
      '172.32.0.1',
      '100.63.255.255',
      '100.128.0.1',
      '169.253.1.1',
      '11.0.0.1',
    ]) {
      expect(addressKind(address), address).toBe('public');
    }
  });

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456:789a::1', 'unique_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['::127.0.0.1', 'reserved'],
  ])('when IPv6 %s, then %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  it('when an IPv6 address carries an IPv4 address (mapped, NAT64, 6to4), then the IPv4 address decides', () => {
    expect(addressKind('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressKind('::ffff:7f00:1')).toBe('loopback');
    expect(addressKind('[::ffff:169.254.169.254]')).toBe('link_local');
    expect(addressKind('::ffff:a9fe:a9fe')).toBe('link_local');
    expect(addressKind('::FFFF:10.0.0.1')).toBe('private');
    expect(addressKind('64:ff9b::10.0.0.1')).toBe('private');
    expect(addressKind('64:ff9b::c0a8:101')).toBe('private');
    expect(addressKind('2002:7f00:1::1')).toBe('loopback');
    expect(addressKind('::ffff:8.8.8.8')).toBe('public');
    expect(addressKind('64:ff9b::808:808')).toBe('public');
  });

  it('when the text is not an address, then it is invalid and never public', () => {
    for (const text of ['', 'localhost', 'crm.team.example', '1.2.3', '::g', '1::2::3']) {
      expect(addressKind(text), text).toBe('invalid');
      expect(isPublicAddress(text)).toBe(false);
    }
  });
});
