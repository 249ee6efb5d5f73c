import { runAdapterConformance } from './adapter-conformance.ts';
import { anthropicTarget } from './anthropic-target.ts';

runAdapterConformance(anthropicTarget());
