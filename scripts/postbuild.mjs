// Makes the CLI entry executable after tsc, so `npx rk8s` and the bin link work on a fresh clone.
import { chmodSync, existsSync } from 'node:fs';

const bin = new URL('../dist/src/cli/bin.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
