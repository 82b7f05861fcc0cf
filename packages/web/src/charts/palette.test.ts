import { describe, expect, it } from 'vitest';
import { channels } from '@flywheel/contracts';
import { channelColour, channelColours } from './palette';

describe('channel colours', () => {
  it('gives every channel its own colour, the same in every chart', () => {
    expect(new Set(channelColours()).size).toBe(channels.length);
    expect(channelColour('private_domain')).not.toBe(channelColour('direct'));
    expect(channelColour('private_domain')).toBe(channelColours()[channels.indexOf('private_domain')]);
  });
});
