import { describe, expect, it } from 'vitest';
import { simEmbedding } from '../sim/embeddings.ts';
import { OUT_OF_SCOPE, trainEmbeddingClassifier, type EmbedTexts } from './embedding-classifier.ts';

const EXAMPLES: Record<string, string[]> = {
  billing: [
    'I was charged twice on my invoice',
    'refund the duplicate charge on my card',
    'why is my invoice higher this month',
    'update the card used for billing',
    'cancel my subscription billing',
  ],
  shipping: [
    'where is my package right now',
    'track the shipment of my order',
    'my parcel delivery is late',
    'change the delivery address of my order',
    'when will the package arrive',
  ],
  password: [
    'reset my password please',
    'I forgot my password and cannot log in',
    'how do I change my login password',
    'password reset email never arrived',
    'my account is locked after wrong password attempts',
  ],
};

function rows(): { text: string; label: string }[] {
  return Object.entries(EXAMPLES).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));
}

describe('embedding intent classifier', () => {
  const calls: number[] = [];
  const embed: EmbedTexts = (texts) => {
    calls.push(texts.length);
    return Promise.resolve(texts.map((text) => Float32Array.from(simEmbedding(text))));
  };

  it('assigns the nearest centroid, caches repeated texts, and calibrates a threshold', async () => {
    const classifier = await trainEmbeddingClassifier(rows(), embed);
    expect(classifier.labels).toEqual(['billing', 'shipping', 'password']);
    expect(classifier.threshold).toBeGreaterThan(0);
    expect((await classifier.classify('please refund this charge on my invoice')).label).toBe('billing');
    expect((await classifier.classify('where is my order delivery')).label).toBe('shipping');
    calls.length = 0;
    const first = await classifier.classify('I forgot my password');
    const again = await classifier.classify('I forgot my password');
    expect(first).toEqual(again);
    expect(first.label).toBe('password');
    expect(calls).toEqual([1]);
  });

  it('answers oos below the threshold, which can be set', async () => {
    const strict = await trainEmbeddingClassifier(rows(), embed, { minConfidence: 0.99 });
    expect((await strict.classify('refund the duplicate charge')).label).toBe(OUT_OF_SCOPE);
    const lenient = await trainEmbeddingClassifier(rows(), embed, { minConfidence: 0 });
    expect((await lenient.classify('zebra quantum violin')).label).not.toBe(OUT_OF_SCOPE);
  });

  it('uses out-of-scope examples to place the threshold between them and the intents', async () => {
    const withOos = [
      ...rows(),
      ...[
        'tell me a joke',
        'what is the weather today',
        'play some jazz music',
        'who won the football game',
        'recommend a good novel',
      ].map((text) => ({ text, label: OUT_OF_SCOPE })),
    ];
    const classifier = await trainEmbeddingClassifier(withOos, embed);
    expect(classifier.labels).not.toContain(OUT_OF_SCOPE);
    expect((await classifier.classify('tell me a joke about football')).label).toBe(OUT_OF_SCOPE);
    expect((await classifier.classify('refund my duplicate card charge')).label).toBe('billing');
  });
});
