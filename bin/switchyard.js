#!/usr/bin/env node
// The published package runs the compiled build; a source checkout runs the TypeScript directly
// (Node 22.18+ and 24 strip types natively).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/main.js', import.meta.url);
const entry = existsSync(compiled) ? compiled : new URL('../src/main.ts', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
