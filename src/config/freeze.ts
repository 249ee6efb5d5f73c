/**
 * Deep immutability for the resolved config. `Object.freeze` does not stop `Map#set`, so maps are given
 * mutators that throw: a stage that tries to change shared config fails loudly instead of racing others.
 */

const MAP_MUTATORS = ['set', 'delete', 'clear'] as const;

export function deepFreeze<T>(value: T): T {
  freezeValue(value);
  return value;
}

function freezeValue(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  // Typed arrays (a learned model's weights) cannot be frozen; their loaders never write them again.
  if (ArrayBuffer.isView(value)) return;
  if (value instanceof Map) {
    for (const [key, item] of value) {
      freezeValue(key);
      freezeValue(item);
    }
    for (const mutator of MAP_MUTATORS) {
      Object.defineProperty(value, mutator, {
        value: () => {
          throw new TypeError(`the resolved config is read-only (Map#${mutator})`);
        },
      });
    }
  } else {
    for (const item of Object.values(value)) freezeValue(item);
  }
  Object.freeze(value);
}
