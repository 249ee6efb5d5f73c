import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { withOrigin } from './error-origin.ts';

const ORIGIN = { provider: 'openai-main', model: 'gpt-4o' };

describe('withOrigin', () => {
  it('adds provider and model to a transport error, keeping its code and cause chain', () => {
    const reset = new GatewayError('upstream_connection_failed', 'reset');
    const tagged = withOrigin(reset, ORIGIN);
    expect(tagged).toMatchObject({ code: 'upstream_connection_failed', message: 'reset', details: ORIGIN });
    expect(tagged.details.cause).toBe(reset);
  });

  it('leaves abort reasons and already-tagged errors untouched', () => {
    const deadline = new GatewayError('deadline_exceeded', 'late');
    expect(withOrigin(deadline, ORIGIN)).toBe(deadline);
    const tagged = new GatewayError('upstream_timeout', 'slow', { provider: 'other' });
    expect(withOrigin(tagged, ORIGIN)).toBe(tagged);
  });
});
