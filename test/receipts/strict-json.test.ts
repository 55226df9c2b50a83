import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJsonObject } from '../../src/receipts/strict-json.js';

const parse = (text: string) => parseStrictJsonObject(new TextEncoder().encode(text));
const codeOf = (text: string) => {
  const result = parse(text);
  return result.ok ? 'ok' : result.code;
};

/** JSON values within the receipt rules: no number but a plain non-negative integer. */
const { value: strictValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme' }),
    fc.boolean(),
    fc.constant(null),
    fc.nat(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  ),
}));
const strictObject = fc.dictionary(fc.string(), strictValue, { maxKeys: 6 });

/** Every UTF-16 code unit as a \uXXXX escape: the same name, spelled differently. */
const escaped = (name: string): string =>
  `"${Array.from({ length: name.length }, (_, unit) => `\\u${name.charCodeAt(unit).toString(16).padStart(4, '0')}`).join('')}"`;

describe('parseStrictJsonObject', () => {
  it('accepts any object JSON.stringify writes with integer numbers, with or without whitespace', () => {
    fc.assert(
      fc.property(strictObject, fc.boolean(), (object, pretty) => {
        const result = parse(JSON.stringify(object, null, pretty ? 2 : undefined));
        expect(result).toEqual({ ok: true, value: object });
      }),
    );
  });

  it('finds a repeated member name at any depth, however it is escaped', () => {
    fc.assert(
      fc.property(strictObject, fc.string({ unit: 'grapheme' }), fc.nat(3), (object, name, depth) => {
        const inner = JSON.stringify({ ...object, [name]: 1 }).slice(0, -1);
        let text = `${inner},${escaped(name)}:2}`;
        for (let level = 0; level < depth; level += 1) text = `{"level":[true,${text}]}`;
        expect(parse(text)).toEqual({
          ok: false,
          code: 'DUPLICATE_MEMBER',
          problem: expect.stringContaining('repeats the member name'),
        });
      }),
    );
  });

  it.each([
    ['{"a":1,"a":1}', 'DUPLICATE_MEMBER'],
    ['{"a":1,"b":{"c":1,"c":2}}', 'DUPLICATE_MEMBER'],
    ['{"a":[{"c":1},{"c":1,"c":1}]}', 'DUPLICATE_MEMBER'],
    ['{"a":1,"b":{"a":1},"c":[{"a":1},{"a":1}]}', 'ok'],
    ['{"a":"a","b":"a","c":["a","a"]}', 'ok'],
    ['{"a":"}\\",\\"a\\":","b":"{[,"}', 'ok'],
    ['{"\\\\":1,"\\\\\\"":2}', 'ok'],
    ['{"a":{},"b":[],"c":{}}', 'ok'],
  ])('%s is %s', (text, code) => {
    expect(codeOf(text)).toBe(code);
  });

  it.each(['0', '7', '1748779200', '253402300799'])('accepts the plain integer %s', (number) => {
    expect(codeOf(`{"iat":${number}}`)).toBe('ok');
  });

  it.each(['1748779200.0', '1.5', '5e0', '5E+0', '17487792e2', '-1', '-0', '0.0'])(
    'refuses the number %s, naming its member',
    (number) => {
      expect(parse(`{"iat":${number}}`)).toEqual({
        ok: false,
        code: 'MALFORMED',
        problem: `writes the number "${number}" in "iat"; numbers must be plain non-negative integers (no sign, fraction or exponent)`,
      });
      expect(codeOf(`{"a":[{"b":"1.5"},${number}]}`)).toBe('MALFORMED');
    },
  );

  it('refuses a byte order mark, invalid UTF-8, invalid JSON and non-objects', () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":1}')]);
    for (const bytes of [bom, Uint8Array.from([0x7b, 0xff, 0x7d])]) {
      expect(parseStrictJsonObject(bytes)).toEqual({
        ok: false,
        code: 'MALFORMED',
        problem: 'is not UTF-8 JSON',
      });
    }
    for (const text of ['{"a":1,}', "{'a':1}", '{"a":1} x']) expect(codeOf(text)).toBe('MALFORMED');
    for (const text of ['[]', '"x"', '1', 'null']) {
      expect(parse(text)).toEqual({ ok: false, code: 'MALFORMED', problem: 'is not a JSON object' });
    }
  });
});
