import { runAdapterConformance } from './adapter-conformance.ts';
import { geminiTarget } from './gemini-target.ts';

runAdapterConformance(geminiTarget);
