// An allow-list $filter parser: the supported OData subset in, an AST of allow-list keys out.
//
// Only properties and operators the route lists are accepted, and the AST carries the route's
// opaque keys and typed values, never caller text, so the store binds every value as a parameter.
import { type FilterError, type ParseResult, QueryOptionFailure, catchFailure, checkLength } from './errors.js';
import { GUID_PATTERN, type Token, tokenize } from './lexer.js';

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterOperator = ComparisonOperator | 'startswith';
export type FieldType = 'string' | 'datetime' | 'boolean' | 'guid' | 'enum' | 'number';

export interface FieldRule<K extends string> {
  readonly type: FieldType;
  readonly key: K;
  readonly operators: readonly FilterOperator[];
  /** For 'enum': the members, matched case-insensitively and returned as written here. */
  readonly enumValues?: readonly string[];
  /** Whether `eq null` / `ne null` are accepted. */
  readonly nullable?: boolean;
}

/** A multi-valued property reached with any(): `targetResources/any(t: t/id eq '…')`. */
export interface CollectionRule<K extends string> {
  readonly type: 'collection';
  readonly key: K;
  /** Element properties by path; '$this' is the element itself (a collection of strings). */
  readonly fields: FieldAllowList<K>;
}

/** Property path (as Graph spells it; matched case-insensitively) → what may be done with it. */
export type FieldAllowList<K extends string = string> = Readonly<Record<string, FieldRule<K> | CollectionRule<K>>>;

export type FilterValue =
  | { readonly type: 'string' | 'enum' | 'guid'; readonly value: string }
  | { readonly type: 'datetime'; readonly value: Date }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'null' };

export type FilterNode<K extends string = string> =
  | { readonly op: 'and' | 'or'; readonly left: FilterNode<K>; readonly right: FilterNode<K> }
  | { readonly op: 'not'; readonly expr: FilterNode<K> }
  | { readonly op: 'cmp'; readonly key: K; readonly cmp: ComparisonOperator; readonly value: FilterValue }
  | { readonly op: 'startswith'; readonly key: K; readonly value: string }
  | { readonly op: 'any'; readonly collection: K; readonly inner: FilterNode<K> };

/** Parentheses, not and any() nested deeper than this are refused, bounding recursion here and in the store. */
export const MAX_FILTER_DEPTH = 10;

const COMPARISONS: readonly ComparisonOperator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'true',
  'false',
  'null',
  'in',
  'has',
]);

type Rule<K extends string> = FieldRule<K> | CollectionRule<K>;

function lookup<K extends string>(allow: FieldAllowList<K>, path: string): Rule<K> | undefined {
  const wanted = path.toLowerCase();
  for (const [name, rule] of Object.entries(allow)) if (name.toLowerCase() === wanted) return rule;
  return undefined;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the filter';
    case 'word':
      return `'${token.text}'`;
    case 'string':
      return 'a string';
    case 'number':
    case 'datetime':
      return `'${token.text}'`;
    case 'guid':
      return `'${token.value}'`;
    default:
      return `'${{ lparen: '(', rparen: ')', comma: ',', colon: ':' }[token.kind]}'`;
  }
}

/** Inside any(): the lambda variable and the element's allow-list. */
interface LambdaScope<K extends string> {
  readonly variable: string;
  readonly fields: FieldAllowList<K>;
}

class FilterParser<K extends string> {
  private index = 0;
  private readonly tokens: Token[];
  private readonly allow: FieldAllowList<K>;

  constructor(text: string, allow: FieldAllowList<K>) {
    this.tokens = tokenize(text);
    this.allow = allow;
  }

  parse(): FilterNode<K> {
    const tree = this.parseOr(0, undefined);
    const rest = this.peek();
    if (rest.kind === 'rparen') throw new QueryOptionFailure("Unbalanced parentheses: unexpected ')'.", rest.pos);
    if (rest.kind !== 'eof')
      throw new QueryOptionFailure(`Expected 'and', 'or' or the end of the filter, found ${describe(rest)}.`, rest.pos);
    return tree;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? { kind: 'eof', pos: 0 };
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  private isWord(token: Token, word: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }

  private expect(kind: 'lparen' | 'rparen' | 'comma' | 'colon', what: string): Token {
    const token = this.next();
    if (token.kind !== kind) throw new QueryOptionFailure(`Expected ${what}, found ${describe(token)}.`, token.pos);
    return token;
  }

  private deeper(depth: number, at: Token): number {
    if (depth + 1 > MAX_FILTER_DEPTH)
      throw new QueryOptionFailure(`The filter is nested more than ${MAX_FILTER_DEPTH} levels deep.`, at.pos);
    return depth + 1;
  }

  private parseOr(depth: number, scope: LambdaScope<K> | undefined): FilterNode<K> {
    let left = this.parseAnd(depth, scope);
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      left = { op: 'or', left, right: this.parseAnd(depth, scope) };
    }
    return left;
  }

  private parseAnd(depth: number, scope: LambdaScope<K> | undefined): FilterNode<K> {
    let left = this.parseUnary(depth, scope);
    while (this.isWord(this.peek(), 'and')) {
      this.next();
      left = { op: 'and', left, right: this.parseUnary(depth, scope) };
    }
    return left;
  }

  private parseUnary(depth: number, scope: LambdaScope<K> | undefined): FilterNode<K> {
    const token = this.peek();
    if (this.isWord(token, 'not')) {
      this.next();
      return { op: 'not', expr: this.parseUnary(this.deeper(depth, token), scope) };
    }
    return this.parsePrimary(depth, scope);
  }

  private parsePrimary(depth: number, scope: LambdaScope<K> | undefined): FilterNode<K> {
    const token = this.next();
    if (token.kind === 'lparen') {
      const inner = this.parseOr(this.deeper(depth, token), scope);
      const close = this.next();
      if (close.kind !== 'rparen')
        throw new QueryOptionFailure(`Unbalanced parentheses: '(' is not closed, found ${describe(close)}.`, token.pos);
      return inner;
    }
    if (token.kind !== 'word') {
      const hint = token.kind === 'eof' ? '' : '; a literal may only follow a comparison operator';
      throw new QueryOptionFailure(`Expected a property or function, found ${describe(token)}${hint}.`, token.pos);
    }
    if (KEYWORDS.has(token.text.toLowerCase()))
      throw new QueryOptionFailure(`Unexpected keyword '${token.text}'.`, token.pos);
    if (this.peek().kind === 'lparen') return this.parseCall(token, depth, scope);
    return this.parseComparison(token, scope);
  }

  private parseCall(
    name: Extract<Token, { kind: 'word' }>,
    depth: number,
    scope: LambdaScope<K> | undefined,
  ): FilterNode<K> {
    const lower = name.text.toLowerCase();
    if (lower === 'startswith') return this.parseStartsWith(scope);
    const slash = name.text.lastIndexOf('/');
    const operator = lower.slice(slash + 1);
    if (slash > 0 && operator === 'any') return this.parseAny(name, name.text.slice(0, slash), depth, scope);
    if (slash > 0 && operator === 'all')
      throw new QueryOptionFailure("The lambda operator 'all' is not supported; use 'any'.", name.pos);
    throw new QueryOptionFailure(`Unsupported function '${name.text}'.`, name.pos);
  }

  /** Resolves a path against the allow-list, or inside any() against the element's fields. */
  private resolve(name: Extract<Token, { kind: 'word' }>, scope: LambdaScope<K> | undefined): Rule<K> {
    let rule: Rule<K> | undefined;
    if (scope === undefined) {
      rule = lookup(this.allow, name.text);
    } else {
      const [head, ...rest] = name.text.split('/');
      if (head !== scope.variable) {
        throw new QueryOptionFailure(
          `Inside any(), properties must start with '${scope.variable}/': '${name.text}'.`,
          name.pos,
        );
      }
      rule = lookup(scope.fields, rest.length === 0 ? '$this' : rest.join('/'));
    }
    if (rule === undefined)
      throw new QueryOptionFailure(`Property '${name.text}' is not supported in $filter.`, name.pos);
    return rule;
  }

  private resolveField(name: Extract<Token, { kind: 'word' }>, scope: LambdaScope<K> | undefined): FieldRule<K> {
    const rule = this.resolve(name, scope);
    if (rule.type === 'collection') {
      throw new QueryOptionFailure(
        `Property '${name.text}' is a collection; filter it with ${name.text}/any(…).`,
        name.pos,
      );
    }
    return rule;
  }

  private parseComparison(name: Extract<Token, { kind: 'word' }>, scope: LambdaScope<K> | undefined): FilterNode<K> {
    const field = this.resolveField(name, scope);
    const opToken = this.next();
    if (opToken.kind !== 'word') {
      throw new QueryOptionFailure(
        `Expected a comparison operator after '${name.text}', found ${describe(opToken)}.`,
        opToken.pos,
      );
    }
    const cmp = COMPARISONS.find((c) => c === opToken.text.toLowerCase());
    if (cmp === undefined) throw new QueryOptionFailure(`Unsupported operator '${opToken.text}'.`, opToken.pos);
    if (!field.operators.includes(cmp)) {
      throw new QueryOptionFailure(`Operator '${cmp}' is not supported for property '${name.text}'.`, opToken.pos);
    }
    const value = this.parseValue(field, name.text, cmp);
    return { op: 'cmp', key: field.key, cmp, value };
  }

  private parseValue(field: FieldRule<K>, path: string, cmp: ComparisonOperator): FilterValue {
    const token = this.next();
    const mismatch = (): never => {
      throw new QueryOptionFailure(
        `Property '${path}' is of type ${field.type} and cannot be compared with ${describe(token)}.`,
        token.pos,
      );
    };
    if (this.isWord(token, 'null')) {
      if (field.nullable !== true || (cmp !== 'eq' && cmp !== 'ne')) {
        throw new QueryOptionFailure(`Property '${path}' cannot be compared with null using '${cmp}'.`, token.pos);
      }
      return { type: 'null' };
    }
    switch (field.type) {
      case 'string':
        return token.kind === 'string' ? { type: 'string', value: token.value } : mismatch();
      case 'enum': {
        if (token.kind !== 'string') return mismatch();
        const member = (field.enumValues ?? []).find((v) => v.toLowerCase() === token.value.toLowerCase());
        if (member === undefined)
          throw new QueryOptionFailure(`'${token.value}' is not a valid value for property '${path}'.`, token.pos);
        return { type: 'enum', value: member };
      }
      case 'guid':
        // Graph clients usually quote ids, so a quoted GUID is accepted too.
        if (token.kind === 'guid') return { type: 'guid', value: token.value };
        if (token.kind === 'string' && GUID_PATTERN.test(token.value))
          return { type: 'guid', value: token.value.toLowerCase() };
        return mismatch();
      case 'datetime':
        return token.kind === 'datetime' ? { type: 'datetime', value: token.value } : mismatch();
      case 'boolean':
        if (this.isWord(token, 'true')) return { type: 'boolean', value: true };
        if (this.isWord(token, 'false')) return { type: 'boolean', value: false };
        return mismatch();
      case 'number':
        return token.kind === 'number' ? { type: 'number', value: token.value } : mismatch();
    }
  }

  private parseStartsWith(scope: LambdaScope<K> | undefined): FilterNode<K> {
    this.expect('lparen', "'('");
    const name = this.next();
    if (name.kind !== 'word')
      throw new QueryOptionFailure(`startswith() takes a property first, found ${describe(name)}.`, name.pos);
    const field = this.resolveField(name, scope);
    if (!field.operators.includes('startswith')) {
      throw new QueryOptionFailure(`Function 'startswith' is not supported for property '${name.text}'.`, name.pos);
    }
    this.expect('comma', "','");
    const prefix = this.next();
    if (prefix.kind !== 'string')
      throw new QueryOptionFailure(`startswith() takes a string second, found ${describe(prefix)}.`, prefix.pos);
    this.expect('rparen', "')' after the startswith() arguments");
    return { op: 'startswith', key: field.key, value: prefix.value };
  }

  private parseAny(
    name: Extract<Token, { kind: 'word' }>,
    path: string,
    depth: number,
    scope: LambdaScope<K> | undefined,
  ): FilterNode<K> {
    if (scope !== undefined) throw new QueryOptionFailure('any() inside any() is not supported.', name.pos);
    const open = this.expect('lparen', "'('");
    const rule = lookup(this.allow, path);
    if (rule === undefined) throw new QueryOptionFailure(`Property '${path}' is not supported in $filter.`, name.pos);
    if (rule.type !== 'collection')
      throw new QueryOptionFailure(`Property '${path}' is not a collection; any() does not apply.`, name.pos);
    const variable = this.next();
    if (variable.kind === 'rparen')
      throw new QueryOptionFailure("any() needs a lambda expression, e.g. any(t: t/id eq '…').", variable.pos);
    if (variable.kind !== 'word' || variable.text.includes('/') || KEYWORDS.has(variable.text.toLowerCase())) {
      throw new QueryOptionFailure(`Expected a lambda variable name, found ${describe(variable)}.`, variable.pos);
    }
    this.expect('colon', "':' after the lambda variable");
    const inner = this.parseOr(this.deeper(depth, open), { variable: variable.text, fields: rule.fields });
    const close = this.next();
    if (close.kind !== 'rparen')
      throw new QueryOptionFailure(`Unbalanced parentheses: any( is not closed, found ${describe(close)}.`, open.pos);
    return { op: 'any', collection: rule.key, inner };
  }
}

/**
 * Parses a $filter value against the route's allow-list. Supported: eq ne gt ge lt le, and, or,
 * not, parentheses, startswith(), any() lambdas; literals: 'strings' ('' escapes a quote),
 * numbers, true/false/null, unquoted ISO date-times with a zone, GUIDs.
 */
export function parseFilter<K extends string>(
  text: string,
  allow: FieldAllowList<K>,
): ParseResult<FilterNode<K>, FilterError> {
  return catchFailure('$filter', () => {
    checkLength(text, '$filter');
    if (text.trim() === '') throw new QueryOptionFailure('$filter is empty.', 0);
    return new FilterParser(text, allow).parse();
  });
}
