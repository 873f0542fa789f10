#!/usr/bin/env node
// Launcher for the `fulcrum` command: fulcrum runs from its TypeScript source through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
