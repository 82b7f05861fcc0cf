import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Repeating, Turns } from './background';

const log = pino({ level: 'silent' });
const until = async (done: () => boolean) => { for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 5)); };

describe('Repeating', () => {
  it('does nothing until started, repeats without overlapping, survives a failed run, and stops cleanly', async () => {
    let runs = 0;
    let inFlight = 0;
    let overlapped = false;
    const task = new Repeating('test', 1, async () => {
      runs++;
      if (++inFlight > 1) overlapped = true;
      await new Promise((r) => setTimeout(r, 3));
      inFlight--;
      if (runs === 2) throw new Error('a bad run');
    }, log);
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(0);
    task.start();
    task.start(); // a second start is the same loop
    await until(() => runs >= 4);
    await task.stop();
    expect(inFlight).toBe(0); // stop waited for the run in progress
    const after = runs;
    expect(after).toBeGreaterThanOrEqual(4); // the failed second run did not end the loop
    expect(overlapped).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(after);
  });
});

describe('Turns', () => {
  it('runs work of one key in order, keys side by side, and a failure does not block the next', async () => {
    const turns = new Turns();
    const order: string[] = [];
    const step = (name: string, ms: number, fail = false) => async () => {
      order.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`${name}-`);
      if (fail) throw new Error(name);
      return name;
    };
    const a1 = turns.run('a', step('a1', 10, true));
    const a2 = turns.run('a', step('a2', 1));
    const b1 = turns.run('b', step('b1', 1));
    await expect(a1).rejects.toThrow('a1');
    expect(await a2).toBe('a2');
    expect(await b1).toBe('b1');
    expect(order.indexOf('a2+')).toBeGreaterThan(order.indexOf('a1-')); // a's turns never overlap
    expect(order.indexOf('b1+')).toBeLessThan(order.indexOf('a1-')); // b did not wait for a
  });
});
