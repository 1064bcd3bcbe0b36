// Unit tests for the allow-list $filter parser: grammar, literals, lambdas, and hostile input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FILTER_DEPTH, parseFilter, type FieldAllowList, type FilterNode } from '../../src/domain/odata/filter.js';
import { MAX_QUERY_OPTION_LENGTH } from '../../src/domain/odata/errors.js';

const allow = {
  displayName: { type: 'string', key: 'display_name', operators: ['eq', 'ne', 'startswith'] },
  userPrincipalName: { type: 'string', key: 'upn', operators: ['eq'] },
  accountEnabled: { type: 'boolean', key: 'account_enabled', operators: ['eq', 'ne'] },
  createdDateTime: { type: 'datetime', key: 'created_at', operators: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] },
  id: { type: 'guid', key: 'id', operators: ['eq', 'ne'] },
  result: { type: 'enum', key: 'result', operators: ['eq'], enumValues: ['success', 'failure', 'timeout'] },
  'status/errorCode': { type: 'number', key: 'error_code', operators: ['eq', 'ne', 'gt'] },
  'initiatedBy/user/id': { type: 'string', key: 'actor_id', operators: ['eq', 'ne'], nullable: true },
  targetResources: {
    type: 'collection',
    key: 'targets',
    fields: {
      id: { type: 'string', key: 'target_id', operators: ['eq'] },
      displayName: { type: 'string', key: 'target_name', operators: ['eq', 'startswith'] },
    },
  },
  proxyAddresses: {
    type: 'collection',
    key: 'proxy',
    fields: { $this: { type: 'string', key: 'proxy_value', operators: ['eq', 'startswith'] } },
  },
} as const satisfies FieldAllowList;

type Key = (typeof allow)[keyof typeof allow]['key'] | 'target_id' | 'target_name' | 'proxy_value';

function ok(text: string): FilterNode<Key> {
  const result = parseFilter(text, allow);
  if (!result.ok) assert.fail(`expected ${text} to parse: ${result.error.message} @${result.error.position}`);
  return result.value;
}

function fails(text: string): { message: string; position: number; parameter: string } {
  const result = parseFilter(text, allow);
  if (result.ok) assert.fail(`expected ${text} to fail, got ${JSON.stringify(result.value)}`);
  return result.error;
}

const str = (value: string) => ({ type: 'string', value });
const eqName = (value: string) => ({ op: 'cmp', key: 'display_name', cmp: 'eq', value: str(value) });

describe('parseFilter comparisons', () => {
  it('parses a string equality into allow-list keys', () => {
    assert.deepEqual(ok("displayName eq 'Alice'"), eqName('Alice'));
  });
  it('matches properties and operators case-insensitively', () => {
    assert.deepEqual(ok("DisplayName EQ 'Alice'"), eqName('Alice'));
  });
  it('keeps only keys and typed values, never the raw property text', () => {
    const json = JSON.stringify(ok("displayName eq 'x' and status/errorCode gt 0"));
    assert.doesNotMatch(json, /displayName|status\/errorCode/);
  });
  it('accepts tabs and newlines as whitespace', () => {
    assert.deepEqual(ok("displayName\teq\n'Alice'"), eqName('Alice'));
  });
  it('booleans, numbers, GUIDs, enums, null', () => {
    assert.deepEqual(ok('accountEnabled eq false'), {
      op: 'cmp',
      key: 'account_enabled',
      cmp: 'eq',
      value: { type: 'boolean', value: false },
    });
    assert.deepEqual(ok('status/errorCode gt -1'), {
      op: 'cmp',
      key: 'error_code',
      cmp: 'gt',
      value: { type: 'number', value: -1 },
    });
    assert.deepEqual(ok('status/errorCode eq 1.5e3'), {
      op: 'cmp',
      key: 'error_code',
      cmp: 'eq',
      value: { type: 'number', value: 1500 },
    });
    const guid = {
      op: 'cmp',
      key: 'id',
      cmp: 'eq',
      value: { type: 'guid', value: '0a1b2c3d-0000-4000-8000-00000000abcd' },
    };
    assert.deepEqual(ok('id eq 0A1B2C3D-0000-4000-8000-00000000ABCD'), guid);
    assert.deepEqual(ok("id eq '0a1b2c3d-0000-4000-8000-00000000abcd'"), guid);
    assert.deepEqual(ok("result eq 'Failure'"), {
      op: 'cmp',
      key: 'result',
      cmp: 'eq',
      value: { type: 'enum', value: 'failure' },
    });
    assert.deepEqual(ok('initiatedBy/user/id eq null'), {
      op: 'cmp',
      key: 'actor_id',
      cmp: 'eq',
      value: { type: 'null' },
    });
    assert.deepEqual(ok('initiatedBy/user/id ne null').op, 'cmp');
  });
  it('date-times: unquoted ISO 8601 with Z or an offset, fractions up to 7 digits', () => {
    const node = ok('createdDateTime ge 2024-01-01T00:00:00Z');
    assert.equal(node.op, 'cmp');
    if (node.op === 'cmp') assert.deepEqual(node.value, { type: 'datetime', value: new Date('2024-01-01T00:00:00Z') });
    const offset = ok('createdDateTime lt 2024-01-01T02:00:00.1234567+02:00');
    if (offset.op === 'cmp' && offset.value.type === 'datetime') {
      assert.equal(offset.value.value.toISOString(), '2024-01-01T00:00:00.123Z');
    } else {
      assert.fail('expected a datetime comparison');
    }
    assert.equal(ok('createdDateTime ge 2024-02-29T23:59Z').op, 'cmp');
  });
});

describe('parseFilter literal errors', () => {
  it('refuses calendar-invalid date-times instead of rolling them over', () => {
    for (const bad of [
      '2024-02-30T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T00:60:00Z',
      '2024-01-01T00:00:00+15:00',
    ]) {
      assert.match(fails(`createdDateTime ge ${bad}`).message, /not a valid date and time/, bad);
    }
  });
  it('refuses date-only and zoneless date-times with a hint', () => {
    const e = fails('createdDateTime ge 2024-01-01');
    assert.match(e.message, /'2024-01-01' is not a valid date and time; write e\.g\./);
    assert.equal(e.position, 19);
    assert.match(fails('createdDateTime ge 2024-01-01T00:00:00').message, /not a valid date and time/);
    assert.match(fails('createdDateTime ge 2024-01-01T00:00:00Zjunk').message, /not a valid date and time/);
  });
  it('refuses literals of the wrong type, naming the property and its type', () => {
    assert.match(fails("accountEnabled eq 'true'").message, /'accountEnabled' is of type boolean/);
    assert.match(fails('accountEnabled eq 1').message, /type boolean/);
    assert.match(fails("createdDateTime ge '2024-01-01T00:00:00Z'").message, /type datetime/);
    assert.match(fails("status/errorCode eq '1'").message, /type number/);
    assert.match(fails("id eq 'not-a-guid'").message, /type guid/);
    assert.match(fails('displayName eq 42').message, /type string/);
    assert.match(fails('displayName eq displayName').message, /cannot be compared with 'displayName'/);
  });
  it('refuses unknown enum members and null where not allowed', () => {
    assert.match(fails("result eq 'bogus'").message, /'bogus' is not a valid value for property 'result'/);
    assert.match(fails('displayName eq null').message, /cannot be compared with null/);
  });
  it('refuses an unterminated string at its opening quote', () => {
    const e = fails("displayName eq 'abc");
    assert.match(e.message, /closing quote/);
    assert.equal(e.position, 15);
  });
  it('refuses a number too large to be finite', () => {
    assert.match(fails('status/errorCode eq 1e999').message, /not a usable number/);
  });
});

describe('parseFilter strings and injection attempts', () => {
  it("'' escapes a quote, so a quoted 'or 1 eq 1' stays inside the string", () => {
    assert.deepEqual(ok("displayName eq 'x'' or 1 eq 1'"), eqName("x' or 1 eq 1"));
  });
  it('handles empty strings, lone escaped quotes and non-ASCII', () => {
    assert.deepEqual(ok("displayName eq ''"), eqName(''));
    assert.deepEqual(ok("displayName eq ''''"), eqName("'"));
    assert.deepEqual(ok('displayName eq \'Zoë 😀 "x"\''), eqName('Zoë 😀 "x"'));
  });
  it('an unquoted tautology is not a property comparison', () => {
    const e = fails("displayName eq 'x' or 1 eq 1");
    assert.match(e.message, /Expected a property or function, found '1'/);
    assert.equal(e.position, 22);
  });
  it('SQL punctuation outside strings is refused', () => {
    assert.match(fails("displayName eq 'x'; drop table users").message, /Unexpected character ';'/);
    assert.match(fails("displayName eq 'x' -- comment").message, /Unexpected character '-'|Expected/);
    assert.match(fails('displayName eq "x"').message, /Unexpected character '"'/);
  });
  it('prototype property names are not allowed properties', () => {
    assert.match(fails("__proto__ eq 'x'").message, /Property '__proto__' is not supported/);
    assert.match(fails("constructor eq 'x'").message, /Property 'constructor' is not supported/);
    assert.match(fails("toString eq 'x'").message, /Property 'toString' is not supported/);
  });
});

describe('parseFilter logic', () => {
  const a = eqName('a');
  const b = { op: 'cmp', key: 'upn', cmp: 'eq', value: str('b') };
  const c = { op: 'cmp', key: 'account_enabled', cmp: 'eq', value: { type: 'boolean', value: true } };
  it('and binds tighter than or', () => {
    assert.deepEqual(ok("displayName eq 'a' or userPrincipalName eq 'b' and accountEnabled eq true"), {
      op: 'or',
      left: a,
      right: { op: 'and', left: b, right: c },
    });
  });
  it('chains associate to the left', () => {
    assert.deepEqual(ok("displayName eq 'a' or userPrincipalName eq 'b' or accountEnabled eq true"), {
      op: 'or',
      left: { op: 'or', left: a, right: b },
      right: c,
    });
  });
  it('parentheses override precedence', () => {
    assert.deepEqual(ok("(displayName eq 'a' or userPrincipalName eq 'b') and accountEnabled eq true"), {
      op: 'and',
      left: { op: 'or', left: a, right: b },
      right: c,
    });
    assert.deepEqual(ok("((displayName eq 'a'))"), a);
  });
  it('not binds to the next comparison or group', () => {
    assert.deepEqual(ok("not displayName eq 'a' and userPrincipalName eq 'b'"), {
      op: 'and',
      left: { op: 'not', expr: a },
      right: b,
    });
    assert.deepEqual(ok("not (displayName eq 'a' or userPrincipalName eq 'b')"), {
      op: 'not',
      expr: { op: 'or', left: a, right: b },
    });
    assert.deepEqual(ok("NOT not displayName eq 'a'"), { op: 'not', expr: { op: 'not', expr: a } });
  });
  it('refuses unbalanced parentheses, pointing at the culprit', () => {
    const open = fails("(displayName eq 'a'");
    assert.match(open.message, /'\(' is not closed/);
    assert.equal(open.position, 0);
    const close = fails("displayName eq 'a')");
    assert.match(close.message, /unexpected '\)'/);
    assert.equal(close.position, 18);
    assert.match(fails('()').message, /Expected a property or function, found '\)'/);
  });
  it('refuses dangling or misplaced keywords', () => {
    assert.match(fails("displayName eq 'a' and").message, /found the end of the filter/);
    assert.match(fails("and displayName eq 'a'").message, /Unexpected keyword 'and'/);
    assert.match(fails("displayName eq 'a' 'b'").message, /Expected 'and', 'or' or the end/);
    assert.match(fails('displayName eq').message, /cannot be compared with the end of the filter/);
    assert.match(fails('accountEnabled').message, /Expected a comparison operator after 'accountEnabled'/);
    assert.match(
      fails("'x' eq displayName").message,
      /Expected a property or function, found a string; a literal may only follow/,
    );
  });
  it('refuses empty and blank filters', () => {
    assert.match(fails('').message, /empty/);
    assert.match(fails('   ').message, /empty/);
  });
});

describe('parseFilter allow-list', () => {
  it('names an unknown property and where it is', () => {
    const e = fails("accountEnabled eq true and mail eq 'x'");
    assert.equal(e.message, "Property 'mail' is not supported in $filter.");
    assert.equal(e.position, 27);
    assert.equal(e.parameter, '$filter');
  });
  it('names an unknown operator', () => {
    assert.equal(fails("displayName has 'x'").message, "Unsupported operator 'has'.");
    assert.equal(fails("displayName in ('x')").message, "Unsupported operator 'in'.");
    assert.equal(fails("displayName like 'x'").message, "Unsupported operator 'like'.");
  });
  it('names an operator the property does not allow', () => {
    const e = fails("displayName gt 'x'");
    assert.equal(e.message, "Operator 'gt' is not supported for property 'displayName'.");
    assert.equal(e.position, 12);
  });
  it('names unknown functions', () => {
    assert.equal(fails("endswith(displayName, 'x')").message, "Unsupported function 'endswith'.");
    assert.equal(fails("contains(displayName, 'x')").message, "Unsupported function 'contains'.");
    assert.equal(fails("tolower(displayName) eq 'x'").message, "Unsupported function 'tolower'.");
  });
});

describe('parseFilter startswith', () => {
  it('accepts any casing of the function name', () => {
    const expected = { op: 'startswith', key: 'display_name', value: 'Al' };
    assert.deepEqual(ok("startswith(displayName, 'Al')"), expected);
    assert.deepEqual(ok("startsWith(displayName,'Al')"), expected);
    assert.deepEqual(ok("STARTSWITH( displayName , 'Al' )"), expected);
  });
  it('combines with other clauses', () => {
    assert.deepEqual(ok("startswith(displayName, 'A') and accountEnabled eq true").op, 'and');
    assert.deepEqual(ok("not startswith(displayName, 'A')").op, 'not');
  });
  it('refuses it on properties that do not allow it, and wrong arguments', () => {
    assert.match(
      fails("startswith(userPrincipalName, 'a')").message,
      /'startswith' is not supported for property 'userPrincipalName'/,
    );
    assert.match(fails("startswith('a', displayName)").message, /takes a property first/);
    assert.match(fails('startswith(displayName, 1)').message, /takes a string second/);
    assert.match(fails('startswith(displayName)').message, /Expected ','/);
    assert.match(fails("startswith(displayName, 'a'").message, /Expected '\)'/);
    assert.match(fails("startswith(nope, 'a')").message, /Property 'nope' is not supported/);
  });
});

describe('parseFilter any() lambdas', () => {
  it('parses targetResources/any(t: t/id eq …)', () => {
    assert.deepEqual(ok("targetResources/any(t: t/id eq 'x')"), {
      op: 'any',
      collection: 'targets',
      inner: { op: 'cmp', key: 'target_id', cmp: 'eq', value: str('x') },
    });
  });
  it('allows logic and startswith inside, and any() among other clauses', () => {
    const node = ok(
      "accountEnabled eq true and targetResources/any(r: startswith(r/displayName, 'Al') or r/id eq 'y')",
    );
    assert.equal(node.op, 'and');
    if (node.op === 'and') assert.equal(node.right.op, 'any');
  });
  it('a collection of strings is reached through the variable itself', () => {
    assert.deepEqual(ok("proxyAddresses/any(p: startswith(p, 'smtp:'))"), {
      op: 'any',
      collection: 'proxy',
      inner: { op: 'startswith', key: 'proxy_value', value: 'smtp:' },
    });
  });
  it('refuses paths that do not start with the variable, and unknown element properties', () => {
    assert.match(fails("targetResources/any(t: x/id eq 'x')").message, /must start with 't\/'/);
    assert.match(fails("targetResources/any(t: displayName eq 'x')").message, /must start with 't\/'/);
    assert.match(fails("targetResources/any(t: t/type eq 'x')").message, /Property 't\/type' is not supported/);
    assert.match(fails("targetResources/any(t: t eq 'x')").message, /Property 't' is not supported/);
  });
  it('refuses all(), empty any(), bad variables, non-collections and nesting', () => {
    assert.match(fails("targetResources/all(t: t/id eq 'x')").message, /'all' is not supported/);
    assert.match(fails('targetResources/any()').message, /needs a lambda expression/);
    assert.match(fails("targetResources/any(and: and/id eq 'x')").message, /Expected a lambda variable name/);
    assert.match(fails("targetResources/any(t t/id eq 'x')").message, /Expected ':'/);
    assert.match(fails("displayName/any(t: t eq 'x')").message, /'displayName' is not a collection/);
    assert.match(fails("unknown/any(t: t eq 'x')").message, /Property 'unknown' is not supported/);
    assert.match(fails("targetResources eq 'x'").message, /is a collection; filter it with targetResources\/any/);
    assert.match(fails("targetResources/any(t: proxyAddresses/any(p: p eq 'x'))").message, /any\(\) inside any\(\)/);
    assert.match(fails("targetResources/any(t: t/id eq 'x'").message, /any\( is not closed/);
  });
});

describe('parseFilter limits', () => {
  const nested = (levels: number) => `${'('.repeat(levels)}displayName eq 'a'${')'.repeat(levels)}`;
  it(`accepts ${MAX_FILTER_DEPTH} levels of parentheses and refuses one more`, () => {
    assert.equal(MAX_FILTER_DEPTH, 10);
    assert.deepEqual(ok(nested(MAX_FILTER_DEPTH)), eqName('a'));
    const e = fails(nested(MAX_FILTER_DEPTH + 1));
    assert.match(e.message, /nested more than 10 levels/);
    assert.equal(e.position, MAX_FILTER_DEPTH);
  });
  it('counts not and any() towards the depth', () => {
    assert.equal(ok(`${'not '.repeat(MAX_FILTER_DEPTH)}displayName eq 'a'`).op, 'not');
    assert.match(fails(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}displayName eq 'a'`).message, /nested more than/);
    assert.match(
      fails(`${'('.repeat(MAX_FILTER_DEPTH)}targetResources/any(t: t/id eq 'x')${')'.repeat(MAX_FILTER_DEPTH)}`)
        .message,
      /nested more than/,
    );
  });
  it('deep attacker input fails fast without a stack overflow', () => {
    assert.match(fails('('.repeat(1999)).message, /nested more than/);
  });
  it(`accepts ${MAX_QUERY_OPTION_LENGTH} characters and refuses ${MAX_QUERY_OPTION_LENGTH + 1}`, () => {
    const prefix = "displayName eq '";
    const atLimit = `${prefix}${'a'.repeat(MAX_QUERY_OPTION_LENGTH - prefix.length - 1)}'`;
    assert.equal(atLimit.length, MAX_QUERY_OPTION_LENGTH);
    assert.equal(ok(atLimit).op, 'cmp');
    const e = fails(`${atLimit} `);
    assert.match(e.message, /longer than 2000 characters/);
    assert.equal(e.position, MAX_QUERY_OPTION_LENGTH);
  });
  it('a long chain of clauses within the length limit parses', () => {
    const clause = "displayName eq 'a'";
    const text = Array.from({ length: 90 }, () => clause).join(' or ');
    assert.ok(text.length <= MAX_QUERY_OPTION_LENGTH);
    assert.equal(ok(text).op, 'or');
  });
});
