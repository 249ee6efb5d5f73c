/** Test support: the issues a config text is rejected with. */

import { ConfigError, type ConfigIssue } from './issues.ts';
import { loadConfigText } from './load.ts';

export async function configIssues(
  text: string,
  env: Record<string, string> = {},
): Promise<readonly ConfigIssue[]> {
  try {
    await loadConfigText(text, { env, source: 'test.yaml' });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}
