import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

describe('group commit', () => {
  it('commits what arrives during a commit together in the next one, and resolves each add once committed', async () => {
    const commits: number[][] = [];
    const group = new GroupCommit<number>(async (items) => { commits.push(items); await new Promise((r) => setTimeout(r, 10)); });
    const added = [group.add(1), group.add(2), group.add(3)];
    await Promise.all(added);
    expect(commits).toEqual([[1], [2, 3]]);
    await group.drain();
  });

  it('rejects every add of a failed commit and goes on with the next', async () => {
    let calls = 0;
    const group = new GroupCommit<string>(async () => { if (calls++ === 0) throw new Error('disk full'); });
    const failed = group.add('a');
    const next = group.add('b');
    await expect(failed).rejects.toThrow('disk full');
    await expect(next).resolves.toBeUndefined();
  });
});
