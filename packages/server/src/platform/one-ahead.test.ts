import { describe, expect, it } from 'vitest';
import { OneAhead } from './one-ahead';

const later = (ms: number, value?: Error) => new Promise<void>((resolve, reject) => setTimeout(() => (value ? reject(value) : resolve()), ms));

describe('OneAhead', () => {
  it('lets the next step start before the previous one ends, but never a third', async () => {
    const pipe = new OneAhead();
    let running = 0;
    let most = 0;
    const step = async () => { running++; most = Math.max(most, running); await later(10); running--; };
    for (let i = 0; i < 5; i++) await pipe.push(step());
    await pipe.drain();
    expect(most).toBe(2);
    expect(running).toBe(0);
  });

  it('surfaces a failed step from the next push, or from drain for the last one', async () => {
    const first = new OneAhead();
    await first.push(later(5, new Error('chunk 1')));
    await expect(first.push(later(5))).rejects.toThrow('chunk 1');
    const last = new OneAhead();
    await last.push(later(5, new Error('chunk 2')));
    await expect(last.drain()).rejects.toThrow('chunk 2');
  });
});
