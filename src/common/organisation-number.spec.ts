import { describe, it } from 'node:test';
import { expect } from 'expect';
import { isValidOrgNumber, iso6523, orgNumberOfIso6523Id } from './organisation-number';

describe('organisation numbers', () => {
  it('accepts numbers whose ninth digit is the modulus 11 check digit', () => {
    // 100000040: the sum is 11, so 11 − 0 = 11 and the check digit is 0.
    for (const valid of ['974760673', '991825827', '889640782', '100000040']) {
      expect([valid, isValidOrgNumber(valid)]).toEqual([valid, true]);
    }
  });

  it('refuses a wrong check digit, a number whose check would be 10, and anything but 9 digits', () => {
    for (const invalid of ['974760674', '123456789', '991825828', '97476067', '9747606730', '97476067a', ' 974760673', '']) {
      expect([invalid, isValidOrgNumber(invalid)]).toEqual([invalid, false]);
    }
    // 10000013x: the sum is 12 ≡ 1 (mod 11), so the check would be 10: no ninth digit makes it valid.
    for (let digit = 0; digit <= 9; digit += 1) expect(isValidOrgNumber(`10000013${digit}`)).toBe(false);
  });

  it('refuses 000000000, which passes the check-digit rule, in both forms', () => {
    expect(isValidOrgNumber('000000000')).toBe(false);
    expect(orgNumberOfIso6523Id('0192:000000000')).toBeUndefined();
  });

  it('reads the number of an ISO 6523 ID and writes the form back', () => {
    expect(orgNumberOfIso6523Id('0192:974760673')).toBe('974760673');
    for (const other of ['0193:974760673', '0192:97476067', '0192:974760673 ', 974760673, undefined])
      expect(orgNumberOfIso6523Id(other)).toBeUndefined();
    expect(iso6523('974760673')).toEqual({ authority: 'iso6523-actorid-upis', ID: '0192:974760673' });
  });
});
