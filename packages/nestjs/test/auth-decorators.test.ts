import { describe, expect, it } from 'vitest';
import { anyGroup, Auth, CurrentAuth, Public, type Rule } from '../src/index.js';

describe('@Auth() and @Public() at decoration time', () => {
  it('a malformed rule is a TypeError when the class is declared', () => {
    const malformed = { type: 'groups', match: 'some', values: ['admin'] } as unknown as Rule;
    expect(() => Auth(malformed)).toThrow(TypeError);
    expect(() => Auth({} as Rule)).toThrow(TypeError);
    expect(() => Auth('admin' as unknown as Rule)).toThrow(TypeError);
  });

  it('@Auth() and @Public() on the same target is a TypeError, in either order', () => {
    expect(() => {
      class Both {
        @Auth()
        @Public()
        handler() {}
      }
      return Both;
    }).toThrow(TypeError);
    expect(() => {
      @Public()
      @Auth(anyGroup('admin'))
      class Both {}
      return Both;
    }).toThrow(TypeError);
  });

  it('@CurrentAuth() validates its options', () => {
    expect(() => CurrentAuth({ optionl: true } as never)).toThrow(/unknown option/);
    expect(() => CurrentAuth({ optional: 'yes' } as never)).toThrow(TypeError);
    expect(() => CurrentAuth(null as never)).toThrow(TypeError);
    expect(typeof CurrentAuth({ optional: true })).toBe('function');
  });
});
