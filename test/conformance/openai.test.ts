import { runAdapterConformance } from './adapter-conformance.ts';
import { openAITarget } from './openai-target.ts';

runAdapterConformance(openAITarget('openai'));
runAdapterConformance(openAITarget('openai-compatible'));
