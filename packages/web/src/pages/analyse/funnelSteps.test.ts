import { describe, expect, it } from 'vitest';
import { parseWhere } from './funnelSteps';

describe('parseWhere', () => {
  it('reads key=value pairs with typed values, Chinese commas too', () => {
    expect(parseWhere('category=服饰/女装， price=199; vip=true')).toEqual({ category: '服饰/女装', price: 199, vip: true });
  });
  it('is undefined when empty', () => {
    expect(parseWhere('  ')).toBeUndefined();
  });
});
