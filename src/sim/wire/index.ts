/**
 * Every wire format the simulator speaks. One simulator answers all of them at once, each on its vendor's
 * own paths, so a standalone simulator can stand in for OpenAI, Anthropic and Gemini together.
 */

import type { SimWireFormat } from '../types.ts';
import { ANTHROPIC_WIRE } from './anthropic.ts';
import { GEMINI_WIRE } from './gemini.ts';
import { OPENAI_WIRE } from './openai.ts';

export const SIM_WIRES: readonly SimWireFormat[] = [OPENAI_WIRE, ANTHROPIC_WIRE, GEMINI_WIRE];
