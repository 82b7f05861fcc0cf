#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript sources directly (no build step), so a fresh clone works after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
