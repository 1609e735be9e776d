// Malformed authorization rules, written by hand the way a typo or a config file produces
// them. Before every rule was validated structurally, the first four granted every token and
// the next two threw a TypeError per request (a 500); each must now stop the app at startup.
import { anyGroup } from '@tokengate/core';

export interface MalformedRule {
  readonly name: string;
  readonly rule: unknown;
  /** Where in the rule the TypeError must point. */
  readonly path: string;
}

export const MALFORMED_RULES: readonly MalformedRule[] = [
  {
    name: 'groups with match "All"',
    rule: { type: 'groups', match: 'All', values: ['admin'] },
    path: 'rule.match',
  },
  { name: 'groups without match', rule: { type: 'groups', values: ['admin'] }, path: 'rule.match' },
  { name: 'an empty and', rule: { type: 'and', rules: [] }, path: 'rule.rules' },
  {
    name: 'scopes with no values',
    rule: { type: 'scopes', match: 'all', values: [] },
    path: 'rule.values',
  },
  { name: 'a not without a rule', rule: { type: 'not' }, path: 'rule.rule' },
  { name: 'scopes without values', rule: { type: 'scopes', match: 'all' }, path: 'rule.values' },
  {
    name: 'groups with match "any " inside an or',
    rule: {
      type: 'or',
      rules: [anyGroup('admin'), { type: 'groups', match: 'any ', values: ['x'] }],
    },
    path: 'rule.rules[1].match',
  },
  {
    name: 'a claim rule with its path as a string',
    rule: { type: 'claim', path: 'custom:tenant', match: 'equals', value: 'acme' },
    path: 'rule.path',
  },
  {
    name: 'an unknown key',
    rule: { type: 'client', values: ['svc'], match: 'any' },
    path: 'rule has unknown key',
  },
];
