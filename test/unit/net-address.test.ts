// Unit tests for throttleAddressKey: IPv4 as-is, IPv6 to its canonical /64, mapped IPv4 unwrapped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { throttleAddressKey } from '../../src/domain/net-address.js';

describe('throttleAddressKey IPv4', () => {
  it('returns IPv4 unchanged', () => {
    assert.equal(throttleAddressKey('192.0.2.1'), '192.0.2.1');
    assert.equal(throttleAddressKey('0.0.0.0'), '0.0.0.0');
    assert.equal(throttleAddressKey('255.255.255.255'), '255.255.255.255');
  });
  it('unwraps IPv4-mapped IPv6 in dotted and hex form, any case', () => {
    assert.equal(throttleAddressKey('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(throttleAddressKey('::FFFF:192.0.2.1'), '192.0.2.1');
    assert.equal(throttleAddressKey('::ffff:c000:0201'), '192.0.2.1');
    assert.equal(throttleAddressKey('0:0:0:0:0:ffff:c000:201'), '192.0.2.1');
    assert.equal(throttleAddressKey('::ffff:0.0.0.0'), '0.0.0.0');
  });
  it('does not unwrap IPv4-compatible (::1.2.3.4) or other embedded forms', () => {
    assert.equal(throttleAddressKey('::192.0.2.1'), '::/64');
    assert.equal(throttleAddressKey('64:ff9b::192.0.2.1'), '64:ff9b::/64');
    assert.equal(throttleAddressKey('::fffe:192.0.2.1'), '::/64');
  });
});

describe('throttleAddressKey IPv6', () => {
  it('keeps the /64 prefix in canonical form', () => {
    assert.equal(throttleAddressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(throttleAddressKey('2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
  });
  it('maps every address of one /64 to the same key, and different /64s apart', () => {
    const a = throttleAddressKey('2001:db8:1:2::1');
    const b = throttleAddressKey('2001:db8:1:2:ffff:ffff:ffff:ffff');
    const c = throttleAddressKey('2001:db8:1:3::1');
    assert.equal(a, b);
    assert.notEqual(a, c);
  });
  it('lower-cases mixed-case input', () => {
    assert.equal(throttleAddressKey('2001:DB8:ABCD:EF01::1'), '2001:db8:abcd:ef01::/64');
  });
  it('expands compressed forms wherever the :: sits', () => {
    assert.equal(throttleAddressKey('2001:db8::1'), '2001:db8::/64');
    assert.equal(throttleAddressKey('::1'), '::/64');
    assert.equal(throttleAddressKey('::'), '::/64');
    assert.equal(throttleAddressKey('fe80::'), 'fe80::/64');
    assert.equal(throttleAddressKey('2001:db8:1::'), '2001:db8:1::/64');
    assert.equal(throttleAddressKey('2001::7:8'), '2001::/64');
  });
  it('compresses the leftmost longest zero run inside the prefix', () => {
    assert.equal(throttleAddressKey('0:0:1:0::1'), '0:0:1::/64');
    assert.equal(throttleAddressKey('0:1:0:0::'), '0:1::/64');
    assert.equal(throttleAddressKey('1:0:0:2::'), '1:0:0:2::/64');
    assert.equal(throttleAddressKey('1:2:3:4:5::'), '1:2:3:4::/64');
    assert.equal(throttleAddressKey('0:0:0:1::'), '0:0:0:1::/64');
  });
  it('drops zone identifiers', () => {
    assert.equal(throttleAddressKey('fe80::1%eth0'), 'fe80::/64');
    assert.equal(throttleAddressKey('FE80::abcd%25en0'), 'fe80::/64');
    assert.equal(throttleAddressKey('::ffff:192.0.2.1%lo'), '192.0.2.1');
  });
  it('handles a dotted tail that is not a mapped address', () => {
    assert.equal(throttleAddressKey('2001:db8:1:2::192.0.2.1'), '2001:db8:1:2::/64');
  });
});

describe('throttleAddressKey invalid input', () => {
  it('throws on anything that is not an address', () => {
    for (const bad of ['', 'localhost', '1.2.3', '01.2.3.4', ' 1.2.3.4', '1::2::3', 'fe80::1%', '2001:db8::/64']) {
      assert.throws(() => throttleAddressKey(bad), RangeError, bad);
    }
  });
});
